"""The suite on a Ray cluster: each (experiment, seed) is one Ray task.

A task runs :func:`experiments.run.run_experiment` unchanged, in a scratch
folder of the worker, and returns the results and every file it wrote (the
figures, TensorBoard logs) to the driver, which writes them into the results
folder: workers share no disk with the driver. The data is read on the worker
from the same data folder (or generated there, for the embedded stand-ins).

Ray schedules each task by its request (a CPU, or a GPU where the cluster has
GPUs), and retries a task whose worker or node is lost; a result is written
only when its task has finished, so nothing finished is lost. ``RAY_ADDRESS``
names an existing cluster; without it, a local Ray instance is started.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from experiments import results
from experiments.run import RunPaths, run_experiment
from experiments.specs import ExperimentSpec

#: How often Ray reruns a task whose worker process or node died.
MAX_RETRIES = 3
INSTALL = "pip install 'ray[default]>=2.9'  (or: .venv/bin/pip install -e '.[cluster]')"


def require_ray():
    """The ``ray`` module, or a clear error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise SystemExit(f"error: EXECUTOR=ray needs Ray, which is not installed: {INSTALL}") from None
    return ray


def run_job(spec: dict, seed: int, profile: str, source: str, key: str, data_dir: str, cache_dir: str) -> dict:
    """One run on a worker: the results and the files it wrote, as bytes by path relative to its folders."""
    with tempfile.TemporaryDirectory(prefix="textclf-") as scratch:
        paths = RunPaths(Path(data_dir), Path(cache_dir), Path(scratch) / "results", Path(scratch) / "images")
        payload = run_experiment(ExperimentSpec.from_dict(spec), seed=seed, profile=profile, source=source, key=key,
                                 paths=paths, verbose=0)
        files = {
            f"{kind}/{path.relative_to(root).as_posix()}": path.read_bytes()
            for kind, root in (("results", paths.results_dir), ("images", paths.images_dir))
            for path in sorted(root.rglob("*")) if path.is_file() and path.name != results.RESULTS_FILE
        }
    return {"payload": payload, "files": files, "node": _node_id()}


def _node_id() -> str | None:
    try:
        import ray

        return ray.get_runtime_context().get_node_id()
    except Exception:  # noqa: BLE001 - outside Ray (tests call run_job directly)
        return None


def store(outcome: dict, paths: RunPaths) -> dict:
    """Write a finished task's files into the results and images folders; the results file last, atomically."""
    payload = outcome["payload"]
    for name, content in outcome["files"].items():
        kind, _, relative = name.partition("/")
        target = (paths.results_dir if kind == "results" else paths.images_dir) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(content)
        os.replace(tmp, target)
    # Figure paths as the driver's folders name them.
    images = paths.images_dir.relative_to(paths.images_dir.parent)
    payload["figures"] = {name: str(images / Path(path).relative_to(Path(path).parts[0]))
                          for name, path in payload["figures"].items()}
    payload["executor"] = {"kind": "ray", "node": outcome.get("node")}
    spec = payload["spec"]
    results.write_json_atomic(paths.results_dir / spec["id"] / f"seed-{payload['seed']}" / results.RESULTS_FILE,
                              results.validate(payload))
    return payload


def run_on_ray(jobs: list, *, profile: str, paths: RunPaths, report: Callable[[object, dict | None, Exception | None], None],
               cpus_per_task: float = 1.0) -> None:
    """Run ``jobs`` as Ray tasks; call ``report(job, payload, error)`` as each one ends, in order of completion."""
    ray = require_ray()
    started_here = not ray.is_initialized()
    if started_here:
        # RAY_ADDRESS, when set, names the cluster; otherwise Ray starts a local instance.
        ray.init(address=os.environ.get("RAY_ADDRESS") or None, include_dashboard=False, log_to_driver=False)
    try:
        gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        task = ray.remote(num_cpus=cpus_per_task, num_gpus=gpus, max_retries=MAX_RETRIES, retry_exceptions=False)(run_job)
        pending = {
            task.remote(job.spec.to_dict(), job.seed, profile, job.source, job.key, str(paths.data_dir), str(paths.cache_dir)): job
            for job in jobs
        }
        print(f"ray: {len(pending)} task(s) on {len(ray.nodes())} node(s), {ray.cluster_resources().get('CPU', 0):.0f} CPUs"
              f"{f', {gpus} GPU per network run' if gpus else ''}", flush=True)
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            job = pending.pop(done[0])
            try:
                report(job, store(ray.get(done[0]), paths), None)
            except Exception as err:  # noqa: BLE001 - one failed task must not lose the others
                report(job, None, _cause(err))
    finally:
        if started_here:
            ray.shutdown()


def _cause(err: Exception) -> Exception:
    """The exception the task raised, not Ray's wrapper around it."""
    return getattr(err, "cause", None) or err


def slots() -> int:
    """How many tasks run at once: the cluster's CPUs (each task asks for one)."""
    ray = require_ray()
    return int(ray.cluster_resources().get("CPU", 1)) if ray.is_initialized() else os.cpu_count() or 1
