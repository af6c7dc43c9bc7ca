"""A dataset's rows of every model: readable labels, intervals around the score, and the paired test in words."""

import pytest

from report import claims
from report.runs import Run
from report.summary import DATASET_TITLES, duplicates, spread, summary_rows, versus


def settled(fn):
    return claims.settled(fn, DATASET_TITLES)


def run(run_id: str, title: str, architecture: str, predictions: list[int], labels: list[int]) -> Run:
    accuracy = sum(p == y for p, y in zip(predictions, labels)) / len(labels)
    return Run(run_id, [{
        "spec": {"id": run_id, "title": title, "study": "4a", "model": {"architecture": architecture}},
        "data": {"dataset": "twitter-sentiment"}, "model": {},
        "metrics": {"accuracy": accuracy, "macro_f1": accuracy, "labels": labels, "predictions": predictions},
    }])


LABELS = [0, 1, 2] * 100


def test_a_sweep_point_reads_as_words_and_is_tested_against_the_reference_on_the_same_rows():
    strong = [y if i % 10 else (y + 1) % 3 for i, y in enumerate(LABELS)]  # 90 % right
    weak = [y if i % 2 else (y + 1) % 3 for i, y in enumerate(LABELS)]  # 50 % right
    runs = {
        "twitter-tfidf-logreg@split=grouped": run("twitter-tfidf-logreg@split=grouped", "TF-IDF", "tfidf-logreg", strong, LABELS),
        "twitter-lstm@split=grouped": run("twitter-lstm@split=grouped", "LSTM", "lstm", weak, LABELS),
    }
    rows = {row[0]: row for row in settled(lambda reg: summary_rows(reg, runs, "twitter-sentiment", "twitter-tfidf-logreg"))}
    lstm = rows["LSTM (split grouped)"]
    score, interval = lstm[1].split(" ", 1)
    low, high = map(float, interval.strip("[]").split(", "))
    assert score == "0.500" and low < 0.5 < high
    # No break inside a table cell; a significant loss says which side is ahead, and that it rests on one seed.
    assert lstm[3:] == ["<\u00a00.001\u00a0(McN)", "less accurate (one seed)"]
    assert rows["TF-IDF (split grouped)"][3:] == ["–", "reference"]
    sentence = settled(lambda reg: versus(reg, runs, "twitter-sentiment", "tfidf-logreg", "TF-IDF"))
    assert sentence.startswith("Against TF-IDF: the LSTM on the grouped split (0.500 against 0.900, Holm p < 0.001) is less accurate")
    assert "McNemar's test, one trained model; Holm over the 1 tests of family Entity sentiment" in sentence


def test_runs_with_the_same_predictions_are_one_computation_listed_once_with_what_it_stands_for():
    same = [y if i % 4 else (y + 2) % 3 for i, y in enumerate(LABELS)]
    other = [y if i % 3 else (y + 1) % 3 for i, y in enumerate(LABELS)]
    runs = {
        "a-tfidf-logreg": run("a-tfidf-logreg", "TF-IDF", "tfidf-logreg", other, LABELS),
        "a-lstm": run("a-lstm", "LSTM", "lstm", same, LABELS),
        "a-glove-200": run("a-glove-200", "LSTM, 200-d", "lstm", same, LABELS),
    }
    runs["a-glove-200"].first["spec"]["study"] = "4e"
    assert duplicates(runs) == {"a-glove-200": "a-lstm"}
    rows = settled(lambda reg: summary_rows(reg, runs, "twitter-sentiment", "a-tfidf-logreg"))
    assert [row[0] for row in rows] == ["LSTM (also 4e: the same computation)", "TF-IDF"]


def test_the_validation_gap_reads_each_seed_at_its_kept_epoch_even_when_the_history_starts_late():
    from report import summary

    def seed(val, best, test_correct, history_from=1):
        return {"training": {"history": {"val_accuracy": val}, "best_epoch": best, "history_from": history_from},
                "metrics": {"predictions": test_correct, "labels": [1] * len(test_correct)}}

    run = Run("20ng-lstm", [seed([0.5, 0.7, 0.6], 2, [1, 0, 0, 0]), seed([0.8, 0.9], 6, [1, 1, 0, 0], history_from=5)])
    gap = summary.validation_gap(run)
    assert gap["validation"] == pytest.approx((0.7 + 0.9) / 2)
    assert gap["test"] == pytest.approx(3 / 8) and gap["ahead"]
    # A kept epoch outside the stored history (older results) gives no gap rather than a wrong one.
    assert summary.validation_gap(Run("x", [seed([0.5], 3, [1])])) is None


