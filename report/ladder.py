"""The correction ladders: from each original protocol, flaws included, to the suite's, one correction at a time.

The rungs are runs declared in ``experiments.studies.LADDERS``. A step's
effect is the difference of mean test accuracy between two neighbouring rungs,
with the interval and the test of :mod:`report.stats` (over seeds and test
rows), Holm-corrected over the steps of one study. The effects telescope: the
steps of a complete ladder sum to the distance from the run as published to
the corrected one.
"""

from __future__ import annotations

from dataclasses import dataclass

from experiments.studies import LADDERS, PUBLISHED, PUBLISHED_LOGS, Ladder
from report import claims, diagnostics, stats
from report.runs import Run


@dataclass(frozen=True)
class Step:
    """One correction and what it did: the accuracy it led to, and its effect on the rung below."""

    correction: str
    run: Run | None
    effect: float | None = None
    interval: stats.Interval | None = None
    test: stats.Test | None = None
    #: Holm-adjusted over the steps of the study.
    p_adjusted: float | None = None


@dataclass(frozen=True)
class Climb:
    """A ladder with its results: the run as published, each step, and the whole distance."""

    ladder: Ladder
    published_figure: float | None
    as_published: Run | None
    steps: list[Step]
    #: Corrected minus as published, with its interval (None until both ends have run).
    total: tuple[float, stats.Interval] | None

    @property
    def comparable(self) -> bool:
        """Whether the run as published may be set against the published figure: it ran on the real data."""
        return self.as_published is not None and self.as_published.first["data"]["source"] == "real"

    @property
    def complete(self) -> bool:
        return self.as_published is not None and all(step.run is not None for step in self.steps)


def figure_inside(figure: float, run: Run) -> bool:
    """Whether a published figure, one run of the original, lies inside the 95 % prediction interval for one run
    of ``run``'s settings (:func:`report.stats.prediction_interval`)."""
    interval = stats.prediction_interval(run)
    return interval.low <= figure <= interval.high


def rung_ids() -> set[str]:
    """Every declared rung below the top (the top rungs are the study's own experiments)."""
    return {rung for ladder in LADDERS for rung in ladder.rung_ids()[:-1]}


def split(runs: dict[str, Run]) -> tuple[dict[str, Run], dict[str, Run]]:
    """The study's own experiments and the ladders' lower rungs, apart: the chapters analyse only the first."""
    rungs = rung_ids()
    return ({key: run for key, run in runs.items() if key not in rungs},
            {key: run for key, run in runs.items() if key in rungs})


#: The scope of a step whose two rungs made the same predictions (a setting with nothing to act on).
SAME = "same"


def _difference(upper: Run, lower: Run) -> tuple[float, stats.Interval, stats.Test]:
    a, b = claims.correct(upper), claims.correct(lower)
    effect, interval = stats.difference_interval(a, b)
    if claims.same_computation(upper, lower):
        return effect, interval, stats.Test(1.0, "", SAME)
    return effect, interval, stats.compare_correctness(a, b)


def by_study(runs: dict[str, Run], rungs_run: dict[str, Run]) -> list[Climb]:
    """Every ladder, each study's steps Holm-corrected as their own family (as the chapters show them)."""
    return [c for study in sorted({ladder.name[0] for ladder in LADDERS}) for c in climbs(runs, rungs_run, study)]


def climbs(runs: dict[str, Run], rungs_run: dict[str, Run], study_prefix: str = "") -> list[Climb]:
    """The ladders of the studies starting with ``study_prefix``, with whatever rungs have run.

    ``runs`` are the experiments (the top rungs), ``rungs_run`` the lower rungs.
    """
    chosen = [ladder for ladder in LADDERS if ladder.name.startswith(study_prefix)]
    drafts = []
    for ladder in chosen:
        rungs = [rungs_run.get(rung) or runs.get(rung) for rung in ladder.rung_ids()]
        steps = []
        for correction, lower, upper in zip(ladder.corrections, rungs, rungs[1:]):
            if lower is None or upper is None:
                steps.append(Step(correction.name, upper))
            else:
                steps.append(Step(correction.name, upper, *_difference(upper, lower)))
        total = None
        if rungs[0] is not None and rungs[-1] is not None:
            effect, interval, _ = _difference(rungs[-1], rungs[0])
            total = (effect, interval)
        figure = PUBLISHED.get(ladder.corrected)
        drafts.append(Climb(ladder, figure[0] if figure else None, rungs[0], steps, total))
    # One family per study: every tested step of its ladders, Holm-corrected together.
    tested = [step for climb in drafts for step in climb.steps if _tested(step)]
    adjusted = dict(zip(map(id, tested), claims.holm([step.test.p for step in tested])))
    return [
        Climb(c.ladder, c.published_figure, c.as_published,
              [Step(s.correction, s.run, s.effect, s.interval, s.test, adjusted.get(id(s))) for s in c.steps], c.total)
        for c in drafts
    ]


