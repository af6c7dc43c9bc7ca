"""Intervals and paired tests behave as their textbooks say."""

import pytest

import numpy as np

from report.stats import MCNEMAR, SEEDS_AND_ROWS, Z_TEST, bootstrap_interval, compare_correctness


@pytest.mark.parametrize("only_a, only_b", [(0, 3), (4, 9), (11, 12), (15, 15), (20, 40), (100, 130)])
def test_one_trained_model_each_is_mcnemars_test_exact_under_25_discordant_rows(only_a, only_b):
    from scipy.stats import binom, chi2

    n = only_a + only_b
    a = np.array([[True] * only_a + [False] * only_b])
    expected = (
        min(1.0, 2 * binom.cdf(min(only_a, only_b), n, 0.5)) if n < 25
        else chi2.sf((abs(only_a - only_b) - 1) ** 2 / n, df=1)
    )
    found = compare_correctness(a, ~a)
    assert found.p == pytest.approx(expected, rel=1e-9)
    assert found.name == "McNemar's test" and found.scope == "trained models"


def test_identical_settings_are_called_different_at_most_at_the_nominal_rate():
    # A/A: two groups of three seeds of the same method on the same rows. The seed-to-seed
    # spread is real; a test that sees only rows calls them different far too often.
    rng = np.random.default_rng(0)
    ease = rng.beta(2, 1, 2000)

    def seeds(k):
        return np.array([rng.random(2000) < np.clip(ease * (1 + rng.normal(0, 0.03)), 0, 1) for _ in range(k)])

    from scipy.stats import ttest_rel

    trials = [(seeds(3), seeds(3)) for _ in range(600)]
    report = np.mean([compare_correctness(a, b).p < 0.05 for a, b in trials])
    rows_only = np.mean([ttest_rel(a.mean(0), b.mean(0)).pvalue < 0.05 for a, b in trials])
    assert report <= 0.065  # 0.05 and two standard errors of 600 trials
    assert rows_only > 0.3  # the previous test, for contrast: it ignored the seeds


def test_a_real_difference_between_methods_is_found_with_three_seeds_a_side():
    rng = np.random.default_rng(1)
    ease = rng.beta(2, 1, 2000)

    def seeds(k, skill):
        return np.array([rng.random(2000) < np.clip(ease * skill * (1 + rng.normal(0, 0.01)), 0, 1) for _ in range(k)])

    found = [compare_correctness(seeds(3, 1.1), seeds(3, 1.0)) for _ in range(20)]
    assert all(f.scope == "methods" and f.name == "t-test over seeds and test rows" for f in found)
    assert np.mean([f.p < 0.05 for f in found]) >= 0.9


def test_a_deterministic_model_needs_one_seed_and_two_of_them_get_mcnemars_exact_test_as_methods():
    # Two deterministic models that differ on 4 rows, all one way: a t-test over rows would give p ≈ 0.045;
    # the exact test on those 4 rows gives 2 × 0.5⁴ = 0.125, and nothing random is left to make it about trained models.
    tfidf = np.ones((1, 1000), dtype=bool)
    bow = tfidf.copy()
    bow[0, :4] = False
    found = compare_correctness(tfidf, bow, a_fixed=True, b_fixed=True)
    assert found.name == MCNEMAR and found.scope == "methods"
    assert found.p == pytest.approx(0.125)
    from scipy.stats import ttest_rel

    assert ttest_rel(tfidf[0].astype(float), bow[0].astype(float)).pvalue < 0.05  # what the t-test would have said
    rng = np.random.default_rng(2)
    network, majority = rng.random((3, 500)) < 0.8, rng.random((1, 500)) < 0.5
    assert compare_correctness(network, majority, b_fixed=True).scope == "methods"
    assert compare_correctness(network[:1], majority, b_fixed=True).scope == "trained models"


def test_models_scored_on_different_rows_are_compared_unpaired():
    rng = np.random.default_rng(3)
    found = compare_correctness(rng.random((3, 400)) < 0.9, rng.random((3, 300)) < 0.6)
    assert found.scope == "methods" and found.p < 1e-6


def test_with_several_seeds_the_interval_covers_the_spread_over_seeds_not_only_over_rows():
    labels = [1] * 10000
    seeds = [[1] * k + [0] * (10000 - k) for k in (6000, 7000, 8000)]
    interval = bootstrap_interval([labels] * 3, seeds, "accuracy")
    assert interval.low < 0.7 < interval.high
    rows_only = bootstrap_interval(labels, [1] * 7000 + [0] * 3000, "accuracy")
    assert rows_only.high - rows_only.low < 0.02  # 10,000 rows alone pin an accuracy down
    assert interval.high - interval.low > 0.1  # three seeds from 0.6 to 0.8 do not


