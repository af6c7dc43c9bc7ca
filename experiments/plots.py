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


def _confusion(ax: plt.Axes, matrix: list[list[int]], class_names: list[str], fontsize: float) -> None:
    """Counts of true (rows) against predicted (columns) classes, every cell annotated."""
    sns.heatmap(
        np.asarray(matrix), annot=True, fmt="d", cmap="Blues", cbar=False, annot_kws={"fontsize": fontsize},
        xticklabels=class_names, yticklabels=class_names, ax=ax, square=True,
    )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.tick_params(labelsize=fontsize + 1)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    plt.setp(ax.get_yticklabels(), rotation=0)


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
    fig = plt.figure(figsize=(6.5, 4.8 + 0.9 * rows), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=(4.8, 0.9 * rows))
    _confusion(top.subplots(), matrix, class_names, fontsize=6.5)
    panels = bottom.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    for ax, (name, curve) in zip(panels.flat, curves.items()):
        ax.plot(curve["fpr"], curve["tpr"], linewidth=1)
        _roc_axes(ax)
        ax.set_title(f"{name}\nAUC {curve['auc']:.3f}", fontsize=6.5)
        ax.tick_params(labelsize=6)
    for ax in panels.flat[len(curves):]:
        ax.set_visible(False)
    bottom.supxlabel("false positive rate", fontsize=7)
    bottom.supylabel("true positive rate", fontsize=7)
    return _save(fig, path)


#: One line style per reference, the same in every figure (the captions name them).
REFERENCE_STYLES = {"TF-IDF": "--", "majority class": ":"}


def sweep(xs: list, series: dict[str, list[tuple[float, float, float]]], references: dict[str, list[float]],
          xlabel: str, path: Path) -> Path:
    """Test accuracy against the swept setting: each series with its 95 % interval, references as dashed lines.

    The accuracy axis runs from 0 to 1, so that a gap of two points looks like two points.
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
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    # Beside the axes, so that it hides no line.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return _save(fig, path)


def overview(panels: dict[str, list[tuple[str, str, float, float, float]]], path: Path) -> Path:
    """Every model of every dataset: test accuracy with its 95 % interval, references in grey.

    ``panels`` maps a dataset's title to rows of (label, kind, accuracy, low, high),
    kind being "network" or "reference".
    """
    names = list(panels)
    # The dataset with the most rows fills the right column; the others share the left one.
    tallest = max(names, key=lambda n: len(panels[n]))
    left = [n for n in names if n != tallest]
    heights = [len(panels[n]) + 1.5 for n in left] or [1.0]
    # At the page's width: 6.5 pt labels are 6.5 pt on paper.
    fig = plt.figure(figsize=(6.5, max(0.13 * sum(heights), 0.13 * (len(panels[tallest]) + 1.5)) + 0.6), layout="constrained")
    grid = fig.add_gridspec(len(heights), 2, height_ratios=heights)
    axes = [fig.add_subplot(grid[i, 0]) for i in range(len(left))] + [fig.add_subplot(grid[:, 1])]
    for ax, name in zip(axes, [*left, tallest]):
        rows = panels[name]
        y = np.arange(len(rows))[::-1]
        for yi, (label, kind, accuracy, low, high) in zip(y, rows):
            colour = "#4C72B0" if kind == "network" else "grey"
            ax.errorbar([accuracy], [yi], xerr=[[accuracy - low], [high - accuracy]], fmt="o", color=colour, ms=3, capsize=2)
        ax.set_yticks(y, [row[0] for row in rows], fontsize=6.5)
        ax.tick_params(axis="x", labelsize=6.5)
        ax.set_xlim(0, 1)
        ax.set_title(name, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    axes[-1].set_xlabel("test accuracy (95 % CI); grey: majority class and TF-IDF references", fontsize=7)
    return _save(fig, path)


def length_histograms(histograms: dict[str, dict], path: Path) -> Path:
    """Token counts of the training texts, one panel per dataset (from stored histograms)."""
    fig, axes = plt.subplots(1, len(histograms), figsize=(3.2 * len(histograms), 2.8), squeeze=False)
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
        ax.scatter(example["positions"][:labelled], profile[example["positions"][:labelled]], s=10, color="black", zorder=3)
        ax.set_ylim(0, profile.max() * 1.15)
        mark = "" if example["true"] == example["predicted"] else " (wrong)"
        ax.set_title(f"true {example['true']}, predicted {example['predicted']}{mark}\n"
                     f"dots: {', '.join(example['words'][:labelled])}", fontsize=7)
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
