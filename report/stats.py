"""Uncertainty and comparisons computed from stored test predictions.

Every run keeps its test labels and predictions, so the report can put an
interval on each score and compare two models without retraining anything.
Two sources of variation decide whether a result holds when the experiment is
run again: training randomness (seeds) and the sampling of the test rows. The
interval and the test below see both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SAMPLES = 1000


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def bootstrap_interval(labels: list[int] | list[list[int]], predictions: list[int] | list[list[int]], metric: str, *,
                       level: float = 0.95, samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> Interval:
    """Two-level percentile bootstrap interval of ``metric`` ("accuracy" or "macro_f1").

    Each resample draws the seeds with replacement and the test rows once,
    scores every drawn seed on those same rows, and takes the mean: the
    interval covers training randomness and test-row sampling. With one seed
    it is the ordinary bootstrap over rows.

    Resampling rows only changes how often each (truth, predictions) tuple
    occurs, so each resample is drawn directly as multinomial counts of the
    observed tuples, and every score is a matrix product over a few tuples
    instead of a pass over the rows.
    """
    p = np.atleast_2d(np.asarray(predictions))
    y = np.asarray(labels)
    y = y[0] if y.ndim == 2 else y
    rng = np.random.default_rng(seed)
    tuples, frequency = np.unique(np.column_stack([y, p.T]), axis=0, return_counts=True)
    counts = rng.multinomial(len(y), frequency / len(y), size=samples)
    per_seed = np.array([_scores(counts, tuples[:, 0], tuples[:, 1 + k], np.unique(y), metric, len(y))
                         for k in range(len(p))])
    drawn = rng.integers(0, len(p), size=(len(p), samples))
    scores = per_seed[drawn, np.arange(samples)].mean(axis=0)
    tail = (1 - level) / 2
    return Interval(float(np.quantile(scores, tail)), float(np.quantile(scores, 1 - tail)))


def _scores(counts: np.ndarray, truth: np.ndarray, guess: np.ndarray, classes: np.ndarray, metric: str, n: int) -> np.ndarray:
    """``metric`` of every resample, from its counts of each (truth, guess) tuple."""
    if metric == "accuracy":
        return counts @ (truth == guess) / n
    if metric == "macro_f1":
        truth, guess = truth[:, None] == classes, guess[:, None] == classes
        tp, fp, fn = (counts @ (a & b) for a, b in ((truth, guess), (~truth, guess), (truth, ~guess)))
        denominator = 2 * tp + fp + fn
        f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)
        return f1.mean(axis=1)
    raise ValueError(f"unknown metric {metric!r}; allowed: accuracy, macro_f1")


def run_interval(run, metric: str = "accuracy") -> Interval:
    """The bootstrap interval of ``metric`` for a run, over its test rows and its seeds.

    Kept on the run: tables, figures and sentences ask for the same interval many times.
    """
    cache = run.__dict__.setdefault("_intervals", {})
    if metric not in cache:
        cache[metric] = bootstrap_interval([s["metrics"]["labels"] for s in run.seeds],
                                           [s["metrics"]["predictions"] for s in run.seeds], metric)
    return cache[metric]


def prediction_interval(run, level: float = 0.95) -> Interval:
    """Where the accuracy of one more run of the same settings, scored on another draw of test rows, would land:
    the question a single published figure, from another split of the data, asks of a repeated protocol.

    Three errors add up: the seeds' spread (widened by the mean's own error), the binomial sampling error of
    the test rows this mean was measured on, and that of the other run's rows (the same size assumed). Student's
    t takes the Welch-Satterthwaite degrees of freedom of that sum, whose seed part is estimated from k − 1 and
    whose row parts are known. With one seed only the rows' errors are known, so the interval is theirs alone
    and too narrow by the unseen spread over seeds; the tables say so where it applies.
    """
    from scipy.stats import norm
    from scipy.stats import t as student

    accuracies = np.array([np.mean(np.asarray(s["metrics"]["predictions"]) == np.asarray(s["metrics"]["labels"]))
                           for s in run.seeds])
    k, mean = len(accuracies), float(accuracies.mean())
    rows = 2 * mean * (1 - mean) / len(run.seeds[0]["metrics"]["labels"])
    seeds = accuracies.var(ddof=1) * (1 + 1 / k) if k > 1 else 0.0
    if seeds == 0:
        half = norm.ppf(0.5 + level / 2) * np.sqrt(rows)
    else:
        df = (seeds + rows) ** 2 * (k - 1) / seeds ** 2
        half = student.ppf(0.5 + level / 2, df) * np.sqrt(seeds + rows)
    return Interval(mean - float(half), mean + float(half))


# -- comparing two models ------------------------------------------------------

#: The test that compares methods: it needs the spread over seeds of every side that trains at random.
SEEDS_AND_ROWS = "t-test over seeds and test rows"
#: One trained network on one side: only these trained models can be compared, on these rows.
MCNEMAR = "McNemar's test"
#: One trained network on each of two different test sets.
Z_TEST = "two-proportion z-test"


@dataclass(frozen=True)
class Test:
    """A two-sided p-value, the test that gave it, and what it speaks about."""

    p: float
    name: str
    #: "methods" when training randomness is accounted for (or absent); "trained models" otherwise.
    scope: str


def compare_correctness(a: np.ndarray, b: np.ndarray, *, a_fixed: bool = False, b_fixed: bool = False) -> Test:
    """Test whether models with correctness ``a`` and ``b`` (seeds × test rows) are equally accurate.

    ``*_fixed`` marks a model whose training has no randomness (the majority
    class, logistic regression): one seed of it is all its seeds.

    Where every random side has two or more seeds, the difference of mean
    accuracies d is tested against the sum of three variances: each side's
    variance over seeds divided by its seeds, and the variance of the per-row
    difference (paired when both sides are scored on the same rows) divided by
    the rows; the degrees of freedom are Welch-Satterthwaite's. This is Welch's
    test over seeds with the test-row sampling added, so a conclusion must hold
    over retraining and over a new draw of test rows. The row term also holds
    some of the seeds' noise, which makes the test a little conservative.

    Where a random side has one seed, its spread over seeds is unknown: the test
    is McNemar's on the paired rows (or a z-test on different rows), and it can
    only say that these two trained models differ on these rows.

    Where neither side trains at random, only the test rows vary: the same
    McNemar's test (exact below 25 discordant rows) is then a test of the methods,
    where a t-test over a handful of discordant rows would be too liberal.
    """
    paired = a.shape[1] == b.shape[1]
    if a_fixed and b_fixed:
        return Test(*_one_trained_model(a, b, paired), scope="methods")
    if (len(a) < 2 and not a_fixed) or (len(b) < 2 and not b_fixed):
        return Test(*_one_trained_model(a, b, paired), scope="trained models")
    from scipy.stats import t as student

    d, variance, df = _difference(a, b, a_fixed=a_fixed, b_fixed=b_fixed)
    if variance == 0:
        return Test(1.0 if d == 0 else 0.0, SEEDS_AND_ROWS, "methods")
    return Test(float(2 * student.sf(abs(d) / np.sqrt(variance), df)), SEEDS_AND_ROWS, "methods")


def difference_interval(a: np.ndarray, b: np.ndarray, *, a_fixed: bool = False, b_fixed: bool = False,
                        level: float = 0.95) -> tuple[float, Interval]:
    """The difference of mean accuracies of ``a`` over ``b`` and its interval, from :func:`compare_correctness`'s variance.

    A side with one seed adds no spread over seeds (it is unknown), so its
    interval covers the test rows only and is too narrow for a claim about methods.
    """
    from scipy.stats import t as student

    d, variance, df = _difference(a, b, a_fixed=a_fixed, b_fixed=b_fixed)
    half = float(student.ppf(0.5 + level / 2, df) * np.sqrt(variance)) if variance > 0 else 0.0
    return d, Interval(d - half, d + half)


def power(a: np.ndarray, b: np.ndarray, delta: float, *, a_fixed: bool = False, b_fixed: bool = False,
          alpha: float = 0.05) -> float | None:
    """The chance that :func:`compare_correctness`'s t-test at level ``alpha`` finds a true difference of ``delta``,
    at the variance these seeds and rows show (noncentral t): what a null verdict between them cannot rule out.

    None where the t-test does not apply (a random side with one seed) or the variance is zero.
    """
    from scipy.stats import nct
    from scipy.stats import t as student

    if (len(a) < 2 and not a_fixed) or (len(b) < 2 and not b_fixed) or (a_fixed and b_fixed):
        return None
    _, variance, df = _difference(a, b, a_fixed=a_fixed, b_fixed=b_fixed)
    if variance == 0:
        return None
    critical, shift = student.ppf(1 - alpha / 2, df), delta / np.sqrt(variance)
    # The wrong-signed tail underflows for a large shift, where scipy returns nan for what is all but zero.
    wrong_side = nct.cdf(-critical, df, shift)
    return float(nct.sf(critical, df, shift) + (wrong_side if np.isfinite(wrong_side) else 0.0))


def difference_error(a: np.ndarray, b: np.ndarray, *, a_fixed: bool = False, b_fixed: bool = False) -> float:
    """The standard error of the difference of mean accuracies that :func:`compare_correctness` tests."""
    return float(np.sqrt(_difference(a, b, a_fixed=a_fixed, b_fixed=b_fixed)[1]))


def _difference(a: np.ndarray, b: np.ndarray, *, a_fixed: bool, b_fixed: bool) -> tuple[float, float, float]:
    """Mean accuracy difference, its variance over seeds and test rows, and its Welch-Satterthwaite df."""
    paired = a.shape[1] == b.shape[1]
    share_a, share_b = a.mean(axis=0), b.mean(axis=0)
    d = float(share_a.mean() - share_b.mean())
    parts = []  # (variance of d from one source, its degrees of freedom)
    for seeds, fixed in ((a, a_fixed), (b, b_fixed)):
        if not fixed and len(seeds) > 1:
            accuracies = seeds.mean(axis=1)
            parts.append((float(accuracies.var(ddof=1)) / len(seeds), len(seeds) - 1))
    if paired:
        rows = share_a - share_b
        parts.append((float(rows.var(ddof=1)) / len(rows), len(rows) - 1))
    else:
        parts += [(float(s.var(ddof=1)) / len(s), len(s) - 1) for s in (share_a, share_b)]
    variance = sum(v for v, _ in parts)
    df = variance ** 2 / sum(v ** 2 / k for v, k in parts if v > 0) if variance > 0 else np.inf
    return d, variance, df


def verdicts(seeds: np.ndarray) -> np.ndarray:
    """Per row, whether most seeds got it right; on a tie, the first seed's verdict (so that two seeds that
    disagree count as one of them, not as wrong)."""
    share = seeds.mean(axis=0)
    return np.where(share == 0.5, seeds[0].astype(bool), share > 0.5)


def _one_trained_model(a: np.ndarray, b: np.ndarray, paired: bool) -> tuple[float, str]:
    """McNemar's test of the seeds' majority verdicts on paired rows, or a z-test of them on different rows: a row
    counts once however many seeds scored it, since more seeds of one side are not more test rows."""
    right_a, right_b = verdicts(a), verdicts(b)
    if not paired:
        from statsmodels.stats.proportion import proportions_ztest

        if right_a.mean() == right_b.mean():
            return 1.0, Z_TEST
        return float(proportions_ztest([right_a.sum(), right_b.sum()], [right_a.size, right_b.size])[1]), Z_TEST
    from statsmodels.stats.contingency_tables import mcnemar

    only_a, only_b = int((right_a & ~right_b).sum()), int((~right_a & right_b).sum())
    if only_a + only_b == 0:
        return 1.0, MCNEMAR
    exact = only_a + only_b < 25
    return float(mcnemar([[0, only_a], [only_b, 0]], exact=exact, correction=True).pvalue), MCNEMAR
