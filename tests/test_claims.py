"""Every comparative sentence of the report comes from a paired test with a direction and Holm's correction."""

import math

import numpy as np
import pytest
from scipy.stats import chi2

from report import claims, stats
from report.runs import Run

N = 400
LABELS = np.array([0, 1] * (N // 2))


_names = iter(range(10**6))


def run(correct_rows, *, seeds=1, name=None, classes=("down", "up")):
    """A run whose seed k is right exactly on the rows of ``correct_rows[k]`` (a boolean mask or a count)."""
    masks = correct_rows if isinstance(correct_rows, list) else [correct_rows] * seeds
    out = []
    for mask in masks:
        if isinstance(mask, (int, np.integer)):
            mask = np.arange(N) < mask
        predictions = np.where(mask, LABELS, 1 - LABELS)
        out.append({"metrics": {"labels": LABELS.tolist(), "predictions": predictions.tolist()}, "class_names": list(classes)})
    return Run(name or f"run-{next(_names)}", out)


def majority():
    return run(np.asarray(LABELS == 0))  # always predicts class 0: right on half the rows


def say(fn):
    """What ``fn(registry)`` writes once its comparisons are settled (the report's two passes)."""
    return claims.settled(fn)


def test_one_seed_each_is_mcnemars_test_and_speaks_only_of_the_trained_models():
    a, b = run(np.arange(N) < 215), run(np.arange(N) < 190)  # a alone is right on 25 rows
    found = say(lambda reg: reg.get(a, b, "the LSTM", "the GRU"))
    assert found.test == "McNemar's test" and found.scope == "trained models"
    assert found.p == pytest.approx(chi2.sf((25 - 1) ** 2 / 25, df=1))  # continuity-corrected at 25 discordant rows
    assert found.direction == "better"
    assert found.sentence().startswith("The LSTM as trained here is more accurate than the GRU")
    assert "McNemar's test, one trained model" in found.sentence()


def test_several_seeds_are_compared_as_methods_over_seeds_and_rows():
    rng = np.random.default_rng(0)
    a = run([rng.random(N) < 0.8 for _ in range(3)])
    b = run([rng.random(N) < 0.6 for _ in range(3)])
    found = say(lambda reg: reg.get(a, b, "A", "B"))
    assert found.scope == "methods" and found.test == "t-test over seeds and test rows"
    assert found.direction == "better" and found.p < 0.001


def test_a_significant_loss_is_said_as_a_loss_not_as_significant():
    lstm, tfidf = run(150, seeds=3), run(250, seeds=3)
    found = say(lambda reg: reg.get(lstm, tfidf, "the LSTM", "TF-IDF"))
    assert found.direction == "worse"
    assert found.sentence().startswith("The LSTM is less accurate than TF-IDF (0.375 against 0.625; Holm p < 0.001, ")


def test_a_difference_the_test_does_not_support_is_no_evidence_either_way():
    # TF-IDF ahead on 2 more rows out of 400.
    lstm, tfidf = run(200), run(202)
    found = say(lambda reg: reg.get(lstm, tfidf, "the LSTM", "TF-IDF"))
    assert found.p > 0.3 and found.direction == "no evidence"
    assert "no difference between the LSTM and TF-IDF" in found.sentence()
    assert "more accurate" not in found.sentence() and "less accurate" not in found.sentence()


def test_every_p_says_its_test_and_its_family():
    a, b = run(300), run(200)
    found = say(lambda reg: reg.get(a, b, "A", "B"))
    assert "McNemar's test, one trained model; Holm over the 1 tests of family" in found.evidence


def test_holm_over_the_family_turns_a_lone_significant_result_into_no_evidence():
    # Alone, 16 rows against 4 is significant (exact Holm p = 0.012); in a family of five, Holm multiplies it by five.
    def right_on(k_a, k_b):
        return run(np.arange(N) < 200 + k_a), run((np.arange(N) < 200) | ((np.arange(N) >= 300) & (np.arange(N) < 300 + k_b)))

    lone = right_on(16, 4)
    alone = say(lambda reg: reg.get(*lone))
    assert alone.p < 0.05 and alone.direction == "better"
    family = [lone] + [right_on(5, 4) for _ in range(4)]
    found = say(lambda reg: [reg.get(a, b) for a, b in family])
    assert found[0].p == pytest.approx(alone.p)
    assert found[0].p_adjusted == pytest.approx(min(1.0, 5 * alone.p)) and found[0].p_adjusted > 0.05
    assert found[0].direction == "no evidence" and found[0].family_size == 5


def test_a_pair_asked_for_in_two_places_reads_the_same_in_both():
    a, b, c = run(260), run(230), run(200)

    def two_places(reg):
        chapter = claims.against(reg, [a], ["A"], b, "B")
        summary = claims.against(reg, [a, c], ["A", "C"], [b, b], "B")
        return chapter, summary, reg.get(a, b), reg.get(b, a)

    chapter, summary, ab, ba = say(two_places)
    assert ab.p_adjusted == ba.p_adjusted and ab.family_size == 2  # (a, b) and (c, b): one family, each tested once
    assert ba.direction == {"better": "worse", "worse": "better"}[ab.direction]
    assert f"A (0.650 against 0.575, {claims.holm_text(ab.p_adjusted)})" in chapter
    assert f"A (0.650 against 0.575, {claims.holm_text(ab.p_adjusted)})" in summary


def test_runs_with_identical_predictions_are_one_computation_and_never_tested():
    a, copy, other = run(260, seeds=3), run(260, seeds=3, name="copy"), run(200, seeds=3, name="other")
    sentence = say(lambda reg: claims.against(reg, [copy, other], ["2e", "2b"], a, "2a"))
    assert "2e made exactly its predictions (the same computation, not tested)" in sentence
    found = say(lambda reg: reg.get(copy, a))
    assert found.scope == "same" and found.verdict == "same computation" and found.family_size == 0


def test_a_template_may_not_ask_for_a_comparison_it_did_not_ask_for_on_the_first_pass():
    registry = claims.Registry()
    registry.settle()
    with pytest.raises(LookupError, match="was not asked for on the first pass"):
        registry.get(run(200), run(201, name="other"))


def test_the_market_tally_counts_losses_as_losses_and_never_says_beats():
    # Seven intervals: ahead by a hair at five, clearly behind at two.
    lstm = [run(203), run(204), run(140), run(202), run(130),
            run(201), run(205)]
    majorities = [run(np.asarray(LABELS == 0), name=f"m{i}") for i in range(7)]
    points = [f"N = {n}" for n in (5, 10, 15, 20, 30, 40, 50)]
    sentence = say(lambda reg: claims.tally(reg, lstm, majorities, subject="the LSTM", other="the majority class",
                                            points=points, unit="interval"))
    assert "less accurate at 2 (N = 15, N = 30)" in sentence
    assert "not distinguishable at 5" in sentence and "more accurate" not in sentence
    assert "beats" not in sentence and "Holm over the 7 tests of family" in sentence


def test_most_accurate_is_said_only_when_the_leader_is_ahead_of_every_other_model():
    three = [run(300), run(298), run(200)]
    close = say(lambda reg: claims.ranking(reg, three, ["A", "B", "C"], among="the networks"))
    assert "most accurate" not in close
    assert "A has the highest accuracy of the networks (0.750) and is ahead of C, but the tests do not show it ahead of B" in close
    three = [run(300), run(250), run(200)]
    clear = say(lambda reg: claims.ranking(reg, three, ["A", "B", "C"]))
    assert clear.startswith("A is the most accurate of these: more accurate than each of the others (B Holm p < 0.001, C Holm p")


def test_against_one_reference_gives_each_model_its_own_direction():
    models, tfidf = [run(150), run(201)], run(200)
    sentence = say(lambda reg: claims.against(reg, models, ["the dense model", "the LSTM"], tfidf, "TF-IDF"))
    assert "the dense model (0.375 against 0.500, Holm p < 0.001) is less accurate" in sentence
    assert "the test shows no difference for the LSTM" in sentence


def test_models_that_learned_nothing_are_flagged_by_test_not_by_point_estimate():
    one_class = run(np.asarray(LABELS == 0), name="one")
    slightly_ahead = run(205, name="slight")  # 0.5125 against 0.5: above by point estimate, not by the test
    clearly_ahead = run(300, name="clear")
    reference = majority()
    flags = say(lambda reg: claims.learned_nothing(reg, [one_class, slightly_ahead, clearly_ahead],
                                                   [reference] * 3, ["the MLP", "the LSTM", "the BiLSTM"]))
    assert flags[0] == 'The MLP predicts "down" for every test text: it learned nothing from the words.'
    assert flags[1].startswith("The LSTM (0.512 against 0.500, Holm p = ")
    assert "is not shown to be more accurate than always predicting the majority class" in flags[1]
    assert len(flags) == 2


def test_the_weakest_class_is_the_one_with_the_lowest_auc():
    r = Run("m", [{"metrics": {"roc": {"tech": {"auc": 0.994}, "sport": {"auc": 0.97}, "none": {"auc": None}}}}])
    assert claims.weakest_by_auc(r) == ("sport", 0.97)


def attention_run(profiles, positions):
    examples = [{"profile": list(p), "positions": list(q), "length": len(p)} for p, q in zip(profiles, positions)]
    return Run("m", [{"attention": examples}])


def test_attention_that_peaks_on_scattered_words_is_read_as_words_not_positions():
    rng = np.random.default_rng(0)
    profiles = [rng.random(200) for _ in range(4)]
    reading = claims.attention_reading(attention_run(profiles, [np.argsort(-p)[:12] for p in profiles]))
    assert reading.startswith("In none of these 4 articles does the weight follow position (Spearman correlation")
    assert reading.endswith("With 4 articles, this describes them, not the model in general.")


def test_attention_that_rises_along_the_article_is_read_as_following_position():
    profiles = [np.linspace(0.1, 2.0, 200)] * 4
    reading = claims.attention_reading(attention_run(profiles, [np.arange(188, 200)] * 4))
    assert reading.startswith("In each of these 4 articles the weight grows towards later positions (Spearman "
                              "correlation with position +1.00, +1.00, +1.00, +1.00)")


def test_opposite_trends_in_different_articles_are_listed_never_averaged_away():
    rising, falling = np.linspace(0.1, 2.0, 50), np.linspace(2.0, 0.1, 50)
    reading = claims.attention_reading(attention_run([rising, falling], [[49], [0]]))
    assert reading.startswith("The weight follows position in each of these 2 articles, growing towards later "
                              "positions in 1 and towards earlier positions in 1 (Spearman correlation with position "
                              "+1.00, \u22121.00)")
    # Both most weighted positions are at an end of their article, where a BiLSTM state reads one side only.
    assert "2 of the 2 within its first or last 5 %." in reading


def test_articles_that_follow_position_one_way_while_the_rest_do_not_are_said_to_do_exactly_that():
    rng = np.random.default_rng(0)
    rising, flat = np.linspace(0.1, 2.0, 200), rng.random(200)
    reading = claims.attention_reading(attention_run([rising, rising, flat], [[199], [199], [0]]))
    assert reading.startswith("The weight follows position in 2 of these 3 articles, growing towards later positions "
                              "in 2, and not in the other 1 (Spearman correlation with position +1.00, +1.00, ")


def test_split_gaps_use_an_unpaired_test_and_give_each_model_its_direction():
    other_rows = np.array([0, 1] * 150)

    def on_other_rows(k, name):
        mask = np.arange(300) < k
        return Run(name, [{"metrics": {"labels": other_rows.tolist(),
                                       "predictions": np.where(mask, other_rows, 1 - other_rows).tolist()}}])

    pairs = [(run(360), on_other_rows(188, "b")), (run(300), on_other_rows(224, "d"))]
    sentence = say(lambda reg: claims.split_gaps(reg, pairs, ["the LSTM", "TF-IDF"], first="random", second="grouped"))
    # The grouped split's accuracy first, as the sentence names that split: lower there, 0.627 against 0.900.
    assert "the LSTM is lower on the grouped split (0.627 against 0.900, Holm p < 0.001)" in sentence
    assert "TF-IDF shows no difference" in sentence and "two-proportion z-test, one trained model" in sentence


def test_the_method_section_quotes_the_measured_calibration_not_numbers_of_its_own():
    aa = {"previous: paired t over rows": 40, "Welch over seeds (scipy)": 9, "ASO eps_min < 0.2 (deepsig)": 3,
          "report: t over seeds and rows": 4, "splits": 200, "aso splits": 60, "one seed each (McNemar)": 7,
          "seed pairs": 28}
    power = {f"{n}|{d}": {"report: t over seeds and rows": p} for n in (2, 3, 4) for d, p in ((0.02, 0.25), (0.05, 0.9))}
    calibration = {"aa": {"20ng-lstm": aa}, "power": {"20ng-lstm": power}, "target": {"delta": 0.05},
                   "experiments": {"20ng-lstm": {"seeds": 8, "rows": 7532, "study": "2a"}}}
    said = claims.calibration_text(calibration)
    assert "called different in 40 of the 200 splits (20 %)" in said and "in 4 (2.0 %) by the seed-aware test this report uses where networks have several seeds" in said
    assert "in 7 of 28 pairs of single seeds (25 %) by McNemar's test" in said
    assert "90 % of the splits on 2a (7,532 test rows)" in said
    assert "and one of 2 points 25 % of the time on 2a" in claims.calibration_power(calibration, [3])
    assert "with 2 seeds a side, 5 points are found 90 % of the time on 2a." in claims.calibration_power(calibration, [2, 3])
    assert "has not been measured" in claims.calibration_text(None)


# --- Sentences over several comparisons, word for word ------------------------------------------------------------
#
# Runs of one seed on the same rows are compared with McNemar's test. Where run(k) is compared with run(j), k > j,
# the discordant rows are the k - j rows only the first gets right; below 25 of them the test is exact:
# Holm p = 2 * 0.5 ** (k - j), at most 1 (so run(201) against run(200) has Holm p = 1, run(205) against run(200) 0.0625).


@pytest.fixture
def caveats(monkeypatch):
    """What the training diagnostics say of each run, by run id ("" for the others)."""
    said: dict[str, str] = {}
    monkeypatch.setattr(claims.diagnostics, "caveat", lambda r: said.get(r.id, ""))
    return said


def of(dataset, *runs):
    """``runs``, each seed marked as run on ``dataset`` (a comparison's family)."""
    for r in runs:
        for seed in r.seeds:
            seed["data"] = {"dataset": dataset}
    return runs


def on_bbc(fn):
    return claims.settled(fn, {"bbc": "BBC News"})


def test_a_summary_of_models_all_behind_one_reference_counts_them_with_their_range(caveats):
    ref, a, b, c = of("bbc", run(300), run(150), run(160), run(170))
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b, c], ["the MLP", "the LSTM", "the GRU"], ref, "TF-IDF"))
    assert said == ("Against TF-IDF (0.750), all 3 networks as trained here are less accurate (0.375–0.425, every Holm p < 0.001) "
                    "(McNemar's test, one trained model; Holm over the 3 tests of family BBC News).")


