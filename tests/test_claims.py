"""Every comparative sentence of the report comes from a paired test with a direction and Holm's correction."""

import numpy as np
import pytest
from scipy.stats import binomtest, ttest_rel
from statsmodels.stats.multitest import multipletests

from report import claims
from report.runs import Run

N = 400
LABELS = np.array([0, 1] * (N // 2))


def run(correct_rows, *, seeds=1, name="m", classes=("down", "up")):
    """A run whose seed k is right exactly on the rows of ``correct_rows[k]`` (a boolean mask or a count)."""
    masks = correct_rows if isinstance(correct_rows, list) else [correct_rows] * seeds
    out = []
    for mask in masks:
        if isinstance(mask, (int, np.integer)):
            mask = np.arange(N) < mask
        predictions = np.where(mask, LABELS, 1 - LABELS)
        out.append({"metrics": {"labels": LABELS.tolist(), "predictions": predictions.tolist()}, "class_names": list(classes)})
    return Run(name, out)


def majority():
    return run(np.asarray(LABELS == 0))  # always predicts class 0: right on half the rows


def test_mcnemar_of_one_seed_each_matches_the_exact_binomial_on_the_discordant_rows():
    a, b = run(np.arange(N) < 215), run(np.arange(N) < 200)  # a alone is right on 15 rows
    p, test = claims.paired_p(claims.correct(a), claims.correct(b))
    assert test == "McNemar exact"
    assert p == pytest.approx(binomtest(0, 15, 0.5).pvalue)


def test_several_seeds_are_tested_on_the_mean_over_rows_using_every_seed():
    masks = [np.arange(N) < k for k in (300, 310, 320)]
    a, b = run(masks), run(np.arange(N) < 200, seeds=3)
    p, test = claims.paired_p(claims.correct(a), claims.correct(b))
    assert test == "paired t-test over test rows"
    assert p == pytest.approx(ttest_rel(np.mean(masks, axis=0), (np.arange(N) < 200).astype(float)).pvalue)


def test_a_model_ahead_of_the_majority_class_on_average_is_not_called_behind_by_the_shape_of_its_errors():
    # Three seeds that each get 60 % of the rows right, against a majority class right on 50 %:
    # a rank test on the per-row shares said "no difference" here; the test of the means does not.
    rng = np.random.default_rng(0)
    seeds = [rng.random(N) < 0.6 for _ in range(3)]
    found = claims.compare([(run(seeds), majority())], [("the LSTM", "the majority class")])[0]
    assert found.accuracy > 0.55 and found.direction == "better"


def test_a_significant_loss_is_said_as_a_loss_not_as_significant():
    [found] = claims.compare([(run(150), run(250))], [("the LSTM", "TF-IDF")])
    assert found.direction == "worse"
    assert found.sentence().startswith("The LSTM is less accurate than TF-IDF (0.375 against 0.625;")


def test_a_difference_the_test_does_not_support_is_no_evidence_either_way():
    # TF-IDF ahead on 2 more rows out of 400: p near 0.3 or more.
    [found] = claims.compare([(run(200), run(202))], [("the LSTM", "TF-IDF")])
    assert found.p > 0.3 and found.direction == "no evidence"
    assert "no difference between the LSTM and TF-IDF" in found.sentence()
    assert "more accurate" not in found.sentence() and "less accurate" not in found.sentence()


def test_holm_correction_over_a_family_can_take_away_a_lone_significant_result():
    pairs = [(run(221), run(200)), (run(201), run(200)), (run(202), run(200))]
    alone = claims.compare(pairs[:1], [("a", "b")])[0]
    family = claims.compare(pairs, [("a", "b")] * 3)
    assert alone.p < 0.05 and alone.direction == "better"
    expected = multipletests([c.p for c in family], method="holm")[1]
    assert [c.p_adjusted for c in family] == pytest.approx(expected)
    assert family[0].family == 3 and "Holm-adjusted over 3" in family[0].evidence


def test_the_market_tally_counts_losses_as_losses_and_never_says_beats():
    # Seven intervals: ahead by a hair at five, clearly behind at two.
    lstm = [run(203), run(204), run(140), run(202), run(130), run(201), run(205)]
    points = [f"N = {n}" for n in (5, 10, 15, 20, 30, 40, 50)]
    sentence = claims.tally(lstm, [majority()] * 7, subject="the LSTM", other="the majority class", points=points, unit="interval")
    assert "less accurate at 2 (N = 15, N = 30)" in sentence
    assert "not distinguishable at 5" in sentence and "more accurate" not in sentence
    assert "beats" not in sentence and "Holm-adjusted over 7 intervals" in sentence


def test_most_accurate_is_said_only_when_the_leader_beats_every_other_model_significantly():
    close = claims.ranking([run(300), run(298), run(200)], ["A", "B", "C"])
    assert "most accurate" not in close
    assert "A has the highest accuracy (0.750), but the tests do not show it ahead of B" in close
    assert "it is ahead of C" in close
    clear = claims.ranking([run(300), run(250), run(200)], ["A", "B", "C"])
    assert clear.startswith("A is the most accurate of these: more accurate than each of the others (B p < 0.001, C p")


def test_against_one_reference_gives_each_model_its_own_direction():
    sentence = claims.against([run(150), run(201)], ["the dense model", "the LSTM"], run(200), "TF-IDF")
    assert "the dense model (0.375 against 0.500, p < 0.001) is less accurate" in sentence
    assert "the test shows no difference for the LSTM" in sentence


def test_models_that_learned_nothing_are_flagged_by_test_not_by_point_estimate():
    one_class = run(np.asarray(LABELS == 0))
    slightly_ahead = run(205)  # 0.5125 against 0.5: above by point estimate, not by the test
    clearly_ahead = run(300)
    flags = claims.learned_nothing([one_class, slightly_ahead, clearly_ahead], [majority()] * 3,
                                   ["the MLP", "the LSTM", "the BiLSTM"])
    assert flags[0] == 'The MLP predicts "down" for every test text: it learned nothing from the words.'
    assert flags[1].startswith("The LSTM (0.512 against 0.500, p = ")
    assert "is not significantly more accurate than always predicting the majority class" in flags[1]
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
    sentence = claims.split_gaps([(run(360), run(250)), (run(300), run(296))], ["the LSTM", "TF-IDF"],
                                 first="random", second="grouped")
    assert "the LSTM is lower on the grouped split (0.900 against 0.625, p < 0.001)" in sentence
    assert "TF-IDF shows no difference" in sentence and "two-proportion z-test, Holm-adjusted over 2" in sentence
