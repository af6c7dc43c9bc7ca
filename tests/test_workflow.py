"""The command line of a workflow tool: status with reasons, overrides with ids of their own, show, export."""

import json
import subprocess
import sys

import pandas as pd

from experiments import studies
from experiments.__main__ import with_overrides
from experiments.paths import ROOT
from experiments.specs import ExperimentSpec
from experiments.suite import matches, why_stale


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_stale_run_says_which_part_of_its_key_changed_by_dotted_key():
    spec = studies.find("bbc-dense")[0].to_dict()
    now = {"spec": {**spec, "train": {**spec["train"], "epochs": 5}}, "profile": "full", "data": "d", "vectors": "v",
           "code": "c", "backend": "jax"}
    stored = {**now, "spec": spec}
    assert why_stale(stored, now) == f"spec (train.epochs: {spec['train']['epochs']} → 5)"
    assert why_stale({**now, "backend": "tensorflow", "code": "x"}, now) == "backend (tensorflow → jax)"
    assert why_stale({**now, "code": "x"}, now) == "training code (experiments/*.py)"
    assert why_stale({**now, "vectors": "glove.6B.100d.txt:1"}, now).startswith("vectors (glove.6B.100d.txt:1 → v)")
    libraries = {"keras": "3.10", "numpy": "2.4"}
    moved = {**now, "code": "x", "libraries": {"keras": "3.9", "numpy": "2.4"}}
    assert why_stale(moved, {**now, "libraries": libraries}) == "library versions (keras 3.9 → 3.10)"


def test_a_new_release_line_of_a_numeric_library_makes_results_stale_and_a_patch_release_does_not(monkeypatch):
    from importlib import metadata

    from experiments import results

    installed = metadata.version
    def version(release: str):
        return lambda name: release if name == "keras" else installed(name)

    monkeypatch.setattr(metadata, "version", version("3.10.0"))
    before = results.code_version()
    monkeypatch.setattr(metadata, "version", version("3.10.4"))
    assert results.code_version() == before
    monkeypatch.setattr(metadata, "version", version("3.11.0"))
    assert results.code_version() != before


def test_only_selects_a_whole_grid_or_one_of_its_points():
    assert matches("20ng-seq-len@seq_len=50", "20ng-seq-len")
    assert matches("20ng-seq-len@seq_len=50", "20ng-seq-len@seq_len=50")
    assert not matches("20ng-seq-len@seq_len=100", "20ng-seq-len@seq_len=50")
    assert matches("bbc-dense--train.epochs=5", "bbc-*")
    assert [s.id for s in studies.find("20ng-seq-len@seq_len=50")] == ["20ng-seq-len"]


def test_an_override_gives_a_new_id_and_reads_values_as_json():
    spec = with_overrides(studies.find("bbc-dense")[0], ["train.epochs=5", "train.learning_rate=0.01"])
    assert spec.id == "bbc-dense--train.epochs=5,train.learning_rate=0.01"
    assert spec.train.epochs == 5 and spec.train.learning_rate == 0.01


def test_show_prints_a_grid_points_full_spec_that_runs_as_it_is():
    done = cli("experiments", "show", "20ng-seq-len@seq_len=50")
    assert done.returncode == 0, done.stderr
    spec = ExperimentSpec.from_dict(json.loads(done.stdout))
    assert spec.id == "20ng-seq-len@seq_len=50" and spec.vectorize.seq_len == 50
    assert "no experiment 'nope'" in cli("experiments", "show", "nope").stderr


def test_status_of_an_empty_results_folder_says_every_run_is_missing(tmp_path):
    done = cli("experiments", "status", "--only", "20ng-seq-len@seq_len=50", "--data", "embedded",
               "--results-dir", str(tmp_path / "results"))
    assert done.returncode == 0, done.stderr
    # Three seeds by default, in either profile.
    assert done.stdout.splitlines()[-4:] == [f"missing  20ng-seq-len@seq_len=50 seed {k}: never run" for k in range(3)] + [
        f"0 fresh, 0 stale, 3 missing ({tmp_path / 'results'})"]


def test_export_writes_tables_that_pandas_reads_as_they_are(tmp_path, start_suite):
    suite = start_suite("bbc-majority,bbc-tfidf-logreg,bbc-dense")
    assert suite.wait(timeout=600) == 0, suite.stdout.read()[-2000:]
    done = cli("report", "--root", str(tmp_path), "--results-dir", str(tmp_path / "results"), "export",
               "--out", str(tmp_path / "export"))
    assert done.returncode == 0, done.stderr
    runs = pd.read_csv(tmp_path / "export" / "runs.csv")
    assert set(runs["id"]) == {"bbc-majority", "bbc-tfidf-logreg", "bbc-dense"}
    assert set(runs["profile"]) == {"quick"} and set(runs["data_source"]) == {"embedded"}
    assert "spec.model.architecture" in runs and "accuracy" in runs and "macro_f1" in runs
    comparisons = pd.read_csv(tmp_path / "export" / "comparisons.csv")
    pairs = {frozenset(pair) for pair in zip(comparisons["model"], comparisons["other"])}
    assert frozenset({"bbc-dense", "bbc-tfidf-logreg"}) in pairs and set(comparisons["family"]) == {"BBC News"}
    assert comparisons["p_holm"].between(0, 1).all()


def test_make_report_passes_a_named_results_set_where_the_report_command_reads_it(tmp_path):
    """`make report RESULTS=…` renders that set: the option must come before the subcommand."""
    import shlex

    dry = subprocess.run(["make", "-n", "--always-make", "build/report.md", "RESULTS=no-such-set"],
                         capture_output=True, text=True, cwd=ROOT).stdout
    (line,) = [line for line in dry.splitlines() if "-m report" in line]
    argv = shlex.split(line)
    argv = [sys.executable, "-m", "report", "--root", str(tmp_path), *argv[argv.index("report") + 1:]]
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    assert "unrecognized arguments" not in done.stderr
    assert "no-such-set" in done.stderr and done.returncode != 0


def test_rendering_another_results_set_renders_again_even_when_nothing_else_changed():
    """`make render RESULTS=b` after rendering set a: build/report.md holds a, so its stamp of the set it holds is
    missing for b, and make re-renders instead of calling the report up to date."""
    dry = subprocess.run(["make", "-n", "build/report.md", "RESULTS=some-other-set"],
                         capture_output=True, text=True, cwd=ROOT).stdout
    assert "touch 'build/.set-some-other-set'" in dry
    assert "--results 'some-other-set' markdown" in dry
