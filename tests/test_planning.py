"""The suite's planning: which runs a pattern selects, what each run's key is made of, which are fresh,
stale or missing, and why a stale one is stale (``experiments.suite``, without training anything)."""

import json

import pytest

from experiments import data, results, studies, suite, wordvectors
from experiments.run import RunPaths


# --- ONLY's patterns ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("only", [None, "", " , "])
def test_no_pattern_selects_every_run(only):
    assert suite.matches("20ng-seq-len@seq_len=50", only)


def test_a_pattern_without_at_names_an_experiment_and_selects_every_point_of_its_grid():
    assert suite.matches("20ng-seq-len@seq_len=50", "20ng-seq-len")
    assert suite.matches("20ng-seq-len", "20ng-seq-len")
    assert not suite.matches("20ng-lstm-stripped", "20ng-lstm")  # the whole name, not a prefix
    # Without "@" a pattern is matched against the experiment, never against a point's settings.
    assert not suite.matches("market-lstm@interval=5", "*interval=5")


def test_a_pattern_with_at_selects_single_points():
    assert suite.matches("20ng-seq-len@seq_len=50", "20ng-seq-len@seq_len=50")
    assert not suite.matches("20ng-seq-len@seq_len=30", "20ng-seq-len@seq_len=50")
    assert suite.matches("20ng-seq-len@seq_len=30", "20ng-seq-len@*")
    assert not suite.matches("20ng-seq-len", "20ng-seq-len@*")


def test_set_overrides_do_not_hide_a_run_from_its_experiments_pattern():
    assert suite.matches("20ng-lstm--train.epochs=3", "20ng-lstm")
    assert suite.matches("20ng-seq-len@seq_len=30--train.epochs=3", "20ng-*")


def test_patterns_are_comma_separated_shell_patterns_with_spaces_ignored():
    assert suite.matches("20ng-lstm", "bbc-*, 20ng-*")
    assert suite.matches("bbc-dense", " bbc-* ,20ng-*")
    assert not suite.matches("market-lstm", "bbc-*, 20ng-*")


# --- the plan ----------------------------------------------------------------------------------------------------

class Located:
    def __init__(self, name, dim, generated):
        self.name, self.dim, self.generated = name, dim, generated

    def identity(self):
        return f"vectors {self.name} {self.dim}d{' generated' if self.generated else ''}"


@pytest.fixture
def planned(tmp_path, monkeypatch):
    """``plan`` on fixed code and library versions and recorded stand-ins for the data and vectors look-ups;
    returns (a function running plan, the recorded calls, the paths)."""
    paths = RunPaths(tmp_path / "raw", tmp_path / "interim", tmp_path / "results", tmp_path / "images")
    calls = {"source": [], "fingerprint": [], "vectors": []}
    real = {"bbc"}  # bbc's own files are "there": it is read from the real data, the others are generated

    def resolve_source(dataset, choice, data_dir):
        calls["source"].append((dataset, choice, data_dir))
        return "real" if dataset in real and choice == "auto" else "embedded"

    def fingerprint(spec, *, source, profile, data_dir):
        calls["fingerprint"].append((spec.dataset, source, profile, data_dir))
        return f"{spec.dataset} from {source}, {profile}, options {sorted(spec.options.items())}"

    def locate(name, *, dim, data_dir, generated):
        calls["vectors"].append((name, dim, data_dir, generated))
        return Located(name, dim, generated)

    monkeypatch.setattr(data, "resolve_source", resolve_source)
    monkeypatch.setattr(data, "fingerprint", fingerprint)
    monkeypatch.setattr(wordvectors, "locate", locate)
    monkeypatch.setattr(results, "code_version", lambda: "code-1")
    monkeypatch.setattr(results, "library_versions", lambda: {"keras": "3.15", "numpy": "2.4"})
    monkeypatch.setenv("KERAS_BACKEND", "jax")

    def run(ids, *, seeds=1, only=None, choice="auto", profile="quick"):
        return suite.plan(studies.find(ids), profile=profile, data_choice=choice, seeds=seeds, paths=paths, only=only)

    return run, calls, paths


def finish(paths, job, key=None):
    """Leave a finished run of ``job`` under ``paths`` with ``key`` (its own by default)."""
    folder = paths.run_folder(job.spec, job.seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / results.RESULTS_FILE).write_text(json.dumps({"key": job.key if key is None else key}))


