"""The report's comparative statements: every one from a test, corrected once per family.

A template never compares two numbers itself. It asks a :class:`Registry`,
which knows every comparison the report makes: the report is rendered twice,
the first pass only collects the pairs the templates ask about, then each pair
is tested once (:func:`report.stats.compare_correctness`) and the p-values of
one family (every comparison made on one dataset) are corrected together with
Holm's method. The second pass writes the sentences. So a pair gets the same
adjusted p and the same verdict wherever it appears: chapter, findings,
summary table or conclusion.

A verdict has a direction: *more accurate*, *less accurate* or *no difference
shown*, and a scope: the methods (when every side that trains at random has
several seeds), or only the trained models on these test rows (one seed).
Two runs with identical predictions are one computation: they are said to
be the same, never tested against each other.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np

from experiments.specs import REFERENCE_MODELS
from experiments.studies import PRIMARY
from report import diagnostics, stats

#: Level at which a corrected p-value counts as evidence.
ALPHA = 0.05
#: Short names of the tests for table cells; captions spell them out (:data:`TEST_LEGEND`).
TEST_CODES = {stats.SEEDS_AND_ROWS: "t", stats.MCNEMAR: "McN", stats.Z_TEST: "z"}
TEST_LEGEND = {"t": "t: t-test over seeds and test rows, a verdict on the methods",
               "McN": "McN: McNemar's test",
               "z": "z: two-proportion z-test"}


def test_legend(tests: set[str]) -> str:
    """The legend of the test codes a table can show: only the tests the report used, each said once."""
    codes = [code for name, code in TEST_CODES.items() if name in tests]
    said = "; ".join(TEST_LEGEND[code] for code in codes)
    if {"McN", "z"} & set(codes):
        said += (f"; {' and '.join(c for c in codes if c != 't')} on one trained model a side: a verdict on these "
                 f"trained models (on the methods where both sides are deterministic references)")
    return said
T = TypeVar("T")


METHOD = (
    "Training a network is random, and a test set is one sample of rows, so a difference between two methods "
    "must hold over both. Where every side that trains at random has two or more seeds, the difference of mean "
    "accuracies is tested with a t-test whose variance adds each side's variance over seeds (divided by its number "
    "of seeds) and the variance over test rows of the per-row difference (divided by the rows; for two different "
    "test sets, such as a random and a grouped split, each set's variance over its own rows), with "
    "Welch-Satterthwaite degrees of freedom. The majority class and the logistic regressions train without "
    "randomness, so one seed of them stands for all, and two of them are compared with McNemar's test on their "
    "paired rows (exact below 25 rows on which they differ). Where a network has one seed, its spread over seeds is "
    "unknown: McNemar's test on the same rows (a two-proportion z-test on different test sets) then says only "
    "whether the two trained models differ on these rows, and the text says so; a side with several seeds enters "
    "it by its seeds' majority verdict on each row. Two runs with identical predictions are one computation and are not tested. "
    "Every comparison of models made on one dataset belongs to that dataset's family, except the tests of a question "
    "a study declared before any result (" + "; ".join(sorted(PRIMARY.values())) + ", at each point of its grid), "
    "which form a family of their own so that side questions do not dilute them; the steps of a chapter's "
    "correction ladders, which compare protocols rather than models, form a family of their own. A family's "
    "p-values are corrected together with Holm's method and judged at the 5 % level, so a pair has the same "
    "adjusted p wherever it is cited. Intervals are two-level bootstrap intervals: seeds and test rows resampled "
    "together (for a model with one seed, its test rows alone)."
)

#: The measured calibration of the test (``make bench-stats`` writes it).
CALIBRATION_FILE = Path(__file__).resolve().parents[1] / "docs" / "calibration.json"


def read_calibration(path: Path = CALIBRATION_FILE) -> dict | None:
    """The calibration measurements, or None where ``make bench-stats`` has not written them."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def calibration_text(calibration: dict | None) -> str:
    """Why this test, in numbers: false positives on A/A splits of seeds, and power on planted differences."""
    if not calibration:
        return "The test's calibration has not been measured for this report."
    aa = calibration["aa"]
    splits = sum(a["splits"] for a in aa.values())
    previous = sum(a["previous: paired t over rows"] for a in aa.values())
    chosen = sum(a["report: t over seeds and rows"] for a in aa.values())
    welch = sum(a["Welch over seeds (scipy)"] for a in aa.values())
    mcnemar, pairs = _false_positives(aa.values())
    exps = calibration["experiments"]
    studies = sorted({e["study"] for e in exps.values()})
    delta = calibration["target"]["delta"]
    power = _powers(calibration, 3, delta, "of the splits", rows=True)
    aso = sum(a["ASO eps_min < 0.2 (deepsig)"] for a in aa.values())
    aso_splits = sum(a["aso splits"] for a in aa.values())
    return (
        f"Why this test. On the real data (full profile; runs kept apart from this report's), {len(exps)} experiments of studies {', '.join(studies)} "
        f"were each trained with {min(e['seeds'] for e in exps.values())} or more seeds of identical settings, and "
        f"their seeds split {splits:,} times into two groups of three, compared as if they were two methods. "
        f"Identical settings were called different in {previous} of the {splits:,} splits "
        f"({_pct(previous / splits)}) by a paired t-test over test rows of the per-row share of correct seeds, "
        f"in {mcnemar} of {pairs} pairs of single seeds ({_pct(mcnemar / pairs)}) by McNemar's test, in {welch} "
        f"({_pct(welch / splits, 1)}) by Welch's t-test over seeds, in {aso} of {aso_splits} "
        f"({_pct(aso / aso_splits, 1)}) by Almost Stochastic Order at its recommended threshold of 0.2, and in {chosen} "
        f"({_pct(chosen / splits, 1)}) by the seed-aware test this report uses where networks have several seeds; the "
        f"nominal rate is 5 %. On single experiments these rates reach {_worst(calibration, 'Welch over seeds (scipy)')} for "
        f"Welch's test and {_worst(calibration, 'report: t over seeds and rows')} for this report's; and since every split "
        f"reuses the same few seeds, the splits are not independent trials, so all these rates are rough. "
        f"Welch's test ignores the sampling of the test rows, which on "
        f"a test set of a few thousand rows is as large as the spread over seeds; Almost Stochastic Order gives no "
        f"p-value to correct. With three seeds a side, this test finds a planted improvement of "
        f"{delta * 100:g} points of accuracy in {join_words(power)}."
    )


def _quoted(calibration: dict) -> list[tuple[str, dict]]:
    """The calibrated experiments the report quotes, in study order: one per study (3a by its interval of 5)."""
    return [(name, e) for name, e in sorted(calibration["experiments"].items(), key=lambda kv: kv[1]["study"])
            if not name.startswith("market-lstm@") or name == "market-lstm@interval=5"]