def test_a_summary_gives_the_largest_adjusted_p_of_a_group_of_losses(caveats):
    # 12, 10 and 8 discordant rows: Holm p = 2/4096, 2/1024, 2/256; Holm over three: 0.0015, 0.0039, 0.0078.
    ref, a, b, c = of("bbc", run(212), run(200), run(202), run(204))
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b, c], ["A", "B", "C"], ref, "R", noun="models"))
    assert said == ("Against R (0.530), all 3 models as trained here are less accurate (0.500–0.510, every Holm p at most 0.008) "
                    "(McNemar's test, one trained model; Holm over the 3 tests of family BBC News).")


def test_a_brief_summary_against_one_reference_per_model_counts_each_direction_and_names_no_test(caveats):
    r1, r2, r3, a, b, c = of("bbc", run(200), run(200), run(200), run(150), run(260), run(201))
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b, c], ["A", "B", "C"], [r1, r2, r3], "TF-IDF", brief=True))
    assert said == ("Against TF-IDF, 1 of the 3 networks as trained here is less accurate (0.375, Holm p < 0.001); 1 of the 3 "
                    "networks as trained here is more accurate (0.650, Holm p < 0.001); the tests show no difference for 1 of the 3 networks "
                    "(0.502, Holm p = 1.000).")


def test_a_summary_of_two_models_behind_says_they_are(caveats):
    ref, a, b = of("bbc", run(300), run(150), run(160))
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b], ["A", "B"], ref, "R", brief=True))
    assert said == "Against R (0.750), all 2 networks as trained here are less accurate (0.375–0.400, every Holm p < 0.001)."


def test_a_summary_of_one_model_says_one_of_one(caveats):
    ref, x = of("bbc", run(200), run(300))
    said = on_bbc(lambda reg: claims.summarise(reg, [x], ["X"], ref, "R", brief=True))
    assert said == "Against R (0.500), 1 of the 1 networks as trained here is more accurate (0.750, Holm p < 0.001)."


def test_a_summary_of_no_differences_gives_the_smallest_adjusted_p_and_groups_the_diagnostics(caveats):
    # 5 and 1 discordant rows: Holm p = 0.0625 and 1; Holm over two: 0.125 and 1.
    ref, a, b = of("bbc", run(200), run(205), run(201))
    caveats.update({a.id: "still improving at the 35-epoch cap", b.id: "still improving at the 35-epoch cap; resumed"})
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b], ["A", "B"], ref, "R"))
    assert said == ("Against R (0.500), the tests show no difference for all 2 networks (0.502–0.512, every Holm p at least "
                    "0.125) (McNemar's test, one trained model; Holm over the 2 tests of family BBC News). Flagged by "
                    "the training diagnostics: A and B (still improving at the 35-epoch cap); B (resumed).")


def test_a_summary_warns_of_little_power_where_a_network_has_two_seeds_but_not_for_the_majority_class(caveats):
    # Right on as many rows, but not the same ones: the difference is 0, every Holm p is 1.
    first = [np.arange(N) < 200] * 2
    shifted = [(np.arange(N) >= 1) & (np.arange(N) < 201)] * 2
    ref, a, b, c, m = of("bbc", run(first), run(shifted), run(shifted), run(shifted + shifted[:1]), run(shifted))
    said = on_bbc(lambda reg: claims.summarise(reg, [a, b, c, m], ["the LSTM", "the GRU", "the CNN",
                                                                   "the majority class"], ref, "R"))
    assert said == ("Against R (0.500), the tests show no difference for all 4 networks (0.500, every Holm p = 1.000; the "
                    "LSTM has 2 seeds and the GRU has 2 seeds, so the test has little power there) (t-test over seeds "
                    "and test rows; Holm over the 4 tests of family BBC News).")


def test_a_summary_counts_a_model_that_repeats_the_reference_but_reports_no_test_for_it(caveats):
    ref, copy, x = of("bbc", run(200), run(200), run(300))
    said = on_bbc(lambda reg: claims.summarise(reg, [copy, x], ["the copy", "X"], ref, "R"))
    assert said == ("Against R (0.500), 1 of the 2 networks as trained here is more accurate (0.750, Holm p < 0.001) (McNemar's test, one "
                    "trained model; Holm over the 1 tests of family BBC News).")


def test_models_against_one_reference_are_listed_by_direction_with_their_numbers_and_diagnostics(caveats):
    ref, a, b, c, d, e, copy = of("bbc", run(200), run(260), run(262), run(150), run(205), run(201), run(200))
    caveats[c.id] = "still improving"
    said = on_bbc(lambda reg: claims.against(reg, [a, b, c, d, e, copy], ["A", "B", "C", "D", "E", "the copy"], ref, "R"))
    assert said == ("Against R: A (0.650 against 0.500, Holm p < 0.001) and B (0.655 against 0.500, Holm p < 0.001) are more "
                    "accurate; C (0.375 against 0.500, Holm p < 0.001; still improving) is less accurate; the test shows no "
                    "difference for D and E (every Holm p at least 0.125); the copy made exactly its predictions (the same "
                    "computation, not tested) (McNemar's test, one trained model; Holm over the 5 tests of family BBC "
                    "News).")


