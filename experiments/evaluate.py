"""Test-set metrics of a classifier from its predicted class probabilities.

Everything the report shows about a model's test performance is computed here
once and stored in its results file; figures and chapters only read it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

#: ROC curves are thinned to at most this many points per class for the results file.
ROC_POINTS = 200


def evaluate(y_true: np.ndarray, proba: np.ndarray, class_names: Sequence[str]) -> dict:
    """Accuracy, macro-F1, per-class table, confusion matrix and one-vs-rest ROC per class."""
    y_true = np.asarray(y_true)
    labels = np.arange(len(class_names))
    y_pred = proba.argmax(axis=1)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    per_class = {
        name: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for name, p, r, f, s in zip(class_names, precision, recall, f1, support)
    }
    roc = {}
    for index, name in enumerate(class_names):
        positives = y_true == index
        if positives.all() or not positives.any():
            continue  # AUC is undefined for a class absent from (or alone in) the test split
        fpr, tpr, _ = roc_curve(positives, proba[:, index])
        keep = np.unique(np.linspace(0, len(fpr) - 1, min(len(fpr), ROC_POINTS)).astype(int))
        roc[name] = {
            "auc": float(roc_auc_score(positives, proba[:, index])),
            "fpr": [round(float(v), 5) for v in fpr[keep]],
            "tpr": [round(float(v), 5) for v in tpr[keep]],
        }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_class": per_class,
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "roc": roc,
        "predictions": y_pred.astype(int).tolist(),
        "labels": y_true.astype(int).tolist(),
    }