def _powers(calibration: dict, seeds: int, delta: float, unit: str, rows: bool = False) -> list[str]:
    """The measured power per quoted study, "95 % of the time on 1a"; a study calibrated at several settings
    (3a's intervals) is quoted at one, with the range over all of them, so that its weakest setting shows too."""
    parts = []
    for name, e in _quoted(calibration):
        power = _power(calibration, name, seeds, delta)
        if power is None:
            continue
        label, notes = e["study"], [f"{e['rows']:,} test rows"] if rows else []
        others = [p for n, x in calibration["experiments"].items() if x["study"] == e["study"]
                  if (p := _power(calibration, n, seeds, delta)) is not None]
        if len(others) > 1:
            label += _at(name)
            notes.append(f"from {_pct(min(others))} to {_pct(max(others))} over its {len(others)} settings")
        parts.append(f"{_pct(power)} {unit} on {label}" + (f" ({'; '.join(notes)})" if notes else ""))
    return parts


def _power(calibration: dict, name: str, seeds: int, delta: float) -> float | None:
    """The report's test's measured power on ``name`` with ``seeds`` a side for a planted ``delta``."""
    return calibration["power"][name].get(f"{seeds}|{delta}", {}).get("report: t over seeds and rows")


def calibration_rows(calibration: dict | None) -> list[list[str]]:
    """The calibration per experiment, for the appendix: seeds, test rows, the spread of accuracy over seeds, how
    often each test called identical settings different, and the report's test's power with three seeds a side
    (none where ``make bench-stats`` has not run)."""
    rows = []
    for name, e in sorted(((calibration or {}).get("experiments") or {}).items(), key=lambda kv: (kv[1]["study"], _setting(kv[0]))):
        aa, power = calibration["aa"][name], calibration["power"][name]
        label = e["study"] + _at(name)
        found = [power.get(f"3|{delta}", {}).get("report: t over seeds and rows") for delta in (0.02, 0.05)]
        rows.append([label, str(e["seeds"]), f"{e['rows']:,}", f"{e['sd']:.3f}",
                     f"{aa['previous: paired t over rows']}/{aa['splits']}",
                     f"{aa['one seed each (McNemar)']}/{aa['seed pairs']}",
                     f"{aa['Welch over seeds (scipy)']}/{aa['splits']}",
                     f"{aa['report: t over seeds and rows']}/{aa['splits']}",
                     *("–" if f is None else _pct(f) for f in found)])
    return rows


def _setting(name: str) -> float:
    """A calibrated experiment's sweep value, for ordering (interval 5 before 10)."""
    value = name.partition("=")[2]
    return float(value) if value.replace(".", "", 1).isdigit() else 0.0


def seed_spread(calibration: dict | None, runs: Sequence, study: str) -> str:
    """This report's spread of accuracy over seeds beside the calibration's, measured with more seeds, and the
    power the calibration found: where a few seeds happened to agree, the intervals built on them are too narrow."""
    experiments = (calibration or {}).get("experiments") or {}
    names = [n for n, e in experiments.items() if e["study"] == study]
    measured = [experiments[n] for n in names]
    here = [float(correct(r).mean(axis=1).std(ddof=1)) for r in runs if len(r.seeds) > 1]
    if not measured or not here:
        return ""
    power = [p for n in names if (p := _power(calibration, n, 3, 0.05)) is not None]
    sd = [e["sd"] for e in measured]
    said = (f"The standard deviation of accuracy over this report's {min(len(r.seeds) for r in runs)} seeds is "
            f"{_span(here, to=' to ')}; the calibration, with {min(e['seeds'] for e in measured)} seeds of each setting of "
            f"study {study}, measured {_span(sd, to=' to ')}")
    if power:
        said += (f", and found that with three seeds a side the report's test detects a true 5-point difference in "
                 f"{_pct(min(power))} to {_pct(max(power))} of the splits, depending on the setting")
    if min(here) < min(sd):
        said += ": where this report's few seeds happened to agree, its intervals are likely narrower than the truth"
    return said + "."


def _worst(calibration: dict, test: str) -> str:
    """The highest false-positive rate of ``test`` over the calibrated experiments, with the experiment's study."""
    aa = calibration["aa"]
    name = max(aa, key=lambda n: aa[n][test] / aa[n]["splits"])
    study = calibration["experiments"].get(name, {}).get("study", name)
    return f"{_pct(aa[name][test] / aa[name]['splits'], 1)} ({study}{_at(name)})"


def _at(name: str) -> str:
    """" at interval 30" for a calibrated sweep point, "" otherwise."""
    return f" at {name.partition('@')[2].replace('=', ' ')}" if "@" in name else ""


def _within(share: float) -> str:
    """A small relative difference as a bound: "0.3 %", or "< 0.1 %" where one decimal would print 0.0."""
    return "< 0.1 %" if share < 0.001 else f"{100 * share:.1f} %"


def _false_positives(aa: Iterable[dict]) -> tuple[int, int]:
    """How many pairs of single seeds of identical settings McNemar's test called different, and of how many."""
    aa = list(aa)
    return sum(a["one seed each (McNemar)"] for a in aa), sum(a["seed pairs"] for a in aa)


def _pct(share: float, digits: int = 0) -> str:
    return f"{100 * share:.{digits}f} %"


def calibration_power(calibration: dict | None, seeds: Sequence[int], brief: bool = False) -> str:
    """What the report's number of seeds can find, from the measured power (``make bench-stats``); ``brief``: for
    one seed, the false-positive rate alone, as a clause for the abstract."""
    if not calibration:
        return "The power of the test has not been measured for this report."
    n = max(seeds) if seeds else 1
    if n < 2:
        aa = calibration["aa"]
        k, pairs = _false_positives(aa.values())
        if brief:
            return (f"on the real data this test called two seeds of identical settings different in {k} of {pairs} "
                    f"pairs, {_pct(k / pairs)}")
        # The rate differs much between studies; its extremes say where a one-seed verdict is least trustworthy.
        rate = {name: a["one seed each (McNemar)"] / a["seed pairs"] for name, a in aa.items() if a["seed pairs"]}
        least, most = min(rate, key=rate.get), max(rate, key=rate.get)

        def at(name: str) -> str:
            study = calibration["experiments"].get(name, {}).get("study", name)
            setting = _at(name)
            return f"{aa[name]['one seed each (McNemar)']} of {aa[name]['seed pairs']} on {study}{setting}"

        return (f"With one seed per network, no comparison of a network here speaks about methods. On the real "
                f"data, McNemar's test called two seeds of identical settings different in {k} of {pairs} pairs "
                f"({_pct(k / pairs)}; from {at(least)} to {at(most)}). A one-seed verdict therefore says that two "
                f"trained models differ on these rows, not that their settings do: two seeds of the same settings "
                f"are called different that often.")
    size = min(n, 4)

    def found(seeds: int, delta: float) -> str:
        return join_words(_powers(calibration, seeds, delta, "of the time"))

    said = {delta: found(size, delta) for delta in (0.02, 0.05)}
    fewer = min(seeds)
    also = ""
    if fewer < size and fewer >= 2:
        also = (f" The networks with {fewer} seeds have less power: with {fewer} seeds a side, 5 points are found "
                f"{found(fewer, 0.05)}.")
    return (f"With {size} seeds a side, the test finds a true difference of 5 points of accuracy {said[0.05]}, "
            f"and one of 2 points {said[0.02]}, before any correction for multiple comparisons: a "
            f"\"no difference shown\" between models a few points apart is not evidence that they are equal, and a "
            f"smaller true difference is found less often still.{also}")


