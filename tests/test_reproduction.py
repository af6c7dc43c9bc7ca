"""Published figures beside the original protocol repeated and the corrected one: where one run of the protocol
as published would land decides "inside", the corrections are measured, and what cannot be replicated is written once."""

import pytest

from report import reproduction
from report.runs import Run

LABELS = [0, 1] * 200


def run(run_id: str, study: str, right: list[int], *, vectors: dict | None = None, source: str = "real",
        profile: str = "full") -> Run:
    seeds = []
    for r in right:
        predictions = [y if i < r else 1 - y for i, y in enumerate(LABELS)]
        seeds.append({
            "spec": {"id": run_id, "study": study, "title": "LSTM(30)", "model": {"architecture": "lstm"}},
            "profile": profile, "data": {"source": source, "dataset": "20newsgroups"},
            "model": {"vectors": vectors or {}},
            "metrics": {"accuracy": r / len(LABELS), "labels": LABELS, "predictions": predictions},
        })
    return Run(run_id, seeds)


GLOVE_50 = {"requested": "glove-wiki-gigaword-100", "name": "GloVe 6B 50-d", "substitute": True}


def test_inside_is_judged_on_the_run_as_published_and_the_corrections_are_measured():
    runs = {"20ng-lstm": run("20ng-lstm", "2a", [240, 244, 248], vectors=GLOVE_50),
            "20ng-simple-rnn": run("20ng-simple-rnn", "2b", [300, 302, 304], vectors=GLOVE_50)}
    rungs = {"ladder-2a-0": run("ladder-2a-0", "2a", [192, 195, 198], vectors=GLOVE_50),  # 0.4875 against 0.486
             "ladder-2b-0": run("ladder-2b-0", "2b", [290, 292, 294], vectors=GLOVE_50)}  # 0.73 against 0.255
    rows, notes = reproduction.table(runs, rungs, "2")
    lstm, rnn = rows
    # In?: inside the prediction interval for one run (worked in the test below): 0.4875 ± 0.0715 and 0.73 ± 0.0624.
    assert lstm[:4] == ["2a", "0.486", lstm[2], "yes (0.416–0.559)"] and lstm[2].startswith("0.487 [") and lstm[2].endswith("(3)")
    assert rnn[3] == "no (0.667–0.793)"
    assert lstm[5].startswith(f"{(244 - 195) / 400:+.3f} [")  # corrected minus as published
    # What no run could replicate is written once and cited by letter from both rows.
    assert lstm[6] == rnn[6] == "a" and len(notes) == 1
    assert "glove-wiki-gigaword-100" in notes[0] and "GloVe 6B 50-d stood in" in notes[0]
    assert "1 of the 2 published test accuracies lies inside" in reproduction.agreement(runs, rungs, "2")


def test_a_published_figure_without_its_as_published_run_says_not_run_yet():
    runs = {"20ng-lstm": run("20ng-lstm", "2a", [240, 244, 248])}
    (row,), _ = reproduction.table(runs, {}, "2")
    assert row[2] == "not run yet" and row[3] == "–" and row[5] == "not run yet"
    assert reproduction.agreement(runs, {}, "2") == "no run as published has finished yet"
    # The quick profile never runs the original protocols: nothing is pending, and the sentence says why.
    quick = {"20ng-lstm": run("20ng-lstm", "2a", [240], profile="quick")}
    assert "the runs as published belong to the full profile" in reproduction.agreement(quick, {}, "2")


def test_runs_on_generated_data_are_never_set_against_a_published_figure():
    runs = {"20ng-lstm": run("20ng-lstm", "2a", [195], source="embedded")}
    rungs = {"ladder-2a-0": run("ladder-2a-0", "2a", [195], source="embedded")}
    rows, notes = reproduction.table(runs, rungs, "2")
    assert rows[0][3] == "n/a"
    assert any("generated stand-in data" in note for note in notes)
    assert "not compared" in reproduction.agreement(runs, rungs, "2")
    assert "inside" not in reproduction.agreement(runs, rungs, "2")
    assert "generated stand-in data" in reproduction.agreement(runs, {}, "2")  # also before any run as published


