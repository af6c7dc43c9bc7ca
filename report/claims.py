"""The report's comparative statements, each computed from a paired test.

A template never compares two numbers itself: it asks this module, which
tests the models on the same test rows, corrects the p-values of one family
of comparisons with Holm's method, and returns a statement with a direction:
*more accurate*, *less accurate*, or *no evidence of a difference*.

The test: with one seed per model, McNemar's test on the rows where exactly
one of the two is right (exact binomial when there are fewer than 25 such
rows, the continuity-corrected chi-square otherwise). With several seeds,
the paired t-test over test rows of the share of seeds that got each row right,
so every seed counts, rows stay paired, and the mean accuracies are compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

#: Level at which a corrected p-value counts as evidence.
ALPHA = 0.05
METHOD = (
    "Paired tests on the same test rows: McNemar's test when each model has one seed "
    "(exact binomial under 25 discordant rows, continuity-corrected chi-square otherwise), "
    "the paired t-test over test rows of the per-row share of correct seeds when either has "
    "several. p-values are corrected with Holm's method within each family of "
    "comparisons a sentence or table makes, and judged at the 5 % level."
)


def correct(run) -> np.ndarray:
    """(seeds, test rows): whether each seed of ``run`` got each test row right (kept on the run)."""
    if "_correct" not in run.__dict__:
        run.__dict__["_correct"] = np.array(
            [np.asarray(s["metrics"]["predictions"]) == np.asarray(s["metrics"]["labels"]) for s in run.seeds])
    return run.__dict__["_correct"]


def accuracy(run) -> float:
    """Mean test accuracy over the run's seeds."""
    return float(correct(run).mean())


