"""The Ray half of tests/test_cluster.py, run inside a network namespace with loopback only.

    unshare -n -p -f --mount-proc sh -c 'ip link set lo up && python tests/ray_namespace.py CASE WORKDIR'

It starts a real two-node Ray cluster on 127.0.0.1 (Ray's ``Cluster``: a head
and a second node, one CPU each, no dashboard), runs a suite with the Ray
executor while doing what CASE says to the cluster, and prints one JSON line
with what happened. Every process it starts lives in the PID namespace, so the
kernel ends them all when this script ends; it also shuts the cluster down
through its own handle first.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import psutil

from experiments import results, studies, suite
from experiments.run import RunPaths
from experiments.specs import ExperimentSpec

#: Fast runs: seven reference models of the market study, and one small network.
SPECS = "market-majority"


def specs(workdir: Path) -> list[ExperimentSpec]:
    (dense,) = studies.find("bbc-dense")
    tiny = dense.replace({"train.epochs": 2, "data.max_train": 200, "vectorize.seq_len": 64}, id="tiny-dense")
    return [*studies.find(SPECS), tiny]


def when(condition, then, timeout: float = 120.0) -> threading.Thread:
    """Call ``then()`` in the background once ``condition()`` holds."""
    def watch():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                then()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def running_tasks() -> list[psutil.Process]:
    """Ray worker processes executing a run (Ray titles them ray::run_job)."""
    return [p for p in psutil.process_iter(["cmdline"]) if (p.info["cmdline"] or [""])[0].startswith("ray::run_job")]


def main(case: str, workdir: Path) -> int:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "include_dashboard": False, "node_ip_address": "127.0.0.1"})
    second = cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    os.environ["RAY_ADDRESS"] = cluster.address
    events = []
    try:
        if case == "kill-worker":
            def kill():
                victim = running_tasks()[0]
                events.append(f"killed worker {victim.pid}")
                victim.send_signal(signal.SIGKILL)
            when(lambda: running_tasks(), kill)
        elif case == "remove-node":
            def remove():
                events.append("removed the second node")
                cluster.remove_node(second)
            # Once some runs have finished and others are under way.
            when(lambda: len(list((workdir / "results").glob("*/seed-0/results.json"))) >= 2 and running_tasks(), remove)
        paths = RunPaths(workdir / "raw", workdir / "interim", workdir / "results", workdir / "images")
        code = suite.run_suite(specs(workdir), profile="quick", data_choice="embedded", seeds=1, force=False,
                               paths=paths, verbose=0, executor="ray")
    finally:
        cluster.shutdown()
    finished = sorted((workdir / "results").glob(f"*/seed-*/{results.RESULTS_FILE}"))
    nodes = {results.read(path)["executor"]["node"] for path in finished}
    print(json.dumps({"code": code, "finished": len(finished), "nodes": len(nodes), "events": events}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