def _signed(value: float) -> str:
    return f"{value:+.3f}".replace("-", "\u2212")


def effect_text(step: Step) -> str:
    """A step's effect for a table cell: "+0.031 [0.012, 0.050]", or "not run yet"."""
    if step.effect is None:
        return "not run yet"
    return f"{_signed(step.effect)} [{_signed(step.interval.low)}, {_signed(step.interval.high)}]"


def verdict(step: Step) -> str:
    """The step's Holm-adjusted p and its direction where that p is below 0.05; "(1 seed)" where a side had one
    seed, so the test speaks of these trained models, not of the protocols."""
    if step.test is None:
        return "–"
    if step.test.scope == SAME:
        return "the same predictions: nothing to correct here"
    said = claims.format_p(step.p_adjusted) + ("" if step.test.scope == "methods" else " (1 seed)")
    if step.p_adjusted >= claims.ALPHA:
        return f"{said}; no change shown"
    return f"{said}; {'raises' if step.effect > 0 else 'lowers'}"


def accuracy_text(run: Run | None) -> str:
    """Mean accuracy over seeds with its bootstrap interval and the number of seeds, or "not run yet"."""
    if run is None:
        return "not run yet"
    interval = stats.run_interval(run)
    return f"{claims.accuracy(run):.3f} [{interval.low:.3f}, {interval.high:.3f}] ({len(run.seeds)})"


def _level(run: Run | None, flags: list[str]) -> str:
    """A rung's mean accuracy and its seeds, for the ladder table (its interval is in the reproduction table), with
    a letter for what the training diagnostics say of it, the flag's words added to ``flags`` once: a step between
    flagged rungs is qualified where it is read, and the cell stays short."""
    if run is None:
        return "not run yet"
    level = f"{claims.accuracy(run):.3f} ({len(run.seeds)})"
    caveat = diagnostics.caveat(run)
    if not caveat:
        return level
    if caveat not in flags:
        flags.append(caveat)
    return f"{level}, flag {chr(ord('a') + flags.index(caveat))}"


def rows(climb: Climb, flags: list[str]) -> list[list[str]]:
    """The ladder table of one climb: the run as published, then one row per correction."""
    out = [["as published", _level(climb.as_published, flags), "–", "–"]]
    for number, step in enumerate(climb.steps, start=1):
        out.append([f"{number}. {step.correction}", _level(step.run, flags), effect_text(step), verdict(step)])
    return out


def table_rows(climbs_shown: list[Climb]) -> tuple[list[list[str]], list[str]]:
    """One study's ladder table: each ladder's rows (:func:`rows`), its label in the first column of its first row;
    and the diagnostic flags its cells cite by letter, in order."""
    out: list[list[str]] = []
    flags: list[str] = []
    for climb in climbs_shown:
        out += [[climb.ladder.label if i == 0 else "", *row] for i, row in enumerate(rows(climb, flags))]
    return out, flags


def flags_text(flags: list[str]) -> str:
    """The flags a ladder table cites, as its caption lists them: "a: still improving …; b: …"."""
    return "; ".join(f"{chr(ord('a') + i)}: {flag}" for i, flag in enumerate(flags))


def waterfall_bars(climb: Climb) -> list[tuple[str, float, float, float]] | None:
    """What the waterfall figure draws: the as-published level, then each step as (name, start, effect, half-width)."""
    if not climb.complete:
        return None
    bars = [("as published", 0.0, claims.accuracy(climb.as_published), 0.0)]
    level = claims.accuracy(climb.as_published)
    for number, step in enumerate(climb.steps, start=1):
        bars.append((f"{number}", level, step.effect, (step.interval.high - step.interval.low) / 2))
        level += step.effect
    bars.append(("corrected", 0.0, level, 0.0))
    return bars