def test_a_flag_several_models_share_is_said_once_for_all_of_them_in_the_same_sentence(caveats):
    ref, a, b, c = of("bbc", run(200), run(150), run(152), run(148))
    caveats[a.id] = caveats[b.id] = "still improving at the 12-epoch cap"
    caveats[c.id] = "underfitting"
    said = on_bbc(lambda reg: claims.against(reg, [a, b, c], ["A", "B", "C"], ref, "R"))
    assert said.startswith("Against R: A (0.375 against 0.500, Holm p < 0.001), B (0.380 against 0.500, Holm p < 0.001) "
                           "and C (0.370 against 0.500, Holm p < 0.001) are less accurate, flagged: A and B (still "
                           "improving at the 12-epoch cap); C (underfitting) (McNemar's test")
    assert said.count("still improving") == 1


def test_one_model_against_a_reference_is_one_clause(caveats):
    ref, c, d, copy = of("bbc", run(200), run(150), run(205), run(200))
    assert on_bbc(lambda reg: claims.against(reg, [c], ["C"], ref, "R")) == (
        "Against R: C (0.375 against 0.500, Holm p < 0.001) is less accurate (McNemar's test, one trained model; Holm over "
        "the 1 tests of family BBC News).")
    assert on_bbc(lambda reg: claims.against(reg, [d], ["D"], ref, "R")) == (
        "Against R: the test shows no difference for D (Holm p = 0.062) (McNemar's test, one trained model; Holm over the 1 "
        "tests of family BBC News).")
    assert on_bbc(lambda reg: claims.against(reg, [copy], ["the copy"], ref, "R")) == (
        "Against R: the copy made exactly its predictions (the same computation, not tested).")


def test_models_with_seeds_and_no_difference_say_every_p_is_one_and_no_one_seed_note(caveats):
    first = [np.arange(N) < 200] * 2
    shifted = [(np.arange(N) >= 1) & (np.arange(N) < 201)] * 2
    ref, p, q = of("bbc", run(first), run(shifted), run(shifted))
    assert on_bbc(lambda reg: claims.against(reg, [p, q], ["P", "Q"], [ref, ref], "R")) == (
        "Against R: the test shows no difference for P and Q (every Holm p = 1.000) (t-test over seeds and test rows; Holm "
        "over the 2 tests of family BBC News).")


def test_a_tally_counts_each_direction_names_the_points_and_their_diagnostics(caveats):
    lstm = of("m", run(260), run(150), run(201), run(262))
    refs = of("m", *[run(200) for _ in range(4)])
    caveats.update({lstm[0].id: "resumed", lstm[2].id: "still improving"})
    points = ["N = 5", "N = 10", "N = 15", "N = 20"]
    said = claims.settled(lambda reg: claims.tally(reg, list(lstm), list(refs), subject="the LSTM",
                                                   other="the majority class", points=points, unit="interval"),
                          {"m": "market"})
    assert said == ("Against the majority class, the LSTM is more accurate at 2 (N = 5: resumed, N = 20), less accurate "
                    "at 1 (N = 10) and not distinguishable at 1 (a difference of +0.002) of the 4 intervals (McNemar's "
                    "test, one trained model; Holm over the 4 tests of family market). Flagged by the training "
                    "diagnostics: the LSTM at N = 15 (still improving).")
    brief = claims.settled(lambda reg: claims.tally(reg, [lstm[2]], [refs[2]], subject="the LSTM",
                                                    other="the majority class", points=["N = 15"], unit="interval",
                                                    brief=True), {"m": "market"})
    assert brief == ("Against the majority class, the LSTM is not distinguishable at 1 (a difference of +0.002) of the 1 "
                     "interval. Flagged by the training diagnostics: the LSTM at N = 15 (still improving).")
    counted = claims.settled(lambda reg: claims.tally(reg, list(lstm), list(refs), subject="the LSTM",
                                                      other="the majority class", points=points, unit="interval",
                                                      brief=True, counted=True), {"m": "market"})
    assert counted.endswith("of the 4 intervals. The training diagnostics flag this run.")
    unflagged = claims.settled(lambda reg: claims.tally(reg, list(lstm), list(refs), subject="the LSTM",
                                                        other="the majority class", points=points, unit="interval",
                                                        flags=False), {"m": "market"})
    assert "Flagged" not in unflagged and unflagged.startswith("Against the majority class, the LSTM is more accurate")


def test_flagged_runs_that_differ_only_in_a_closing_number_are_named_once_with_every_number(caveats):
    lstm = of("m", run(201), run(202), run(201), run(199))
    refs = of("m", *[run(200) for _ in range(4)])
    caveats.update({lstm[0].id: "still improving", lstm[2].id: "still improving", lstm[3].id: "still improving"})
    points = ["N = 5", "N = 10", "N = 15", "N = 2.5"]
    said = claims.settled(lambda reg: claims.tally(reg, list(lstm), list(refs), subject="the LSTM",
                                                   other="the majority class", points=points, unit="interval",
                                                   brief=True), {"m": "market"})
    assert said == ("Against the majority class, the LSTM is not distinguishable at any of the 4 intervals "
                    "(differences from -0.003 to +0.005). Flagged by the training diagnostics: the LSTM at N = 5, 15 and 2.5 "
                    "(still improving).")
    # With its test named, the test joins the differences in one parenthesis.
    full = claims.settled(lambda reg: claims.tally(reg, list(lstm), list(refs), subject="the LSTM",
                                                   other="the majority class", points=points, unit="interval"),
                          {"m": "market"})
    assert "(differences from -0.003 to +0.005; McNemar's test, one trained model; Holm over the 4 tests" in full
    # Names that end in a word, not a number, stay whole.
    assert claims._numbered(["the dense baseline", "the stacked BiLSTM", "the LSTM at N = 5"]) == [
        "the dense baseline", "the stacked BiLSTM", "the LSTM at N = 5"]


def test_a_ranking_with_a_clear_leader_lists_each_p_and_its_diagnostic(caveats):
    a, b, c = of("bbc", run(300), run(250), run(200))
    caveats[a.id] = "resumed"
    said = on_bbc(lambda reg: claims.ranking(reg, [c, a, b], ["the MLP", "the LSTM", "the GRU"], among="the networks"))
    assert said == ("The LSTM is the most accurate of the networks: more accurate than each of the others (the GRU "
                    "Holm p < 0.001, the MLP Holm p < 0.001; McNemar's test, one trained model; Holm over the 2 tests of family "
                    "BBC News). Its training diagnostic: resumed.")




def test_a_ranking_without_a_clear_leader_names_who_is_not_behind_it_by_how_much_and_the_leaders_diagnostic(caveats):
    # 2 and 4 discordant rows: Holm p = 0.5 and 0.125; Holm over two: 0.5 and 0.25.
    x, y, z = of("bbc", run(300), run(298), run(296))
    caveats[x.id] = "scored past its best epoch"
    said = on_bbc(lambda reg: claims.ranking(reg, [y, x, z], ["Y", "X", "Z"]))
    # One seed a side: the lead is told by the discordant rows McNemar's test reads, as the test saw it.
    assert said == ("The tests support no ordering of these: the highest accuracy (0.750, X) is not shown ahead of Y "
                    "(by 0.005: 2 rows against 0 where only one is right, Holm p = 0.500) and Z (by 0.010: 4 rows against 0 "
                    "where only one is right, Holm p = 0.250) (McNemar's test, one trained model; Holm over the 2 tests of "
                    "family BBC News). The leader's training diagnostic: scored past its best epoch.")
    # With seeds the test is over seeds and rows, and the lead comes with its interval, said to be uncorrected.
    rng = np.random.default_rng(3)
    p, q = of("bbc", run([rng.random(N) < 0.75, rng.random(N) < 0.75]), run([rng.random(N) < 0.74] * 2))
    seeded = on_bbc(lambda reg: claims.ranking(reg, [p, q], ["P", "Q"]))
    d, interval = stats.difference_interval(claims.correct(p), claims.correct(q))
    assert f"(by {d:.3f} [{interval.low:.3f}, {interval.high:.3f}], Holm p = " in seeded
    assert seeded.endswith("; leads with their 95 % intervals before correction).")


def test_runs_that_are_one_computation_rank_as_one_contender_named_together(caveats):
    a, b, c, d = of("bbc", run(300), run(250), run(200), run(300))
    registry = claims.Registry({"bbc": "BBC News"}, canonical=lambda r: a if r is d else r)

    def rank(reg):
        return claims.ranking(reg, [b, a, c, d], ["B", "A at 40", "C", "A at 80"])

    rank(registry)
    registry.settle()
    assert rank(registry) == (
        "A at 40 and A at 80 (one computation) is the most accurate of these: more accurate than each of the others "
        "(B Holm p < 0.001, C Holm p < 0.001; McNemar's test, one trained model; Holm over the 2 tests of family BBC News).")


def test_the_leaders_diagnostic_is_said_against_a_single_other_model_too(caveats):
    x, clear, close = of("bbc", run(300), run(200), run(298))
    caveats[x.id] = "resumed"
    ahead = on_bbc(lambda reg: claims.ranking(reg, [x, clear], ["X", "C"]))
    assert ahead.endswith("(C Holm p < 0.001; McNemar's test, one trained model; Holm over the 1 tests of family BBC News). "
                          "Its training diagnostic: resumed.")
    tied = on_bbc(lambda reg: claims.ranking(reg, [x, close], ["X", "Y"]))
    assert tied == ("The tests support no ordering of these: the highest accuracy (0.750, X) is not shown ahead of Y "
                    "(by 0.005: 2 rows against 0 where only one is right, Holm p = 0.500) (McNemar's test, one trained model; "
                    "Holm over the 1 tests of family BBC News). The leader's training diagnostic: resumed.")


