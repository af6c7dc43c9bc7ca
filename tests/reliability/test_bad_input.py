"""Bad specs stop before any training, naming the file, the key and what is allowed."""

import json
import os
import subprocess
import sys

import pytest

from experiments import studies
from experiments.paths import ROOT

GOOD = json.loads(studies.find("twitter-lstm")[0].replace({}, id="mine").to_json())


def with_change(path: list[str], value) -> dict:
    spec = json.loads(json.dumps(GOOD))
    target = spec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return spec


@pytest.mark.parametrize(
    "spec, expected",
    [
        (with_change(["train", "epochz"], 3), "unknown key(s) ['epochz']; allowed:"),
        (with_change(["train", "epochs"], "many"), "train.epochs must be int, got 'many'"),
        (with_change(["train", "epochs"], -2), "train.epochs must be a positive integer, got -2"),
        (with_change(["vectorize", "seq_len"], 0), "vectorize.seq_len must be a positive integer, got 0"),
        (with_change(["model", "architecture"], "gpt"), "unknown architecture 'gpt'"),
        (with_change(["data", "dataset"], "imdb"), "data.dataset is 'imdb'; allowed: bbc, 20newsgroups"),
        (with_change(["data", "split"], "shuffled"), "data.split is 'shuffled'; allowed: predefined"),
        (with_change(["model", "params"], {"unitz": 3}), "unknown key(s) ['unitz'] for 'lstm'; allowed:"),
    ],
)
def test_a_bad_spec_file_stops_before_training_with_file_key_and_allowed_values(tmp_path, spec, expected):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "--spec", str(path), "--results-dir", str(tmp_path / "results")],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CACHE_DIR": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert str(path) in proc.stderr and expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "results").exists()  # nothing ran


def test_a_spec_file_that_is_not_json_names_the_line(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{\n  "id": "x",\n  oops\n}')
    proc = subprocess.run([sys.executable, "-m", "experiments", "run", "--spec", str(path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and f"{path}:3: not valid JSON" in proc.stderr


def test_missing_real_data_names_the_file_folder_and_source(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "--data", "real", "--only", "bbc-majority",
         "--data-dir", str(tmp_path / "nowhere"), "--results-dir", str(tmp_path / "results")],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CACHE_DIR": str(tmp_path)},
    )
    message = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "bbc-fulltext.zip" in message and str(tmp_path / "nowhere") in message and "make data" in message


def test_a_truncated_archive_is_named_without_a_traceback(tmp_path):
    folder = tmp_path / "raw" / "bbc"
    folder.mkdir(parents=True)
    (folder / "bbc-fulltext.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a zip cut short
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "--data", "real", "--only", "bbc-majority",
         "--data-dir", str(tmp_path / "raw"), "--results-dir", str(tmp_path / "results")],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "CACHE_DIR": str(tmp_path)},
    )
    assert proc.returncode != 0
    assert "bbc-fulltext.zip" in proc.stderr and "Traceback" not in proc.stderr
    assert not list((tmp_path / "results").glob("*/seed-*/results.json"))


def test_a_broken_vectors_file_fails_its_run_only_and_the_other_experiments_still_run(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_text("the 0.1 0.2\nof 0.3\n", encoding="utf-8")  # the second row is short
    fast = json.loads(studies.find("bbc-majority")[0].replace({}, id="fine").to_json())
    network = with_change(["vectors", "name"], str(broken))
    network["train"]["epochs"], network["data"]["max_train"] = 1, 200
    files = []
    for name, spec in (("fine", fast), ("mine", network)):
        files += ["--spec", str(tmp_path / f"{name}.json")]
        (tmp_path / f"{name}.json").write_text(json.dumps(spec), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "experiments", "run", "--data", "embedded", "--quiet", *files,
         "--results-dir", str(tmp_path / "results"), "--images-dir", str(tmp_path / "images")],
        cwd=ROOT, env={**os.environ, "CACHE_DIR": str(tmp_path / "interim")}, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1
    assert "broken.txt" in done.stderr and "Traceback" not in done.stderr
    assert "FAILED mine@split=random seed 0" in done.stderr
    assert (tmp_path / "results" / "fine" / "seed-0" / "results.json").is_file()
