"""The summary chapter's numbers: every model of a dataset with spread, interval and a paired test.

Runs are matched to their reference on the same test rows: a point of a sweep
(``market-lstm@interval=10``) is compared with the reference's point of the
same value (``market-majority@interval=10``).
"""

from __future__ import annotations

import re

import numpy as np

from report.stats import bootstrap_interval, mcnemar, verdict

NEURAL_FREE = ("majority", "tfidf-logreg", "bow-logreg")


def _point(run_id: str) -> str:
    return run_id.partition("@")[2]


#: How a swept setting reads in a table; other settings read as their name without underscores.
SETTING_NAMES = {"seq_len": "sequence length", "interval": "interval", "split": "split", "padding": "padding"}


def model_title(run) -> str:
    """The spec's title and, for a network, the vectors it really used (from the run's record)."""
    vectors = run.first.get("model", {}).get("vectors") or {}
    if not vectors.get("requested"):
        return run.spec["title"]
    return f"{run.spec['title']}; {vectors['name']}"


def _label(run) -> str:
    """The run's title, its point of a sweep in words, and its seeds when there are several."""
    label = model_title(run)
    point = _point(run.id)
    if point:
        settings = (part.partition("=") for part in point.split(","))
        label += " (" + ", ".join(f"{SETTING_NAMES.get(k, k.replace('_', ' '))} {v}" for k, _, v in settings) + ")"
    return label + (f", {len(run.seeds)} seeds" if len(run.seeds) > 1 else "")


def natural_key(text: str) -> list:
    """Sort key that puts 'interval=5' before 'interval=10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def dataset_runs(runs: dict, dataset: str) -> list:
    """Every run on ``dataset``, ordered by study then id."""
    chosen = [r for r in runs.values() if r.first["data"]["dataset"] == dataset]
    return sorted(chosen, key=lambda r: (r.spec["study"], natural_key(r.id)))


def reference_for(run, runs: dict, reference: str):
    """The reference run (or sweep point) scored on exactly the same test rows as ``run``, or None.

    The point with the same swept value is preferred (interval 10 against interval 10).
    """
    point = _point(run.id)
    preferred = [reference, f"{reference}@{point}"]
    others = sorted((key for key in runs if key.startswith(f"{reference}@")), key=natural_key)
    for key in [*preferred, *others]:
        candidate = runs.get(key)
        if candidate is not None and candidate.metrics["labels"] == run.metrics["labels"]:
            return candidate
    return None


def _spread(run, metric: str) -> str:
    values = np.array([seed["metrics"][metric] for seed in run.seeds])
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}" if len(values) > 1 else f"{values[0]:.3f}"


def summary_rows(runs: dict, dataset: str, reference: str) -> list[list[str]]:
    """Rows: model, accuracy and macro-F1 (mean ± sd over seeds, 95 % bootstrap interval), McNemar's p against the reference and its verdict."""
    rows = []
    for run in dataset_runs(runs, dataset):
        m = run.metrics
        ci = bootstrap_interval(m["labels"], m["predictions"], "accuracy")
        ci_f1 = bootstrap_interval(m["labels"], m["predictions"], "macro_f1")
        ref = reference_for(run, runs, reference)
        if ref is None or ref.id == run.id:
            test = ["–", "reference" if ref is not None else "–"]
        else:
            _, _, p = mcnemar(m["labels"], m["predictions"], ref.metrics["predictions"])
            test = ["< 0.001" if p < 0.001 else f"{p:.3f}", verdict(p)]
        rows.append([
            _label(run),
            f"{_spread(run, 'accuracy')} [{ci.low:.3f}, {ci.high:.3f}]",
            f"{_spread(run, 'macro_f1')} [{ci_f1.low:.3f}, {ci_f1.high:.3f}]",
            *test,
        ])
    return rows


def not_above(runs: dict, dataset: str, reference: str) -> list[str]:
    """Neural models whose mean test accuracy does not exceed ``reference``'s on the same test rows."""
    behind = []
    for run in dataset_runs(runs, dataset):
        if run.spec["model"]["architecture"] in NEURAL_FREE:
            continue
        ref = reference_for(run, runs, reference)
        if ref is None:
            continue
        mean = np.mean([s["metrics"]["accuracy"] for s in run.seeds])
        if mean <= np.mean([s["metrics"]["accuracy"] for s in ref.seeds]):
            behind.append(_label(run))
    return behind