def test_a_leader_tied_with_an_identical_run_is_not_said_to_be_ahead_of_it(caveats):
    x, twin, c = of("bbc", run(300), run(300), run(200))
    said = on_bbc(lambda reg: claims.ranking(reg, [x, twin, c], ["X", "the twin", "C"]))
    assert said == ("X has the highest accuracy of these (0.750) and is ahead of C, but the tests do not show it ahead "
                    "of the twin (the same computation) (McNemar's test, one trained model; Holm over the 1 tests of "
                    "family BBC News).")


def test_a_run_that_predicts_one_class_and_runs_no_better_than_the_majority_are_flagged_apart(caveats):
    # The LSTM is right on rows 0-204 and the majority class on the even rows: 102 rows only the LSTM gets right,
    # 97 only the majority class; McNemar's chi-squared (|102 - 97| - 1)^2 / 199 has Holm p = 0.777.
    assert chi2.sf((102 - 97 - 1) ** 2 / 199, df=1) == pytest.approx(0.777, abs=5e-4)
    runs = of("bbc", run(np.asarray(LABELS == 1)), run(205), run(300))
    majorities = of("bbc", majority(), majority(), majority())
    flags = on_bbc(lambda reg: claims.learned_nothing(reg, list(runs), list(majorities),
                                                      ["the MLP", "the LSTM", "the CNN"]))
    assert flags == ['The MLP predicts "up" for every test text: it learned nothing from the words.',
                     "The LSTM (0.512 against 0.500, Holm p = 1.000) is not shown to be more accurate than always predicting "
                     "the majority class (McNemar's test, one trained model; Holm over the 3 tests of family BBC News)."]
    alone = on_bbc(lambda reg: claims.learned_nothing(reg, [runs[1]], [majorities[1]], ["the LSTM"]))
    assert alone == ["The LSTM (0.512 against 0.500, Holm p = 0.777) is not shown to be more accurate than always "
                     "predicting the majority class (McNemar's test, one trained model; Holm over the 1 tests of family "
                     "BBC News)."]


def test_two_or_three_runs_not_ahead_of_the_majority_are_named_with_their_numbers(caveats):
    runs = of("bbc", run(205), run(201))
    majorities = of("bbc", majority(), majority())
    flags = on_bbc(lambda reg: claims.learned_nothing(reg, list(runs), list(majorities), ["the LSTM", "the GRU"]))
    assert flags == ["The LSTM (0.512 against 0.500, Holm p = 1.000) and the GRU (0.502 against 0.500, Holm p = 1.000) are not "
                     "shown to be more accurate than always predicting the majority class (McNemar's test, one trained "
                     "model; Holm over the 2 tests of family BBC News)."]


def test_three_runs_not_ahead_of_the_majority_are_still_named_one_by_one(caveats):
    runs = of("bbc", run(201), run(202), run(201))
    references = of("bbc", majority(), majority(), majority())
    (flag,) = on_bbc(lambda reg: claims.learned_nothing(reg, list(runs), list(references), ["A", "B", "C"]))
    assert flag.startswith("A (0.502 against 0.500, Holm p = ") and " are not shown to be more accurate than" in flag


def test_more_than_three_runs_not_ahead_of_the_majority_are_summarised_by_their_ranges(caveats):
    # Against their references, 1, 2, 3 and 5 discordant rows: Holm p = 1, 0.5, 0.25, 0.0625; Holm over four makes the
    # smallest 4 * 0.0625 = 0.25.
    runs = of("bbc", run(201), run(202), run(199), run(201))
    references = of("bbc", run(200), run(200), run(196), run(196))
    flags = on_bbc(lambda reg: claims.learned_nothing(reg, list(runs), list(references), ["A", "B", "C", "D"]))
    assert flags == ["None of A, B, C and D is shown to be more accurate than always predicting the majority class: "
                     "accuracies 0.497 to 0.505 against 0.490 to 0.500, the smallest adjusted p 0.250 (McNemar's test, "
                     "one trained model; Holm over the 4 tests of family BBC News)."]


def two_studies_calibration():
    """A calibration of four experiments: 20ng-lstm (2a), two intervals of market-lstm (3a) and bbc-dense (1),
    whose power was not measured; the report quotes one experiment per study, 3a by its interval of 5."""
    def power(by_seeds):
        return {f"{n}|{d}": {"report: t over seeds and rows": p} for n, by in by_seeds.items() for d, p in by.items()}

    return {
        "aa": {
            "20ng-lstm": {"previous: paired t over rows": 40, "Welch over seeds (scipy)": 9,
                          "ASO eps_min < 0.2 (deepsig)": 3, "report: t over seeds and rows": 4, "splits": 200,
                          "aso splits": 60, "one seed each (McNemar)": 7, "seed pairs": 28},
            "market-lstm@interval=5": {"previous: paired t over rows": 10, "Welch over seeds (scipy)": 3,
                                       "ASO eps_min < 0.2 (deepsig)": 1, "report: t over seeds and rows": 2,
                                       "splits": 1000, "aso splits": 40, "one seed each (McNemar)": 1, "seed pairs": 12},
        },
        "power": {
            "20ng-lstm": power({2: {0.02: 0.1, 0.05: 0.6}, 3: {0.02: 0.25, 0.05: 0.9}, 4: {0.02: 0.35, 0.05: 0.97}}),
            "market-lstm@interval=5": power({2: {0.05: 0.3}, 3: {0.02: 0.05, 0.05: 0.5}, 4: {0.02: 0.08, 0.05: 0.7}}),
            "market-lstm@interval=10": power({3: {0.05: 0.4}}),
            "bbc-dense": {},
        },
        "target": {"delta": 0.05},
        "experiments": {"market-lstm@interval=5": {"seeds": 6, "rows": 300, "study": "3a"},
                        "20ng-lstm": {"seeds": 8, "rows": 7532, "study": "2a"},
                        "market-lstm@interval=10": {"seeds": 6, "rows": 150, "study": "3a"},
                        "bbc-dense": {"seeds": 7, "rows": 445, "study": "1"}},
    }


def test_the_quoted_experiments_are_one_per_study_in_study_order():
    assert [name for name, _ in claims._quoted(two_studies_calibration())] == ["bbc-dense", "20ng-lstm",
                                                                               "market-lstm@interval=5"]


def test_the_method_section_sums_the_calibration_over_experiments_and_quotes_the_power_per_study():
    # Splits 200 + 1000; false positives 40 + 10 (paired t), 9 + 3 (Welch), 3 + 1 of 60 + 40 (ASO), 4 + 2 (this
    # test); McNemar 7 + 1 of 28 + 12 pairs.
    assert claims.calibration_text(two_studies_calibration()) == (
        "Why this test. On the real data (full profile; runs kept apart from this report's), 4 experiments of studies 1, 2a, 3a were each trained with 6 or more "
        "seeds of identical settings, and their seeds split 1,200 times into two groups of three, compared as if they "
        "were two methods. Identical settings were called different in 50 of the 1,200 splits (4 %) by a paired "
        "t-test over test rows of the per-row share of correct seeds, in 8 of 40 pairs of single seeds (20 %) by "
        "McNemar's test, in 12 (1.0 %) by Welch's t-test over seeds, in 4 of 100 (4.0 %) by Almost Stochastic Order "
        "at its recommended threshold of 0.2, and in 6 (0.5 %) by the seed-aware test this report uses where networks have several seeds; the nominal rate is 5 %. "
        "On single experiments these rates reach 4.5 % (2a) for Welch's test and 2.0 % (2a) for this report's; and "
        "since every split reuses the same few seeds, the splits are not independent trials, so all these rates are "
        "rough. Welch's test ignores the sampling of the test rows, which on a test set of a few "
        "thousand rows is as large as the spread over seeds; Almost Stochastic Order gives no p-value to correct. "
        "With three seeds a side, this test finds a planted improvement of 5 points of accuracy in 90 % of the "
        "splits on 2a (7,532 test rows) and 50 % of the splits on 3a at interval 5 (300 test rows; from 40 % to 50 % over its 2 settings).")
    assert claims.calibration_text({}) == "The test's calibration has not been measured for this report."


ONE_SEED_POWER = ("With one seed per network, no comparison of a network here speaks about methods. On the real data, "
                  "McNemar's test called two seeds of identical settings different in 8 of 40 pairs (20 %; from 1 of 12 "
                  "on 3a at interval 5 to 7 of 28 on 2a). A one-seed verdict therefore says that two trained models "
                  "differ on these rows, not that their settings do: two seeds of the same settings are called "
                  "different that often.")
CAVEAT_POWER = (" before any correction for multiple comparisons: a \"no difference shown\" between models a few points "
                "apart is not evidence that they are equal, and a smaller true difference is found less often still.")


@pytest.mark.parametrize("seeds", [[1], [], [1, 1]])
def test_with_one_seed_per_network_the_power_paragraph_quotes_mcnemars_false_positives(seeds):
    assert claims.calibration_power(two_studies_calibration(), seeds) == ONE_SEED_POWER
    # The abstract's clause: the rate alone.
    assert claims.calibration_power(two_studies_calibration(), seeds, brief=True) == (
        "on the real data this test called two seeds of identical settings different in 8 of 40 pairs, 20 %")