def test_a_sweep_point_that_repeats_another_run_takes_that_runs_ladder():
    base = run("20ng-lstm", "2a", [240, 244, 248])
    point = run("20ng-seq-len@seq_len=30", "2d", [240, 244, 248])
    rungs = {"ladder-2a-0": run("ladder-2a-0", "2a", [192, 195, 198])}
    rows, _ = reproduction.table({"20ng-lstm": base, "20ng-seq-len@seq_len=30": point}, rungs, "2")
    assert rows[1][0] == "2d, seq len 30 (the run of 2a)"
    assert rows[1][2] == rows[0][2] and rows[1][3].startswith("yes (")


def test_the_table_is_written_between_the_readme_markers_and_a_file_without_them_is_refused(tmp_path):
    import pytest

    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- reproduction -->\nold table\n<!-- /reproduction -->\nafter\n", encoding="utf-8")
    assert reproduction.write_between_markers(readme, {"reproduction": "| new | table |", "ladders": "x"}) == ["reproduction"]
    assert readme.read_text(encoding="utf-8") == "intro\n<!-- reproduction -->\n| new | table |\n<!-- /reproduction -->\nafter\n"
    (tmp_path / "other.md").write_text("no markers", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="markers"):
        reproduction.write_between_markers(tmp_path / "other.md", {"reproduction": "x"})


def test_a_single_published_run_is_judged_against_where_one_run_would_land_not_against_the_mean():
    """The prediction interval adds the seeds' spread (widened by the mean's error) to the binomial error of two
    draws of test rows (these and the other run's), with Student's t on the Welch-Satterthwaite degrees of freedom
    of the sum; with one seed, the rows' errors alone."""
    from scipy.stats import t

    from report.stats import prediction_interval

    three = run("x", "2a", [192, 195, 198])  # accuracies 0.48, 0.4875, 0.495 of 400 rows: s = 0.0075
    interval = prediction_interval(three)
    seeds, rows = 0.0075 ** 2 * 4 / 3, 2 * 0.4875 * 0.5125 / 400
    df = (seeds + rows) ** 2 / (seeds ** 2 / 2)  # the rows' part is known: it adds no term
    half = t.ppf(0.975, df) * (seeds + rows) ** 0.5
    assert df == pytest.approx(623.49, abs=0.01) and half == pytest.approx(0.0715, abs=1e-4)
    assert (interval.low, interval.high) == pytest.approx((0.4875 - half, 0.4875 + half), abs=1e-6)
    # Three identical seeds leave only the rows' error, with the normal quantile.
    same = prediction_interval(run("z", "2a", [195, 195, 195]))
    assert same.high - 0.4875 == pytest.approx(1.959964 * rows ** 0.5, abs=1e-6)
    one = prediction_interval(run("y", "2a", [195]))
    half = 1.959964 * (2 * 0.4875 * 0.5125 / 400) ** 0.5
    assert (one.low, one.high) == pytest.approx((0.4875 - half, 0.4875 + half), abs=1e-6)


def test_published_figures_all_on_one_side_of_their_reruns_are_tested_for_a_common_direction():
    """Counting figures inside their intervals hides a shared offset; a two-sided sign test shows it."""
    intervals = [5, 10, 15, 20, 30]
    runs = {f"market-lstm@interval={n}": run(f"market-lstm@interval={n}", "3a", [200, 202, 204]) for n in intervals}
    # Every rerun as published is at 0.5 or a little above, below each published 3a figure (0.530 to 0.562).
    rungs = {f"ladder-3a-{n}-0": run(f"ladder-3a-{n}-0", "3a", [200 + k, 201 + k, 202 + k])
             for k, n in enumerate(intervals)}
    said = reproduction.agreement(runs, rungs, "3a")
    # 5 of 5 above: two-sided binomial p = 2 / 2**5 = 0.0625.
    assert said.endswith("; the published figure lies above the mean of its rerun as published in 5 of the 5 "
                         "distinct reruns (two-sided sign test, p = 0.062)")
    # Four figures are too few for a sign test to say anything, so none is run.
    fewer = {k: v for k, v in rungs.items() if k != "ladder-3a-30-0"}
    assert "sign test" not in reproduction.agreement(runs, fewer, "3a")