def seed_noise(calibration: dict | None, study: str) -> str:
    """How often McNemar's test called two seeds of identical settings of ``study`` different, as a caveat for the
    one-seed verdicts between that study's networks ("" where the study was not calibrated)."""
    measured = [(name, a) for name, a in ((calibration or {}).get("aa") or {}).items()
                if calibration["experiments"].get(name, {}).get("study") == study and a.get("seed pairs")]
    if not measured:
        return ""
    k, pairs = _false_positives(a for _, a in measured)
    ids = join_words(sorted({name.split("@")[0] for name, _ in measured}))
    where = (f"on study {study} of the real data (full profile, experiment {ids} only: the rate may not carry over "
             f"to other networks, data or profiles)")
    if k == 0:
        return (f"With one seed a side, these directions compare trained models. {capital(where)}, McNemar's test "
                f"never called two seeds of identical settings different (0 of {pairs} pairs): a hint, not a "
                f"guarantee, that one seed decides little there.")
    return (f"With one seed a side, these directions compare trained models: {where}, McNemar's test called two "
            f"seeds of identical settings different in {k} of {pairs} pairs ({_pct(k / pairs)}), so any one of "
            f"them may be a difference between seeds, not between settings.")


def detectable(pairs: Sequence[tuple], other: str) -> str:
    """What a null verdict of a chapter cannot rule out, at its own comparisons' standard errors: the power of the
    report's test for true differences of 2 and 5 accuracy points against ``other`` ("" where no pair is
    tested over seeds). The calibration's power comes from other splits; this is the chapter's own."""
    errors, two, five = [], [], []
    for a, b in pairs:
        sides = {"a_fixed": fixed(a), "b_fixed": fixed(b)}
        if (found := stats.power(correct(a), correct(b), 0.02, **sides)) is None:
            continue
        errors.append(100 * stats.difference_error(correct(a), correct(b), **sides))
        two.append(found)
        five.append(stats.power(correct(a), correct(b), 0.05, **sides))
    if not errors:
        return ""
    return (f"At the standard errors of this chapter's comparisons with {other} ({_span(errors, '{:.1f}', ' to ')} accuracy "
            f"points), the report's test at the 5 % level finds a true difference of 2 points with a chance of "
            f"{_span(two, _pct, ' to ')} and one of 5 points with {_span(five, _pct, ' to ')}, before Holm's correction lowers both: "
            f"where the chapter shows no difference, a small one is not ruled out.")


def _span(values: Sequence[float], form: Callable | str = "{:.3f}", to: str = "–") -> str:
    """The lowest and highest value, or the one value where both read the same: "0.537–0.583", "100 %"."""
    form = form.format if isinstance(form, str) else form
    low, high = form(min(values)), form(max(values))
    return low if low == high else f"{low}{to}{high}"


def correct(run) -> np.ndarray:
    """(seeds, test rows): whether each seed of ``run`` got each test row right (kept on the run)."""
    if "_correct" not in run.__dict__:
        run.__dict__["_correct"] = np.array(
            [np.asarray(s["metrics"]["predictions"]) == np.asarray(s["metrics"]["labels"]) for s in run.seeds])
    return run.__dict__["_correct"]


def accuracy(run) -> float:
    """Mean test accuracy over the run's seeds."""
    return float(correct(run).mean())


def fixed(run) -> bool:
    """Whether the run's model trains without randomness (its seeds are all the same model)."""
    return (run.first.get("spec") or {}).get("model", {}).get("architecture") in REFERENCE_MODELS


def same_computation(a, b) -> bool:
    """Whether two runs made the same predictions on the same rows, seed for seed: one result, not two."""
    ca, cb = correct(a), correct(b)
    if ca.shape != cb.shape or a.first["metrics"]["labels"] != b.first["metrics"]["labels"]:
        return False
    return all(sa["metrics"]["predictions"] == sb["metrics"]["predictions"] for sa, sb in zip(a.seeds, b.seeds))


