"""Shared fixtures: a suite in a subprocess on a private results folder, a program on a chosen Keras
backend, and a private templates folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import results
from experiments.paths import ROOT, TEMPLATES_DIR


@pytest.fixture
def start_suite(tmp_path):
    """Start ``python -m experiments run`` on embedded data with results, figures and cache under tmp_path."""

    def start(only: str, *extra: str) -> subprocess.Popen:
        command = [
            # One seed unless ``extra`` asks for more (a later --seeds wins): the tests count runs, not seeds.
            sys.executable, "-m", "experiments", "run", "--data", "embedded", "--quiet", "--only", only, "--seeds", "1",
            "--results-dir", str(tmp_path / "results"), "--images-dir", str(tmp_path / "images"), *extra,
        ]
        env = {**os.environ, "CACHE_DIR": str(tmp_path / "interim")}
        # A session of its own, so that a test can stop the suite with its worker processes, as a terminal does.
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)

    return start


@pytest.fixture
def on_backend(tmp_path):
    """Run a Python program in a fresh process on the named Keras backend; return its stdout.

    A process holds one backend, and the suite's own is JAX; the TensorFlow and
    PyTorch code paths are checked this way. ``WORK`` in the program is a private folder.
    """

    def run(backend: str, program: str) -> str:
        env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run([sys.executable, "-c", f"WORK = {str(tmp_path)!r}\n{program}"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    return run


@pytest.fixture
def finished_runs(tmp_path):
    """The results files finished so far under tmp_path."""
    return lambda: sorted((tmp_path / "results").glob(f"*/seed-*/{results.RESULTS_FILE}"))


@pytest.fixture
def template_project(tmp_path):
    """A templates folder with the project's metadata, bibliography and macros plus one chapter."""

    def make(chapter: str, name: str = "10-chapter.md.j2") -> Path:
        templates = tmp_path / "templates"
        templates.mkdir(exist_ok=True)
        for shared in ("metadata.yaml", "references.bib", "macros.j2"):
            shutil.copy(TEMPLATES_DIR / shared, templates / shared)
        (templates / name).write_text(chapter)
        (tmp_path / "results").mkdir(exist_ok=True)
        return templates

    return make
