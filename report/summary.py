"""The summary chapter's numbers: every model of a dataset with spread, interval and a paired test.

Runs are matched to their reference on the same test rows: a point of a sweep
(``market-lstm@interval=10``) is compared with the reference's point of the
same value (``market-majority@interval=10``).
"""

from __future__ import annotations

import re

import numpy as np

from experiments.specs import REFERENCE_MODELS
from report import claims
from report.stats import run_interval


def _point(run_id: str) -> str:
    return run_id.partition("@")[2]


#: How a swept setting reads in a table; other settings read as their name without underscores.
SETTING_NAMES = {"seq_len": "sequence length", "interval": "interval", "split": "split", "padding": "padding"}


def vectors_label(vectors: dict) -> str:
    """A run's vectors in a few words, for titles: the name, or "word2vec 300-d trained here"."""
    return f"word2vec {vectors['dim']}-d trained here" if vectors.get("kind") == "trained" else vectors["name"]


def model_title(run) -> str:
    """The spec's title and, for a network, the vectors it really used (from the run's record)."""
    vectors = run.first.get("model", {}).get("vectors") or {}
    if not vectors.get("requested"):
        return run.spec["title"]
    return f"{run.spec['title']}; {vectors_label(vectors)}"


def _point_words(run) -> str:
    """A sweep point in words: "interval 10", "sequence length 50", "split grouped"."""
    settings = (part.partition("=") for part in _point(run.id).split(",") if part)
    return ", ".join(f"{SETTING_NAMES.get(k, k.replace('_', ' '))} {v}" for k, _, v in settings)


def short_label(run) -> str:
    """The spec's title and its sweep point, without the vectors: for sentences and a figure's axis."""
    point = _point_words(run)
    return run.spec["title"] + (f", {point}" if point else "")


def _label(run) -> str:
    """The run's title, its point of a sweep in words, and its seeds when there are several."""
    point = _point_words(run)
    label = model_title(run) + (f" ({point})" if point else "")
    return label + (f", {len(run.seeds)} seeds" if len(run.seeds) > 1 else "")


def natural_key(text: str) -> list:
    """Sort key that puts 'interval=5' before 'interval=10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def dataset_runs(runs: dict, dataset: str) -> list:
    """Every run on ``dataset``, ordered by study then id; a run that reused another's results is listed once."""
    chosen = [r for r in runs.values() if r.first["data"]["dataset"] == dataset and not r.first.get("same_as")]
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


def spread(run, metric: str) -> str:
    """Mean ± standard deviation over the run's seeds, or the one seed's value."""
    values = np.array([seed["metrics"][metric] for seed in run.seeds])
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}" if len(values) > 1 else f"{values[0]:.3f}"


def same_rows(run, runs: dict, architecture: str):
    """The run of ``architecture`` (e.g. "majority") on the same dataset and the same test rows as ``run``, or None."""
    prefix = run.id.split("@")[0].split("-")[0]
    candidates = sorted((r for r in runs.values() if r.spec["model"]["architecture"] == architecture
                         and r.id.startswith(prefix + "-")), key=lambda r: natural_key(r.id))
    return reference_for(run, runs, candidates[0].id.split("@")[0]) if candidates else None


def networks(runs: dict, dataset: str) -> list:
    return [r for r in dataset_runs(runs, dataset) if r.spec["model"]["architecture"] not in REFERENCE_MODELS]


def summary_rows(runs: dict, dataset: str, reference: str) -> list[list[str]]:
    """Rows: model, accuracy and macro-F1 (mean ± sd over seeds, 95 % bootstrap interval), the paired
    test's Holm-adjusted p against the reference and its direction in words."""
    chosen = dataset_runs(runs, dataset)
    refs = {run.id: reference_for(run, runs, reference) for run in chosen}
    tested = [run for run in chosen if refs[run.id] is not None and refs[run.id].id != run.id]
    found = dict(zip((r.id for r in tested), claims.compare([(r, refs[r.id]) for r in tested], [("", "")] * len(tested))))
    rows = []
    for run in chosen:
        ci, ci_f1 = run_interval(run, "accuracy"), run_interval(run, "macro_f1")
        if run.id in found:
            test = [claims.format_p(found[run.id].p_adjusted), found[run.id].verdict]
        else:
            test = ["–", "reference" if refs[run.id] is not None else "–"]
        rows.append([
            _label(run),
            f"{spread(run, 'accuracy')} [{ci.low:.3f}, {ci.high:.3f}]",
            f"{spread(run, 'macro_f1')} [{ci_f1.low:.3f}, {ci_f1.high:.3f}]",
            *test,
        ])
    return rows


def versus(runs: dict, dataset: str, architecture: str, other: str) -> str:
    """Every network of ``dataset`` against the ``architecture`` reference on its own test rows, as one sentence."""
    pairs = [(r, same_rows(r, runs, architecture)) for r in networks(runs, dataset)]
    pairs = [(r, ref) for r, ref in pairs if ref is not None]
    if not pairs:
        return ""
    return claims.against([r for r, _ in pairs], [short_label(r) for r, _ in pairs], [ref for _, ref in pairs], other)


def learned_nothing(runs: dict, dataset: str) -> list[str]:
    """Flags for the networks of ``dataset`` that learned nothing (one class, or no better than the majority class)."""
    pairs = [(r, same_rows(r, runs, "majority")) for r in networks(runs, dataset)]
    pairs = [(r, ref) for r, ref in pairs if ref is not None]
    if not pairs:
        return []
    return claims.learned_nothing([r for r, _ in pairs], [ref for _, ref in pairs], [short_label(r) for r, _ in pairs])
