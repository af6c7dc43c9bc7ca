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
#: Below this many validation rows, accuracy moves in steps coarse enough to stop a run on noise.
COARSE_ROWS = 1000
#: Validation accuracy within this of chance at the kept epoch counts as "near chance".
NEAR_CHANCE = 0.03
#: Below this training accuracy at the cap a network has not yet fitted its own training rows.
UNFIT_ACCURACY = 0.9
#: A training loss that fell by at least this share in the last epoch is still falling.
STILL_FALLING = 0.02
#: Validation loss this much above its minimum at the end, with accuracy held, counts as over-fitting.
CONFIDENT_RISE = 0.15


@dataclass(frozen=True)
class Finding:
    """One diagnostic of one run: how many of its seeds show it, and the words with the numbers (seed 0's)."""

    seeds: int
    of: int
    text: str
    short: str
    check: str = ""
    #: The seed whose numbers the text gives (the first that shows the finding).
    example: int = 0

    @property
    def where(self) -> str:
        """Which seeds show it, and whose numbers are quoted: "(2 of 3 seeds; the numbers are seed 1's)"."""
        if self.of == 1:
            return ""
        every = "both seeds" if self.of == 2 else f"all {self.of} seeds"
        return (f" ({every if self.seeds == self.of else f'{self.seeds} of {self.of} seeds'}; "
                f"the numbers are seed {self.example}'s)")

    def sentence(self, name: str) -> str:
        return f"{name[:1].upper()}{name[1:]}{self.where} {self.text}."


def _histories(run) -> list[dict]:
    return [s["training"].get("history") or {} for s in run.seeds]


def _flagged(run, check) -> Finding | None:
    found = [check(s) if s.get("training") and s.get("spec", {}).get("train") else None for s in run.seeds]
    hits = [(s.get("seed", i), f) for i, (s, f) in enumerate(zip(run.seeds, found)) if f is not None]
    if not hits:
        return None
    example, (text, short) = hits[0]
    return Finding(len(hits), len(found), text, short, check.__qualname__.split(".<locals>")[0], example)


def still_improving(run) -> Finding | None:
    """The epoch cap stopped a run whose validation accuracy was still rising and validation loss still falling,
    below the log-loss of predicting the class shares (above it, the rise is noise in a model that learned nothing)."""

    def check(seed: dict):
        spec, training = seed["spec"]["train"], seed["training"]
        history = training.get("history") or {}
        val, loss = history.get("val_accuracy") or [], history.get("val_loss") or []
        over = min(RISING_OVER, len(val) - 1)
        if over < 1 or training["epochs_run"] < spec["epochs"]:
            return None  # early stopping ended it before the cap
        if spec.get("patience") is not None and training["best_epoch"] < spec["epochs"] - 1:
            return None  # the weights kept are from before the end
        if val[-1] - val[-1 - over] <= _noise(seed, val[-1]) or (loss and loss[-1] > min(loss) * (1 + LOSS_RISE / 5)):
            return None
        if _learned_nothing(seed, loss):
            return None  # no better than the class shares on new rows: a rising accuracy there is not progress
        fitted = history.get("accuracy") or []
        training_acc = f", at a training accuracy of {fitted[-1]:.3f}" if fitted else ""
        return (f"was stopped by its cap of {spec['epochs']} epochs while still improving: validation "
                f"accuracy rose from {val[-1 - over]:.3f} to {val[-1]:.3f} over its last {over} epochs and "
                f"validation loss ended within 1 % of its lowest{training_acc}; its scores may be those of an "
                f"undertrained model",
                f"still improving at the {spec['epochs']}-epoch cap")

    return _flagged(run, check)


def _prior_loss(seed: dict) -> float | None:
    """The validation log-loss of always predicting the training rows' class shares: a validation loss not below
    it has learned nothing about new rows that a constant could not say."""
    counts = (seed.get("data") or {}).get("class_counts", {})
    train = np.asarray(counts.get("train") or [], dtype=float)
    validation = np.asarray(counts.get("validation") or [], dtype=float)
    if train.sum() <= 0 or validation.sum() <= 0 or len(train) != len(validation) or (train == 0).any():
        return None
    return float(-(validation / validation.sum() * np.log(train / train.sum())).sum())