def test_identical_seeds_give_the_interval_of_one_seed_every_seed_on_the_same_resampled_rows():
    rng = np.random.default_rng(4)
    y = rng.integers(0, 3, 300)
    p = np.where(rng.random(300) < 0.7, y, rng.integers(0, 3, 300))
    # Were each seed resampled on rows of its own, the mean of three identical seeds would vary less than one.
    three, one = bootstrap_interval([y] * 3, [p] * 3, "accuracy"), bootstrap_interval(y, p, "accuracy")
    assert (three.low, three.high) == pytest.approx((one.low, one.high), abs=1e-12)


def test_the_bootstrap_interval_contains_the_observed_accuracy_and_narrows_with_more_rows():
    small = bootstrap_interval([1] * 20, [1] * 15 + [0] * 5, "accuracy")
    large = bootstrap_interval([1] * 2000, [1] * 1500 + [0] * 500, "accuracy")
    assert small.low <= 0.75 <= small.high and large.low <= 0.75 <= large.high
    assert large.high - large.low < small.high - small.low


def test_a_perfect_classifier_has_a_degenerate_interval():
    interval = bootstrap_interval([0, 1, 2] * 10, [0, 1, 2] * 10, "macro_f1", samples=50)
    assert interval.low == interval.high == 1.0


def test_the_macro_f1_bootstrap_agrees_with_scikit_learn_on_the_observed_rows():
    import numpy as np
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 500)
    p = np.where(rng.random(500) < 0.7, y, rng.integers(0, 4, 500))
    interval = bootstrap_interval(y, p, "macro_f1")
    observed = f1_score(y, p, average="macro")
    assert interval.low < observed < interval.high and interval.high - interval.low < 0.12


def test_drawing_pair_counts_gives_the_same_interval_as_resampling_rows():
    import numpy as np
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(2)
    y = rng.integers(0, 5, 800)
    p = np.where(rng.random(800) < 0.6, y, rng.integers(0, 5, 800))
    rows = [rng.integers(0, 800, 800) for _ in range(2000)]
    by_rows = np.quantile([f1_score(y[r], p[r], labels=np.unique(y), average="macro") for r in rows], [0.025, 0.975])
    interval = bootstrap_interval(y, p, "macro_f1", samples=2000)
    assert interval.low == pytest.approx(by_rows[0], abs=0.01)
    assert interval.high == pytest.approx(by_rows[1], abs=0.01)


# -- the test over seeds and rows, term by term -------------------------------------------------------------

A = np.array([[1, 1, 0, 1, 0, 1, 1, 1], [1, 0, 0, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 1, 0, 1]], dtype=bool)
B = np.array([[0, 1, 0, 1, 0, 0, 1, 0], [1, 0, 0, 0, 0, 1, 1, 0], [0, 1, 0, 1, 0, 0, 0, 1]], dtype=bool)


def welch_over_seeds_and_rows(a, b, *, paired=True, a_fixed=False, b_fixed=False):
    """The textbook statement of the report's test, written out independently."""
    from scipy.stats import t

    d = a.mean() - b.mean()
    parts = [(x.mean(axis=1).var(ddof=1) / len(x), len(x) - 1) for x, fixed in ((a, a_fixed), (b, b_fixed))
             if not fixed and len(x) > 1]
    if paired:
        diff = a.mean(axis=0) - b.mean(axis=0)
        parts.append((diff.var(ddof=1) / diff.size, diff.size - 1))
    else:
        parts += [(x.mean(axis=0).var(ddof=1) / x.shape[1], x.shape[1] - 1) for x in (a, b)]
    variance = sum(v for v, _ in parts)
    df = variance ** 2 / sum(v ** 2 / k for v, k in parts)
    return d, variance, df, 2 * t.sf(abs(d) / np.sqrt(variance), df)


def test_several_seeds_a_side_give_welchs_test_with_the_row_term_added():
    d, variance, df, p = welch_over_seeds_and_rows(A, B)
    found = compare_correctness(A, B)
    assert found.p == pytest.approx(p, rel=1e-12) and found.scope == "methods"
    assert compare_correctness(A[:2], B[:2]).scope == "methods"  # two seeds a side are enough
    from report.stats import difference_interval
    from scipy.stats import t

    effect, interval = difference_interval(A, B)
    half = t.ppf(0.975, df) * np.sqrt(variance)
    assert effect == pytest.approx(d) and (interval.low, interval.high) == pytest.approx((d - half, d + half))


def test_a_fixed_side_adds_no_spread_over_seeds_and_different_rows_are_unpaired():
    *_, p_fixed = welch_over_seeds_and_rows(A, B[:1], b_fixed=True)
    assert compare_correctness(A, B[:1], b_fixed=True).p == pytest.approx(p_fixed, rel=1e-12)
    *_, p_fixed_a = welch_over_seeds_and_rows(A[:1], B, a_fixed=True)
    assert compare_correctness(A[:1], B, a_fixed=True).p == pytest.approx(p_fixed_a, rel=1e-12)
    wider = np.hstack([B, B[:, :3]])
    *_, p_unpaired = welch_over_seeds_and_rows(A, wider, paired=False)
    assert compare_correctness(A, wider).p == pytest.approx(p_unpaired, rel=1e-12)


