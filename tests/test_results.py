"""The results file: schema, atomic write, and a key that changes with what the result depends on."""

import json
from pathlib import Path

import pytest

from experiments import results


def minimal_results() -> dict:
    return {
        "schema_version": results.SCHEMA_VERSION, "key": "k", "spec": {}, "seed": 0, "profile": "quick",
        "data": {}, "class_names": ["a", "b"], "training": {}, "model": {}, "timings": {}, "environment": {},
        "figures": {},
        "metrics": {k: [] for k in results.METRIC_KEYS},
    }


def test_a_complete_results_file_validates():
    assert results.validate(minimal_results())["key"] == "k"


@pytest.mark.parametrize("key", ["metrics", "seed", "environment"])
def test_a_results_file_missing_a_key_is_rejected_by_name(key):
    broken = minimal_results()
    del broken[key]
    with pytest.raises(results.ResultsError, match=key):
        results.validate(broken)


def test_a_truncated_results_file_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"schema_version": 1, "ke')
    with pytest.raises(results.ResultsError) as caught:
        results.read(path)
    assert str(path) in str(caught.value) and "make experiments" in str(caught.value)


def test_atomic_write_leaves_no_temporary_file_and_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "r" / "results.json"
    results.write_json_atomic(path, {"a": 1})
    with pytest.raises(TypeError):
        results.write_json_atomic(path, {"a": object()})  # not JSON-serialisable
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


def test_the_cache_key_changes_with_each_input():
    base = dict(spec={"id": "x"}, seed=0, profile="quick", data_fingerprint="d", code="c")
    key = results.cache_key(**base)
    for name, other in [("spec", {"id": "y"}), ("seed", 1), ("profile", "full"), ("data_fingerprint", "e"), ("code", "z")]:
        assert results.cache_key(**{**base, name: other}) != key, name
    assert results.cache_key(**base) == key


def test_the_code_version_follows_training_code_and_the_backend_but_not_scheduling_or_figure_code(tmp_path, monkeypatch):
    import shutil

    import experiments
    from experiments import results

    package = tmp_path / "experiments"
    shutil.copytree(Path(experiments.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(experiments, "__file__", str(package / "__init__.py"))
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    base, figures = results.code_version(), results.figures_version()

    (package / "suite.py").write_text((package / "suite.py").read_text() + "\n# scheduling only\n")
    (package / "plots.py").write_text((package / "plots.py").read_text() + "\n# a new colour\n")
    assert results.code_version() == base  # NOT_TRAINING_CODE and the figure code never make results stale
    assert results.figures_version() != figures  # but figures are redrawn

    (package / "train.py").write_text((package / "train.py").read_text() + "\n# a changed step\n")
    changed = results.code_version()
    assert changed != base
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert results.code_version() != changed