def test_a_run_is_planned_once_per_seed_with_the_parts_of_its_key(planned):
    run, _, paths = planned
    todo, fresh = run("bbc-majority", seeds=2)
    assert fresh == [] and [(job.spec.id, job.seed, job.source) for job in todo] == [("bbc-majority", 0, "real"),
                                                                                     ("bbc-majority", 1, "real")]
    job = todo[1]
    spec = job.spec
    assert spec.experiment == "bbc-majority" and job.same_as is None
    assert job.parts == {"spec": spec.to_dict(), "seed": 1, "profile": "quick", "data": "bbc from real, quick, options []",
                         "vectors": None, "code": "code-1", "backend": "jax",
                         "libraries": {"keras": "3.15", "numpy": "2.4"}}
    assert job.key == results.cache_key(spec.to_dict(), 1, "quick", "bbc from real, quick, options []|None", "code-1")
    assert todo[0].key != job.key


def test_a_network_is_keyed_to_the_vectors_it_would_get_and_a_reference_model_to_none(planned):
    run, calls, paths = planned
    todo, _ = run("20ng-lstm,20ng-majority", choice="embedded")
    lstm, majority = todo
    assert lstm.parts["vectors"] == "vectors glove-wiki-gigaword-100 100d generated"
    assert lstm.key == results.cache_key(lstm.spec.to_dict(), 0, "quick", "20newsgroups from embedded, quick, options "
                                         "[('remove', [])]|vectors glove-wiki-gigaword-100 100d generated", "code-1")
    assert majority.parts["vectors"] is None and majority.parts["data"] == lstm.parts["data"]
    assert calls["vectors"] == [("glove-wiki-gigaword-100", 100, paths.data_dir, True)]


def test_vectors_of_real_data_are_located_as_downloaded_ones(planned):
    run, calls, paths = planned
    todo, _ = run("bbc-dense")
    assert todo[0].parts["vectors"] == "vectors word2vec-google-news-300 300d"
    assert calls["vectors"] == [("word2vec-google-news-300", 300, paths.data_dir, False)]


def test_each_source_fingerprint_and_vectors_are_looked_up_once_however_many_runs_share_them(planned):
    run, calls, paths = planned
    todo, _ = run("20ng-lstm,20ng-lstm-stripped,20ng-simple-rnn,20ng-glove-200,bbc-majority", seeds=2)
    assert len(todo) == 10
    # The runs come in the order the studies declare them: bbc first.
    assert calls["source"] == [("bbc", "auto", paths.data_dir), ("20newsgroups", "auto", paths.data_dir)]
    assert calls["fingerprint"] == [("bbc", "real", "quick", paths.data_dir),
                                    ("20newsgroups", "embedded", "quick", paths.data_dir),  # remove nothing
                                    ("20newsgroups", "embedded", "quick", paths.data_dir)]  # remove headers, ...
    assert [c[:2] for c in calls["vectors"]] == [("glove-wiki-gigaword-100", 100), ("glove-wiki-gigaword-200", 200)]
    stripped = next(job for job in todo if job.spec.id == "20ng-lstm-stripped")
    assert stripped.parts["data"] == ("20newsgroups from embedded, quick, options "
                                      "[('remove', ['headers', 'footers', 'quotes'])]")


def test_the_profile_reaches_the_fingerprint_and_the_key(planned):
    run, _, _ = planned
    (quick,), _ = run("bbc-majority")
    (full,), _ = run("bbc-majority", profile="full")
    assert full.parts["profile"] == "full" and full.parts["data"] == "bbc from real, full, options []"
    assert full.key == results.cache_key(full.spec.to_dict(), 0, "full", "bbc from real, full, options []|None",
                                         "code-1")
    assert full.key != quick.key


def test_the_quick_profile_plans_each_spec_with_its_quick_settings_and_skips_specs_declared_for_full_only(planned):
    run, _, _ = planned
    (quick,), _ = run("20ng-lstm")
    declared = studies.NEWSGROUPS_QUICK
    assert (quick.spec.train.epochs, quick.spec.train.batch_size, quick.spec.data.max_train) == (
        declared["train.epochs"], declared["train.batch_size"], declared["data.max_train"])
    assert quick.spec.train.epochs != studies.NEWSGROUPS_TRAIN.epochs  # the quick value, not the documented one
    assert quick.parts["spec"]["train"]["epochs"] == declared["train.epochs"]
    (full,), _ = run("20ng-lstm", profile="full")
    assert full.spec.data.max_train is None
    assert run("ladder-2a-0") == ([], [])
    assert [job.spec.id for job in run("ladder-2a-0", profile="full")[0]] == ["ladder-2a-0"]


