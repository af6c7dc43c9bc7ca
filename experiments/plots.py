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

FIGURES = ("learning-curve", "confusion-matrix", "roc")


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


def confusion(matrix: list[list[int]], class_names: list[str], path: Path) -> Path:
    """Counts of true (rows) against predicted (columns) classes."""
    many = len(class_names) > 12
    size = max(4.0, 0.45 * len(class_names) + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.85))
    sns.heatmap(
        np.asarray(matrix), annot=True, fmt="d", cmap="Blues", cbar=False, annot_kws={"fontsize": 8 if many else 9},
        xticklabels=class_names, yticklabels=class_names, ax=ax,
    )
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    plt.setp(ax.get_yticklabels(), rotation=0)
    return _save(fig, path)


def roc(curves: dict, path: Path) -> Path:
    """One-vs-rest ROC curve of each class with its AUC in the legend."""
    many = len(curves) > 8
    fig, ax = plt.subplots(figsize=(8.5 if many else 5.5, 4.5))
    for index, (name, curve) in enumerate(curves.items()):
        # Matplotlib has ten colours; beyond them the line style tells the curves apart.
        ax.plot(curve["fpr"], curve["tpr"], linestyle=("-", "--", ":")[index // 10 % 3],
                label=f"{name} (AUC {curve['auc']:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    if many:  # beside the axes: inside, twenty entries would hide the curves
        ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    else:
        ax.legend(fontsize="small", loc="lower right")
    ax.grid(alpha=0.3)
    return _save(fig, path)


def sweep(xs: list, series: dict[str, list[float]], xlabel: str, path: Path) -> Path:
    """Test accuracy of each series against the swept setting (sequence length, interval, …)."""
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, ys in series.items():
        ax.plot(xs, ys, marker="o", label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("test accuracy")
    ax.set_xticks(xs)
    ax.grid(alpha=0.3)
    if len(series) > 1:
        ax.legend(fontsize="small")
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


def attention(examples: list[dict], path: Path, *, labelled: int = 6) -> Path:
    """Where the attention pooling looks in a few test documents, one panel per document.

    Each panel plots weight × length along the document (1, dashed, is uniform
    attention), marks the ``labelled`` most weighted positions and names their words.
    """
    columns = 2
    rows = -(-len(examples) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 3.0 * rows), squeeze=False, layout="constrained")
    for ax, example in zip(axes.flat, examples):
        profile = np.asarray(example["profile"])
        ax.plot(np.arange(len(profile)), profile, color="#DD8452", linewidth=1)
        ax.axhline(1.0, color="grey", linestyle="--", linewidth=1)
        ax.scatter(example["positions"][:labelled], profile[example["positions"][:labelled]], s=12, color="black", zorder=3)
        top = ", ".join(example["words"][:labelled])
        ax.text(0.98, 0.95, f"most weighted (dots): {top}", transform=ax.transAxes, ha="right", va="top",
                fontsize="x-small", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        ax.set_ylim(0, profile.max() * 1.3)
        mark = "" if example["true"] == example["predicted"] else " (wrong)"
        ax.set_title(f"true {example['true']}, predicted {example['predicted']}{mark}", fontsize="small")
        ax.set_xlabel("position in the document (tokens)")
        ax.set_ylabel("weight × length")
    for ax in axes.flat[len(examples):]:
        ax.set_visible(False)
    return _save(fig, path)


def draw_all(results: dict, folder: Path) -> dict[str, str]:
    """Every standard figure of one run, as {figure: file name} inside ``folder``."""
    drawn = {}
    if "history" in results.get("training", {}):
        drawn["learning-curve"] = learning_curve(results["training"]["history"], folder / "learning-curve.png")
    drawn["confusion-matrix"] = confusion(results["metrics"]["confusion_matrix"], results["class_names"], folder / "confusion-matrix.png")
    if results["metrics"]["roc"]:
        drawn["roc"] = roc(results["metrics"]["roc"], folder / "roc.png")
    if results.get("attention"):
        drawn["attention"] = attention(results["attention"], folder / "attention.png")
    return {name: path.name for name, path in drawn.items()}
