"""Figures drawn from a results file, never from a live model.

Because every figure is a function of ``results.json``, a figure can be redrawn
(new style, new size) without retraining anything.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers or CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

def _save(fig: plt.Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=150, bbox_inches="tight")
    plt.close(fig)
    tmp.replace(path)
    return path


def learning_curve(history: dict, path: Path) -> Path:
    """Accuracy and loss per epoch, training against validation."""
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, metric in zip(axes, ("accuracy", "loss")):
        ax.plot(epochs, history[metric], marker="o", ms=3, label="training")
        ax.plot(epochs, history[f"val_{metric}"], marker="o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes[0].legend()
    return _save(fig, path)


def _confusion(ax: plt.Axes, matrix: list[list[int]], class_names: list[str], fontsize: float, *,
               normalise: bool = False) -> None:
    """True (rows) against predicted (columns) classes.

    With few classes every cell shows its count. With many, each row is shown
    as percentages of its true class, and only cells of at least 5 % are
    written, so that no number overflows its cell and the confusions stand out.
    """
    counts = np.asarray(matrix)
    if normalise:
        shares = 100 * counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        labels = np.where(shares >= 5, np.round(shares).astype(int).astype(str), "")
        sns.heatmap(shares, annot=labels, fmt="", cmap="Blues", cbar=False, vmin=0, vmax=100,
                    annot_kws={"fontsize": fontsize}, xticklabels=class_names, yticklabels=class_names, ax=ax,
                    square=True, linewidths=0.2, linecolor="white")
    else:
        sns.heatmap(counts, annot=True, fmt="d", cmap="Blues", cbar=False, annot_kws={"fontsize": fontsize},
                    xticklabels=class_names, yticklabels=class_names, ax=ax, square=True)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true" + (" (each row in % of its class; cells under 5 % blank)" if normalise else ""))
    ax.tick_params(labelsize=fontsize + 1)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    plt.setp(ax.get_yticklabels(), rotation=0)


def short_class_name(name: str) -> str:
    """The last two parts of a dotted name ("comp.os.ms-windows.misc" → "ms-windows.misc"), for small panels."""
    return ".".join(name.split(".")[-2:])


def _roc_axes(ax: plt.Axes) -> None:
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)


#: Up to this many classes the ROC curves share one plot; beyond, each class gets a small panel.
SHARED_ROC_CLASSES = 8


def errors(matrix: list[list[int]], curves: dict, class_names: list[str], path: Path) -> Path:
    """The confusion matrix beside the one-vs-rest ROC curves, sized to be read at the page's width.

    With few classes the two sit side by side and the curves share one plot.
    With many, the matrix fills the width and the ROC curves follow as small
    multiples, one panel per class with its AUC, instead of twenty tangled lines.
    """
    n = len(class_names)
    if n <= SHARED_ROC_CLASSES:
        # Drawn near the page's width, so that 8-9 pt here is 8-9 pt on paper.
        fig, (left, right) = plt.subplots(1, 2, figsize=(7.2, 3.3), layout="constrained", width_ratios=(1, 1.1))
        _confusion(left, matrix, class_names, fontsize=9)
        for name, curve in curves.items():
            right.plot(curve["fpr"], curve["tpr"], label=f"{name} (AUC {curve['auc']:.3f})")
        _roc_axes(right)
        right.set_xlabel("false positive rate", fontsize=9)
        right.set_ylabel("true positive rate", fontsize=9)
        right.tick_params(labelsize=8)
        if curves:
            right.legend(fontsize=7.5, loc="lower right")
        return _save(fig, path)
    columns = 5
    rows = -(-len(curves) // columns)
    # At the page's width the whole figure, with its caption, stays shorter than the page.
    # Drawn at the page's width, so that every label prints at 7 pt or more.
    # The matrix's cells are square and get their size from its height: 5.4 in and short class names leave each
    # of 20 cells about 15 pt wide, room for "100" at 7 pt.
    fig = plt.figure(figsize=(6.5, 5.4 + 0.85 * rows), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=(5.4, 0.85 * rows))
    _confusion(top.subplots(), matrix, [short_class_name(name) for name in class_names], fontsize=7, normalise=True)
    panels = bottom.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    for ax, (name, curve) in zip(panels.flat, curves.items()):
        ax.plot(curve["fpr"], curve["tpr"], linewidth=1)
        _roc_axes(ax)
        ax.set_title(f"{short_class_name(name)}\nAUC {curve['auc']:.3f}", fontsize=7)
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
        ax.tick_params(labelsize=7)
    for ax in panels.flat[len(curves):]:
        ax.set_visible(False)
    bottom.supxlabel("false positive rate", fontsize=8)
    bottom.supylabel("true positive rate", fontsize=8)
    return _save(fig, path)


#: One line style per reference, the same in every figure (the captions name them).
REFERENCE_STYLES = {"TF-IDF": "--", "majority class": ":"}


def accuracy_span(values: list[float], least: float = 0.2) -> tuple[float, float]:
    """The whole tenths that hold ``values``, widened to at least ``least`` and kept within 0 and 1."""
    low, high = np.floor(min(values) * 10) / 10, np.ceil(max(values) * 10) / 10
    while high - low < least - 1e-9:
        low, high = (max(0.0, low - 0.1), high) if low > 1 - high else (low, min(1.0, high + 0.1))
    return float(low), float(high)


def sweep(xs: list, series: dict[str, list[tuple[float, float, float]]], references: dict[str, list[float]],
          xlabel: str, path: Path) -> Path:
    """Test accuracy against the swept setting: each series with its 95 % interval, references as dashed lines.

    The accuracy axis spans whole tenths around what is drawn, at least two of them, so that the points are
    told apart and a gap of two points still looks like two points, not like the whole axis.
    """
    fig, ax = plt.subplots(figsize=(5.2, 3.0), layout="constrained")
    for name, points in series.items():
        accuracy, low, high = (np.array(v) for v in zip(*points))
        ax.errorbar(xs, accuracy, yerr=[accuracy - low, high - accuracy], marker="o", capsize=3, label=f"{name} (95 % CI)")
    for name, values in references.items():
        ax.plot(xs, values, linestyle=REFERENCE_STYLES.get(name, "-."), color="grey", label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    ax.set_xticks(xs)
    ax.set_ylim(*accuracy_span([v for points in series.values() for p in points for v in p[1:]]
                               + [v for values in references.values() for v in values]))
    ax.grid(alpha=0.3)
    # Beside the axes, so that it hides no line.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return _save(fig, path)


def waterfall(bars: list[tuple[str, float, float, float]], names: list[str], published: float | None,
              path: Path) -> Path:
    """A correction ladder, top to bottom: the accuracy as published, each correction as a bar from the level
    before it (its 95 % interval as an error bar at its end), the corrected accuracy, the published figure dashed."""
    import textwrap

    labels = ["as published"] + [textwrap.fill(f"{i}. {n}", 34) for i, n in enumerate(names, start=1)] + ["corrected"]
    fig, ax = plt.subplots(figsize=(6.4, 0.55 * len(labels) + 1.0), layout="constrained")
    ends = []
    for row, (_, start, effect, half) in enumerate(bars):
        if row in (0, len(bars) - 1):  # a level, not a change
            ax.plot([effect], [row], marker="D", color="black")
            ax.annotate(f"{effect:.3f}", (effect, row), xytext=(8, 0), textcoords="offset points", va="center", fontsize=8)
            ends.append(effect)
            continue
        ax.barh(row, effect, left=start, height=0.5, color="tab:blue" if effect >= 0 else "tab:orange")
        ax.errorbar([start + effect], [row], xerr=[[half], [half]], color="black", capsize=3)
        ends += [start, start + effect - half, start + effect + half]
    if published is not None:
        ax.axvline(published, color="grey", linestyle="--", label=f"published ({published:.3f})")
        ends.append(published)
        # Above the axes, so that it hides no bar.
        ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.3, frameon=False)
    margin = max(0.01, (max(ends) - min(ends)) * 0.15)
    ax.set_xlim(min(ends) - margin, max(ends) + margin)
    ax.set_yticks(range(len(labels)), labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("test accuracy")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def overview(panels: dict[str, list[tuple[str, str, float, float, float]]], path: Path) -> Path:
    """Every model of every dataset: test accuracy with its 95 % interval, references in grey.

    ``panels`` maps a dataset's title to rows of (label, kind, accuracy, low, high),
    kind being "network" or "reference". One full-width panel per dataset, its
    accuracy axis fitted to its own rows, so that intervals a point apart stay
    visible; drawn at the page's width, so 7.5 pt labels are 7.5 pt on paper.
    """
    names = list(panels)
    heights = [len(panels[n]) + 1.2 for n in names]
    fig, axes = plt.subplots(len(names), 1, figsize=(6.3, 0.17 * sum(heights) + 0.5), layout="constrained",
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        rows = panels[name]
        y = np.arange(len(rows))[::-1]
        for yi, (label, kind, accuracy, low, high) in zip(y, rows):
            colour = "#4C72B0" if kind == "network" else "dimgrey"
            ax.plot([low, high], [yi, yi], color=colour, linewidth=1.6, solid_capstyle="butt", zorder=2)
            ax.plot([accuracy], [yi], marker="|", color="black", markersize=7, markeredgewidth=1.2, zorder=3)
        ax.set_yticks(y, [row[0] for row in rows], fontsize=7.5)
        lows, highs = [row[3] for row in rows], [row[4] for row in rows]
        span = max(highs) - min(lows)
        ax.set_xlim(max(0.0, min(lows) - 0.06 * span - 0.005), min(1.0, max(highs)) + 0.06 * span + 0.005)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.set_title(name, fontsize=8.5, loc="left")
        ax.grid(axis="x", alpha=0.3)
    # What the marks average over is in the caption: it depends on the seeds a results set has.
    axes[-1, 0].set_xlabel("test accuracy (black mark) and its 95 % interval (bar); blue: networks, grey: references",
                           fontsize=7.5)
    return _save(fig, path)


def length_histograms(histograms: dict[str, dict], path: Path) -> Path:
    """Token counts of the training texts, one panel per dataset (from stored histograms)."""
    fig, axes = plt.subplots(1, len(histograms), figsize=(3.2 * len(histograms), 2.8), squeeze=False,
                             layout="constrained")
    for ax, (name, h) in zip(axes[0], histograms.items()):
        edges, counts = np.asarray(h["edges"]), np.asarray(h["histogram"])
        if "clipped_at" not in h:  # results from before the tail was folded at run time: fold it here
            keep = max(1, int(np.searchsorted(edges, h["p99"], side="right")) - 1)
            counts = np.append(counts[: keep - 1], counts[keep - 1:].sum())
            edges = edges[: keep + 1]
            h = {**h, "clipped_at": edges[-2]}
        ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="#4C72B0")
        ax.axvline(h["p50"], color="black", linestyle="--", linewidth=1)
        ax.set_title(name, fontsize="medium")
        # The long tail is folded into the last bar, so the bulk of the texts stays readable.
        ax.set_xlabel(f"tokens (last bar: ≥ {h['clipped_at']:,.0f})" if "clipped_at" in h else "tokens")
    axes[0][0].set_ylabel("training texts")
    return _save(fig, path)


def attention(examples: list[dict], path: Path, *, labelled: int = 4) -> Path:
    """Where the attention pooling looks in a few test documents, one panel per document.

    Each panel plots weight × length along the document (1, dashed, is uniform
    attention) and marks the ``labelled`` most weighted positions, whose words
    its title names. Drawn at the page's width, so its text is read at 7 pt.
    """
    columns = 2
    rows = -(-len(examples) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.5, 2.3 * rows), squeeze=False, layout="constrained")
    for ax, example in zip(axes.flat, examples):
        profile = np.asarray(example["profile"])
        ax.plot(np.arange(len(profile)), profile, color="#DD8452", linewidth=0.8)
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=0.8)
        marked = example["positions"][:labelled]
        ax.scatter(marked, profile[marked], s=14, facecolors="none", edgecolors="black", linewidths=0.8, zorder=3)
        ax.set_ylim(0, profile.max() * 1.15)
        mark = "" if example["true"] == example["predicted"] else " (wrong)"
        ax.set_title(f"true {example['true']}, predicted {example['predicted']}{mark}\n"
                     f"circled, by weight: {', '.join(example['words'][:labelled])}", fontsize=7)
        ax.set_xlabel("position in the article (tokens)", fontsize=7)
        ax.set_ylabel("weight × length", fontsize=7)
        ax.tick_params(labelsize=6.5)
    for ax in axes.flat[len(examples):]:
        ax.set_visible(False)
    return _save(fig, path)


def draw_all(results: dict, folder: Path) -> dict[str, str]:
    """Every standard figure of one run, as {figure: file name} inside ``folder``."""
    drawn = {}
    if "history" in results.get("training", {}):
        drawn["learning-curve"] = learning_curve(results["training"]["history"], folder / "learning-curve.png")
    drawn["errors"] = errors(results["metrics"]["confusion_matrix"], results["metrics"]["roc"], results["class_names"],
                             folder / "errors.png")
    if results.get("attention"):
        drawn["attention"] = attention(results["attention"], folder / "attention.png")
    return {name: path.name for name, path in drawn.items()}
