"""Every comparative sentence of the report comes from a paired test with a direction and Holm's correction."""

import numpy as np
import pytest
from scipy.stats import chi2

from report import claims
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
    assert found.sentence().startswith("On these test rows, the LSTM as trained here is more accurate than the GRU")
    assert "with one seed this compares two trained models, not the methods" in found.sentence()


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
    assert found.sentence().startswith("The LSTM is less accurate than TF-IDF (0.375 against 0.625; p < 0.001, ")


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
    # Alone, 16 rows against 4 is significant (exact p = 0.012); in a family of five, Holm multiplies it by five.
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
    assert f"A (0.650 against 0.575, {claims.p_text(ab.p_adjusted)})" in chapter
    assert f"A (0.650 against 0.575, {claims.p_text(ab.p_adjusted)})" in summary


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
    assert "A has the highest accuracy of the networks (0.750), but the tests do not show it ahead of B" in close
    assert "it is ahead of C" in close
    three = [run(300), run(250), run(200)]
    clear = say(lambda reg: claims.ranking(reg, three, ["A", "B", "C"]))
    assert clear.startswith("A is the most accurate of these: more accurate than each of the others (B p < 0.001, C p")


def test_against_one_reference_gives_each_model_its_own_direction():
    models, tfidf = [run(150), run(201)], run(200)
    sentence = say(lambda reg: claims.against(reg, models, ["the dense model", "the LSTM"], tfidf, "TF-IDF"))
    assert "the dense model (0.375 against 0.500, p < 0.001) is less accurate" in sentence
    assert "the test shows no difference for the LSTM" in sentence


def test_models_that_learned_nothing_are_flagged_by_test_not_by_point_estimate():
    one_class = run(np.asarray(LABELS == 0), name="one")
    slightly_ahead = run(205, name="slight")  # 0.5125 against 0.5: above by point estimate, not by the test
    clearly_ahead = run(300, name="clear")
    reference = majority()
    flags = say(lambda reg: claims.learned_nothing(reg, [one_class, slightly_ahead, clearly_ahead],
                                                   [reference] * 3, ["the MLP", "the LSTM", "the BiLSTM"]))
    assert flags[0] == 'The MLP predicts "down" for every test text: it learned nothing from the words.'
    assert flags[1].startswith("The LSTM (0.512 against 0.500, p = ")
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
    assert "picks words, not places" in reading


def test_attention_that_rises_along_the_article_is_read_as_following_position():
    profiles = [np.linspace(0.1, 2.0, 200)] * 4
    reading = claims.attention_reading(attention_run(profiles, [np.arange(188, 200)] * 4))
    assert "grows towards later positions (mean Spearman correlation with position +1.00)" in reading


def test_split_gaps_use_an_unpaired_test_and_give_each_model_its_direction():
    other_rows = np.array([0, 1] * 150)

    def on_other_rows(k, name):
        mask = np.arange(300) < k
        return Run(name, [{"metrics": {"labels": other_rows.tolist(),
                                       "predictions": np.where(mask, other_rows, 1 - other_rows).tolist()}}])

    pairs = [(run(360), on_other_rows(188, "b")), (run(300), on_other_rows(224, "d"))]
    sentence = say(lambda reg: claims.split_gaps(reg, pairs, ["the LSTM", "TF-IDF"], first="random", second="grouped"))
    assert "the LSTM is lower on the grouped split (0.900 against 0.627, p < 0.001)" in sentence
    assert "TF-IDF shows no difference" in sentence and "two-proportion z-test, one trained model" in sentence


def test_the_method_section_quotes_the_measured_calibration_not_numbers_of_its_own():
    aa = {"previous: paired t over rows": 40, "Welch over seeds (scipy)": 9, "ASO eps_min < 0.2 (deepsig)": 3,
          "report: t over seeds and rows": 4, "splits": 200, "aso splits": 60, "one seed each (McNemar)": 7,
          "seed pairs": 28}
    power = {f"{n}|{d}": {"report: t over seeds and rows": p} for n in (2, 3, 4) for d, p in ((0.02, 0.25), (0.05, 0.9))}
    calibration = {"aa": {"20ng-lstm": aa}, "power": {"20ng-lstm": power}, "target": {"delta": 0.05},
                   "experiments": {"20ng-lstm": {"seeds": 8, "rows": 7532, "study": "2a"}}}
    said = claims.calibration_text(calibration)
    assert "called different in 40 of the 200 splits (20 %)" in said and "in 4 (2.0 %) by the test used here" in said
    assert "in 7 of 28 pairs of single seeds (25 %) by McNemar's test" in said
    assert "90 % of the splits on 2a (7,532 test rows)" in said
    assert "and one of 2 points 25 % of the time on 2a" in claims.calibration_power(calibration, [3])
    assert "with 2 seeds a side, 5 points are found 90 % of the time on 2a." in claims.calibration_power(calibration, [2, 3])
    assert "has not been measured" in claims.calibration_text(None)
