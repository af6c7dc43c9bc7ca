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


def test_a_wrong_type_an_old_schema_or_missing_metrics_are_each_named(tmp_path):
    wrong = {**minimal_results(), "seed": "zero"}
    with pytest.raises(results.ResultsError, match=r"where: 'seed' should be <class 'int'>, got str"):
        results.validate(wrong, where="where")
    old = {**minimal_results(), "schema_version": results.SCHEMA_VERSION - 1}
    with pytest.raises(results.ResultsError, match=rf"schema version {results.SCHEMA_VERSION - 1}, expected "
                                                   rf"{results.SCHEMA_VERSION}; rerun the experiment"):
        results.validate(old)
    lacking = minimal_results()
    del lacking["metrics"][results.METRIC_KEYS[0]]
    with pytest.raises(results.ResultsError, match=rf"metrics lack \['{results.METRIC_KEYS[0]}'\]"):
        results.validate(lacking)
    path = tmp_path / "results.json"
    results.write_json_atomic(path, minimal_results())
    assert results.read(path) == minimal_results()


def test_a_write_goes_to_a_hidden_temporary_file_the_next_run_recognises_and_lands_sorted_and_readable(tmp_path,
                                                                                                    monkeypatch):
    import os

    path = tmp_path / "deep" / "er" / "results.json"
    seen = []

    def interrupted(source, target):
        seen.append(Path(source))
        raise KeyboardInterrupt  # killed between writing and renaming

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.write_json_atomic(path, {"b": 2, "a": 1})
    (tmp,) = seen
    assert tmp.parent == path.parent and tmp.name.startswith(".results.json.") and tmp.name.endswith(".tmp")
    assert not tmp.exists()  # removed on the way out
    monkeypatch.undo()
    results.write_json_atomic(path, {"b": 2, "a": [1]})
    assert path.read_text(encoding="utf-8") == '{\n "a": [\n  1\n ],\n "b": 2\n}'


def test_the_stored_key_and_figure_version_are_read_without_validating_and_absent_ones_are_none(tmp_path):
    assert results.stored_key(tmp_path) is None and results.stored_figures_version(tmp_path) is None
    (tmp_path / results.RESULTS_FILE).write_text('{"key": "abc", "figures_version": "f1"}', encoding="utf-8")
    assert results.stored_key(tmp_path) == "abc" and results.stored_figures_version(tmp_path) == "f1"
    (tmp_path / results.RESULTS_FILE).write_text("[1, 2]", encoding="utf-8")  # not an object
    assert results.stored_key(tmp_path) is None and results.stored_figures_version(tmp_path) is None
    (tmp_path / results.RESULTS_FILE).write_text("{broken", encoding="utf-8")
    assert results.stored_key(tmp_path) is None


def test_a_cache_key_is_twenty_hex_digits_of_every_input_in_a_fixed_order():
    import hashlib

    key = results.cache_key({"id": "x", "b": 1}, 2, "quick", "d", "c")
    payload = json.dumps({"spec": {"id": "x", "b": 1}, "seed": 2, "profile": "quick", "data": "d", "code": "c"},
                         sort_keys=True)
    assert key == hashlib.sha256(payload.encode()).hexdigest()[:20]
    assert results.cache_key({"b": 1, "id": "x"}, 2, "quick", "d", "c") == key  # key order does not matter


def test_without_keras_backend_set_runs_are_keyed_to_tensorflow_keras_own_default(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    assert results.keras_backend() == "tensorflow"
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    assert results.keras_backend() == "jax"


def test_library_versions_keep_major_minor_and_skip_libraries_not_installed(monkeypatch):
    from importlib import metadata

    installed = {"jax": "0.4.30", "numpy": "1.26.4", "gensim": "4.3.3.post1"}

    def version(package):
        if package not in installed:
            raise metadata.PackageNotFoundError(package)
        return installed[package]

    monkeypatch.setattr(metadata, "version", version)
    # keras, the first library asked about, is missing: the later ones are still found.
    assert results.library_versions() == {"jax": "0.4", "numpy": "1.26", "gensim": "4.3"}


def test_the_code_and_figure_versions_are_sixteen_hex_digits():
    for version in (results.code_version(), results.figures_version()):
        assert len(version) == 16 and int(version, 16) >= 0


def test_a_failed_write_whose_temporary_file_is_already_gone_raises_the_original_error(tmp_path, monkeypatch):
    import os

    def lost(source, target):
        os.unlink(source)  # e.g. a cleaner removed it, or the rename half-happened
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", lost)
    with pytest.raises(OSError, match="rename failed"):
        results.write_json_atomic(tmp_path / "results.json", {"a": 1})


def test_a_validation_error_names_results_when_no_place_is_given():
    broken = minimal_results()
    del broken["seed"]
    with pytest.raises(results.ResultsError, match=r"^results: missing key 'seed'$"):
        results.validate(broken)


def test_a_results_file_that_breaks_the_schema_is_named_by_its_path(tmp_path):
    path = tmp_path / "results.json"
    broken = minimal_results()
    del broken["timings"]
    results.write_json_atomic(path, broken)
    with pytest.raises(results.ResultsError) as caught:
        results.read(path)
    assert str(caught.value) == f"{path}: missing key 'timings'"


def test_a_sweep_figure_spans_whole_tenths_around_its_points_never_less_than_two():
    """Accuracies between 0.47 and 0.56 get the axis 0.4–0.6: the points apart, a two-point gap not the whole axis."""
    from experiments.plots import accuracy_span

    assert accuracy_span([0.47, 0.56, 0.52]) == (0.4, 0.6)
    assert accuracy_span([0.51, 0.53]) == (0.4, 0.6)  # widened on the side with more room (0.5 below, 0.4 above)
    assert accuracy_span([0.31, 0.33]) == (0.3, 0.5)
    assert accuracy_span([0.95, 0.99]) == (0.8, 1.0)  # never past 1
    assert accuracy_span([0.02, 0.9]) == (0.0, 0.9)