def unreplicated(climb: Climb) -> list[str]:
    """What of the original the as-published run could not bring back: the ladder's own list and substituted vectors."""
    said = list(climb.ladder.unreplicated)
    run = climb.as_published
    vectors = (run.first.get("model") or {}).get("vectors") or {} if run is not None else {}
    if vectors.get("substitute"):
        said.append(f"the documented {vectors['requested']} vectors (not installed here; {vectors['name']} stood in)")
    if run is not None and run.first["profile"] != "full":
        said.append(f"the documented training length ({run.first['profile']} profile)")
    if run is not None and run.first["data"]["source"] != "real":
        said.append("the real dataset (these runs used generated stand-in data)")
    return said



def reading(climb: Climb) -> str:
    """The ladder in two or three sentences: the as-published run against the published figure, the whole
    distance, and the step that moved it most, each verdict from its Holm-adjusted test."""
    if climb.as_published is None:
        return f"The run of {climb.ladder.label} as published has not run yet."
    said = f"Repeated as published, {climb.ladder.label} reaches {accuracy_text(climb.as_published).rsplit(' (', 1)[0]}"
    if climb.published_figure is not None and climb.comparable:
        inside = figure_inside(climb.published_figure, climb.as_published)
        one = stats.prediction_interval(climb.as_published)
        said += (f"; the published {climb.published_figure:.3f}, one run of the original, lies "
                 f"{'inside' if inside else 'outside'} the 95 % prediction interval for one such run "
                 f"({one.low:.3f}–{one.high:.3f})")
    said += "."
    if climb.total is not None:
        said += (f" The corrections together change the accuracy by {effect_text(Step('', None, *climb.total))}"
                 " (corrected minus as published).")
    tested = [step for step in climb.steps if _tested(step)]
    if len(climb.steps) > 1 and tested:
        largest = max(tested, key=lambda step: abs(step.effect))
        change = ("no evidence that it changes the accuracy" if largest.p_adjusted >= claims.ALPHA
                  else f"it {'raises' if largest.effect > 0 else 'lowers'} the accuracy")
        scope = "" if largest.test.scope == "methods" else " (of these trained models: one seed)"
        said += (f" The largest step is “{largest.correction}”, {effect_text(largest)} "
                 f"(Holm-adjusted {claims.p_text(largest.p_adjusted)}): {change}{scope}.")
        quiet = [s for s in tested if s is not largest and s.p_adjusted >= claims.ALPHA]
        if quiet:
            said += (" No change is shown for " + claims.join_words(
                [f"“{s.correction}” ({effect_text(s)})" for s in quiet]) + ".")
    flagged = {}
    for name, run in [("as published", climb.as_published), *((s.correction, s.run) for s in climb.steps)]:
        if run is not None and diagnostics.caveat(run):
            flagged.setdefault(diagnostics.caveat(run), []).append(f"“{name}”" if name != "as published" else name)
    if flagged:
        said += (" Rungs flagged by the training diagnostics, which qualify the steps to and from them: " + "; ".join(
            f"{claims.join_words(names)} ({caveat})" for caveat, names in flagged.items()) + ".")
    return said


def single_steps(climbs_shown: list[Climb]) -> str:
    """The ladders of one correction in a sentence: which the correction raises or lowers, and where no change shows."""
    steps = [(c.ladder.label, c.steps[0]) for c in climbs_shown
             if len(c.steps) == 1 and _tested(c.steps[0])]
    if not steps:
        return ""
    moved = {"raise": [], "lower": []}
    for label, step in steps:
        if step.p_adjusted < claims.ALPHA:
            moved["raise" if step.effect > 0 else "lower"].append(f"{label} ({effect_text(step)})")
    still = [label for label, step in steps if step.p_adjusted >= claims.ALPHA]
    parts = [f"{verb} the accuracy of {claims.join_words(names)}" for verb, names in moved.items() if names]
    if not parts:
        effects = [step.effect for _, step in steps]
        said = (f"In none of the {len(steps)} ladders of one step is a change shown (effects from "
                f"{_signed(min(effects))} to {_signed(max(effects))})")
        one_seed = any(step.test.scope != "methods" for _, step in steps)
        return said + (" (one seed a side: these trained models)" if one_seed else "") + "."
    said = "In the ladders of one step, the corrections " + " and ".join(parts)
    if still and parts:
        said += f"; for {claims.join_words(still)} no change is shown"
    one_seed = any(step.test.scope != "methods" for _, step in steps)
    return said + (" (one seed a side: these trained models)" if one_seed else "") + "."


