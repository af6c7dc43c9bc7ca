"""Intervals and paired tests behave as their textbooks say."""

import pytest

import numpy as np

from report.claims import paired_p
from report.stats import bootstrap_interval


@pytest.mark.parametrize("only_a, only_b", [(0, 3), (4, 9), (11, 12), (20, 40), (100, 130)])
def test_mcnemar_p_values_match_scipys_binomial_and_chi_square(only_a, only_b):
    from scipy.stats import binom, chi2

    n = only_a + only_b
    a = np.array([[True] * only_a + [False] * only_b])
    expected = (
        min(1.0, 2 * binom.cdf(min(only_a, only_b), n, 0.5)) if n < 25
        else chi2.sf((abs(only_a - only_b) - 1) ** 2 / n, df=1)
    )
    assert paired_p(a, ~a)[0] == pytest.approx(expected, rel=1e-9)


def test_a_paired_test_refuses_predictions_on_different_rows():
    with pytest.raises(ValueError, match="same test rows"):
        paired_p(np.ones((1, 2), bool), np.ones((1, 3), bool))


def test_with_several_seeds_the_interval_is_centred_on_their_mean_accuracy():
    labels = [1] * 1000
    seeds = [[1] * k + [0] * (1000 - k) for k in (600, 700, 800)]
    interval = bootstrap_interval([labels] * 3, seeds, "accuracy")
    assert interval.low < 0.7 < interval.high
    assert interval.high - interval.low < 0.1


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