def _learned_nothing(seed: dict, val_loss: list) -> bool:
    prior = _prior_loss(seed)
    return prior is not None and bool(val_loss) and min(val_loss) >= prior


def never_beat_prior(run) -> bool:
    """Whether no seed of a network ever had a validation loss below the log-loss of predicting the training rows'
    class shares: a network that learned nothing that carries to new rows, whatever its accuracy says."""
    seeds = [s for s in run.seeds if s.get("training")]
    return bool(seeds) and all(_learned_nothing(s, (s["training"].get("history") or {}).get("val_loss") or [])
                               for s in seeds)


def _first_epoch(training: dict) -> int:
    """The epoch the history starts at: 1, or later where older results kept only the epochs after a resume."""
    return training.get("history_from", 1)


def _noise(seed: dict, accuracy: float) -> float:
    """One standard error of a validation accuracy: differences within it are a few rows, not a trend."""
    rows = max(1, (seed["data"].get("sizes") or {}).get("validation") or 1)
    return float(np.sqrt(accuracy * (1 - accuracy) / rows))


def _unstopped_curves(seed: dict) -> tuple[dict, dict, list, list] | None:
    """A network run without early stopping, scored at its last epoch: its training record, history, validation
    loss and validation accuracy, or None where that does not apply or the history is too short to judge."""
    if seed["spec"]["train"].get("patience") is not None or seed["spec"]["model"]["architecture"] in REFERENCE_MODELS:
        return None
    training = seed["training"]
    history = training.get("history") or {}
    loss, val_acc = history.get("val_loss") or [], history.get("val_accuracy") or []
    if len(loss) < 3 or not val_acc:
        return None
    return training, history, loss, val_acc


