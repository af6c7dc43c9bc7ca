"""Experiments are data: specs validate early, round-trip through JSON, and expand sweeps."""

import json

import pytest

from experiments import studies
from experiments.specs import DataSpec, ExperimentSpec, ModelSpec, SpecError, expand


def lstm_spec(**changes) -> dict:
    raw = {
        "id": "toy-lstm",
        "study": "2a",
        "title": "toy",
        "data": {"dataset": "20newsgroups", "split": "predefined"},
        "model": {"architecture": "lstm", "params": {"units": 30}},
        "train": {"epochs": 3},
    }
    raw.update(changes)
    return raw


def test_every_declared_spec_round_trips_through_json():
    for declared in studies.STUDIES:
        for spec in expand(declared, profile="quick") + expand(declared, profile="full"):
            again = ExperimentSpec.from_dict(json.loads(spec.to_json()))
            assert again == spec


def test_declared_ids_are_unique_and_cover_every_study():
    ids = [spec.id for spec in studies.STUDIES]
    assert len(ids) == len(set(ids))
    covered = {spec.study for spec in studies.STUDIES}
    assert {"1a", "1b", "1c", "2a", "2b", "2c", "2d", "2e", "3a", "3b", "4a", "4b"} <= covered


def test_a_sweep_is_one_spec_with_a_grid():
    sweep = next(s for s in studies.STUDIES if s.id == "20ng-seq-len")
    points = expand(sweep, profile="full")
    assert [p.vectorize.seq_len for p in points] == [30, 50, 100]
    assert [p.id for p in points] == ["20ng-seq-len@seq_len=30", "20ng-seq-len@seq_len=50", "20ng-seq-len@seq_len=100"]


def test_a_grid_can_reach_loader_options():
    market = next(s for s in studies.STUDIES if s.id == "market-lstm")
    intervals = [p.data.options["interval"] for p in expand(market)]
    assert intervals == [5, 10, 15, 20, 30, 40, 50]


def test_the_quick_profile_only_changes_what_it_declares():
    spec = next(s for s in studies.STUDIES if s.id == "bbc-stacked-bilstm")
    (quick,) = expand(spec, profile="quick")
    (full,) = expand(spec, profile="full")
    assert quick.train.epochs < full.train.epochs
    assert quick.model == full.model and quick.vectors == full.vectors


def test_a_spec_runs_only_in_the_profiles_it_names():
    full_only = ExperimentSpec.from_dict(lstm_spec(profiles=["full"]))
    assert expand(full_only, profile="quick") == []
    assert [p.id for p in expand(full_only, profile="full")] == ["toy-lstm"]
    assert expand(ExperimentSpec.from_dict(lstm_spec()), profile="quick")  # both profiles by default
    with pytest.raises(SpecError, match="profiles is empty"):
        ExperimentSpec.from_dict(lstm_spec(profiles=[]))
    with pytest.raises(SpecError, match="allowed: quick, full"):
        ExperimentSpec.from_dict(lstm_spec(profiles=["fast"]))


def test_the_correction_ladders_run_in_the_full_profile_only():
    """Their rungs repeat documented settings, which the quick profile's caps would change."""
    rungs = [s for s in studies.STUDIES if s.id.startswith("ladder-")]
    assert rungs and all(expand(s, profile="quick") == [] and expand(s, profile="full") for s in rungs)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"colour": "red"}, "unknown key(s) ['colour']"),
        ({"data": {"dataset": "imdb"}}, "data.dataset is 'imdb'; allowed: bbc"),
        ({"train": {"epochs": -1}}, "train.epochs must be a positive integer, got -1"),
        ({"train": {"epochs": "ten"}}, "train.epochs must be int, got 'ten'"),
        ({"vectorize": {"seq_len": 0}}, "vectorize.seq_len must be a positive integer, got 0"),
        ({"model": {"architecture": "transformer"}}, "unknown architecture 'transformer'"),
        ({"model": {"architecture": "lstm", "params": {"unitz": 3}}}, "unknown key(s) ['unitz']"),
        ({"data": {"dataset": "bbc", "test_size": 1.5}}, "data.test_size must be between 0 and 1"),
        ({"model": {"architecture": "majority", "params": {"window": 30}}}, "unknown key(s) ['window'] for 'majority'"),
    ],
)
def test_a_bad_spec_names_the_key_and_what_is_allowed(changes, message):
    with pytest.raises(SpecError) as caught:
        ExperimentSpec.from_dict(lstm_spec(**changes), where="my-spec.json")
    assert message in str(caught.value)
    assert "my-spec.json" in str(caught.value)


def test_an_override_of_an_unknown_key_is_refused():
    spec = ExperimentSpec("x", "1", "x", DataSpec("bbc"), ModelSpec("majority"))
    with pytest.raises(SpecError, match="unknown key 'train.epoch'"):
        spec.replace({"train.epoch": 3})
