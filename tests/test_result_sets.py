"""Each profile and data source keeps its own results set: a quick run never overwrites or joins a full one."""

import json
import os
import subprocess
import sys

import pytest

from experiments import paths
from experiments.paths import ROOT, available_sets, chosen_set, set_name
from experiments.results import ResultsError
from report.runs import load_runs


def test_a_set_is_named_by_profile_and_data_source():
    assert set_name("full", {"real"}) == "full-real"
    assert set_name("quick", {"embedded"}) == "quick-embedded"
    assert set_name("full", {"real", "embedded"}) == "full-mixed"


def finished(folder, *, profile="full", source="embedded", seed=0, epochs=40):
    path = folder / "bbc-dense" / f"seed-{seed}" / "results.json"
    path.parent.mkdir(parents=True)
    (folder / ".updated").touch()
    path.write_text(json.dumps({
        "schema_version": 2, "key": "k", "seed": seed, "profile": profile, "class_names": ["a", "b"],
        "spec": {"id": "bbc-dense", "train": {"epochs": epochs}}, "data": {"source": source, "dataset": "bbc"},
        "metrics": {k: [] for k in ("accuracy", "macro_f1", "per_class", "confusion_matrix", "roc")}
        | {"predictions": [0, 1], "labels": [0, 1]},
        "training": {}, "model": {}, "timings": {}, "environment": {}, "figures": {},
    }))
    return path


def test_the_report_renders_the_set_named_else_the_set_last_run_else_the_newest(tmp_path):
    finished(tmp_path / "full-real")
    finished(tmp_path / "quick-embedded", profile="quick")
    assert set(available_sets(tmp_path)) == {"full-real", "quick-embedded"}
    assert chosen_set("full-real", tmp_path) == "full-real"
    (tmp_path / paths.LAST_SET).write_text("full-real\n")
    assert chosen_set(None, tmp_path) == "full-real"
    with pytest.raises(FileNotFoundError, match="no results set 'full-mixed'.*full-real"):
        chosen_set("full-mixed", tmp_path)


def test_seeds_of_one_id_from_different_profiles_are_refused_naming_both_files(tmp_path):
    full = finished(tmp_path, profile="full", seed=1)
    quick = finished(tmp_path, profile="quick", seed=0, epochs=30)
    with pytest.raises(ResultsError) as refused:
        load_runs(tmp_path)
    assert str(quick) in str(refused.value) and str(full) in str(refused.value)
    assert "differ in profile, spec" in str(refused.value)


@pytest.mark.slow
def test_a_quick_run_after_a_full_one_leaves_the_full_seeds_untouched_and_the_full_set_renders(tmp_path):
    env = {**os.environ, "RESULTS_DIR": str(tmp_path / "results"), "IMAGES_DIR": str(tmp_path / "images"),
           "CACHE_DIR": str(tmp_path / "interim")}

    def experiments(*args):
        done = subprocess.run([sys.executable, "-m", "experiments", "run", "--only", "bbc-dense", "--data", "embedded",
                               "--quiet", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout

    assert "results set full-embedded" in experiments("--profile", "full", "--seeds", "2")
    full = sorted((tmp_path / "results" / "full-embedded" / "bbc-dense").glob("seed-*/results.json"))
    before = [p.read_bytes() for p in full]
    assert "results set quick-embedded" in experiments("--profile", "quick")
    assert len(full) == 2 and [p.read_bytes() for p in full] == before
    assert json.loads((tmp_path / "results" / "quick-embedded" / "bbc-dense" / "seed-0" / "results.json")
                      .read_text())["profile"] == "quick"

    done = subprocess.run([sys.executable, "-m", "report", "--root", str(tmp_path), "--results", "full-embedded",
                           "markdown"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0] == "rendering results set full-embedded"
    subtitle = next(line for line in (tmp_path / "build" / "report.md").read_text().splitlines()
                    if line.startswith("subtitle:"))
    assert "Results set full-embedded: generated stand-in data, not the real datasets; full profile" in subtitle
    assert "; 2 seeds per model" in subtitle