def scored_past_best(run) -> Finding | None:
    """No early stopping: scored at the last epoch with a validation accuracy below its peak, where either
    validation loss rose well past its minimum (and accuracy fell by more than one standard error) or the peak lies
    long before the end (and accuracy fell by more than two: the highest of many noisy epochs is high by chance).
    A rising loss alone may be over-confidence, not lost accuracy."""

    def check(seed: dict):
        if (curves := _unstopped_curves(seed)) is None:
            return None
        training, history, loss, val_acc = curves
        peak = int(np.nanargmax(val_acc))
        drop = val_acc[peak] - val_acc[-1]
        # "Long before the end": a fifth of the epochs, and at least two.
        long_ago = max(2, len(loss) // 5)
        low = int(np.nanargmin(loss))
        rose = len(loss) - 1 - low >= long_ago and loss[-1] > loss[low] * (1 + LOSS_RISE)
        # With the loss risen, a drop beyond one standard error; without, the peak of many noisy epochs must be
        # long past and the drop beyond two.
        if drop <= _noise(seed, val_acc[-1]) * (1 if rose else 2) or (not rose and len(val_acc) - 1 - peak < long_ago):
            return None
        first = _first_epoch(training)
        why = (f"while validation loss rose from its minimum at epoch {low + first} ({loss[low]:.3f} → {loss[-1]:.3f}) "
               f"and validation accuracy fell" if rose else "where validation accuracy had fallen")
        return (f"has no early stopping and is scored at its last epoch ({training['epochs_run']}), {why} from its "
                f"peak at epoch {peak + first} ({val_acc[peak]:.3f} against {val_acc[-1]:.3f} at the end)",
                "scored after its validation accuracy had fallen from its peak")

    return _flagged(run, check)


def stopped_while_loss_fell(run) -> Finding | None:
    """Early stopping on validation accuracy ended a run before its cap while validation loss was still at its lowest:
    on a few hundred validation rows accuracy moves in steps, so a plateau of it may be noise, not the end of learning."""

    def check(seed: dict):
        spec, training = seed["spec"]["train"], seed["training"]
        loss = (training.get("history") or {}).get("val_loss") or []
        if spec.get("patience") is None or training["epochs_run"] >= spec["epochs"] or len(loss) < 3:
            return None
        if loss[-1] > np.nanmin(loss):
            return None
        rows = max(1, (seed["data"].get("sizes") or {}).get("validation") or 1)
        why = (f"on {rows:,} validation rows one row moves accuracy by {1 / rows:.3f}, so the plateau that stopped it "
               f"may be noise" if rows < COARSE_ROWS else "its accuracy had stalled while its loss still improved")
        kept = loss[min(training["best_epoch"] - _first_epoch(training), len(loss) - 1)]
        return (f"was stopped by early stopping at epoch {training['epochs_run']} of {spec['epochs']}, keeping epoch "
                f"{training['best_epoch']}, while its validation loss was still falling: lowest at the last epoch "
                f"({loss[-1]:.3f}), against {kept:.3f} at the epoch kept; {why}",
                "stopped early while its validation loss still fell")

    return _flagged(run, check)


def undertrained(run) -> Finding | None:
    """The epoch cap ended a run that had neither fitted its own training rows nor begun to over-fit: training
    accuracy low, validation loss near its lowest, well below its first epoch's and below the log-loss of predicting
    the training rows' class shares. It underfits, and its scores
    say more about its training budget than about what the model can learn. (A run flagged as still improving
    on validation is not flagged again: that finding quotes its training accuracy.)"""
    if still_improving(run) is not None:
        return None

    def check(seed: dict):
        spec, training = seed["spec"]["train"], seed["training"]
        history = training.get("history") or {}
        loss, acc, val_loss = history.get("loss") or [], history.get("accuracy") or [], history.get("val_loss") or []
        if training["epochs_run"] < spec["epochs"] or len(loss) < 2 or not acc or not val_loss:
            return None
        if spec.get("patience") is not None and training["best_epoch"] < training["epochs_run"]:
            return None  # early stopping kept an earlier epoch: not the cap's doing
        if acc[-1] >= UNFIT_ACCURACY:
            return None
        if val_loss[-1] > np.nanmin(val_loss) * (1 + LOSS_RISE):
            return None  # validation loss rose: over-fitting, not under-fitting
        if val_loss[-1] > val_loss[0] * (1 - LOSS_RISE) or _learned_nothing(seed, val_loss):
            return None  # nothing that carries to new rows learned so far: more epochs would not be expected to help
        falling = loss[-1] <= loss[-2] * (1 - STILL_FALLING)
        trend = (f"training loss still falling ({loss[-2]:.3f} → {loss[-1]:.3f} in the last epoch)" if falling else
                 f"training loss {loss[-1]:.3f}")
        return (f"was stopped by its cap of {spec['epochs']} epochs before it fitted its own training rows: training "
                f"accuracy {acc[-1]:.3f}, {trend}, and validation loss down from {val_loss[0]:.3f} at epoch 1 to "
                f"{val_loss[-1]:.3f}, within 5 % of its lowest; it underfits, and its scores measure its training "
                f"budget as much as the model",
                # Without its numbers, so that many runs with it read as one clause; the finding's text has them.
                f"underfitting at the {spec['epochs']}-epoch cap")

    return _flagged(run, check)


def over_confident(run) -> Finding | None:
    """No early stopping, and validation loss far above its minimum at the end while validation accuracy held
    (within one standard error of its peak): the model over-fits and its predictions grew over-confident.
    Accuracy is unharmed; the log-loss, which scores the predicted probabilities themselves, is not."""

    def check(seed: dict):
        if (curves := _unstopped_curves(seed)) is None:
            return None
        training, history, loss, val_acc = curves
        low = int(np.nanargmin(loss))
        if loss[-1] < loss[low] * (1 + CONFIDENT_RISE):
            return None
        if max(val_acc) - val_acc[-1] > _noise(seed, val_acc[-1]):
            return None  # accuracy fell too: scored_past_best says so
        first = _first_epoch(training)
        fitted = history.get("accuracy") or []
        gap = (f" (training accuracy {fitted[-1]:.3f} against validation {val_acc[-1]:.3f})" if fitted else "")
        then, end = val_acc[low], val_acc[-1]
        since = ("still rose after that epoch" if end - then > _noise(seed, end) else
                 "ended about where it was then" if abs(end - then) <= _noise(seed, end) else "fell after that epoch")
        return (f"has no early stopping, and its validation loss rose from {loss[low]:.3f} at epoch {low + first} to "
                f"{loss[-1]:.3f} at the end (+{100 * (loss[-1] / loss[low] - 1):.0f} %) while its validation accuracy "
                f"stayed within one standard error of its peak: it over-fits its training rows{gap}, and its "
                f"predictions grew over-confident. Its validation accuracy {since} ({then:.3f} → {end:.3f}), but its "
                f"predicted probabilities score worse on the validation log-loss",
                "over-fitting by its last epoch, its validation loss up while its accuracy did not fall")

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
        kept = val[min(training["best_epoch"] - _first_epoch(training), len(val) - 1)]
        if kept > chance + NEAR_CHANCE:
            return None
        where = "below" if kept < chance - NEAR_CHANCE else "near"
        scored = (f"is scored at its last epoch ({training['best_epoch']})" if seed["spec"]["train"].get("patience") is None
                  else f"kept epoch {training['best_epoch']}")
        return (f"{scored}, where its validation accuracy was {kept:.3f} against "
                f"{chance:.3f} for always predicting the most common validation class: it had not learned to "
                f"predict the validation rows" + (", and did worse than that constant guess" if where == "below" else ""),
                # Without its numbers, so that many runs with it read as one clause; the finding's text has them.
                f"validation accuracy at its {'last' if seed['spec']['train'].get('patience') is None else 'kept'} "
                f"epoch {where} the majority-class rate")

    return _flagged(run, check)


def resumed(run) -> Finding | None:
    """A run interrupted and resumed from its per-epoch backup, as its training record (or, for older results,
    its TensorBoard log) says."""

    def check(seed: dict):
        spec, training = seed["spec"]["train"], seed["training"]
        at = training.get("resumed_at") or []
        if not at:
            return None
        where = join_epochs(at)
        memory = ("; early stopping started over there, so the epoch kept is the best after the last resume"
                  if spec.get("patience") is not None else "")
        lost = (f"; its results keep only the history from epoch {training['history_from']}, so its curve and "
                f"diagnostics cover those epochs" if training.get("history_from", 1) > 1 else "")
        return (f"was interrupted and resumed from its last saved epoch at {where} of its "
                f"{training['epochs_run']} epochs{memory}{lost}", "resumed after an interruption")

    return _flagged(run, check)


def join_epochs(epochs: list[int]) -> str:
    return ("epoch " if len(epochs) == 1 else "epochs ") + ", ".join(str(e) for e in epochs)


CHECKS = (still_improving, undertrained, stopped_while_loss_fell, scored_past_best, over_confident, near_chance,
          resumed)


def findings(run) -> list[Finding]:
    """Every diagnostic that applies to ``run`` (kept on the run)."""
    if "_findings" not in run.__dict__:
        run.__dict__["_findings"] = [f for check in CHECKS if (f := check(run)) is not None]
    return run.__dict__["_findings"]


#: What several runs with the same finding have in common, for one sentence about all of them.
GROUPED = {
    "still_improving": "were stopped by their epoch cap while still improving",
    "undertrained": "were stopped by their epoch cap before they fitted their own training rows",
    "over_confident": "have no early stopping and over-fit by their last epoch (validation loss up, accuracy not down)",
    "stopped_while_loss_fell": "were stopped by early stopping on a plateau of validation accuracy while their validation loss still fell",
    "scored_past_best": "have no early stopping and are scored at their last epoch, after their validation accuracy had fallen from its peak",
    "near_chance": "kept an epoch whose validation accuracy was near or below the rate of always predicting the most common class",
    "resumed": "were interrupted and resumed from a saved epoch",
}


def grouped(named: list[tuple[str, "Finding"]]) -> list[str]:
    """Sentences for many runs' findings: one per kind, naming every run, with the numbers of the first."""
    out = []
    for check, phrase in GROUPED.items():
        runs = [(name, f) for name, f in named if f.check == check]
        if len(runs) == 1:
            out.append(runs[0][1].sentence(runs[0][0]))
        elif runs:
            from report.claims import join_names  # claims reads the diagnostics: imported where used

            names = join_names([name for name, _ in runs])
            first, finding = runs[0]
            out.append(f"{len(runs)} runs {phrase}: {names}. For example, {first}{finding.where} {finding.text}.")
    return out


def caveat(run) -> str:
    """The run's diagnostics in a few words, for the sentence that states a verdict on it ("" when none); a flag
    that only some seeds show says how many, so two flags from different seeds do not read as one run's."""
    return "; ".join(f.short + (f", in {f.seeds} of {f.of} seeds" if f.seeds < f.of else "") for f in findings(run))