def headline(climbs_shown: list[Climb]) -> str:
    """The ladders in two sentences for the abstract: how many published figures the original protocols
    reproduce, then how many tested corrections changed the accuracy, with the largest of them, and how many had
    nothing to act on in this data. Each study's steps are in its chapter."""
    judged = [c for c in climbs_shown if c.comparable and c.published_figure is not None]
    said = ("Where a study's settings allow, its published figure was rerun with the original protocol and then "
            "corrected step by step, a step being one flaw or, where a study inherits another's corrections, several "
            "at once (a correction ladder).")
    if judged:
        inside = sum(figure_inside(c.published_figure, c.as_published) for c in judged)
        above = sum(c.published_figure > claims.accuracy(c.as_published) for c in judged)
        interval = "the 95 % prediction interval for one run of the original protocol repeated here"
        if len(judged) == 1:
            said += (f" The one published figure with a run of its own {'lies' if inside else 'does not lie'} inside "
                     f"{interval}, and lies {'above' if above else 'at or below'} that run's mean.")
        else:
            said += (f" {claims.capital(claims.share_words(inside, len(judged)))} published figures with a run of "
                     f"their own {'lies' if inside == 1 else 'lie'} inside {interval}; "
                     f"{claims.share_words(above, len(judged))} {'lies' if above == 1 else 'lie'} above that run's mean.")
    steps = [(climb, step) for climb in climbs_shown for step in climb.steps if step.test is not None]
    tested = [(climb, step) for climb, step in steps if _tested(step)]
    if not tested:
        return said if judged else ""
    moved = [(climb, step) for climb, step in tested if step.p_adjusted < claims.ALPHA]
    said += (f" {claims.capital(claims.share_words(len(moved), len(tested)))} corrections tested "
             f"{'changes' if len(moved) == 1 else 'change'} the accuracy (Holm over each study's steps)")
    if moved:
        climb, step = max(moved, key=lambda pair: abs(pair[1].effect))
        said += f", the largest being “{step.correction}” in {climb.ladder.label} ({effect_text(step)})"
    same = len(steps) - len(tested)
    if same:
        said += (f"; {same} made the same predictions as the rung below, having nothing to act on in this data")
    return said + "."


def family_size(climbs_shown: list[Climb]) -> int:
    """How many steps Holm's correction ran over: the tested ones (a rung not run yet, or one that made its lower
    rung's predictions, is not in the family)."""
    return sum(_tested(step) for climb in climbs_shown for step in climb.steps)


def _tested(step: Step) -> bool:
    return step.test is not None and step.test.scope != SAME


def gap(climb: Climb) -> str:
    """Where a published figure that the run as published misses lies among the rungs, what remains unreplicated,
    and, where the original's training log survives, how its validation accuracy rose against the run here."""
    if not climb.comparable or climb.published_figure is None or climb.as_published is None:
        return ""
    figure = climb.published_figure
    if figure_inside(figure, climb.as_published):
        return ""
    levels = sorted((claims.accuracy(run), name) for name, run in
                    [("as published", climb.as_published), *((s.correction, s.run) for s in climb.steps)] if run is not None)
    below = [(a, n) for a, n in levels if a < figure]
    above = [(a, n) for a, n in levels if a > figure]
    if below and above:
        said = (f"The published {figure:.3f} of {climb.ladder.label} lies between rungs measured here: "
                f"{below[-1][0]:.3f} ({below[-1][1]}) and {above[0][0]:.3f} ({above[0][1]}).")
    else:
        side = "above" if not above else "below"
        said = (f"The published {figure:.3f} of {climb.ladder.label} lies {side} every rung measured here "
                f"({levels[0][0]:.3f} to {levels[-1][0]:.3f}): no setting of the original protocol here reaches it.")
    missing = unreplicated(climb)
    if missing:
        said += " Not replicated: " + "; ".join(missing) + "."
    log = PUBLISHED_LOGS.get(climb.ladder.corrected)
    history = ((climb.as_published.first.get("training") or {}).get("history") or {}).get("val_accuracy") or []
    if log and len(history) >= max(log):
        epochs = sorted(log)
        said += (f" The original's log reached validation accuracy {', '.join(f'{log[e]:.3f}' for e in epochs)} after "
                 f"epochs {', '.join(map(str, epochs))}; the run as published here reached "
                 f"{', '.join(f'{history[e - 1]:.3f}' for e in epochs)}: it learns more slowly from its first epoch on, "
                 "which is consistent with what it learns from (the substitute vectors) mattering more than the protocol; "
                 "no run here tests that.")
    return said
