"""Run the declared experiments that are missing or stale, with progress and a summary.

A run is skipped when its folder holds a ``results.json`` whose key matches the
spec, seed, profile, data fingerprint and training code of now. Only this
module decides what to run; ``run.run_experiment`` does one run.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import experiments
from experiments import data, results, wordvectors
from experiments.corpus import SplitError
from experiments.datasets import DataFormatError, DataNotFoundError
from experiments.results import ResultsError
from experiments.run import RunPaths, redraw_figures, run_experiment
from experiments.specs import ExperimentSpec, SpecError, expand

#: Errors about the user's data or specs: their message says what to do, a traceback would only distract.
USER_ERRORS = (DataNotFoundError, DataFormatError, SplitError, SpecError, ResultsError, wordvectors.VectorsError)
#: Touched whenever the set of results changes, so make knows to re-render the report.
STAMP = ".updated"
LOCK = ".lock"


@dataclass(frozen=True)
class Job:
    spec: ExperimentSpec
    seed: int
    source: str
    key: str
    #: What the key is made of (spec, seed, profile, data, vectors, code, backend), kept beside the results so
    #: that `python -m experiments status` can say why a run is stale.
    parts: dict | None = None
    #: Another job of this suite that computes exactly the same thing (a grid point equal to a declared
    #: experiment): this one copies its results instead of training again.
    same_as: "Job | None" = None


#: Beside each results file: the parts of its cache key.
KEY_PARTS = "key.json"


def matches(run_id: str, only: str | None) -> bool:
    """Whether a run id matches ONLY's shell-style patterns: ``20ng-seq-len`` matches every point of that
    grid, ``20ng-seq-len@seq_len=50`` one point."""
    from fnmatch import fnmatch

    patterns = [p.strip() for p in (only or "").split(",") if p.strip()]
    declared = run_id.split("@")[0].split("--")[0]  # a grid point's experiment, without --set overrides
    return not patterns or any(fnmatch(run_id, p) if "@" in p else fnmatch(declared, p) for p in patterns)


def plan(
    specs: list[ExperimentSpec], *, profile: str, data_choice: str, seeds: int, paths: RunPaths,
    only: str | None = None,
) -> tuple[list[Job], list[Job]]:
    """Every job of ``specs`` (grids expanded, one per seed, points filtered by ``only``), split into
    (to run, already fresh)."""
    code, libraries = results.code_version(), results.library_versions()
    sources: dict[str, str] = {}
    prints: dict[tuple, str] = {}
    vector_sources: dict[tuple, str | None] = {}
    computed: dict[str, Job] = {}
    todo, fresh = [], []
    for declared in specs:
        for spec in expand(declared, profile=profile):
            dataset = spec.data.dataset
            if dataset not in sources:
                sources[dataset] = data.resolve_source(dataset, data_choice, paths.data_dir)
            source = sources[dataset]
            print_key = (dataset, source, repr(sorted(spec.data.options.items())))
            if print_key not in prints:
                prints[print_key] = data.fingerprint(spec.data, source=source, profile=profile, data_dir=paths.data_dir)
            # Which vectors a run would get is part of its key: `make vectors` makes runs stale.
            wanted = (spec.vectors.name, spec.vectors.dim, source)
            if wanted not in vector_sources:
                vector_sources[wanted] = spec.vectors.name and wordvectors.locate(
                    spec.vectors.name, dim=spec.vectors.dim, data_dir=paths.data_dir, generated=source == "embedded",
                ).identity()
            vectors = vector_sources[wanted] if not spec.model.is_reference else None
            for seed in range(seeds):
                fingerprint = f"{prints[print_key]}|{vectors}"
                key = results.cache_key(spec.to_dict(), seed, profile, fingerprint, code)
                # What is computed, whatever the experiment is called: equal for a grid point equal to another experiment.
                content = results.cache_key({**spec.to_dict(), "id": "", "title": "", "study": "", "experiment": "", "point": {}},
                                            seed, profile, fingerprint, code)
                parts = {"spec": spec.to_dict(), "seed": seed, "profile": profile, "data": prints[print_key],
                         "vectors": vectors, "code": code, "backend": results.keras_backend(),
                         "libraries": libraries}
                job = Job(spec, seed, source, key, parts, same_as=computed.get(content))
                computed.setdefault(content, job)
                if not matches(spec.id, only):
                    continue
                stored = results.stored_key(paths.run_folder(spec, seed))
                (fresh if stored == key else todo).append(job)
    return todo, fresh


@contextmanager
def suite_lock(results_dir: Path) -> Iterator[None]:
    """One suite at a time per results folder; a second one is told who holds it."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / LOCK
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise SystemExit(
                f"error: another `make experiments` is running ({holder}); wait for it to finish, "
                f"or stop it first. Lock file: {path}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {time.strftime('%H:%M:%S')}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def _remove_orphans(results_dir: Path) -> None:
    """Delete temporary files that a killed run left half-written (only the lock holder may)."""
    for orphan in results_dir.rglob(".*.tmp"):
        orphan.unlink(missing_ok=True)


def _device() -> str:
    """Where training runs, known without importing a framework: the NVIDIA GPUs the driver lists, else the CPU."""
    gpus = experiments.nvidia_gpus()
    return f"{len(gpus)} NVIDIA GPU(s)" if gpus else f"CPU ({os.cpu_count()} cores)"


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


EXECUTORS = ("local", "ray")


def run_suite(
    specs: list[ExperimentSpec], *, profile: str, data_choice: str, seeds: int, force: bool, paths: RunPaths,
    verbose: int = 2, executor: str = "local", only: str | None = None, jobs: int = 1,
) -> int:
    """Run what is missing or stale; print progress and a summary; return a process exit code.

    ``executor`` is "local" (one run after another in this process, or ``jobs``
    runs at once in processes of their own) or "ray" (each run a Ray task; see
    :mod:`experiments.cluster`). All write the same results folders under the
    same keys, under the same lock.
    """
    if jobs < 1:
        raise SpecError(f"JOBS={jobs}; it must be 1 or more")
    if executor not in EXECUTORS:
        raise SpecError(f"EXECUTOR={executor!r}; allowed: {', '.join(EXECUTORS)}")
    if executor == "ray":
        from experiments import cluster

        cluster.require_ray()  # before any planning: say how to install it
    todo, fresh = plan(specs, profile=profile, data_choice=data_choice, seeds=seeds, paths=paths, only=only)
    if force:
        todo, fresh = todo + fresh, []
    print(f"{len(todo)} run(s) to do, {len(fresh)} up to date (profile {profile}, data {data_choice}, "
          f"Keras backend {results.keras_backend()} on {_device()})")
    for spec in {job.spec.id: job.spec for job in todo}.values():
        spec.check_model()
    stamp = paths.results_dir / STAMP
    rows, failed = [], []
    started = time.perf_counter()

    def finished(job: Job, outcome: dict | None, err: Exception | None) -> None:
        """Bookkeeping shared by the executors: the stamp, the summary row or the failure."""
        stamp.touch()
        if err is not None:
            failed.append((job, err))
            if not isinstance(err, USER_ERRORS):  # a bug: keep the traceback for the report
                traceback.print_exception(err, file=sys.stderr)
            print(f"error: {job.spec.id} seed {job.seed} failed: {err}", file=sys.stderr)
            return
        results.write_json_atomic(paths.run_folder(job.spec, job.seed) / KEY_PARTS, job.parts)
        metrics = outcome["metrics"]
        rows.append((job.spec.id, job.seed, metrics["accuracy"], metrics["macro_f1"], outcome["timings"]["total_seconds"]))

    with suite_lock(paths.results_dir):
        _remove_orphans(paths.results_dir)
        _redraw_stale_figures(fresh, paths)
        if executor == "ray":
            code = _run_on_ray(todo, profile=profile, paths=paths, finished=finished, started=started)
        elif jobs > 1:
            code = _run_in_processes(todo, jobs=jobs, profile=profile, paths=paths, finished=finished, started=started)
        else:
            code = _run_here(todo, profile=profile, paths=paths, finished=finished, started=started, verbose=verbose)
        if code:
            return code
        if not stamp.exists():
            stamp.touch()
    _summary(rows, time.perf_counter() - started)
    for job, err in failed:
        print(f"FAILED {job.spec.id} seed {job.seed}: {err}", file=sys.stderr)
    return 1 if failed else 0


def status(specs: list[ExperimentSpec], *, profile: str, data_choice: str, seeds: int, paths: RunPaths,
           only: str | None = None) -> list[tuple[Job, str, str]]:
    """Every job with its state ("fresh", "stale" or "missing") and, for a stale one, why (like ``dvc status``)."""
    todo, fresh = plan(specs, profile=profile, data_choice=data_choice, seeds=seeds, paths=paths, only=only)
    out = [(job, "fresh", "") for job in fresh]
    for job in todo:
        folder = paths.run_folder(job.spec, job.seed)
        if not (folder / results.RESULTS_FILE).is_file():
            out.append((job, "missing", "never run" if not folder.is_dir() else "not finished"))
            continue
        try:
            stored = json.loads((folder / KEY_PARTS).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            out.append((job, "stale", "ran before the parts of its key were recorded"))
            continue
        out.append((job, "stale", why_stale(stored, job.parts)))
    order = {(j.spec.id, j.seed): i for i, j in enumerate([*todo, *fresh])}
    return sorted(out, key=lambda row: order[(row[0].spec.id, row[0].seed)])


def why_stale(stored: dict, now: dict) -> str:
    """The parts of a key that changed, in words: the spec's changed settings by dotted key."""
    reasons = []
    if stored.get("spec") != now["spec"]:
        changed = [f"{k}: {a!r} → {b!r}" for k, a, b in _dotted_diff(stored.get("spec", {}), now["spec"])]
        reasons.append("spec (" + "; ".join(changed[:4]) + ")")
    if stored.get("profile") != now["profile"]:
        reasons.append(f"profile ({stored.get('profile')} → {now['profile']})")
    if stored.get("data") != now["data"]:
        reasons.append("data (the files or the generator changed)")
    if stored.get("vectors") != now["vectors"]:
        reasons.append(f"vectors ({stored.get('vectors')} → {now['vectors']})")
    if stored.get("backend") != now["backend"]:
        reasons.append(f"backend ({stored.get('backend')} → {now['backend']})")
    elif stored.get("libraries", now.get("libraries")) != now.get("libraries"):
        old, new = stored["libraries"], now["libraries"]
        moved = [f"{name} {old.get(name, '–')} → {new.get(name, '–')}" for name in sorted(set(old) | set(new))
                 if old.get(name) != new.get(name)]
        reasons.append(f"library versions ({', '.join(moved)})")
    elif stored.get("code") != now["code"]:
        reasons.append("training code (experiments/*.py)")
    return ", ".join(reasons) or "its key changed"


def _dotted_diff(a: dict, b: dict, prefix: str = "") -> Iterator[tuple[str, object, object]]:
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        if isinstance(x, dict) and isinstance(y, dict):
            yield from _dotted_diff(x, y, f"{prefix}{key}.")
        elif x != y:
            yield f"{prefix}{key}", x, y


def _run_here(todo: list[Job], *, profile: str, paths: RunPaths, finished: Callable, started: float, verbose: int) -> int:
    """The local executor: one run after another in this process."""
    took: dict[bool, list[float]] = {True: [], False: []}  # seconds per finished run, by "is a reference model"
    for index, job in enumerate(todo, start=1):
        print(f"\n[{index}/{len(todo)}] {job.spec.id} seed {job.seed} ({job.source} data) · "
              f"elapsed {_clock(time.perf_counter() - started)}{_estimate(todo[index - 1:], took)}", flush=True)
        run_started = time.perf_counter()
        try:
            if job.same_as is not None and results.stored_key(paths.run_folder(job.same_as.spec, job.seed)) == job.same_as.key:
                outcome = _reuse(job, paths)
            else:
                outcome = run_experiment(
                    job.spec, seed=job.seed, profile=profile, source=job.source, key=job.key, paths=paths, verbose=verbose,
                )
        except KeyboardInterrupt:
            print(f"\ninterrupted during {job.spec.id}; finished runs are kept, rerun to resume")
            return 130
        except Exception as err:  # noqa: BLE001 - one broken experiment must not lose the others
            finished(job, None, err)
        else:
            finished(job, outcome, None)
        took[job.spec.model.is_reference].append(time.perf_counter() - run_started)
    return 0


def _run_on_ray(todo: list[Job], *, profile: str, paths: RunPaths, finished: Callable, started: float) -> int:
    """The Ray executor: every run that is not a reuse becomes a task; reuses follow their originals."""
    from experiments import cluster

    tasks = [job for job in todo if job.same_as is None or job.same_as not in todo]
    took: dict[bool, list[float]] = {True: [], False: []}  # seconds per finished task, by "is a reference model"
    ended = []

    def report(job: Job, outcome: dict | None, err: Exception | None) -> None:
        finished(job, outcome, err)
        ended.append(job)
        if outcome is not None:
            took[job.spec.model.is_reference].append(outcome["timings"]["total_seconds"])
        remaining = [j for j in tasks if j not in ended]
        print(f"[{len(ended)}/{len(tasks)} done] {job.spec.id} seed {job.seed}"
              f"{' FAILED' if err else ''} · elapsed {_clock(time.perf_counter() - started)}"
              f"{_estimate(remaining, took, cluster.slots())}", flush=True)

    try:
        cluster.run_on_ray(tasks, profile=profile, paths=paths, report=report)
    except KeyboardInterrupt:
        print("\ninterrupted; finished runs are kept, rerun to resume")
        return 130
    _reuse_after(todo, tasks, paths, finished)
    return 0


def _run_in_processes(todo: list[Job], *, jobs: int, profile: str, paths: RunPaths, finished: Callable,
                      started: float) -> int:
    """The local executor with ``jobs`` runs at once, each in a process of its own with an equal share of the
    cores; reuses follow their originals, as on Ray."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    tasks = [job for job in todo if job.same_as is None or job.same_as not in todo]
    threads = max(1, (os.cpu_count() or 1) // jobs)
    took: dict[bool, list[float]] = {True: [], False: []}
    print(f"{len(tasks)} run(s) in {jobs} processes of {threads} thread(s) each", flush=True)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_share_cores, initargs=(threads,))
    try:
        pending = {pool.submit(run_experiment, job.spec, seed=job.seed, profile=profile, source=job.source,
                               key=job.key, paths=paths, verbose=0): job for job in tasks}
        for done, future in enumerate(as_completed(pending), start=1):
            job = pending[future]
            try:
                outcome = future.result()
            except Exception as err:  # noqa: BLE001 - one broken experiment must not lose the others
                finished(job, None, err)
            else:
                finished(job, outcome, None)
                took[job.spec.model.is_reference].append(outcome["timings"]["total_seconds"])
            remaining = [j for f, j in pending.items() if not f.done()]
            print(f"[{done}/{len(tasks)} done] {job.spec.id} seed {job.seed} · elapsed "
                  f"{_clock(time.perf_counter() - started)}{_estimate(remaining, took, jobs)}", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted; finished runs are kept, rerun to resume")
        pool.shutdown(wait=False, cancel_futures=True)
        return 130
    pool.shutdown()
    _reuse_after(todo, tasks, paths, finished)
    return 0


def _share_cores(threads: int) -> None:
    """In a worker process, before any framework loads: use ``threads`` cores, so that workers do not compete."""
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_multi_thread_eigen=false "
                               f"intra_op_parallelism_threads={threads}").strip()
    for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[name] = str(threads)


def _reuse_after(todo: list[Job], tasks: list[Job], paths: RunPaths, finished: Callable) -> None:
    """File the results of every job that repeats another's computation, once the originals have run."""
    for job in todo:
        if job not in tasks:
            try:
                finished(job, _reuse(job, paths), None)
            except Exception as err:  # noqa: BLE001 - its original failed: say so, keep the others
                finished(job, None, err)


def _reuse(job: Job, paths: RunPaths) -> dict:
    """The results of ``job.same_as``, filed under ``job``'s id and key: the same computation, not run twice."""
    original = paths.run_folder(job.same_as.spec, job.seed)
    folder = paths.run_folder(job.spec, job.seed)
    payload = {**results.read(original / results.RESULTS_FILE), "spec": job.spec.to_dict(), "key": job.key,
               "same_as": job.same_as.spec.id}
    print(f"{job.spec.id} is the same computation as {job.same_as.spec.id}: its results are reused")
    if (original / "tensorboard").is_dir():
        shutil.copytree(original / "tensorboard", folder / "tensorboard", dirs_exist_ok=True)
    results.write_json_atomic(folder / "spec.json", job.spec.to_dict())
    results.write_json_atomic(folder / results.RESULTS_FILE, payload)
    return payload


def _redraw_stale_figures(fresh: list[Job], paths: RunPaths) -> None:
    """Finished runs whose figures older figure code drew get them redrawn from their results file."""
    version = results.figures_version()
    stale = [job for job in fresh if results.stored_figures_version(paths.run_folder(job.spec, job.seed)) != version]
    if not stale:
        return
    print(f"redrawing the figures of {len(stale)} finished run(s); nothing is retrained")
    for job in stale:
        redraw_figures(job.spec, job.seed, paths)
    (paths.results_dir / STAMP).touch()


def _estimate(remaining: list[Job], took: dict[bool, list[float]], slots: int = 1) -> str:
    """Time left, from the mean time of finished runs of the same kind (networks are slower than
    references), shared among the ``slots`` runs that go on at once."""
    seen = [t for times in took.values() for t in times]
    if not seen:
        return ""
    # A kind with no finished run yet is assumed as slow as the slowest run so far.
    mean = {kind: sum(times) / len(times) if times else max(seen) for kind, times in took.items()}
    left = sum(mean[job.spec.model.is_reference] for job in remaining) / max(1, slots)
    return f", about {_clock(left)} left"


def _summary(rows: list[tuple], seconds: float) -> None:
    if not rows:
        print("everything up to date")
        return
    width = max(len(r[0]) for r in rows)
    print(f"\n{'experiment':<{width}}  seed  accuracy  macro-F1      time")
    for name, seed, accuracy, f1, secs in rows:
        print(f"{name:<{width}}  {seed:>4}  {accuracy:>8.3f}  {f1:>8.3f}  {_clock(secs):>8}")
    print(f"{len(rows)} run(s) in {_clock(seconds)}")
