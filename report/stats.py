"""Uncertainty and paired comparisons computed from stored test predictions.

Every run keeps its test labels and predictions, so the report can put a
confidence interval on each score and test two models on the same test rows
without retraining anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SAMPLES = 1000


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def bootstrap_interval(labels: list[int], predictions: list[int], metric: str, *, level: float = 0.95,
                       samples: int = BOOTSTRAP_SAMPLES, seed: int = 0) -> Interval:
    """Percentile bootstrap interval of ``metric`` ("accuracy" or "macro_f1") over resampled test rows.

    Resampling rows only changes how often each (truth, prediction) pair
    occurs, so each resample is drawn directly as multinomial counts of the
    observed pairs, and every score is a matrix product over a few pairs
    instead of a pass over the rows.
    """
    y, p = np.asarray(labels), np.asarray(predictions)
    pairs, frequency = np.unique(np.stack([y, p], axis=1), axis=0, return_counts=True)
    counts = np.random.default_rng(seed).multinomial(len(y), frequency / len(y), size=samples)
    truth, guess = pairs[:, 0], pairs[:, 1]
    if metric == "accuracy":
        scores = counts @ (truth == guess) / len(y)
    elif metric == "macro_f1":
        classes = np.unique(y)
        truth, guess = truth[:, None] == classes, guess[:, None] == classes
        tp, fp, fn = (counts @ (a & b) for a, b in ((truth, guess), (~truth, guess), (truth, ~guess)))
        denominator = 2 * tp + fp + fn
        f1 = np.divide(2 * tp, denominator, out=np.zeros(tp.shape), where=denominator > 0)
        scores = f1.mean(axis=1)
    else:
        raise ValueError(f"unknown metric {metric!r}; allowed: accuracy, macro_f1")
    tail = (1 - level) / 2
    return Interval(float(np.quantile(scores, tail)), float(np.quantile(scores, 1 - tail)))


def mcnemar(labels: list[int], predictions_a: list[int], predictions_b: list[int]) -> tuple[int, int, float]:
    """McNemar's test of two classifiers on the same test rows: (only A right, only B right, p-value).

    Exact binomial test when the discordant pairs are few (< 25), the
    continuity-corrected chi-square otherwise (Dietterich, 1998).
    """
    y, a, b = map(np.asarray, (labels, predictions_a, predictions_b))
    if not (len(y) == len(a) == len(b)):
        raise ValueError("McNemar's test needs predictions on the same test rows")
    only_a = int(((a == y) & (b != y)).sum())
    only_b = int(((a != y) & (b == y)).sum())
    n = only_a + only_b
    if n == 0:
        return only_a, only_b, 1.0
    if n < 25:  # two-sided exact binomial test with p = 1/2
        p = min(1.0, 2 * sum(math.comb(n, k) for k in range(min(only_a, only_b) + 1)) / 2**n)
    else:  # chi-square with one degree of freedom: its survival function is erfc(sqrt(x / 2))
        p = math.erfc(math.sqrt((abs(only_a - only_b) - 1) ** 2 / n / 2))
    return only_a, only_b, float(p)


def verdict(p: float, *, level: float = 0.05) -> str:
    """The test result in words."""
    return f"significant at {level:.0%}" if p < level else f"not significant at {level:.0%}"