def test_the_power_paragraph_quotes_the_power_at_the_reports_number_of_seeds():
    # 3a is calibrated at two intervals: quoted at 5, with the range of both where both were measured.
    at_three = ("With 3 seeds a side, the test finds a true difference of 5 points of accuracy 90 % of the time on 2a "
                "and 50 % of the time on 3a at interval 5 (from 40 % to 50 % over its 2 settings), and one of 2 points "
                "25 % of the time on 2a and 5 % of the time on 3a," + CAVEAT_POWER)
    assert claims.calibration_power(two_studies_calibration(), [1, 3]) == at_three
    assert claims.calibration_power(two_studies_calibration(), [3]) == at_three
    # Two seeds is the fewest the test speaks about methods with; 3a's power at 2 points was not measured.
    assert claims.calibration_power(two_studies_calibration(), [2]) == (
        "With 2 seeds a side, the test finds a true difference of 5 points of accuracy 60 % of the time on 2a and 30 % "
        "of the time on 3a, and one of 2 points 10 % of the time on 2a," + CAVEAT_POWER)


def test_the_method_section_needs_only_the_power_at_three_seeds():
    calibration = two_studies_calibration()
    for measured in calibration["power"].values():
        for key in [k for k in measured if not k.startswith("3|")]:
            del measured[key]
    assert claims.calibration_text(calibration).endswith(
        "this test finds a planted improvement of 5 points of accuracy in 90 % of the splits on 2a (7,532 test rows) and "
        "50 % of the splits on 3a at interval 5 (300 test rows; from 40 % to 50 % over its 2 settings).")


def test_the_power_paragraph_stops_at_four_seeds_and_adds_the_power_of_networks_with_fewer():
    fewer = (" The networks with 2 seeds have less power: with 2 seeds a side, 5 points are found 60 % of the time on "
             "2a and 30 % of the time on 3a.")
    at_four = ("With 4 seeds a side, the test finds a true difference of 5 points of accuracy 97 % of the time on 2a "
               "and 70 % of the time on 3a, and one of 2 points 35 % of the time on 2a and 8 % of the time on 3a,"
               + CAVEAT_POWER)
    assert claims.calibration_power(two_studies_calibration(), [5]) == at_four
    assert claims.calibration_power(two_studies_calibration(), [2, 6]) == at_four + fewer
    assert claims.calibration_power(two_studies_calibration(), [2, 3]).endswith(CAVEAT_POWER + fewer)
    assert claims.calibration_power(None, [3]) == "The power of the test has not been measured for this report."


def test_the_calibration_is_read_from_its_file_and_is_none_when_missing_or_broken(tmp_path):
    path = tmp_path / "calibration.json"
    assert claims.read_calibration(path) is None
    path.write_text('{"target": {"delta": 0.05}}', encoding="utf-8")
    assert claims.read_calibration(path) == {"target": {"delta": 0.05}}
    path.write_text("{broken", encoding="utf-8")
    assert claims.read_calibration(path) is None


def test_the_attention_facts_count_the_articles_the_misclassified_and_the_mean_weight_of_the_top_words():
    examples = [{"true": "tech", "predicted": "tech", "weights": [0.3, 0.2, 0.1]},
                {"true": "sport", "predicted": "tech", "weights": [0.5, 0.25, 0.05]},
                {"true": "sport", "predicted": "sport", "weights": [0.2, 0.1, 0.1]},
                {"true": "politics", "predicted": "politics", "weights": [0.4, 0.3, 0.3]}]
    facts = claims.attention_facts(Run("m", [{"attention": examples}]))
    assert facts == {"shown": 4, "wrong": 1, "top": 3, "mass": pytest.approx((0.6 + 0.8 + 0.4 + 1.0) / 4)}
    assert type(facts["mass"]) is float


def test_attention_on_the_same_words_wherever_they_are_is_read_as_words_with_the_quartiles_of_their_places():
    # Profiles with no trend in position (Spearman rho +0.00 for each); top words at 0, 25, 50, 75 and 100 % of the
    # article: quartiles 25 % and 75 %, median 50 %.
    profile = [1.0, 3.0, 2.0, 3.0, 1.0]
    reading = claims.attention_reading(attention_run([profile, profile], [[0, 1, 2], [3, 4]]))
    assert reading == ("In none of these 2 articles does the weight follow position (Spearman correlation with "
                       "position +0.00, +0.00), and the most weighted positions sit at 50 % of the part of an article read in "
                       "the median (quartiles 25 % and 75 %), 2 of the 5 within its first or last 5 %. "
                       "With 2 articles, this describes them, not the model in general.")


def test_attention_falling_along_the_article_is_read_as_following_earlier_positions():
    # Spearman rho of a strictly falling profile is -1; a profile of two values says nothing and is left out of the
    # correlation, though its top word still counts among the places: 0 %, 25 %, 0 % and 0 % have quartiles 0 % and 6 %.
    falling = [5.0, 4.0, 3.0, 2.0, 1.0]
    run_ = Run("m", [{"attention": [{"profile": falling, "positions": [0, 1], "length": 5},
                                    {"profile": falling, "positions": [0], "length": 5},
                                    {"profile": [1.0, 2.0], "positions": [0], "length": 3}]}])
    assert claims.attention_reading(run_) == (
        "In each of these 2 articles the weight grows towards earlier positions (Spearman correlation with position "
        "\u22121.00, \u22121.00), and the most weighted positions sit at 0 % of the part of an article read in the median "
        "(quartiles 0 % and 6 %), 3 of the 4 within its first or last 5 %. With 2 articles, this describes them, not "
        "the model in general.")


def test_top_weights_within_two_per_cent_of_each_other_are_said_to_be_a_tie_and_the_window_is_named():
    profile = [3.0, 2.0, 1.0, 0.5]
    tied = {"profile": profile, "positions": [0, 1], "length": 4, "weights": [0.300, 0.297]}  # 1.0 % apart
    apart = {"profile": profile, "positions": [0, 1], "length": 4, "weights": [0.300, 0.250]}
    spec = {"vectorize": {"seq_len": 128}}
    reading = claims.attention_reading(Run("m", [{"attention": [tied, apart], "spec": spec}]))
    assert "of the part of an article read (its first 128 tokens at most)" in reading
    assert ("In 1 of the 2 articles the 2 most weighted positions are within 1.0 % of each other's weight, so their "
            "order, and which of them are circled, means little.") in reading
    both = claims.attention_reading(Run("m", [{"attention": [tied, tied], "spec": spec}]))
    assert "In every article the 2 most weighted positions are within 1.0 %" in both
    assert "each other's weight" not in claims.attention_reading(Run("m", [{"attention": [apart, apart], "spec": spec}]))


def test_attention_with_only_short_profiles_or_none_is_not_read():
    assert claims.attention_reading(Run("m", [{"attention": [{"profile": [1, 2], "positions": [0], "length": 2}]}])) == ""
    assert claims.attention_reading(Run("m", [{"metrics": {}}])) == ""


def test_a_word_sits_at_its_share_of_the_article_and_a_one_word_articles_at_its_start():
    # Positions are shares of length - 1, never divided by zero: a one-word article's only word is at 0 %, the
    # second word of a two-word article at 100 %.
    run_ = Run("m", [{"attention": [{"profile": [1.0, 2.0, 3.0], "positions": [2], "length": 3},
                                    {"profile": [3.0, 2.0, 1.0], "positions": [0], "length": 1},
                                    {"profile": [3.0, 2.0, 1.0], "positions": [1], "length": 2}]}])
    assert "sit at 100 % of the part of an article read in the median (quartiles 50 % and 100 %)" in claims.attention_reading(run_)


def test_attention_whose_correlation_with_position_is_exactly_the_threshold_follows_position():
    # Ranks 2, 4, 1, 5, 3 against positions 1-5: Spearman rho = 1 - 6 * 14 / 120 = 0.30, the threshold.
    reading = claims.attention_reading(attention_run([[2.0, 4.0, 1.0, 5.0, 3.0]], [[3]]))
    assert reading.startswith("In this article the weight grows towards later positions (Spearman correlation with "
                              "position +0.30)")
    assert reading.endswith("With 1 article, this describes it, not the model in general.")
    # A symmetric profile has rho = 0, well under the threshold.
    flat = claims.attention_reading(attention_run([[2.0, 1.0, 3.0, 1.0, 2.0]], [[2]]))
    assert flat.startswith("In this article the weight does not follow position (Spearman correlation with position")


def comparison(**changed):
    found = claims.Comparison("the LSTM", "TF-IDF", 0.6, 0.8, 0.0001, 0.0004, "McNemar's test", "trained models",
                              "BBC News", 3, caveat="resumed", other_caveat="", seeds=1)
    return claims.replace(found, **changed)


def test_a_swapped_comparison_exchanges_the_sides_and_keeps_the_test():
    assert comparison().swapped() == claims.Comparison("TF-IDF", "the LSTM", 0.8, 0.6, 0.0001, 0.0004, "McNemar's test",
                                                       "trained models", "BBC News", 3, caveat="resumed",
                                                       other_caveat="", seeds=1)
    assert comparison().swapped().direction == "better"


def test_the_verdict_of_a_comparison_in_a_table_cell_is_its_direction_and_whether_it_rests_on_one_seed():
    assert comparison().verdict == "less accurate (one seed)"
    assert comparison(accuracy=0.9).verdict == "more accurate (one seed)"
    assert comparison(scope="methods").verdict == "less accurate"
    assert comparison(p_adjusted=0.05).verdict == "no difference shown"
    assert comparison(p_adjusted=0.0499).verdict == "less accurate (one seed)"
    assert comparison(p_adjusted=0.2, scope="trained models").verdict == "no difference shown"
    assert comparison(scope="same").verdict == "same computation"


def test_a_comparison_in_a_sentence_says_its_numbers_test_and_family():
    assert comparison().sentence() == ("The LSTM as trained here is less accurate than TF-IDF "
                                       "(0.600 against 0.800; Holm p < 0.001, McNemar's test, one trained model; Holm over "
                                       "the 3 tests of family BBC News; resumed).")
    assert comparison(scope="methods", test="t-test over seeds and test rows", caveat="").sentence(brief=True) == (
        "The LSTM is less accurate than TF-IDF (0.600 against 0.800; Holm p < 0.001).")
    assert comparison(scope="same").sentence() == ("The LSTM made exactly the predictions of TF-IDF: the same "
                                                   "computation, counted once.")
    assert comparison(scope="same").how == "identical predictions, not tested"
    assert comparison().entry == "the LSTM (0.600 against 0.800, Holm p < 0.001; resumed)"


