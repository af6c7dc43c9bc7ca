"""The default job opens no network connection: word vectors and data come from disk or are made here."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from experiments.paths import ROOT
from test_datasets import write_twitter_csv

pytestmark = pytest.mark.slow

GUARD = textwrap.dedent('''
    import os, socket
    _connect = socket.socket.connect

    def _refuse(self, address):
        if self.family == getattr(socket, "AF_UNIX", None):
            return _connect(self, address)
        with open(os.environ["NETWORK_GUARD_LOG"], "a") as log:
            log.write(f"{address!r}\\n")
        raise OSError(f"network access refused in a test: {address!r}")

    socket.socket.connect = _refuse
    socket.socket.connect_ex = lambda self, address: _refuse(self, address) or 0
''')


def test_a_suite_of_networks_with_named_pretrained_vectors_opens_no_connection(tmp_path):
    (tmp_path / "guard").mkdir()
    (tmp_path / "guard" / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "connections.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "guard"), "NETWORK_GUARD_LOG": str(log),
           "CACHE_DIR": str(tmp_path / "interim")}
    # The guard itself works: a connection attempt is logged and refused.
    probe = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", probe], env={**env, "NETWORK_GUARD_LOG": str(tmp_path / "probe.log")}, check=True)
    assert "127.0.0.1" in (tmp_path / "probe.log").read_text()

    # Real-format tweets, so that the named pre-trained vectors are looked up (generated texts get vectors trained here).
    write_twitter_csv(tmp_path / "raw", tweets(300))
    command = [sys.executable, "-m", "experiments", "run", "--data", "auto", "--quiet", "--only", "twitter-mean-vectors",
               "--seeds", "1", "--data-dir", str(tmp_path / "raw"), "--results-dir", str(tmp_path / "results"),
               "--images-dir", str(tmp_path / "images")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 run(s) in" in done.stdout  # both splits trained, with the vectors the spec names
    assert not log.exists(), f"connections attempted: {log.read_text()}"
    stored = json.loads(next((tmp_path / "results").glob("twitter-mean-vectors@split=random/seed-0/results.json")).read_text())
    assert stored["data"]["source"] == "real"
    assert stored["model"]["vectors"]["kind"] == "pretrained" and "GloVe 6B 50-d" in stored["model"]["vectors"]["name"]


def tweets(n: int) -> bytes:
    """``n`` rows of twitter_training.csv: id, entity, sentiment, text, with CRLF line ends."""
    moods = {"Positive": "love great happy win", "Negative": "hate awful angry lose", "Neutral": "today news game update"}
    rows = []
    for i in range(n):
        mood = list(moods)[i % 3]
        rows.append(f'{1000 + i // 2},Borderlands,{mood},"{moods[mood]} the game number {i}"')
    return ("\r\n".join(rows) + "\r\n").encode("utf-8")