def test_no_variance_at_all_is_certainty_either_way():
    ones, zeros = np.ones((3, 8), dtype=bool), np.zeros((3, 8), dtype=bool)
    assert compare_correctness(ones, ones).p == 1.0
    assert compare_correctness(ones, zeros).p == 0.0
    assert compare_correctness(ones, zeros).name == SEEDS_AND_ROWS and compare_correctness(ones, ones).scope == "methods"


def test_two_trained_models_that_agree_everywhere_or_score_alike_on_different_rows_are_not_different():
    ones = np.ones((1, 8), dtype=bool)
    assert compare_correctness(ones, ones).p == 1.0  # no discordant row: nothing to test
    half = np.array([[True, False] * 4])
    other_rows = np.array([[True, False] * 5])  # the same accuracy on 10 other rows
    found = compare_correctness(half, other_rows)
    assert (found.p, found.name) == (1.0, Z_TEST)


def test_on_different_rows_more_seeds_of_one_side_are_not_more_test_rows():
    rng = np.random.default_rng(0)
    one_seed = rng.random((1, 300)) < 0.6
    other_rows = rng.random((1, 250)) < 0.5
    alone = compare_correctness(one_seed, other_rows)
    # Three seeds that agree on every row are the same evidence as one: each row counts once.
    assert compare_correctness(np.repeat(one_seed, 3, axis=0), other_rows).p == alone.p
    # Where the seeds disagree, a row is counted by its majority verdict, as McNemar's test counts it.
    seeds = np.stack([one_seed[0], one_seed[0], ~one_seed[0]])
    assert compare_correctness(seeds, other_rows).p == alone.p and alone.name == Z_TEST


def test_with_one_seed_the_interval_covers_the_rows_only():
    from scipy.stats import t

    from report.stats import difference_interval

    effect, interval = difference_interval(A[:1], B[:1])
    diff = A[0].astype(float) - B[0]
    half = t.ppf(0.975, diff.size - 1) * np.sqrt(diff.var(ddof=1) / diff.size)
    assert (interval.low, interval.high) == pytest.approx((effect - half, effect + half))


def test_mcnemar_counts_a_row_right_when_most_seeds_got_it_right_and_a_tie_as_the_first_seed_did():
    from statsmodels.stats.contingency_tables import mcnemar

    # Three seeds of a against one of b: the majority decides; two seeds that disagree count as the first.
    a = np.array([[1, 1, 1, 0, 1, 0, 1, 1], [1, 0, 1, 0, 0, 0, 1, 1], [0, 0, 1, 0, 1, 1, 0, 1]], dtype=bool)
    b = np.array([[0, 0, 0, 0, 0, 1, 0, 0]], dtype=bool)
    right_a, right_b = a.sum(axis=0) >= 2, b[0]
    table = [[0, int((right_a & ~right_b).sum())], [int((~right_a & right_b).sum()), 0]]
    assert table == [[0, 5], [1, 0]]
    assert compare_correctness(a, b).p == pytest.approx(mcnemar(table, exact=True).pvalue)
    tie = a[:2]  # rows 1 and 5 split the two seeds: seed 0 got row 1 right and row 5 wrong
    right_tie = np.array([1, 1, 1, 0, 1, 0, 1, 1], dtype=bool)
    table = [[0, int((right_tie & ~right_b).sum())], [int((~right_tie & right_b).sum()), 0]]
    assert table == [[0, 6], [1, 0]]
    assert compare_correctness(tie, b).p == pytest.approx(mcnemar(table, exact=True).pvalue)
    assert compare_correctness(b, tie).p == pytest.approx(mcnemar(table, exact=True).pvalue)


def test_power_is_the_level_at_no_difference_and_about_80_percent_at_2_8_standard_errors():
    """The textbook anchors of a two-sided test at 5 %: it rejects a true null 5 % of the time, and a true
    difference of (1.96 + 0.84) standard errors 80 % of the time (many seeds and rows: t is nearly normal)."""
    from report.stats import difference_error, power

    rng = np.random.default_rng(0)
    a = rng.random((40, 4000)) < 0.8
    b = rng.random((40, 4000)) < 0.8
    assert power(a, b, 0.0) == pytest.approx(0.05, abs=1e-3)
    error = difference_error(a, b)
    assert power(a, b, 2.8 * error) == pytest.approx(0.80, abs=0.02)
    assert power(a, b, 40 * error) == 1.0  # far beyond the errors: certain, not nan where scipy's tail underflows
    assert power(a, b, 0.0, a_fixed=True, b_fixed=True) is None  # no seeds to vary: McNemar's test, not this one
    assert power(a[:1], b, 0.02) is None