def test_while_collecting_a_comparison_is_a_placeholder_that_claims_nothing():
    a, b = run(300), run(200)
    found = claims.Registry().get(a, b, "A", "B")
    assert found == claims.Comparison("A", "B", 0.75, 0.5, 1.0, 1.0, "", "methods", "", 0)
    assert found.direction == "no evidence"


def test_a_settled_comparison_is_named_by_its_shown_run_and_described_by_the_run_it_repeats(caveats):
    a, b, shown = run(300, seeds=2, name="a"), run(200, name="b"), run(300, name="shown")
    caveats.update({"a": "resumed", "b": "still improving", "shown": "never read"})
    registry = claims.Registry(canonical=lambda r: a if r is shown else r)
    registry.get(shown, b)
    registry.settle()
    found = registry.get(shown, b)
    assert (found.model, found.other, found.caveat, found.other_caveat, found.seeds) == (
        "shown", "b", "resumed", "still improving", 2)
    back = registry.get(b, shown)  # asked the other way round: the same test, swapped
    assert (back.model, back.other, back.accuracy, back.other_accuracy, back.p_adjusted) == (
        "b", "a", 0.5, 0.75, found.p_adjusted)
    assert registry.get(shown, b, "the shown model", "the other").model == "the shown model"


def test_each_family_is_corrected_on_its_own_and_named_in_words():
    # 5 and 1 discordant rows: Holm p = 0.0625 and 1. Holm over the two makes the first 0.125; alone in its family it
    # stays 0.0625.
    bbc = of("bbc", run(205), run(200), run(201), run(200))
    ng = of("20ng", run(205), run(200))
    names = {"bbc": "BBC News", "20ng": "20 Newsgroups"}
    found = claims.settled(lambda reg: [reg.get(bbc[0], bbc[1]), reg.get(bbc[2], bbc[3]), reg.get(*ng)], names)
    assert [(c.family, c.family_size) for c in found] == [("BBC News", 2)] * 2 + [("20 Newsgroups", 1)]
    assert (found[0].p, found[0].p_adjusted) == (0.0625, 0.125) and (found[1].p, found[1].p_adjusted) == (1.0, 1.0)
    assert (found[2].p, found[2].p_adjusted) == (0.0625, 0.0625)
    assert found[2].test == "McNemar's test" and found[2].scope == "trained models"


def test_a_pair_asked_for_both_ways_is_tested_once():
    a, b = of("bbc", run(300), run(200))
    found = on_bbc(lambda reg: (reg.get(a, b), reg.get(b, a)))
    assert found[0].family_size == 1 and found[1].family_size == 1
    assert (found[1].accuracy, found[1].other_accuracy) == (0.5, 0.75)


def test_identical_runs_are_the_same_computation_in_their_familys_words():
    a, copy = of("bbc", run(300), run(300))
    found = on_bbc(lambda reg: reg.get(a, copy))
    assert (found.scope, found.family, found.family_size, found.p, found.p_adjusted, found.test) == (
        "same", "BBC News", 0, 1.0, 1.0, "")
    assert (found.accuracy, found.other_accuracy) == (0.75, 0.75)
    alone = on_bbc(lambda reg: reg.get(a, a))
    assert alone.scope == "same"


def reference_model(correct_rows):
    """A run of a model that trains without randomness (logistic regression on TF-IDF): one seed stands for all."""
    r = run(correct_rows)
    r.seeds[0]["spec"] = {"model": {"architecture": "tfidf-logreg"}}
    return r


def test_a_model_without_randomness_needs_one_seed_for_a_test_about_methods():
    assert claims.fixed(reference_model(200)) and not claims.fixed(run(200))
    network = run([np.arange(N) < 300, np.arange(N) < 290, np.arange(N) < 310])
    tfidf, other_tfidf, lone = reference_model(200), reference_model(200), run(300)
    found = say(lambda reg: (reg.get(network, tfidf), reg.get(other_tfidf, network)))
    assert [(c.test, c.scope) for c in found] == [("t-test over seeds and test rows", "methods")] * 2
    one_seed = say(lambda reg: reg.get(lone, tfidf))
    assert (one_seed.test, one_seed.scope) == ("McNemar's test", "trained models")
    no_spec = run(200)
    no_spec.seeds[0]["spec"] = None
    assert not claims.fixed(no_spec)


def test_the_appendix_table_lists_every_comparison_by_family_then_model_without_self_comparisons():
    a, b, c = of("bbc", run(300, name="ta"), run(200, name="tb"), run(200, name="tc"))
    e, f = of("20ng", run(300, name="te"), run(250, name="tf"))
    registry = claims.Registry({"bbc": "BBC News", "20ng": "20 Newsgroups"})
    for x, y in ((c, b), (b, a), (f, e), (a, a)):
        registry.get(x, y)
    assert registry.table() == []  # nothing settled yet
    registry.settle()
    assert [(t.family, t.model, t.other, t.scope) for t in registry.table()] == [
        ("20 Newsgroups", "tf", "te", "trained models"),
        ("BBC News", "tb", "ta", "trained models"),
        ("BBC News", "tc", "tb", "same")]


def test_p_values_in_cells_and_sentences_and_lists_in_words():
    assert claims.format_p(0.0009) == "<\u00a00.001" and claims.format_p(0.001) == "0.001"
    assert claims.format_p(0.0456) == "0.046"
    assert claims.p_text(0.0009) == "p < 0.001" and claims.p_text(0.001) == "p = 0.001"
    # An adjusted p says so: "p = 1.000" alone reads as two identical models.
    assert claims.holm_text(0.0009) == "Holm p < 0.001" and claims.holm_text(1.0) == "Holm p = 1.000"
    assert claims.join_words(["A"]) == "A"
    assert claims.join_words(["A", "B"]) == "A and B"
    assert claims.join_words(["A", "B", "C"]) == "A, B and C"


def test_runs_with_different_numbers_of_seeds_are_never_one_computation():
    one, two = run(300), run(300, seeds=2)
    assert not claims.same_computation(one, two) and claims.same_computation(one, run(300))
    assert claims.holm([]) == []


def test_the_weakest_class_is_chosen_by_its_auc_not_its_name():
    r = Run("m", [{"metrics": {"roc": {"business": {"auc": 0.99}, "tech": {"auc": 0.95}}}}])
    assert claims.weakest_by_auc(r) == ("tech", 0.95)
    assert claims.weakest_by_auc(Run("m", [{"metrics": {"roc": {"tech": {"auc": None}}}}])) is None


def test_a_run_and_its_seeds_are_judged_row_by_row():
    r = run([np.arange(N) < 300, np.arange(N) < 100])
    assert claims.correct(r).shape == (2, N)
    assert claims.correct(r)[0].sum() == 300 and claims.correct(r)[1].sum() == 100
    assert claims.accuracy(r) == 0.5
    assert claims.family_of(r) == "" and claims.family_of(of("bbc", run(1))[0]) == "bbc"


def test_a_studys_declared_question_is_a_family_of_its_own_and_side_questions_stay_in_the_datasets():
    def market(experiment, interval, correct_rows):
        r = of("trump-market", run(correct_rows, name=f"{experiment}@interval={interval}"))[0]
        r.first["spec"].update(experiment=experiment, point={"data.options.interval": interval})
        return r

    lstm = [market("market-lstm", n, 262) for n in (5, 10)]
    majority = [market("market-majority", n, 250) for n in (5, 10)]
    tfidf = market("market-tfidf-logreg", 5, 240)
    assert claims.family_of(lstm[0], majority[0]) == "LSTM against majority class (study 3a)"
    assert claims.family_of(lstm[0], tfidf) == claims.family_of(lstm[0]) == "trump-market"

    def ask(registry):
        return [registry.get(a, b) for a, b in [*zip(lstm, majority), (lstm[0], tfidf), (lstm[1], tfidf)]]

    found = claims.settled(ask, {"trump-market": "Tweets and the S&P 500"})
    assert [(c.family, c.family_size) for c in found] == [
        ("LSTM against majority class (study 3a)", 2)] * 2 + [("Tweets and the S&P 500", 2)] * 2
    # Holm over the question's two equal p-values doubles each, not quadruples: the side questions do not count.
    assert 0 < found[0].p == found[1].p < 0.25
    assert [c.p_adjusted for c in found[:2]] == pytest.approx([2 * found[0].p] * 2)


def test_split_gaps_say_each_models_direction_with_the_diagnostics_of_each_split(caveats):
    from statsmodels.stats.proportion import proportions_ztest

    other_rows = np.array([0, 1] * 150)

    def grouped(k):
        mask = np.arange(300) < k
        return Run(f"grouped-{k}", [{"metrics": {"labels": other_rows.tolist(),
                                                 "predictions": np.where(mask, other_rows, 1 - other_rows).tolist()}}])

    lstm, tfidf, gru = of("tw", run(360), grouped(188)), of("tw", run(300), grouped(224)), of("tw", run(200), grouped(180))
    caveats.update({lstm[0].id: "resumed", lstm[1].id: "still improving", gru[1].id: "near chance"})
    # Unpaired z-tests, then Holm over the three: the LSTM's is far below 0.001, the GRU's doubled, TF-IDF's as it is.
    assert proportions_ztest([200, 180], [400, 300])[1] * 2 == pytest.approx(0.017, abs=5e-4)
    assert proportions_ztest([300, 224], [400, 300])[1] == pytest.approx(0.920, abs=5e-4)
    said = claims.settled(lambda reg: claims.split_gaps(reg, [lstm, tfidf, gru], ["the LSTM", "TF-IDF", "the GRU"],
                                                        first="random", second="grouped"), {"tw": "Twitter"})
    assert said == ("From the random to the grouped split: the LSTM is lower on the grouped split (0.627 against 0.900, "
                    "Holm p < 0.001; random: resumed; grouped: still improving), TF-IDF shows no difference (0.750 on the "
                    "random split and 0.747 on the grouped, Holm p = 0.920) and the GRU is higher on the grouped split (0.600 "
                    "against 0.500, Holm p = 0.017; grouped: "
                    "near chance) (two-proportion z-test, one trained model; Holm over the 3 tests of family Twitter).")
    brief = claims.settled(lambda reg: claims.split_gaps(reg, [tfidf], ["TF-IDF"], first="random", second="grouped",
                                                         brief=True), {"tw": "Twitter"})
    assert brief == ("From the random to the grouped split: TF-IDF shows no difference (0.750 on the random split and "
                     "0.747 on the grouped, Holm p = 0.920).")
    # In brief, a flagged run is said to be flagged; which flags, the chapter says.
    brief = claims.settled(lambda reg: claims.split_gaps(reg, [lstm], ["the LSTM"], first="random", second="grouped",
                                                         brief=True), {"tw": "Twitter"})
    assert brief.endswith("Holm p < 0.001; flagged by the training diagnostics).") and "resumed" not in brief


