"""Uncertainty and paired comparisons computed from stored test predictions.

Every run keeps its test labels and predictions, so the report can put a
confidence interval on each score and test two models on the same test rows
without retraining anything.
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
    """Percentile bootstrap interval of ``metric`` ("accuracy" or "macro_f1") over resampled test rows.

    With several seeds (one list of labels and of predictions per seed, on the
    same rows), each resample draws test rows once and scores the mean of the
    seeds' metrics on them, so the interval covers both sources of spread.

    Resampling rows only changes how often each (truth, predictions) tuple
    occurs, so each resample is drawn directly as multinomial counts of the
    observed tuples, and every score is a matrix product over a few tuples
    instead of a pass over the rows.
    """
    p = np.atleast_2d(np.asarray(predictions))
    y = np.asarray(labels)
    y = y[0] if y.ndim == 2 else y
    tuples, frequency = np.unique(np.column_stack([y, p.T]), axis=0, return_counts=True)
    counts = np.random.default_rng(seed).multinomial(len(y), frequency / len(y), size=samples)
    scores = np.mean([_scores(counts, tuples[:, 0], tuples[:, 1 + k], np.unique(y), metric, len(y))
                      for k in range(len(p))], axis=0)
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
    """The bootstrap interval of ``metric`` for a run, over its test rows and every one of its seeds.

    Kept on the run: tables, figures and sentences ask for the same interval many times.
    """
    cache = run.__dict__.setdefault("_intervals", {})
    if metric not in cache:
        cache[metric] = bootstrap_interval([s["metrics"]["labels"] for s in run.seeds],
                                           [s["metrics"]["predictions"] for s in run.seeds], metric)
    return cache[metric]
