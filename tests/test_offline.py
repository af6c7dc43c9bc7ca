"""The default job opens no network connection: word vectors and data come from disk or are made here."""

import os
import subprocess
import sys
import textwrap

import pytest

from experiments.paths import ROOT

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

    command = [sys.executable, "-m", "experiments", "run", "--data", "auto", "--quiet", "--only", "twitter-mean-vectors",
               "--data-dir", str(tmp_path / "raw"), "--results-dir", str(tmp_path / "results"),
               "--images-dir", str(tmp_path / "images")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 run(s) in" in done.stdout  # both splits trained, with the vectors the spec names
    assert not log.exists(), f"connections attempted: {log.read_text()}"