def test_a_sentence_over_two_tests_and_two_families_names_each_once(caveats):
    seeded = [np.arange(N) < 300, np.arange(N) < 290, np.arange(N) < 310]
    network, one_seed, same_test = of("bbc", run(seeded), run(300), run(seeded))
    tfidf = of("bbc", reference_model(200))[0]
    other_family, other_tfidf = of("20ng", run(seeded), reference_model(200))
    said = claims.settled(lambda reg: claims.against(reg, [network, one_seed, same_test, other_family],
                                                     ["A", "B", "C", "D"], [tfidf, tfidf, tfidf, other_tfidf], "TF-IDF"),
                          {"bbc": "BBC News", "20ng": "20 Newsgroups"})
    assert said.endswith("are more accurate (t-test over seeds and test rows or McNemar's test, one trained model; Holm "
                         "over the 3 tests of family BBC News; Holm over the 1 tests of family 20 Newsgroups).")


def test_a_family_without_words_is_named_by_its_dataset():
    a, b, copy = of("bbc", run(300), run(200), run(200))
    tested, same = claims.settled(lambda reg: (reg.get(a, b), reg.get(b, copy)))
    assert (tested.family, same.family) == ("bbc", "bbc")


def test_a_model_without_randomness_is_not_said_to_have_too_few_seeds():
    # One seed of logistic regression stands for all: its comparison speaks about methods, with no power warning.
    seeded = [np.arange(N) < 200, (np.arange(N) >= 1) & (np.arange(N) < 201), (np.arange(N) >= 2) & (np.arange(N) < 202)]
    network, tfidf = of("bbc", run(seeded), reference_model((np.arange(N) >= 3) & (np.arange(N) < 203)))
    said = on_bbc(lambda reg: claims.summarise(reg, [tfidf], ["TF-IDF"], network, "the LSTM", noun="models",
                                               brief=True))
    assert said == "Against the LSTM (0.500), the tests show no difference for 1 of the 1 models (0.500, Holm p = 1.000)."


def test_a_position_at_exactly_five_percent_from_either_end_counts_as_at_the_end():
    # Positions 1 and 19 of a 21-word article are 1/20 = 5 % from its start and from its end.
    rising = np.linspace(0.1, 2.0, 21)
    reading = claims.attention_reading(attention_run([rising, rising], [[1], [19]]))
    assert "2 of the 2 within its first or last 5 %." in reading


def test_the_reach_of_a_null_result_is_the_half_width_of_each_differences_interval_before_and_after_holm(caveats):
    constant = majority()
    constant.first["spec"] = {"model": {"architecture": "majority"}}

    def half(lstm, level=0.95) -> float:
        _, interval = stats.difference_interval(claims.correct(lstm), claims.correct(constant),
                                                b_fixed=claims.fixed(constant), level=level)
        return (interval.high - interval.low) / 2

    def interval(lstm):
        return stats.difference_interval(claims.correct(lstm), claims.correct(constant),
                                         b_fixed=claims.fixed(constant))[1]

    lstms = of("m", run(220), run(380))  # one seed each
    of("m", constant)
    low, high = sorted(half(r) for r in lstms)
    # The ends of the intervals: the largest advantage and deficit the data leave open.
    ahead, behind = 100 * max(interval(r).high for r in lstms), -100 * min(interval(r).low for r in lstms)
    assert ahead > 0 and behind > 0
    # Rounded outwards, so that "up to" never understates them.
    bounds = (f" The same intervals leave open an advantage of up to {math.ceil(ahead)} accuracy points for the LSTM "
              f"and a deficit of up to {math.ceil(behind)}.")
    low_holm, high_holm = sorted(half(r, level=1 - 0.05 / 2) for r in lstms)
    assert round(low, 3) != round(high, 3) and low_holm > low

    def reach(reg, runs, others, subject="the LSTM"):
        return claims.reach(reg, runs, others, subject=subject, other="the majority class")

    said = claims.settled(lambda reg: reach(reg, list(lstms), [constant, constant]), {"m": "market"})
    assert said == (f"The 95 % intervals of the LSTM's differences from the majority class reach {low:.3f}–{high:.3f} "
                    f"either side of the observed difference (test rows only: one seed has no spread over seeds); to "
                    f"count after Holm's correction over the 2 tests of family market, a difference would have had to "
                    f"clear {low_holm:.3f}–{high_holm:.3f}, the intervals at Holm's first and strictest step. These "
                    f"comparisons would find a true difference of {100 * low_holm:.0f} to {100 * high_holm:.0f} accuracy "
                    f"points only about half the time, and a smaller one less often, so this null result is weak "
                    f"evidence against differences of that size." + bounds)
    # A family of one test needs no correction: the plain half-width is what a difference had to reach.
    alone = claims.settled(lambda reg: reach(reg, [lstms[0]], [constant]), {"m": "market"})
    assert f"reach {half(lstms[0]):.3f} either side of the observed difference (test rows only" in alone
    assert "Holm" not in alone and f"a true difference of {100 * half(lstms[0]):.0f} accuracy points only about" in alone
    # An interval wholly on one side leaves no deficit open: the bounds are not said.
    ahead_only = claims.settled(lambda reg: reach(reg, [lstms[1]], [constant]), {"m": "market"})
    assert interval(lstms[1]).low > 0 and "leave open" not in ahead_only
    rng = np.random.default_rng(5)
    two_seeds = of("m", run([rng.random(N) < 0.55, rng.random(N) < 0.55]))[0]
    assert "one seed" not in claims.settled(lambda reg: reach(reg, [two_seeds], [constant]), {"m": "market"})
    tfidf = of("m", run(230))[0]
    tfidf.first["spec"] = {"model": {"architecture": "tfidf-logreg"}}
    assert "one seed" not in claims.settled(lambda reg: reach(reg, [tfidf], [constant], "TF-IDF"), {"m": "market"})
    assert claims.settled(lambda reg: reach(reg, [], []), {"m": "market"}) == ""
    # The abstract's brief form keeps only the conclusion, with the same corrected sizes.
    brief = claims.settled(lambda reg: claims.reach(reg, list(lstms), [constant, constant], subject="the LSTM",
                                                     other="the majority class", brief=True), {"m": "market"})
    assert brief == (f"The tests of the LSTM find a true difference of {100 * low_holm:.0f} to {100 * high_holm:.0f} accuracy "
                     f"points only about half the time, so the null result does not exclude one of that size."
                     + bounds)


def test_one_test_used_on_methods_and_on_trained_models_is_named_once_with_where_it_speaks_of_trained_models():
    on_models = comparison(test="two-proportion z-test", scope="trained models")
    on_methods = comparison(test="two-proportion z-test", scope="methods")
    assert claims._shared_how([on_models, on_methods]) == (
        "two-proportion z-test (on one trained model where a network has one seed); Holm over the 3 tests of "
        "family BBC News")
    assert claims._shared_how([on_models]).startswith("two-proportion z-test, one trained model; ")
    assert claims._shared_how([on_methods]).startswith("two-proportion z-test; ")


def test_an_accuracy_above_the_share_of_unflipped_labels_is_read_as_labels_learned_from_near_copies():
    def noisy(right: int, noise=0.05):
        r = run(right)
        r.first["data"] = {"notes": {"label_noise": noise}}
        return r

    # 400 rows, 5 % flipped: 0.95 plus 3 standard errors (0.0109 each) is 0.983.
    said = claims.above_label_noise([noisy(400), noisy(394), noisy(392), run(400)],
                                    ["TF-IDF", "bag-of-words", "the LSTM", "real data"])
    assert said.startswith("TF-IDF (1.000, 4.6 standard errors above) and bag-of-words (0.985, 3.2 standard errors "
                           "above) are right on more test rows than the 95 % whose labels the generator left unflipped, "
                           "each by more than the 3 standard errors of that share on 400 rows counted as independent.")
    assert "the LSTM" not in said and "real data" not in said  # 0.980 is within the margin; real data has no noise
    assert claims.above_label_noise([noisy(392)], ["the LSTM"]) == ""
    assert claims.above_label_noise([noisy(400)], ["TF-IDF"]).startswith("TF-IDF (1.000, 4.6 standard errors above) is right on")


def test_an_abstract_counts_the_flagged_runs_where_the_findings_name_them(caveats):
    nets = of("bbc", run(150), run(160), run(170))
    tfidf = of("bbc", run(300))[0]
    caveats.update({nets[0].id: "resumed", nets[2].id: "still improving"})
    names = ["the MLP", "the LSTM", "the GRU"]
    named = on_bbc(lambda reg: claims.summarise(reg, list(nets), names, tfidf, "TF-IDF", brief=True))
    counted = on_bbc(lambda reg: claims.summarise(reg, list(nets), names, tfidf, "TF-IDF", brief=True, counted=True))
    assert "Flagged by the training diagnostics: the MLP (resumed); the GRU (still improving)." in named
    assert counted.endswith(" The training diagnostics flag 2 of these 3 runs.")
    caveats[nets[1].id] = "resumed"
    every = on_bbc(lambda reg: claims.summarise(reg, list(nets), names, tfidf, "TF-IDF", brief=True, counted=True))
    assert every.endswith(" The training diagnostics flag all 3 runs.")


