"""Figures in the chapters: placing a figure file, and the figures the report draws from results.

Per-run figures (learning curves, confusion matrices, ROC curves) are drawn by
the experiments; the ones here combine runs (sweeps, the overview, text
lengths) and are redrawn only when their numbers change.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from types import ModuleType
from typing import Callable

from experiments.specs import REFERENCE_MODELS
from report import claims, ladder, stats, summary
from report.runs import Run, point_value


def figure(path: str, caption: str, label: str, width: str = "90%") -> str:
    """A Markdown figure with a pandoc-crossref label (``fig:…``) and a width."""
    if not label.startswith("fig:"):
        raise ValueError(f"figure label {label!r} must start with 'fig:'")
    return f"![{caption}]({path}){{#{label} width={width}}}"

def draw_if_changed(path: Path, inputs: object, draw: Callable[[ModuleType], Path]) -> None:
    """Draw a figure the report makes from results only when its inputs changed since the last drawing.

    Importing matplotlib and drawing costs about a second, which would
    dominate the loop of editing a template. The inputs' hash sits beside the
    figure in a hidden file.
    """
    # The drawing code is an input too: an edited plot redraws (read as text; importing it is the slow part).
    code = (Path(__file__).resolve().parents[1] / "experiments" / "plots.py").read_bytes()
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode() + code).hexdigest()
    stamp = path.with_name(f".{path.name}.key")
    if path.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    from experiments import plots

    draw(plots)
    stamp.write_text(key, encoding="utf-8")

def _with_interval(run: Run) -> tuple[float, float, float]:
    """Mean test accuracy over seeds and its 95 % bootstrap interval over rows and seeds."""
    interval = stats.run_interval(run)
    return claims.accuracy(run), interval.low, interval.high


def sweep_figure(images_dir: Path, series: dict[str, list[Run]], xlabel: str, caption: str, label: str,
                 references: dict[str, list[Run]] | None = None, width: str = "70%") -> str:
    """Draw test accuracy (95 % interval over rows and seeds) against the swept value, references dashed."""
    first = next(iter(series.values()))
    xs = [int(v) if v.isdigit() else v for v in map(point_value, first)]
    points = {name: [_with_interval(r) for r in rs] for name, rs in series.items()}
    # A single reference run (no sweep of its own) is the same at every point.
    lines = {name: [claims.accuracy(r) for r in (rs if len(rs) == len(xs) else rs * len(xs))]
             for name, rs in (references or {}).items()}
    folder = first[0].experiment
    path = images_dir / folder / f"sweep-{label.removeprefix('fig:')}.png"
    draw_if_changed(path, [xs, points, lines, xlabel], lambda plots: plots.sweep(xs, points, lines, xlabel, path))
    return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, width)


def overview_figure(images_dir: Path, runs: dict[str, Run], datasets: dict[str, str], caption: str, label: str) -> str:
    """Every run of each dataset (title → dataset name) with its interval, in one figure named by its label (a
    report may split its datasets over several, so that each is drawn at the page's width)."""
    panels = {
        title: [(summary.axis_label(r), "reference" if r.spec["model"]["architecture"] in REFERENCE_MODELS else "network",
                 *_with_interval(r)) for r in summary.dataset_runs(runs, dataset)]
        for title, dataset in datasets.items()
    }
    panels = {title: rows for title, rows in panels.items() if rows}
    if not panels:
        return ""
    path = images_dir / "summary" / f"{label.removeprefix('fig:')}.png"
    draw_if_changed(path, panels, lambda plots: plots.overview(panels, path))
    return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, "100%")


def lengths_figure(images_dir: Path, datasets: dict[str, Run], caption: str, label: str, width: str = "100%") -> str:
    """Histogram of training-text lengths for one run per dataset."""
    titles = summary.dataset_titles()
    histograms = {titles.get(name, name): r.data["train_lengths"] for name, r in datasets.items()}
    path = images_dir / "data" / "lengths.png"
    draw_if_changed(path, histograms, lambda plots: plots.length_histograms(histograms, path))
    return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, width)


def waterfall_figure(images_dir: Path, climb, caption: str, label: str, width: str = "100%") -> str:
    """A ladder as a waterfall: the accuracy as published, each correction's effect with its interval, the
    corrected accuracy, and the published figure as a line. Empty until every rung has run."""
    bars = ladder.waterfall_bars(climb)
    if bars is None:
        return ""
    names = [step.correction for step in climb.steps]
    path = images_dir / "ladders" / f"{climb.ladder.name}.png"
    # Generated data reproduces nothing, so no published figure is drawn against it.
    line = climb.published_figure if climb.comparable else None
    draw_if_changed(path, [bars, names, line], lambda plots: plots.waterfall(bars, names, line, path))
    return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, width)


def row_percentages(run) -> bool:
    """Whether a run's confusion matrix is drawn in row percentages (many classes; :func:`experiments.plots.errors`)."""
    from experiments.plots import SHARED_ROC_CLASSES

    return len(run.class_names) > SHARED_ROC_CLASSES