def paired_p(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    """Two-sided p-value that models with correctness ``a`` and ``b`` (seeds × rows) are equally accurate."""
    if a.shape[1] != b.shape[1]:
        raise ValueError("a paired test needs both models scored on the same test rows")
    if len(a) == 1 and len(b) == 1:
        from statsmodels.stats.contingency_tables import mcnemar

        only_a, only_b = int((a[0] & ~b[0]).sum()), int((~a[0] & b[0]).sum())
        exact = only_a + only_b < 25
        table = [[0, only_a], [only_b, 0]]
        p = 1.0 if only_a + only_b == 0 else float(mcnemar(table, exact=exact, correction=True).pvalue)
        return p, "McNemar exact" if exact else "McNemar chi-square"
    from scipy.stats import ttest_rel

    # Each row's share of seeds that got it right: the paired t-test over rows tests the
    # difference of the mean accuracies (a rank test would weigh the shape of the differences).
    share_a, share_b = a.mean(axis=0), b.mean(axis=0)
    if np.array_equal(share_a, share_b):
        return 1.0, "paired t-test over test rows"
    return float(ttest_rel(share_a, share_b).pvalue), "paired t-test over test rows"


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (statsmodels' ``multipletests``)."""
    if not pvalues:
        return []
    from statsmodels.stats.multitest import multipletests

    return [float(p) for p in multipletests(list(pvalues), alpha=ALPHA, method="holm")[1]]


@dataclass(frozen=True)
class Comparison:
    """One model against another on the same test rows, after the family's correction."""

    model: str
    other: str
    accuracy: float
    other_accuracy: float
    p: float
    p_adjusted: float
    family: int
    test: str

    @property
    def direction(self) -> str:
        if self.p_adjusted >= ALPHA:
            return "no evidence"
        return "better" if self.accuracy > self.other_accuracy else "worse"

    @property
    def evidence(self) -> str:
        """The numbers behind the statement, in parentheses-ready form."""
        correction = f"Holm-adjusted over {self.family}" if self.family > 1 else "one comparison"
        return (f"{self.accuracy:.3f} against {self.other_accuracy:.3f}; {self.test}, "
                f"{p_text(self.p_adjusted)}, {correction}")

    @property
    def verdict(self) -> str:
        """The direction in words, for a table cell."""
        return {"better": "more accurate", "worse": "less accurate", "no evidence": "no evidence of a difference"}[
            self.direction
        ]

    def sentence(self) -> str:
        if self.direction == "no evidence":
            return f"The test shows no difference between {self.model} and {self.other} ({self.evidence})."
        relation = "more" if self.direction == "better" else "less"
        return f"{_capital(self.model)} is {relation} accurate than {self.other} ({self.evidence})."


def format_p(p: float) -> str:
    """A p-value for a table cell."""
    return "<\u00a00.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """A p-value in a sentence: "p < 0.001" or "p = 0.012"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def compare(pairs: Sequence[tuple[object, object]], names: Sequence[tuple[str, str]]) -> list[Comparison]:
    """Each (run, other run) pair tested on the same rows; the pairs form one family for Holm's correction."""
    tested = [(paired_p(correct(a), correct(b)), a, b) for a, b in pairs]
    adjusted = holm([p for (p, _), _, _ in tested])
    return [
        Comparison(name, other, accuracy(a), accuracy(b), p, p_adj, len(pairs), test)
        for ((p, test), a, b), p_adj, (name, other) in zip(tested, adjusted, names)
    ]


def tally(runs: Sequence, others: Sequence, *, subject: str, other: str, points: Sequence[str], unit: str) -> str:
    """One sentence on a model against a reference at several points (intervals, splits), with directions counted."""
    found = compare(list(zip(runs, others)), [(f"{subject} at {p}", other) for p in points])
    groups = {d: [p for p, c in zip(points, found) if c.direction == d] for d in ("better", "worse", "no evidence")}
    parts = []
    if groups["better"]:
        parts.append(f"more accurate at {len(groups['better'])} ({', '.join(groups['better'])})")
    if groups["worse"]:
        parts.append(f"less accurate at {len(groups['worse'])} ({', '.join(groups['worse'])})")
    if groups["no evidence"]:
        parts.append(f"not distinguishable at {len(groups['no evidence'])}")
    how = f"{found[0].test if found else 'paired test'}, Holm-adjusted over {len(found)} {unit}s, 5 % level"
    return f"Against {other}, {subject} is {_join(parts)} of the {len(found)} {unit}s ({how})."


def against(runs: Sequence, names: Sequence[str], other_runs, other: str) -> str:
    """One sentence on several models, each against its reference run (one run, or one per model), as one Holm family.

    Models are grouped by direction, so that a family of twenty reads as three lists.
    """
    others = other_runs if isinstance(other_runs, (list, tuple)) else [other_runs] * len(runs)
    found = compare(list(zip(runs, others)), [(n, other) for n in names])
    parts = []
    for direction, relation in (("better", "more"), ("worse", "less")):
        who = [f"{c.model} ({c.accuracy:.3f} against {c.other_accuracy:.3f}, {p_text(c.p_adjusted)})"
               for c in found if c.direction == direction]
        if who:
            parts.append(f"{_join(who)} {'is' if len(who) == 1 else 'are'} {relation} accurate")
    level = [c for c in found if c.direction == "no evidence"]
    if level:
        ps = p_text(level[0].p_adjusted) if len(level) == 1 else f"every p at least {min(c.p_adjusted for c in level):.3f}"
        parts.append(f"the test shows no difference for {_join([c.model for c in level])} ({ps})")
    how = f"{found[0].test}, Holm-adjusted over {len(found)}" if len(found) > 1 else found[0].test
    return f"Against {other}: {'; '.join(parts)} ({how})."


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def ranking(runs: Sequence, names: Sequence[str]) -> str:
    """Who has the highest accuracy, and whether the tests separate it from each of the others.

    "Most accurate" is said only when the leader is significantly more accurate
    than every other model of the list (Holm over the comparisons with it).
    """
    order = sorted(range(len(runs)), key=lambda i: -accuracy(runs[i]))
    top, rest = order[0], order[1:]
    found = compare([(runs[top], runs[i]) for i in rest], [(names[top], names[i]) for i in rest])
    ahead = [c.other for c in found if c.direction == "better"]
    level = f"{found[0].test if found else 'paired test'}, Holm over {len(found)} comparisons"
    if len(ahead) == len(found):
        each = ", ".join(f"{c.other} {p_text(c.p_adjusted)}" for c in found)
        return f"{_capital(names[top])} is the most accurate of these: more accurate than each of the others ({each}; {level})."
    close = [f"{c.other} ({p_text(c.p_adjusted)})" for c in found if c.direction != "better"]
    said = f"{_capital(names[top])} has the highest accuracy ({accuracy(runs[top]):.3f}), but the tests do not show it ahead of {_join(close)} ({level})"
    if ahead:
        said += f"; it is ahead of {_join(ahead)}"
    return said + "."


def learned_nothing(runs: Sequence, majority: Sequence, names: Sequence[str]) -> list[str]:
    """Flags for the runs that learned nothing: one predicted class, or not more accurate than the majority class.

    ``majority[i]`` is the majority-class run on the same test rows as ``runs[i]``;
    the tests of all the runs form one family, and the runs not ahead of it share one flag.
    """
    found = compare(list(zip(runs, majority)), [(n, "the majority class") for n in names])
    flags, level = [], []
    for run, name, comparison in zip(runs, names, found):
        predicted = {int(p) for s in run.seeds for p in s["metrics"]["predictions"]}
        if len(predicted) == 1:
            label = run.first["class_names"][predicted.pop()]
            flags.append(f"{_capital(name)} predicts \"{label}\" for every test text: it learned nothing from the words.")
        elif comparison.direction != "better":
            level.append(comparison)
    if level:
        who = _join([f"{c.model} ({c.accuracy:.3f} against {c.other_accuracy:.3f}, {p_text(c.p_adjusted)})" for c in level])
        verb = "is" if len(level) == 1 else "are"
        flags.append(f"{_capital(who)} {verb} not significantly more accurate than always predicting the majority "
                     f"class ({level[0].test}, Holm-adjusted over {len(found)}).")
    return flags


def weakest_by_auc(run) -> tuple[str, float] | None:
    """The class with the lowest one-vs-rest AUC, and that AUC (None where no AUC is defined)."""
    aucs = {name: roc.get("auc") for name, roc in run.metrics["roc"].items() if roc.get("auc") is not None}
    if not aucs:
        return None
    name = min(aucs, key=aucs.get)
    return name, aucs[name]


#: Below this mean |Spearman ρ| between position and weight, attention is said not to follow position.
POSITION_RHO = 0.3


def attention_facts(run) -> dict:
    """Counts behind the attention figure: articles shown, how many misclassified, top words and their share of weight."""
    examples = run.first["attention"]
    return {
        "shown": len(examples),
        "wrong": sum(e["true"] != e["predicted"] for e in examples),
        "top": len(examples[0]["weights"]),
        "mass": float(np.mean([sum(e["weights"]) for e in examples])),
    }


def attention_reading(run) -> str:
    """Whether the attention pooling's weights follow positions or words, from the stored examples."""
    from scipy.stats import spearmanr

    examples = run.first.get("attention") or []
    profiles = [np.asarray(e["profile"]) for e in examples if len(e["profile"]) > 2]
    if not profiles:
        return ""
    rho = float(np.mean([spearmanr(np.arange(len(p)), p).statistic for p in profiles]))
    where = np.concatenate([np.asarray(e["positions"]) / max(1, e["length"] - 1) for e in examples])
    low, median, high = np.percentile(100 * where, [25, 50, 75])
    spread = (f"the most weighted words sit at {median:.0f} % of an article's length in the median "
              f"(quartiles {low:.0f} % and {high:.0f} %)")
    if abs(rho) < POSITION_RHO:
        return (f"Across these {len(profiles)} articles the weight hardly depends on position (mean Spearman "
                f"correlation with position {rho:+.2f}) and {spread}: the pooling picks words, not places.")
    side = "later" if rho > 0 else "earlier"
    return (f"Across these {len(profiles)} articles the weight grows towards {side} positions (mean Spearman "
            f"correlation with position {rho:+.2f}) and {spread}: the pooling follows position as much as words.")


def split_gaps(pairs: Sequence[tuple[object, object]], names: Sequence[str], *, first: str, second: str) -> str:
    """Each model's accuracy on two different test sets (e.g. a random and a grouped split), as one sentence.

    The test sets share no rows, so the test is unpaired: a two-proportion
    z-test on the correct counts (all seeds pooled), Holm over the models.
    """
    from statsmodels.stats.proportion import proportions_ztest

    tested = []
    for a, b in pairs:
        ca, cb = correct(a), correct(b)
        p = float(proportions_ztest([ca.sum(), cb.sum()], [ca.size, cb.size])[1]) if (ca.mean() != cb.mean()) else 1.0
        tested.append((accuracy(a), accuracy(b), p))
    adjusted = holm([p for _, _, p in tested])
    parts = []
    for name, (acc_a, acc_b, _), p in zip(names, tested, adjusted):
        if p >= ALPHA:
            parts.append(f"{name} shows no difference ({acc_a:.3f} and {acc_b:.3f}, {p_text(p)})")
        else:
            relation = "lower" if acc_b < acc_a else "higher"
            parts.append(f"{name} is {relation} on the {second} split ({acc_a:.3f} against {acc_b:.3f}, {p_text(p)})")
    how = f"two-proportion z-test, Holm-adjusted over {len(parts)}" if len(parts) > 1 else "two-proportion z-test"
    return f"From the {first} to the {second} split: {_join(parts)} ({how})."