def test_a_tables_test_legend_names_only_the_tests_the_report_used():
    one_seed = claims.test_legend({stats.MCNEMAR, stats.Z_TEST})
    assert not one_seed.startswith("t:") and "t-test" not in one_seed
    assert one_seed.startswith("McN: McNemar's test; z: two-proportion z-test; McN and z on one trained model a side")
    seeded = claims.test_legend({stats.SEEDS_AND_ROWS})
    assert seeded == "t: t-test over seeds and test rows, a verdict on the methods"


def test_models_flagged_alike_are_named_once_with_all_their_flags(caveats):
    nets = of("bbc", run(150), run(160), run(170))
    tfidf = of("bbc", run(300))[0]
    caveats.update({nets[0].id: "resumed; over-fitting", nets[1].id: "resumed; over-fitting", nets[2].id: "resumed"})
    named = on_bbc(lambda reg: claims.summarise(reg, list(nets), ["the MLP", "the LSTM", "the GRU"], tfidf, "TF-IDF",
                                                brief=True))
    assert named.endswith("Flagged by the training diagnostics: the MLP, the LSTM and the GRU (resumed); the MLP and "
                          "the LSTM (over-fitting).")
    caveats[nets[2].id] = "resumed; over-fitting"
    named = on_bbc(lambda reg: claims.summarise(reg, list(nets), ["the MLP", "the LSTM", "the GRU"], tfidf, "TF-IDF",
                                                brief=True))
    assert named.endswith("Flagged by the training diagnostics: the MLP, the LSTM and the GRU (resumed; over-fitting).")


def test_one_seed_directions_within_a_calibrated_study_carry_its_false_positive_rate():
    calibration = two_studies_calibration()
    said = claims.seed_noise(calibration, "2a")
    assert said.startswith("With one seed a side, these directions compare trained models: on study 2a of the real "
                           "data (full profile, experiment 20ng-lstm only: the rate may not carry over to other "
                           "networks, data or profiles), McNemar's test called two seeds of identical settings "
                           "different in 7 of 28 pairs (25 %)")
    assert claims.seed_noise(calibration, "4b") == "" and claims.seed_noise(None, "2a") == ""
    # A study whose seeds were never called different says so, and that its few pairs cannot rule it out.
    calibration["aa"]["20ng-lstm"]["one seed each (McNemar)"] = 0
    assert "never called two seeds of identical settings different (0 of 28 pairs): a hint, not a guarantee" in \
        claims.seed_noise(calibration, "2a")


def with_spread(calibration):
    """``calibration`` with each experiment's spread of accuracy over seeds, as ``make bench-stats`` writes it."""
    for name, sd in {"20ng-lstm": 0.010, "market-lstm@interval=5": 0.015, "market-lstm@interval=10": 0.020,
                     "bbc-dense": 0.005}.items():
        calibration["experiments"][name]["sd"] = sd
    return calibration


def test_the_calibration_appendix_lists_each_measured_experiment_with_its_counts_and_power():
    calibration = with_spread(two_studies_calibration())
    for name in ("market-lstm@interval=10", "bbc-dense"):
        calibration["aa"][name] = dict(calibration["aa"]["market-lstm@interval=5"])
    rows = claims.calibration_rows(calibration)
    # In study order, and within 3a by interval (5 before 10).
    assert [row[0] for row in rows] == ["1", "2a", "3a at interval 5", "3a at interval 10"]
    assert rows[1] == ["2a", "8", "7,532", "0.010", "40/200", "7/28", "9/200", "4/200", "25 %", "90 %"]
    # bbc-dense's power was not measured: a dash, not a zero.
    assert rows[0][-2:] == ["–", "–"]
    # Without a calibration the appendix has no rows (and the method says so in words).
    assert claims.calibration_rows(None) == []


def test_the_seed_spread_sets_this_reports_few_seeds_beside_the_calibrations_many():
    calibration = with_spread(two_studies_calibration())
    agreeing = [run(150, seeds=3), run(150, seeds=3)]  # every seed alike: no spread at all
    said = claims.seed_spread(calibration, agreeing, "3a")
    assert said == ("The standard deviation of accuracy over this report's 3 seeds is 0.000; the calibration, with 6 "
                    "seeds of each setting of study 3a, measured 0.015 to 0.020, and found that with three seeds a "
                    "side the report's test detects a true 5-point difference in 40 % to 50 % of the splits, depending "
                    "on the setting: where this report's few seeds happened to agree, its intervals are likely narrower "
                    "than the truth.")
    # A study the calibration did not measure, or runs of one seed, have nothing to set side by side.
    assert claims.seed_spread(calibration, agreeing, "4a") == ""
    assert claims.seed_spread(calibration, [run(150)], "3a") == ""


def test_a_chapter_with_several_seeds_says_what_its_null_results_cannot_rule_out():
    """At its own comparisons' standard errors: three seeds that spread over 20 rows against a fixed reference."""
    masks = [np.arange(N) < k for k in (300, 310, 320)]
    net, tfidf = run(masks), reference_model(310)
    said = claims.detectable([(net, tfidf)], "TF-IDF")
    error = stats.difference_error(claims.correct(net), claims.correct(tfidf), b_fixed=True)
    assert f"({100 * error:.1f} accuracy points)" in said
    two = stats.power(claims.correct(net), claims.correct(tfidf), 0.02, b_fixed=True)
    five = stats.power(claims.correct(net), claims.correct(tfidf), 0.05, b_fixed=True)
    assert 0.05 < two < five < 1
    assert f"2 points with a chance of {100 * two:.0f} %" in said and f"5 points with {100 * five:.0f} %" in said
    # Two pairs give a range; a network of one seed is tested by McNemar's test, whose power this does not give.
    assert " to " in claims.detectable([(net, tfidf), (run(masks[:2]), tfidf)], "TF-IDF")
    assert claims.detectable([(run(300), tfidf)], "TF-IDF") == ""


def test_on_generated_tweets_the_planted_gain_is_set_against_what_the_tests_could_resolve():
    constant = majority()
    constant.first["spec"] = {"model": {"architecture": "majority"}}
    lstms = of("m", run(210), run(205))
    of("m", constant)
    for lstm, rule in zip(lstms, (0.58, 0.55)):
        lstm.first["data"] = {"dataset": "m", "notes": {"moving_topic_share": 0.35, "topic_rule_accuracy": rule,
                                        "majority_accuracy": 0.51}}

    def planted(reg, brief=False):
        return claims.planted(reg, list(lstms), [constant, constant], ["N = 5", "N = 10"], brief=brief)

    said = claims.settled(planted, {"m": "market"})
    # 7 points at N = 5 is the largest gain; with 400 rows and Holm over 2 tests the comparisons resolve about 8.
    assert "35 % of them are on topics that push the index" in said
    assert "right on 0.550–0.580 of the generated rows, against 0.510 for their majority class" in said
    assert "a gain of at most 7.0 accuracy points over the majority class (at N = 5)" in said
    assert "less than the smallest difference these comparisons find even half the time" in said
    assert claims.settled(lambda reg: planted(reg, brief=True), {"m": "market"}).startswith("The generator planted a gain")
    # A larger plant is within reach, and real data has no notes of a plant: nothing is said.
    lstms[0].first["data"]["notes"]["topic_rule_accuracy"] = 0.71
    assert "a working pipeline should show a lead" in claims.settled(planted, {"m": "market"})
    lstms[0].first["data"] = {"dataset": "m"}
    assert claims.settled(planted, {"m": "market"}) == ""


def test_a_clause_changes_case_at_its_first_letter_only_and_never_inside_an_acronym():
    assert claims.capital("the LSTM is less accurate") == "The LSTM is less accurate"
    assert claims.uncapital("The test shows no difference") == "the test shows no difference"
    assert claims.uncapital("TF-IDF is more accurate") == "TF-IDF is more accurate"


def test_a_chapter_names_its_test_and_family_once_and_then_only_what_differs():
    a, b, c = of("bbc", run(300), run(200), run(205))
    asked = lambda reg: (reg.get(a, b, "A", "B"), reg.get(a, c, "A", "C"))  # noqa: E731
    registry = claims.Registry({"bbc": "BBC News"})
    asked(registry)
    assert registry.state("bbc") == ""  # while collecting, nothing is known yet
    registry.settle()
    full = asked(registry)[0].sentence()
    assert "McNemar's test, one trained model; Holm over the 2 tests of family BBC News" in full
    said = registry.state("bbc")
    assert said == ("Unless a sentence names another, each p-value in this chapter comes from McNemar's test, one "
                    "trained model, Holm-adjusted over the 2 tests of family BBC News.")
    short = asked(registry)[0]
    assert short.sentence() == full.replace(", McNemar's test, one trained model; Holm over the 2 tests of family BBC News", "")
    assert claims.against(registry, [a], ["A"], c, "C").endswith("Holm p < 0.001) is more accurate.")
    # The next chapter says them again until it states its own.
    registry.new_chapter()
    assert asked(registry)[0].sentence() == full


def test_two_families_of_one_test_are_named_in_one_clause():
    a, b = of("m", run(300), run(200))
    c, d = of("n", run(300), run(210))
    registry = claims.Registry({"m": "Market", "n": "Other"})
    for reg_pass in range(2):
        registry.get(a, b), registry.get(c, d)
        if reg_pass == 0:
            registry.settle()
    assert registry.state("m", "n") == (
        "Unless a sentence names another, each p-value in this chapter comes from McNemar's test, one trained model, "
        "Holm-adjusted over the 1 tests of family Market or the 1 tests of family Other.")