def test_networks_their_epoch_cap_stopped_early_are_named_and_counted_among_the_datasets_networks(monkeypatch):
    from report import diagnostics, summary

    # Different predictions each, so that no run stands for another.
    made = {name: run(name, name, architecture, [(y + k) % 3 if i < 10 * k else y for i, y in enumerate(LABELS)], LABELS)
            for k, (name, architecture) in enumerate([("bbc-dense", "dense"), ("bbc-stacked-bilstm", "stacked_bilstm"),
                                                      ("bbc-bilstm-attention", "bilstm_attention"),
                                                      ("bbc-tfidf-logreg", "tfidf-logreg")])}
    for r in made.values():
        r.first["data"] = {"dataset": "bbc"}
    said = {"bbc-dense": "still_improving", "bbc-stacked-bilstm": "near_chance", "bbc-tfidf-logreg": "undertrained"}
    monkeypatch.setattr(diagnostics, "findings",
                        lambda r: [diagnostics.Finding(1, 1, "", "", said[r.id])] if r.id in said else [])
    assert summary.cap_limited(made, "bbc") == (["the dense baseline"], 3)
    said["bbc-bilstm-attention"] = "undertrained"
    assert summary.cap_limited(made, "bbc") == (["the attention BiLSTM", "the dense baseline"], 3)


def test_a_majority_reference_below_a_coin_is_named_only_where_the_training_majority_is_the_test_minority():
    from report import summary

    up, down = [1] * 52 + [0] * 48, [1] * 45 + [0] * 55
    market = {n: run(f"market-majority@interval={n}", "Majority", "majority", [1] * 100, labels)
              for n, labels in ((5, up), (10, down))}
    for r in market.values():
        r.first["class_names"] = ["down", "up"]
    three = run("twitter-majority", "Majority", "majority", [0] * 300, LABELS)
    three.first["class_names"] = ["negative", "neutral", "positive"]
    assert summary.test_minority([*market.values(), three]) == [market[10]]


def test_a_score_is_mean_and_spread_over_seeds_but_one_value_where_every_seed_scored_alike():
    def seeds(*accuracies):
        return Run("r", [{"metrics": {"accuracy": a}} for a in accuracies])

    assert spread(seeds(0.90, 0.92, 0.94), "accuracy") == "0.920 ± 0.020"
    assert spread(seeds(0.75, 0.75, 0.75), "accuracy") == "0.750"  # a reference: no "± 0.000"
    assert spread(seeds(0.8), "accuracy") == "0.800"


def test_the_networks_a_cap_stopped_are_named_with_how_it_stopped_them(monkeypatch):
    from report import diagnostics, summary

    nets = [Run(name, [{}]) for name in ("rnn", "lstm-5", "lstm-10", "healthy")]
    names = {"rnn": "the SimpleRNN", "lstm-5": "the LSTM at N = 5", "lstm-10": "the LSTM at N = 10", "healthy": "x"}
    flags = {"rnn": "undertrained", "lstm-5": "still_improving", "lstm-10": "still_improving"}
    monkeypatch.setattr(summary, "networks", lambda runs, dataset: nets)
    monkeypatch.setattr(summary, "duplicates_of", lambda runs: {})
    monkeypatch.setattr(summary, "short_label", lambda r: names[r.id])
    monkeypatch.setattr(diagnostics, "findings", lambda r: [diagnostics.Finding(1, 1, "", "", flags[r.id])]
                        if r.id in flags else [])
    assert summary.cap_limits({}, "d", "their verdicts measure the budget") == (
        "Of its 4 networks, the LSTM at N = 5 and 10 were stopped by their epoch cap while still improving on their "
        "validation rows; and the SimpleRNN was stopped by its epoch cap before it fitted its own training rows, so "
        "for them their verdicts measure the budget.")
    flags.clear()
    assert summary.cap_limits({}, "d", "anything") == ""


def test_a_run_that_repeats_another_is_pointed_to_the_name_its_pairs_are_tested_under(monkeypatch):
    from report import summary, tables

    runs = {i: Run(i, [{}]) for i in ("market-padding@seq_len=40", "market-lstm@interval=5", "x")}
    monkeypatch.setattr(summary, "duplicates_of", lambda rs: {"market-padding@seq_len=40": "market-lstm@interval=5"})
    monkeypatch.setattr(summary, "short_label", lambda r: {"market-padding@seq_len=40": "the LSTM padded to 40",
                                                           "market-lstm@interval=5": "the LSTM at N = 5"}[r.id])
    assert tables.stand_ins(runs) == ["the LSTM padded to 40 is the LSTM at N = 5"]


def test_a_sweep_table_says_its_epochs_once_where_every_seed_ran_the_same():
    from report.tables import same_epochs

    def ran(*epochs):
        return Run("x", [{"training": {"epochs_run": e}, "metrics": {}} for e in epochs])

    assert same_epochs([ran(12, 12, 12), ran(12, 12, 12)]) == 12
    assert same_epochs([ran(12, 12, 12), ran(12, 9, 12)]) is None  # early stopping: each seed's count matters
    assert same_epochs([Run("ref", [{"training": {}, "metrics": {}}])]) is None  # a reference trains no epochs
