"""Published figures beside reproduced ones: the interval decides "inside", and each known reason is written once."""

import numpy as np

from report import reproduction
from report.runs import Run

LABELS = [0, 1] * 200


def run(run_id: str, study: str, right: int, *, vectors: dict | None = None) -> Run:
    predictions = [y if i < right else 1 - y for i, y in enumerate(LABELS)]
    seed = {
        "spec": {"id": run_id, "study": study, "title": "LSTM(30)"},
        "profile": "full", "data": {"source": "real"},
        "model": {"vectors": vectors or {}},
        "metrics": {"accuracy": right / len(LABELS), "labels": LABELS, "predictions": predictions},
    }
    return Run(run_id, [seed])


GLOVE_50 = {"requested": "glove-wiki-gigaword-100", "name": "GloVe 6B 50-d", "substitute": True}


def test_a_published_figure_inside_the_reproduced_interval_is_marked_yes_and_one_outside_no():
    runs = {"20ng-lstm": run("20ng-lstm", "2a", 195, vectors=GLOVE_50),  # 0.4875 against a published 0.486
            "20ng-simple-rnn": run("20ng-simple-rnn", "2b", 300, vectors=GLOVE_50)}  # 0.75 against 0.255
    rows, notes = reproduction.table(runs, "2")
    lstm, rnn = rows
    assert lstm[:4] == ["2a", "LSTM(30); GloVe 6B 50-d", "0.486", "0.487 (1)"] and lstm[5] == "yes"
    assert rnn[5] == "no"
    # Both rows share both reasons, each written once and cited by letter.
    assert lstm[6] == rnn[6] == "a, b" and len(notes) == 2
    assert notes[1] == "(b) vectors: GloVe 6B 50-d instead of the documented glove-wiki-gigaword-100"
    assert "1 of the 2 published test accuracies lies inside" in reproduction.agreement(runs, "2")


def test_several_seeds_read_as_mean_and_standard_deviation():
    seeds = [run("20ng-lstm", "2a", k).first for k in (190, 200, 210)]
    rows, _ = reproduction.table({"20ng-lstm": Run("20ng-lstm", seeds)}, "2")
    assert rows[0][3] == f"0.500 ± {np.std([0.475, 0.5, 0.525], ddof=1):.3f} (3)"


def test_runs_on_generated_data_are_never_set_against_a_published_figure():
    generated = run("20ng-lstm", "2a", 195, vectors=GLOVE_50)
    generated.first["data"]["source"] = "embedded"
    rows, _ = reproduction.table({"20ng-lstm": generated}, "2")
    assert rows[0][5] == "not comparable"
    assert "not compared" in reproduction.agreement({"20ng-lstm": generated}, "2")
    assert "inside" not in reproduction.agreement({"20ng-lstm": generated}, "2")


def test_published_figures_set_against_one_computation_twice_are_counted_as_one_run():
    base = run("20ng-lstm", "2a", 195, vectors=GLOVE_50)
    copy = run("20ng-glove-200", "2e", 195, vectors=GLOVE_50)
    rows, _ = reproduction.table({"20ng-lstm": base, "20ng-glove-200": copy}, "2")
    assert rows[1][1].endswith("; the same computation as 2a")
    said = reproduction.agreement({"20ng-lstm": base, "20ng-glove-200": copy}, "2")
    assert "1 of those published figures are set against a run that is the same computation" in said
    assert "so 1 distinct runs are compared" in said