def test_a_reference_model_is_never_keyed_to_vectors_even_where_its_spec_names_some(planned, tmp_path):
    _, calls, paths = planned
    (majority,) = studies.find("bbc-majority")
    named = majority.replace({"vectors.name": "glove-wiki-gigaword-100", "vectors.dim": 100}, id="majority-vectors")
    (job,), _ = suite.plan([named], profile="quick", data_choice="embedded", seeds=1, paths=paths)
    assert job.parts["vectors"] is None
    assert job.key == results.cache_key(job.spec.to_dict(), 0, "quick", "bbc from embedded, quick, options []|None",
                                        "code-1")


def test_a_run_whose_stored_key_is_its_own_is_fresh_and_any_other_is_to_do(planned):
    run, _, paths = planned
    todo, _ = run("bbc-majority,bbc-tfidf-logreg", seeds=2)
    finish(paths, todo[0])
    finish(paths, todo[3], key="an older key")
    again, fresh = run("bbc-majority,bbc-tfidf-logreg", seeds=2)
    assert [(j.spec.id, j.seed) for j in fresh] == [("bbc-majority", 0)]
    assert [(j.spec.id, j.seed) for j in again] == [("bbc-majority", 1), ("bbc-tfidf-logreg", 0),
                                                    ("bbc-tfidf-logreg", 1)]


def test_only_filters_the_plan_but_a_point_still_reuses_an_experiment_it_filtered_out(planned):
    run, _, _ = planned
    todo, fresh = run("20ng-lstm,20ng-seq-len", only="20ng-seq-len", seeds=2)
    assert fresh == [] and [(j.spec.id, j.seed) for j in todo] == [
        ("20ng-seq-len@seq_len=30", 0), ("20ng-seq-len@seq_len=30", 1), ("20ng-seq-len@seq_len=50", 0),
        ("20ng-seq-len@seq_len=50", 1), ("20ng-seq-len@seq_len=100", 0), ("20ng-seq-len@seq_len=100", 1)]
    assert [(j.same_as.spec.id, j.same_as.seed) for j in todo[:2]] == [("20ng-lstm", 0), ("20ng-lstm", 1)]
    assert all(j.same_as is None for j in todo[2:])
    (point,), _ = run("20ng-lstm,20ng-seq-len", only="20ng-seq-len@seq_len=50")
    assert point.spec.id == "20ng-seq-len@seq_len=50"


def test_the_first_of_two_equal_computations_runs_and_the_second_reuses_it_seed_for_seed(planned):
    run, _, _ = planned
    todo, _ = run("20ng-lstm,20ng-seq-len", seeds=2)
    reused = {(j.spec.id, j.seed): (j.same_as.spec.id, j.same_as.seed) for j in todo if j.same_as}
    assert reused == {("20ng-seq-len@seq_len=30", 0): ("20ng-lstm", 0), ("20ng-seq-len@seq_len=30", 1): ("20ng-lstm", 1)}
    original = next(j for j in todo if j.spec.id == "20ng-lstm" and j.seed == 1)
    assert reused and next(j for j in todo if j.same_as and j.seed == 1).same_as is original


# --- status and why a run is stale -------------------------------------------------------------------------------

def test_status_says_of_each_run_whether_it_is_fresh_missing_or_stale_and_why(planned):
    run, _, paths = planned
    todo, _ = run("bbc-majority", seeds=6)
    finish(paths, todo[0])  # fresh
    paths.run_folder(todo[2].spec, 2).mkdir(parents=True)  # started, never finished
    finish(paths, todo[3], key="old")  # stale, from before key.json
    finish(paths, todo[4], key="old")
    (paths.run_folder(todo[4].spec, 4) / suite.KEY_PARTS).write_text("{broken")
    finish(paths, todo[5], key="old")
    (paths.run_folder(todo[5].spec, 5) / suite.KEY_PARTS).write_text(json.dumps({**todo[5].parts, "profile": "full"}))
    found = suite.status(studies.find("bbc-majority"), profile="quick", data_choice="auto", seeds=6, paths=paths)
    assert [(job.spec.id, job.seed, state, why) for job, state, why in found] == [
        ("bbc-majority", 1, "missing", "never run"),
        ("bbc-majority", 2, "missing", "not finished"),
        ("bbc-majority", 3, "stale", "ran before the parts of its key were recorded"),
        ("bbc-majority", 4, "stale", "ran before the parts of its key were recorded"),
        ("bbc-majority", 5, "stale", "profile (full → quick)"),
        ("bbc-majority", 0, "fresh", ""),
    ]


