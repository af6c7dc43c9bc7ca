"""The Ray executor on a real two-node cluster: runs spread over both nodes, survive a killed
worker and a removed node, and give the local executor's results.

Ray binds the machine's interface address, and traffic outside the machine is
not allowed here, so each case runs the cluster inside a network namespace of
its own with loopback only, and a PID namespace that ends every process it
started (tests/ray_namespace.py).
"""

import json
import shutil
import subprocess
import sys

import pytest

from experiments import results, suite
from experiments.paths import ROOT
from experiments.run import RunPaths

pytest.importorskip("ray", reason="the Ray executor is an extra: pip install -e '.[cluster]'")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("unshare") is None or subprocess.run(["unshare", "-n", "-p", "-f", "true"]).returncode != 0,
        reason="needs unshare(1) with network and PID namespaces (root)",
    ),
]
RUNS = 8  # seven market intervals of the majority class and one small network


def in_namespace(case: str, workdir) -> dict:
    script = f'ip link set lo up && exec "{sys.executable}" tests/ray_namespace.py {case} "{workdir}"'
    done = subprocess.run(["unshare", "-n", "-p", "-f", "--mount-proc", "sh", "-c", script],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_runs_spread_over_both_nodes_and_equal_the_local_executors_results(tmp_path):
    outcome = in_namespace("spread", tmp_path / "ray")
    assert outcome == {"code": 0, "finished": RUNS, "nodes": 2, "events": []}

    from tests.ray_namespace import specs  # the same specs, run here one after another

    local = tmp_path / "local"
    paths = RunPaths(local / "raw", local / "interim", local / "results", local / "images")
    assert suite.run_suite(specs(local), profile="quick", data_choice="embedded", seeds=1, force=False,
                           paths=paths, verbose=0) == 0
    compared = sorted((local / "results").glob(f"*/seed-0/{results.RESULTS_FILE}"))
    assert len(compared) == RUNS  # every run of the suite is compared, not an empty loop
    for path in compared:
        here, there = results.read(path), results.read(tmp_path / "ray" / path.relative_to(local))
        assert there["key"] == here["key"]  # the same cache key: a later local suite finds it fresh
        assert there["metrics"]["predictions"] == here["metrics"]["predictions"]
        assert there["metrics"]["accuracy"] == here["metrics"]["accuracy"]
        for figure in there["figures"].values():
            assert (tmp_path / "ray" / figure).stat().st_size > 1000  # written by the driver, not the worker


def test_a_worker_killed_mid_run_is_retried_and_every_result_is_present(tmp_path):
    outcome = in_namespace("kill-worker", tmp_path)
    assert outcome["events"][0].startswith("killed worker")
    assert (outcome["code"], outcome["finished"]) == (0, RUNS)
    for path in (tmp_path / "results").glob(f"*/seed-0/{results.RESULTS_FILE}"):
        results.read(path)


def test_a_node_removed_mid_suite_loses_no_result(tmp_path):
    outcome = in_namespace("remove-node", tmp_path)
    assert outcome["events"] == ["removed the second node"]
    assert (outcome["code"], outcome["finished"]) == (0, RUNS)