def family_of(run, other=None) -> str:
    """The family a comparison of ``run`` with ``other`` belongs to: a study's declared question
    (``experiments.studies.PRIMARY``) where the pair answers one, else their dataset."""
    pair = frozenset((r.first.get("spec") or {}).get("experiment") for r in (run, other) if r is not None)
    if question := PRIMARY.get(pair):
        return question
    return (run.first.get("data") or {}).get("dataset", "")


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm-adjusted p-values (statsmodels' ``multipletests``)."""
    return list(_holm(tuple(pvalues))) if pvalues else []


@functools.lru_cache(maxsize=256)
def _holm(pvalues: tuple[float, ...]) -> tuple[float, ...]:
    # Kept: statsmodels runs a full garbage collection on every Holm call, which over a
    # report's results costs seconds, and the preview renders the same families again and again.
    from statsmodels.stats.multitest import multipletests

    return tuple(float(p) for p in multipletests(list(pvalues), alpha=ALPHA, method="holm")[1])


@dataclass(frozen=True)
class Comparison:
    """One run against another, after its family's correction."""

    model: str
    other: str
    accuracy: float
    other_accuracy: float
    p: float
    p_adjusted: float
    test: str
    #: "methods", "trained models" (one seed), or "same" (identical predictions: not tested).
    scope: str
    family: str
    family_size: int
    #: What the diagnostics say of the first model ("still improving at the 35-epoch cap"), or "".
    caveat: str = ""
    #: The same for the second model.
    other_caveat: str = ""
    #: Seeds of the first model (its power is low with two).
    seeds: int = 1
    #: Whether the chapter has already said this comparison's test and family once (:meth:`Registry.state`).
    stated: bool = False

    @property
    def entry(self) -> str:
        """The model with its numbers, for a list: "the LSTM (0.529 against 0.853, p < 0.001)"."""
        caveat = f"; {self.caveat}" if self.caveat else ""
        return f"{self.model} ({self.numbers}{caveat})"

    @property
    def numbers(self) -> str:
        """Both accuracies and the adjusted p: "0.529 against 0.853, Holm p < 0.001"."""
        return f"{self.accuracy:.3f} against {self.other_accuracy:.3f}, {holm_text(self.p_adjusted)}"

    @property
    def direction(self) -> str:
        if self.scope == "same" or self.p_adjusted >= ALPHA:
            return "no evidence"
        return "better" if self.accuracy > self.other_accuracy else "worse"

    @property
    def how(self) -> str:
        """Which test and which family: what every p of the report is followed by."""
        if self.scope == "same":
            return "identical predictions, not tested"
        return f"{_test_words(self.test, self.scope)}; Holm over the {self.family_size} tests of family {self.family}"

    @property
    def evidence(self) -> str:
        """The numbers behind the statement, in parentheses-ready form."""
        return self.evidence_text()

    def evidence_text(self, brief: bool = False) -> str:
        """:attr:`evidence`; ``brief`` leaves out the test and family, for text that names them once (the abstract)."""
        caveat = f"; {self.caveat}" if self.caveat else ""
        how = "" if brief or self.stated else f", {self.how}"
        return f"{self.accuracy:.3f} against {self.other_accuracy:.3f}; {holm_text(self.p_adjusted)}{how}{caveat}"

    @property
    def verdict(self) -> str:
        """The direction in words, for a table cell; "(one seed)" where a side is one trained network, whose
        direction another seed of the same settings often does not share (the method chapter gives how often)."""
        if self.scope == "same":
            return "same computation"
        words = {"better": "more accurate", "worse": "less accurate", "no evidence": "no difference shown"}[self.direction]
        return words + (" (one seed)" if self.scope == "trained models" and self.direction != "no evidence" else "")

    def sentence(self, brief: bool = False) -> str:
        """The verdict in words with its evidence; ``brief`` as in :meth:`evidence_text`."""
        if self.scope == "same":
            return (f"{capital(self.model)} made exactly the predictions of {self.other}: "
                    f"the same computation, counted once.")
        evidence = self.evidence_text(brief)
        if self.direction == "no evidence":
            return f"The test shows no difference between {self.model} and {self.other} ({evidence})."
        relation = "more" if self.direction == "better" else "less"
        if self.scope == "trained models":
            # "as trained here" keeps the one-seed scope in the sentence; the method section says why once.
            return f"{capital(self.model)} as trained here is {relation} accurate than {self.other} ({evidence})."
        return f"{capital(self.model)} is {relation} accurate than {self.other} ({evidence})."

    def swapped(self) -> "Comparison":
        return replace(self, model=self.other, other=self.model, accuracy=self.other_accuracy,
                       other_accuracy=self.accuracy)


class Registry:
    """Every comparison of one report: collected on a first pass, tested and corrected once, then read.

    ``family_names`` turns a family key (a dataset) into the words the report uses;
    ``canonical`` maps a run to the run whose computation it repeats (itself when none),
    so that a comparison is tested, and counted in its family, once.
    """

    def __init__(self, family_names: dict[str, str] | None = None, canonical: Callable | None = None):
        self.family_names = family_names or {}
        self.canonical = canonical or (lambda run: run)
        self._asked: dict[tuple[str, str], tuple] = {}
        self._found: dict[tuple[str, str], Comparison] | None = None
        #: The families whose test the current chapter has stated, with that test and scope.
        self._stated: dict[str, tuple[str, str]] = {}

    def new_chapter(self) -> None:
        """Forget what the last chapter stated: each chapter names its tests once, for itself."""
        self._stated = {}

    def state(self, *keys: str) -> str:
        """One sentence naming the test and family of the chapter's comparisons in the families ``keys``, which
        its later sentences then leave out, naming only a test or family that differs ("" while collecting)."""
        if self._found is None:
            return ""
        said: dict[str, list[str]] = {}  # the test in words: the families it serves
        for key in keys:
            name = self.family_names.get(key, key)
            members = [c for c in self._found.values() if c.family == name and c.scope != "same"]
            if not members:
                continue
            test, scope = self._stated[name] = Counter((c.test, c.scope) for c in members).most_common(1)[0][0]
            words = ("" if test == stats.MCNEMAR else "the ") + _test_words(test, scope)
            said.setdefault(words, []).append(f"the {members[0].family_size} tests of family {name}")
        if not said:
            return ""
        sources = [f"{words}, Holm-adjusted over {' or '.join(families)}" for words, families in said.items()]
        return f"Unless a sentence names another, each p-value in this chapter comes from {' or from '.join(sources)}."

    @property
    def collecting(self) -> bool:
        return self._found is None

    def get(self, a, b, name: str = "", other: str = "") -> Comparison:
        """``a`` against ``b``; while collecting, a placeholder that says nothing."""
        shown = a
        a, b = self.canonical(a), self.canonical(b)
        key = (a.id, b.id)
        if self._found is None:
            if (b.id, a.id) not in self._asked:
                self._asked.setdefault(key, (a, b))
            return Comparison(name, other, accuracy(a), accuracy(b), 1.0, 1.0, "", "methods", "", 0)
        if key in self._found:
            found = self._found[key]
        elif (b.id, a.id) in self._found:
            found = self._found[(b.id, a.id)].swapped()
        else:
            raise LookupError(f"{a.id} against {b.id} was not asked for on the first pass; "
                              "a template may not choose its comparisons from their results")
        return replace(found, model=name or shown.id, other=other or b.id, caveat=diagnostics.caveat(a),
                       other_caveat=diagnostics.caveat(b), seeds=len(a.seeds),
                       stated=self._stated.get(found.family) == (found.test, found.scope))

    def settle(self) -> None:
        """Test every collected pair and correct each family's p-values with Holm's method."""
        families: dict[str, list[tuple[str, str]]] = {}
        tested: dict[tuple[str, str], stats.Test] = {}
        for key, (a, b) in self._asked.items():
            if a is b or same_computation(a, b):
                continue
            tested[key] = stats.compare_correctness(correct(a), correct(b), a_fixed=fixed(a), b_fixed=fixed(b))
            families.setdefault(family_of(a, b), []).append(key)
        self._found = {}
        for key, (a, b) in self._asked.items():
            if key not in tested:
                self._found[key] = Comparison(a.id, b.id, accuracy(a), accuracy(b), 1.0, 1.0, "", "same",
                                              self.family_names.get(family_of(a, b), family_of(a, b)), 0)
        for family, keys in families.items():
            for key, p_adjusted in zip(keys, holm([tested[k].p for k in keys])):
                a, b = self._asked[key]
                test = tested[key]
                self._found[key] = Comparison(a.id, b.id, accuracy(a), accuracy(b), test.p, p_adjusted, test.name,
                                              test.scope, self.family_names.get(family, family), len(keys))

    def table(self) -> list[Comparison]:
        """Every settled comparison, family by family: the report's appendix lists them all."""
        found = self._found or {}
        return sorted((c for c in found.values() if c.model != c.other), key=lambda c: (c.family, c.model, c.other))


def _test_words(test: str, scope: str) -> str:
    return test + (", one trained model" if scope == "trained models" else "")


def settled(say: Callable[[Registry], T], family_names: dict[str, str] | None = None) -> T:
    """What ``say`` writes once the comparisons it asks for are tested: its collecting pass, then its real one."""
    registry = Registry(family_names)
    say(registry)
    registry.settle()
    return say(registry)


def format_p(p: float) -> str:
    """A p-value for a table cell."""
    return "<\u00a00.001" if p < 0.001 else f"{p:.3f}"


def p_text(p: float) -> str:
    """A p-value in a sentence: "p < 0.001" or "p = 0.012"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def holm_text(p: float) -> str:
    """A Holm-adjusted p-value in a sentence, named as such so that "p = 1.000" is not read as identical models."""
    return "Holm " + p_text(p)


def capital(text: str) -> str:
    """A clause opening a sentence: its first letter up, the rest untouched (str.capitalize lowers it)."""
    return text[:1].upper() + text[1:]


def uncapital(text: str) -> str:
    """A sentence continuing another: its first word lowered, unless it is an acronym ("TF-IDF", "LSTM")."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def share_words(k: int, n: int) -> str:
    """A count among several in words: "none of the 5", "all 5", "2 of the 5" (the verb agrees with ``k``)."""
    return f"none of the {n}" if k == 0 else f"all {n}" if k == n else f"{k} of the {n}"


def join_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _shared_how(found: Sequence[Comparison]) -> str:
    """The tests and the family of a sentence's comparisons, each said once."""
    tested = [c for c in found if c.scope != "same" and not c.stated]
    if not tested:
        return ""
    scopes: dict[str, set[str]] = {}
    for c in tested:
        scopes.setdefault(c.test, set()).add(c.scope)
    tests = [test + ("" if "trained models" not in said else ", one trained model" if len(said) == 1 else
                     " (on one trained model where a network has one seed)") for test, said in scopes.items()]
    families = list(dict.fromkeys(f"Holm over the {c.family_size} tests of family {c.family}" for c in tested))
    return "; ".join(tests if len(tests) == 1 else [" or ".join(tests)]) + "; " + "; ".join(families)


def _paren(found: Sequence[Comparison], brief: bool = False) -> str:
    """" (test; family)" after a sentence's numbers, or nothing where it is brief or the chapter has said them."""
    how = "" if brief else _shared_how(found)
    return f" ({how})" if how else ""


def tally(registry: Registry, runs: Sequence, others: Sequence, *, subject: str, other: str, points: Sequence[str],
          unit: str, brief: bool = False, counted: bool = False, flags: bool = True) -> str:
    """One sentence on a model against a reference at several points (intervals, splits), with directions counted.

    ``brief`` leaves out the test and family, for text that names them once (the abstract); ``flags=False``
    leaves out the diagnostics, for text whose next sentence lists them for these runs and more."""
    found = [registry.get(a, b, f"{subject} at {p}", other) for a, b, p in zip(runs, others, points)]
    groups = {d: [p + (f": {c.caveat}" if c.caveat else "") for p, c in zip(points, found) if c.direction == d]
              for d in ("better", "worse", "no evidence")}
    parts = []
    if groups["better"]:
        parts.append(f"more accurate at {len(groups['better'])} ({', '.join(groups['better'])})")
    if groups["worse"]:
        parts.append(f"less accurate at {len(groups['worse'])} ({', '.join(groups['worse'])})")
    quiet = [c for c in found if c.direction == "no evidence"]
    if quiet:
        parts.append(f"not distinguishable at {len(quiet)} ({_differences(quiet)})")
    how = _paren(found, brief)
    # The diagnostics of the runs not told apart; those of the others are in their lists above.
    flagged = _flags([replace(c, model=f"{subject} at {p}") for c, p in zip(found, points)
                      if c.direction == "no evidence"], counted) if flags else ""
    if len(quiet) == len(found) > 1:  # nothing told apart: the count needs no parenthesis of its own
        said = "; ".join(filter(None, [_differences(quiet), "" if brief else _shared_how(found)]))
        return f"Against {other}, {subject} is not distinguishable at any of the {len(found)} {unit}s ({said}).{flagged}"
    return f"Against {other}, {subject} is {join_words(parts)} of the {len(found)} {unit}{'s' * (len(found) > 1)}{how}.{flagged}"


def _differences(found: Sequence) -> str:
    """The accuracy differences of comparisons paired point by point, as one range: "differences from -0.012 to
    +0.020" (two ranges of accuracies side by side would not say which pairs go together)."""
    return (f"a difference of {found[0].accuracy - found[0].other_accuracy:+.3f}" if len(found) == 1 else
            f"differences from {_span([c.accuracy - c.other_accuracy for c in found], '{:+.3f}', ' to ')}")


def _intervals(runs: Sequence, others: Sequence, level: float) -> list[stats.Interval]:
    """The intervals of each run's accuracy difference from its other at ``level``."""
    return [stats.difference_interval(correct(a), correct(b), a_fixed=fixed(a), b_fixed=fixed(b), level=level)[1]
            for a, b in zip(runs, others)]


def _halves(intervals: Sequence[stats.Interval]) -> list[float]:
    return [(i.high - i.low) / 2 for i in intervals]


def _resolved(registry: Registry, runs: Sequence, others: Sequence) -> list[float]:
    """The half-widths a difference had to clear to count: at Holm's first step where the family has several tests."""
    tests = max(registry.get(a, b).family_size for a, b in zip(runs, others))
    return _halves(_intervals(runs, others, 1 - ALPHA / max(tests, 1)))


def planted(registry: Registry, runs: Sequence, others: Sequence, points: Sequence[str], *, brief: bool = False) -> str:
    """On generated tweets, what the generator put in for a model to find (its notes), and whether the
    comparisons with the majority class ``others`` could have found it ("" on real data).

    The rule that knows each tweet's topic is scored on the rows it was fitted on: a ceiling for a model of the
    words, which sees the topic only through them."""
    notes = [((r.first.get("data") or {}).get("notes") or {}) for r in runs]
    if not runs or not all("topic_rule_accuracy" in n for n in notes):
        return ""
    gains = [100 * (n["topic_rule_accuracy"] - n["majority_accuracy"]) for n in notes]
    largest = max(range(len(gains)), key=gains.__getitem__)
    ceiling = (f"a gain of at most {gains[largest]:.1f} accuracy points over the majority class "
               f"(at {points[largest]})")
    needed = 100 * min(_resolved(registry, runs, others))
    verdict = ("less than the smallest difference these comparisons find even half the time "
               f"({needed:.1f} points), so a null result is what a working pipeline would most likely show here"
               if gains[largest] < needed else
               f"at least the smallest difference these comparisons find half the time ({needed:.1f} points), so "
               "a working pipeline should show a lead at some interval")
    if brief:
        return f"The generator planted {ceiling}, {verdict}."
    return (f"The tweets are generated with a weak signal planted: {_pct(notes[0]['moving_topic_share'])} of them "
            f"are on topics that push the index up or down, the rest on topics that do not. A rule that knew each "
            f"tweet's topic and predicted its topic's more common move would be right on "
            f"{_span([n['topic_rule_accuracy'] for n in notes])} of the generated rows, against "
            f"{_span([n['majority_accuracy'] for n in notes])} for their majority class: {ceiling}, scored on the "
            f"rows the rule was fitted on, so a ceiling for a model that sees the topic only through the words. "
            f"That is {verdict}.")


def reach(registry: Registry, runs: Sequence, others: Sequence, *, subject: str, other: str,
          brief: bool = False) -> str:
    """How large a difference these comparisons could have shown: the half-widths of the 95 % intervals of
    ``subject``'s differences from ``other`` and, where Holm's correction spans several tests, of the intervals
    at the first step's level (5 % over the family's size). A true difference of that size is found about half
    the time, a smaller one less often, so a null result rules out only differences well beyond it.
    ``brief``: only that last conclusion, for the abstract."""
    found = [registry.get(a, b, subject, other) for a, b in zip(runs, others)]
    if not found:
        return ""
    tests = max(c.family_size for c in found)
    at_95 = _intervals(runs, others, 0.95)
    plain, corrected = _halves(at_95), _resolved(registry, runs, others)
    # The ends of the intervals: the largest advantage and deficit that the data leave open.
    ahead, behind = 100 * max(i.high for i in at_95), 100 * min(i.low for i in at_95)
    # Rounded outwards: "up to" must not understate what the intervals leave open.
    bounds = (f"The same intervals leave open an advantage of up to {math.ceil(ahead)} accuracy points for {subject} "
              f"and a deficit of up to {math.ceil(-behind)}" if ahead > 0 > behind else "")
    one_seed = any(len(r.seeds) < 2 and not fixed(r) for r in (*runs, *others))
    said = (f"The 95 % intervals of {subject}'s differences from {other} reach {_span(plain)} either side of the "
            f"observed difference{' (test rows only: one seed has no spread over seeds)' if one_seed else ''}")
    needed = plain
    if tests > 1:
        said += (f"; to count after Holm's correction over the {tests} tests of family {found[0].family}, a "
                 f"difference would have had to clear {_span(corrected)}, the intervals at Holm's first and strictest "
                 f"step")
        needed = corrected
    low, high = f"{100 * min(needed):.0f}", f"{100 * max(needed):.0f}"
    span = f"{low}" if low == high else f"{low} to {high}"
    bounds = f" {bounds}." if bounds else ""
    if brief:
        return (f"The tests of {subject} find a true difference of {span} accuracy points only about half the time, so the "
                f"null result does not exclude one of that size.{bounds}")
    return (f"{said}. These comparisons would find a true difference of {span} accuracy points only about half the "
            f"time, and a smaller one less often, so this null result is weak evidence against differences of "
            f"that size.{bounds}")


#: Standard errors of the share of correctly labelled rows an accuracy must exceed to be called above it.
NOISE_MARGIN_SE = 3


def above_label_noise(runs: Sequence, names: Sequence[str]) -> str:
    """Models scoring above the share of test rows whose labels the data generator left unflipped.

    A model that reads only the text cannot predict a label flipped at random, so an accuracy above 1 − noise, by
    more than :data:`NOISE_MARGIN_SE` standard errors of that share on the test rows, shows labels learned with their
    noise from near-copies of the test texts among the training rows. Only generated data records its noise.
    """
    above = []
    for run, name in zip(runs, names):
        noise = ((run.first.get("data") or {}).get("notes") or {}).get("label_noise")
        rows = correct(run).shape[1]
        if noise is None:
            continue
        margin = (accuracy(run) - (1 - noise)) / np.sqrt(noise * (1 - noise) / rows)
        if margin > NOISE_MARGIN_SE:
            above.append((f"{name} ({accuracy(run):.3f}, {margin:.1f} standard errors above)", noise, rows))
    if not above:
        return ""
    noise, rows = above[0][1], above[0][2]
    above = [said for said, *_ in above]
    return (f"{capital(join_words(above))} {'is' if len(above) == 1 else 'are'} right on more test rows than the "
            f"{100 * (1 - noise):.0f} % whose labels the generator left unflipped, each by more than the "
            f"{NOISE_MARGIN_SE} standard errors of that share on {rows:,} rows counted as independent. A model that "
            f"reads only the text would be expected to miss the rows whose label was flipped at random, so these "
            f"scores point to labels learned, noise included, from near-copies of the test texts among the training "
            f"rows. The margin is optimistic: the generator flips a tweet's label for all its paraphrases at once, so "
            f"the test rows are fewer independent draws than they are rows.")


def against(registry: Registry, runs: Sequence, names: Sequence[str], other_runs, other: str) -> str:
    """One sentence on several models, each against its reference run (one run, or one per model).

    Models are grouped by direction, so that twenty comparisons read as three lists.
    """
    others = other_runs if isinstance(other_runs, (list, tuple)) else [other_runs] * len(runs)
    found = [registry.get(a, b, n, other) for a, b, n in zip(runs, others, names)]
    parts = []
    for direction, relation in (("better", "more"), ("worse", "less")):
        group = [c for c in found if c.direction == direction]
        if len(group) == 1:
            parts.append(f"{group[0].entry} is {relation} accurate")
        elif group:
            # A flag shared by several models is said once for all of them, not once per model.
            listed = join_words([f"{c.model} ({c.numbers})" for c in group])
            flagged = _by_caveat(group)
            parts.append(f"{listed} are {relation} accurate" + (f", flagged: {flagged}" if flagged else ""))
    level = [c for c in found if c.direction == "no evidence" and c.scope != "same"]
    if level:
        least = min(c.p_adjusted for c in level)
        ps = holm_text(level[0].p_adjusted) if len(level) == 1 else \
            ("every Holm p = 1.000" if least >= 0.9995 else f"every Holm p at least {least:.3f}")
        parts.append(f"the test shows no difference for {join_names([c.model for c in level])} ({ps})")
    same = [c for c in found if c.scope == "same"]
    if same:
        parts.append(f"{join_words([c.model for c in same])} made exactly its predictions (the same computation, not tested)")
    how = _shared_how(found)
    return f"Against {other}: {'; '.join(parts)}{f' ({how})' if how else ''}."


def _by_caveat(found: Sequence) -> str:
    """The flagged models of a list, those flagged alike named together: "A and B (still improving); C (resumed)"."""
    alike: dict[str, list[str]] = {}
    for c in found:
        if c.caveat:
            alike.setdefault(c.caveat, []).append(c.model)
    return "; ".join(f"{join_names(models)} ({caveat})" for caveat, models in alike.items())


def summarise(registry: Registry, runs: Sequence, names: Sequence[str], other_runs, other: str, *,
              noun: str = "networks", brief: bool = False, counted: bool = False) -> str:
    """Several models against one reference as counts, for an abstract or a findings line.

    ``brief`` leaves out the test, the family and the one-seed note, for text that names them once (the abstract).

    "Against TF-IDF (0.993), all 3 networks are less accurate (0.960–0.965, every Holm p < 0.001)."
    """
    others = other_runs if isinstance(other_runs, (list, tuple)) else [other_runs] * len(runs)
    found = [registry.get(a, b, n, other) for a, b, n in zip(runs, others, names)]
    parts = []
    for direction, words in (("worse", "less accurate"), ("better", "more accurate"), ("no evidence", "")):
        group = [c for c in found if c.direction == direction and c.scope != "same"]
        if not group:
            continue
        span = _span([c.accuracy for c in group])
        bound = max(c.p_adjusted for c in group) if direction != "no evidence" else min(c.p_adjusted for c in group)
        ps = (holm_text(group[0].p_adjusted) if len(group) == 1 else "every Holm p < 0.001" if bound < 0.001 else
              "every Holm p = 1.000" if bound >= 0.9995 else
              f"every Holm p {'at most' if direction != 'no evidence' else 'at least'} {bound:.3f}")
        count = f"all {len(group)} {noun}" if len(group) == len(found) and len(group) > 1 else \
            f"{len(group)} of the {len(found)} {noun}"
        if direction != "no evidence" and all(c.scope == "trained models" for c in group):
            count += " as trained here"  # one seed: a verdict on these trained models, not on their methods
        if direction == "no evidence":
            few = [f"{c.model} has {c.seeds} seeds" for c in group if c.scope == "methods" and 1 < c.seeds < 3 and
                   not c.model.startswith("the majority")]
            weak = f"; {join_words(few)}, so the test has little power there" if few else ""
            parts.append(f"the tests show no difference for {count} ({span}, {ps}{weak})")
        else:
            parts.append(f"{count} {'are' if len(group) > 1 else 'is'} {words} ({span}, {ps})")
    reference = accuracy(others[0]) if len({id(o) for o in others}) == 1 else None
    head = f"Against {other}" + (f" ({reference:.3f})" if reference is not None else "")
    how = _paren(found, brief)
    return f"{head}, {'; '.join(parts)}{how}.{_flags(found, counted)}"


def _flags(found: Sequence[Comparison], counted: bool = False) -> str:
    """The training diagnostics of the models in a summary, grouped by what they say; ``counted`` gives only how
    many models are flagged (an abstract, whose chapters name them)."""
    by_caveat: dict[str, list[str]] = {}
    for c in found:
        for caveat in filter(None, c.caveat.split("; ")):
            by_caveat.setdefault(caveat, []).append(c.model)
    if not by_caveat:
        return ""
    if counted:
        flagged = len({name for names in by_caveat.values() for name in names})
        which = ("this run" if len(found) == 1 else f"all {flagged} runs" if flagged == len(found) else
                 f"{flagged} of these {len(found)} runs")
        return f" The training diagnostics flag {which}."
    # Models flagged alike are named once, with all their flags: "a and b (still improving; over-fitting)".
    by_names: dict[tuple[str, ...], list[str]] = {}
    for caveat, names in by_caveat.items():
        by_names.setdefault(tuple(names), []).append(caveat)
    return " Flagged by the training diagnostics: " + "; ".join(
        f"{join_words(_numbered(names))} ({'; '.join(caveats)})" for names, caveats in by_names.items()) + "."


def join_names(names: Sequence[str]) -> str:
    """Model names in words, those that differ only in a closing number said once (:func:`_numbered`)."""
    return join_words(_numbered(names))


def _numbered(names: Sequence[str]) -> list[str]:
    """Names that differ only in a closing number said once with every number: "the LSTM at N = 5, 20 and 30"."""
    tails: dict[str, list[str]] = {}
    for name in names:
        head, _, tail = name.rpartition(" ")
        key = head if head and tail.replace(".", "", 1).isdigit() else name
        tails.setdefault(key, []).append(tail if key == head else "")
    return [f"{key} {join_words(numbers)}" if numbers[0] else key for key, numbers in tails.items()]


def ranking(registry: Registry, runs: Sequence, names: Sequence[str], *, among: str = "these") -> str:
    """Who has the highest accuracy among ``among``, and whether the tests separate it from each of the others.

    "Most accurate" is said only when the leader is more accurate than every
    other model of the list, after the family's correction.
    """
    # Runs that are one computation are one contender, named together ("a padding length of 40 and of 80").
    first: dict[str, int] = {}
    names = list(names)
    for i, run in enumerate(runs):
        j = first.setdefault(registry.canonical(run).id, i)
        if j != i:
            names[j] = f"{names[j]} and {names[i]} (one computation)"
    kept = sorted(first.values())
    order = sorted(kept, key=lambda i: -accuracy(runs[i]))
    top, rest = order[0], order[1:]
    found = [registry.get(runs[top], runs[i], names[top], names[i]) for i in rest]
    ahead = [c.other for c in found if c.direction == "better"]
    if len(ahead) == len(found):
        each = ", ".join(f"{c.other} {holm_text(c.p_adjusted)}" for c in found)
        flagged = f" Its training diagnostic: {found[0].caveat}." if found and found[0].caveat else ""
        return (f"{capital(names[top])} is the most accurate of {among}: more accurate than each of the others "
                f"({'; '.join(filter(None, [each, _shared_how(found)]))}).{flagged}")
    close = [f"{c.other} (by {_gap(runs[top], runs[i], c.test)}, {holm_text(c.p_adjusted)})" if c.scope != "same"
             else f"{c.other} (the same computation)" for i, c in zip(rest, found) if c.direction != "better"]
    # A lead's interval is not corrected for the family, its p-value is: the reader is told which is which.
    intervals = any(c.scope != "same" and c.direction != "better" and c.test != stats.MCNEMAR for c in found)
    how = "; ".join(filter(None, [_shared_how(found), "leads with their 95 % intervals before correction" if intervals else ""]))
    how = f" ({how})" if how else ""
    if ahead:
        said = (f"{capital(names[top])} has the highest accuracy of {among} ({accuracy(runs[top]):.3f}) and is ahead "
                f"of {join_words(ahead)}, but the tests do not show it ahead of {join_words(close)}{how}")
    else:
        said = (f"The tests support no ordering of {among}: the highest accuracy ({accuracy(runs[top]):.3f}, "
                f"{names[top]}) is not shown ahead of {join_words(close)}{how}")
    flagged = f" The leader's training diagnostic: {found[0].caveat}." if found and found[0].caveat else ""
    return said + "." + flagged


def _gap(a, b, test: str) -> str:
    """``a``'s accuracy lead over ``b``: where ``test`` is McNemar's, the discordant rows it reads, between the
    seeds' majority verdicts as the test reads them ("0.022: 5 rows against 0 where only one is right");
    otherwise its 95 % interval before any correction."""
    x, y = correct(a), correct(b)
    if test == stats.MCNEMAR:
        d = float(x.mean() - y.mean())
        right_a, right_b = stats.verdicts(x), stats.verdicts(y)
        return (f"{d:.3f}: {int((right_a & ~right_b).sum())} rows against {int((~right_a & right_b).sum())} where "
                f"only one is right")
    d, interval = stats.difference_interval(x, y, a_fixed=fixed(a), b_fixed=fixed(b))
    return f"{d:.3f} [{interval.low:.3f}, {interval.high:.3f}]"


def learned_nothing(registry: Registry, runs: Sequence, majority: Sequence, names: Sequence[str]) -> list[str]:
    """Flags for the runs that learned nothing: one predicted class, or not more accurate than the majority class.

    ``majority[i]`` is the majority-class run on the same test rows as ``runs[i]``;
    the runs not ahead of it share one flag.
    """
    found = [registry.get(r, m, n, "the majority class") for r, m, n in zip(runs, majority, names)]
    flags, level = [], []
    for run, name, comparison in zip(runs, names, found):
        predicted = {int(p) for s in run.seeds for p in s["metrics"]["predictions"]}
        if len(predicted) == 1:
            label = run.first["class_names"][predicted.pop()]
            flags.append(f"{capital(name)} predicts \"{label}\" for every test text: it learned nothing from the words.")
        elif comparison.direction != "better":
            level.append(comparison)
    if len(level) > SPELLED_OUT:
        # Many runs in one clause: their names, then the ranges of their numbers, not ten bracketed entries.
        low = min(level, key=lambda c: c.p_adjusted)
        flags.append(
            f"None of {join_names([c.model for c in level])} is shown to be more accurate than always predicting the "
            f"majority class: accuracies {min(c.accuracy for c in level):.3f} to {max(c.accuracy for c in level):.3f} "
            f"against {min(c.other_accuracy for c in level):.3f} to {max(c.other_accuracy for c in level):.3f}, the "
            f"smallest adjusted p {format_p(low.p_adjusted).strip()}{_paren(level)}.")
    elif level:
        who = join_words([c.entry for c in level])
        verb = "is" if len(level) == 1 else "are"
        flags.append(f"{capital(who)} {verb} not shown to be more accurate than always predicting the majority "
                     f"class{_paren(level)}.")
    return flags


#: Up to this many runs are named with their numbers in one sentence; more are summarised by their ranges.
SPELLED_OUT = 3


def weakest_by_auc(run) -> tuple[str, float] | None:
    """The class with the lowest one-vs-rest AUC, and that AUC (None where no AUC is defined)."""
    aucs = {name: roc.get("auc") for name, roc in run.metrics["roc"].items() if roc.get("auc") is not None}
    if not aucs:
        return None
    name = min(aucs, key=aucs.get)
    return name, aucs[name]


#: Below this |Spearman ρ| between position and weight in an article, its attention is said not to follow position.
POSITION_RHO = 0.3
#: Share of an article's length at either end where a BiLSTM's states see only one side of the text.
EDGE = 0.05
#: The most weighted positions of every article within this share of each other's weight count as tied.
TIED_WEIGHTS = 0.02


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
    """What the stored examples show of the pooling's weights and position: each article's Spearman correlation
    with position (never averaged, so that opposite trends do not cancel) and where the most weighted positions
    sit. A handful of articles describes those articles, not the model in general, and the sentence says so."""
    from scipy.stats import spearmanr

    examples = run.first.get("attention") or []
    profiles = [np.asarray(e["profile"]) for e in examples if len(e["profile"]) > 2]
    if not profiles:
        return ""
    rhos = [float(spearmanr(np.arange(len(p)), p).statistic) for p in profiles]
    listed = ", ".join(f"{rho:+.2f}".replace("-", "\u2212") for rho in rhos)
    n = len(rhos)
    these = "this article" if n == 1 else f"these {n} articles"
    following = [rho for rho in rhos if abs(rho) >= POSITION_RHO]
    if not following:
        trend = ("In this article the weight does not follow position" if n == 1 else
                 f"In none of these {n} articles does the weight follow position")
    elif len(following) == n and len({rho > 0 for rho in rhos}) == 1:
        side = "later" if rhos[0] > 0 else "earlier"
        trend = f"In {'each of ' if n > 1 else ''}{these} the weight grows towards {side} positions"
    else:
        later = sum(rho > 0 for rho in following)
        ways = [f"towards later positions in {later}" if later else "",
                f"towards earlier positions in {len(following) - later}" if later < len(following) else ""]
        trend = (f"The weight follows position in {len(following)} of {these}, growing "
                 f"{' and '.join(w for w in ways if w)}, and not in the other {n - len(following)}"
                 if len(following) < n else
                 f"The weight follows position in each of {these}, growing {' and '.join(w for w in ways if w)}")
    where = np.concatenate([np.asarray(e["positions"]) / max(1, e["length"] - 1) for e in examples])
    low, median, high = np.percentile(100 * where, [25, 50, 75])
    edges = int(np.sum((where <= EDGE) | (where >= 1 - EDGE)))
    window = (run.first.get("spec") or {}).get("vectorize", {}).get("seq_len")
    read = f"the part of an article read (its first {window} tokens at most)" if window else "the part of an article read"
    # Top weights within a few per cent of each other are a tie: their order, and the words circled, mean little.
    spreads = [(max(w) - min(w)) / max(w) for e in examples if (w := e.get("weights"))]
    tied = [x for x in spreads if x < TIED_WEIGHTS]
    ties = (f" In {'every article' if len(tied) == n else f'{len(tied)} of the {n} articles'} the "
            f"{len(examples[0]['weights'])} most weighted positions are within {_within(max(tied))} of each "
            f"other's weight, so their order, and which of them are circled, means little." if tied else "")
    return (f"{trend} (Spearman correlation with position {listed}), and the most weighted positions sit at "
            f"{median:.0f} % of {read} in the median (quartiles {low:.0f} % and {high:.0f} %), {edges} "
            f"of the {len(where)} within its first or last {100 * EDGE:.0f} %.{ties} With {n} "
            f"article{'s' if n > 1 else ''}, this describes {'them' if n > 1 else 'it'}, not the model in general.")


def split_gaps(registry: Registry, pairs: Sequence[tuple[object, object]], names: Sequence[str], *, first: str,
               second: str, brief: bool = False) -> str:
    """Each model's accuracy on two different test sets (e.g. a random and a grouped split), as one sentence.

    The test sets share no rows, so the row part of the test is unpaired. ``brief`` leaves out the test and
    family and says only that a run is flagged, not how.
    """
    found = [registry.get(a, b, n, n) for (a, b), n in zip(pairs, names)]
    parts = []
    for c in found:
        if c.direction == "no evidence":
            parts.append(f"{c.model} shows no difference ({c.accuracy:.3f} on the {first} split and "
                         f"{c.other_accuracy:.3f} on the {second}, {holm_text(c.p_adjusted)})")
        else:
            relation = "lower" if c.direction == "better" else "higher"
            flags = "; ".join(f"{split}: {caveat}" for split, caveat in ((first, c.caveat), (second, c.other_caveat))
                              if caveat)
            if brief and flags:  # the chapter spells the flags out; the abstract only says that there are some
                flags = "flagged by the training diagnostics"
            parts.append(f"{c.model} is {relation} on the {second} split ({c.other_accuracy:.3f} against "
                         f"{c.accuracy:.3f}, {holm_text(c.p_adjusted)}{'; ' + flags if flags else ''})")
    how = _paren(found, brief)
    return f"From the {first} to the {second} split: {join_words(parts)}{how}."