def test_status_passes_only_to_the_plan(planned):
    run, _, paths = planned
    found = suite.status(studies.find("bbc-majority,bbc-tfidf-logreg"), profile="quick", data_choice="auto", seeds=1,
                         paths=paths, only="bbc-tfidf-*")
    assert [(job.spec.id, state) for job, state, _ in found] == [("bbc-tfidf-logreg", "missing")]


NOW = {"spec": {"model": {"architecture": "lstm", "params": {"units": 128}}, "train": {"epochs": 20}},
       "profile": "quick", "data": "d1", "vectors": "glove 100d", "code": "c1", "backend": "jax",
       "libraries": {"keras": "3.15", "numpy": "2.4"}}


def test_an_unchanged_key_has_no_reason_but_its_key():
    assert suite.why_stale(dict(NOW), NOW) == "its key changed"


def test_a_changed_spec_names_its_settings_by_dotted_key():
    stored = {**NOW, "spec": {"model": {"architecture": "lstm", "params": {"units": 64}}, "train": {"epochs": 10}}}
    assert suite.why_stale(stored, NOW) == "spec (model.params.units: 64 → 128; train.epochs: 10 → 20)"


def test_a_spec_with_many_changes_names_the_first_four_in_key_order():
    now = {**NOW, "spec": {k: i for i, k in enumerate("abcdef")}}
    stored = {**NOW, "spec": {k: -1 for k in "fedcba"}}
    assert suite.why_stale(stored, now) == "spec (a: -1 → 0; b: -1 → 1; c: -1 → 2; d: -1 → 3)"


def test_a_stored_key_without_a_spec_lists_every_setting_as_new():
    stored = {k: v for k, v in NOW.items() if k != "spec"}
    assert suite.why_stale(stored, NOW) == "spec (model: None → {'architecture': 'lstm', 'params': {'units': 128}}; " \
                                          "train: None → {'epochs': 20})"


def test_added_removed_and_retyped_settings_are_each_named():
    stored = {"a": {"b": 1}, "gone": 2, "same": {"x": 1}}
    now = {"a": 3, "new": {"c": 4}, "same": {"x": 1}}
    assert list(suite._dotted_diff(stored, now)) == [("a", {"b": 1}, 3), ("gone", 2, None), ("new", None, {"c": 4})]
    assert list(suite._dotted_diff({"a": {"b": {"c": 1}}}, {"a": {"b": {"c": 2}}}, "spec.")) == [("spec.a.b.c", 1, 2)]


def test_profile_data_and_vectors_are_named_with_what_they_were_and_are():
    stored = {**NOW, "profile": "full", "data": "d0", "vectors": None}
    assert suite.why_stale(stored, NOW) == ("profile (full → quick), data (the files or the generator changed), "
                                            "vectors (None → glove 100d)")


def test_a_new_backend_is_the_reason_even_when_libraries_and_code_moved_with_it():
    stored = {**NOW, "backend": "tensorflow", "libraries": {"keras": "3.14"}, "code": "c0"}
    assert suite.why_stale(stored, NOW) == "backend (tensorflow → jax)"


def test_moved_libraries_are_listed_by_name_and_are_the_reason_even_when_code_moved_too():
    stored = {**NOW, "libraries": {"keras": "3.14", "numpy": "2.4", "torch": "2.5"}, "code": "c0"}
    now = {**NOW, "libraries": {"jax": "0.4", "keras": "3.15", "numpy": "2.4"}}
    assert suite.why_stale(stored, now) == "library versions (jax – → 0.4, keras 3.14 → 3.15, torch 2.5 → –)"


def test_changed_training_code_is_the_reason_when_backend_and_libraries_are_the_same():
    assert suite.why_stale({**NOW, "code": "c0"}, NOW) == "training code (experiments/*.py)"


def test_a_key_stored_before_libraries_were_recorded_is_judged_by_its_code():
    stored = {k: v for k, v in NOW.items() if k != "libraries"}
    assert suite.why_stale(stored, NOW) == "its key changed"
    assert suite.why_stale({**stored, "code": "c0"}, NOW) == "training code (experiments/*.py)"
