"""What a careful reader checks in a run before trusting its verdicts, computed from its training history.

Each check reads one run (all its seeds) and returns the numbers behind a
finding, or None where the run is fine. The report states each finding where
the run appears, and a verdict involving a flagged run carries it in the same
sentence (:func:`caveat`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from experiments.specs import REFERENCE_MODELS

#: Epochs over which a validation curve still rising at the cap is measured.
RISING_OVER = 5
#: Validation loss this much above its minimum at the end counts as "rose" (relative).
LOSS_RISE = 0.05
#: Validation accuracy within this of chance at the kept epoch counts as "near chance".
NEAR_CHANCE = 0.03


@dataclass(frozen=True)
class Finding:
    """One diagnostic of one run: how many of its seeds show it, and the words with the numbers (seed 0's)."""

    seeds: int
    of: int
    text: str
    short: str

    def sentence(self, name: str) -> str:
        where = "" if self.of == 1 else (f" (all {self.of} seeds)" if self.seeds == self.of else f" ({self.seeds} of {self.of} seeds)")
        return f"{name[:1].upper()}{name[1:]}{where} {self.text}."


def _histories(run) -> list[dict]:
    return [s["training"].get("history") or {} for s in run.seeds]


def _flagged(run, check) -> Finding | None:
    found = [check(s) if s.get("training") and s.get("spec", {}).get("train") else None for s in run.seeds]
    hits = [f for f in found if f is not None]
    if not hits:
        return None
    text, short = hits[0]
    return Finding(len(hits), len(found), text, short)


def still_improving(run) -> Finding | None:
    """Early stopping kept the cap's last epoch while validation accuracy was still rising."""

    def check(seed: dict):
        spec, training = seed["spec"]["train"], seed["training"]
        val = (training.get("history") or {}).get("val_accuracy") or []
        if spec.get("patience") is None or len(val) <= RISING_OVER or training["epochs_run"] < spec["epochs"]:
            return None
        if training["best_epoch"] < spec["epochs"] - 1 or val[-1] <= val[-1 - RISING_OVER]:
            return None
        return (f"kept the weights of epoch {training['best_epoch']} of the documented cap of {spec['epochs']}, "
                f"with validation accuracy still rising ({val[-1 - RISING_OVER]:.3f} → {val[-1]:.3f} over the last "
                f"{RISING_OVER} epochs): the cap stopped it, not convergence, and its scores are those of an "
                f"undertrained model",
                f"still improving at the {spec['epochs']}-epoch cap")

    return _flagged(run, check)


def scored_past_best(run) -> Finding | None:
    """No early stopping: scored at the last epoch while validation loss had risen since its minimum."""

    def check(seed: dict):
        if seed["spec"]["train"].get("patience") is not None or seed["spec"]["model"]["architecture"] in REFERENCE_MODELS:
            return None
        history = seed["training"].get("history") or {}
        loss, val_acc = history.get("val_loss") or [], history.get("val_accuracy") or []
        if len(loss) < 3:
            return None
        low = int(np.argmin(loss))
        if low == len(loss) - 1 or loss[-1] <= loss[low] * (1 + LOSS_RISE):
            return None
        peak = int(np.argmax(val_acc)) + 1 if val_acc and int(np.argmax(val_acc)) < len(val_acc) - 1 else None
        return (f"has no early stopping and is scored at its last epoch ({len(loss)}), while validation loss rose "
                f"from its minimum at epoch {low + 1} ({loss[low]:.3f} → {loss[-1]:.3f})"
                + (f"; validation accuracy peaked at epoch {peak} ({max(val_acc):.3f} against {val_acc[-1]:.3f} at the end)"
                   if peak else ""),
                f"scored {len(loss) - low - 1} epochs past its validation-loss minimum")

    return _flagged(run, check)


def near_chance(run) -> Finding | None:
    """Validation accuracy at the kept epoch no better than always predicting the most common class."""

    def check(seed: dict):
        training = seed["training"]
        val = (training.get("history") or {}).get("val_accuracy") or []
        if not val:
            return None
        counts = np.asarray((seed["data"].get("class_counts") or {}).get("validation") or [1])
        chance = counts.max() / counts.sum()
        kept = val[min(training["best_epoch"], len(val)) - 1]
        if kept > chance + NEAR_CHANCE:
            return None
        return (f"kept epoch {training['best_epoch']}, where its validation accuracy was {kept:.3f} against "
                f"{chance:.3f} for always predicting the most common validation class: it had not learned to "
                f"predict the validation rows",
                f"validation accuracy {kept:.3f} at its kept epoch, near chance")

    return _flagged(run, check)


CHECKS = (still_improving, scored_past_best, near_chance)


def findings(run) -> list[Finding]:
    """Every diagnostic that applies to ``run`` (kept on the run)."""
    if "_findings" not in run.__dict__:
        run.__dict__["_findings"] = [f for check in CHECKS if (f := check(run)) is not None]
    return run.__dict__["_findings"]


def caveat(run) -> str:
    """The run's diagnostics in a few words, for the sentence that states a verdict on it ("" when none)."""
    return "; ".join(f.short for f in findings(run))
