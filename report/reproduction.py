"""The reproduction tables: each published figure beside the run as published and the corrected run.

The published figures and their known flaws are data (``experiments.studies.PUBLISHED``
and ``LADDERS``, from docs/STUDIES.md); every reproduced number comes from the
results files. "As published" is the ladder's lowest rung: the original
protocol with its flaws; "corrected" is the suite's own run. The difference
between them is measured (:mod:`report.ladder`), not asserted.
"""

from __future__ import annotations

from experiments.studies import PUBLISHED
from report import claims, ladder, stats
from report.runs import Run
from report.summary import duplicates_of, natural_key

#: What the "inside" column says of a run on generated data: it reproduces nothing.
NOT_COMPARABLE = "n/a"
HEADER = ["Study", "Published", "As published here", "In?", "Corrected here", "Corrections, measured", "Not replicated"]


def published(run: Run) -> tuple[float | None, tuple[str, ...]] | None:
    """The published figure and known reasons for a run (a sweep point may inherit its sweep's entry)."""
    return PUBLISHED.get(run.id) or PUBLISHED.get(run.experiment)


def _study(run: Run) -> str:
    point = ", ".join(f"{key.rsplit('.', 1)[-1].replace('_', ' ')} {value}" for key, value in run.point.items())
    return run.spec["study"] + (f", {point}" if point else "")


def _inside(figure: float, run: Run | None) -> str:
    if run is None:
        return "–"
    if run.first["data"]["source"] != "real":
        return NOT_COMPARABLE
    interval = stats.prediction_interval(run)
    return f"{'yes' if ladder.figure_inside(figure, run) else 'no'} ({interval.low:.3f}–{interval.high:.3f})"


def table(runs: dict[str, Run], rungs: dict[str, Run], study_prefix: str = "") -> tuple[list[list[str]], list[str]]:
    """Rows for the published figures of the studies starting with ``study_prefix``: the figure, the run as
    published and the corrected run (each with its 95 % interval and seeds), whether the figure lies inside the
    as-published interval, the measured effect of all corrections together, and what could not be replicated,
    cited by letter (a, b, …) so each is written once. On generated data "inside" says "not comparable"."""
    climbs = {climb.ladder.corrected: climb for climb in ladder.climbs(runs, rungs, study_prefix)}
    repeats = duplicates_of(runs)
    out, notes = [], []
    chosen = [r for r in runs.values() if r.spec["study"].startswith(study_prefix) and published(r)
              and published(r)[0] is not None]
    for run in sorted(chosen, key=lambda r: (r.spec["study"], natural_key(r.id))):
        figure = published(run)[0]
        climb = climbs.get(run.id) or climbs.get(repeats.get(run.id, ""))
        letters = []
        for said in ladder.unreplicated(climb) if climb else ["no as-published run is declared"]:
            if said not in notes:
                notes.append(said)
            letters.append(chr(ord("a") + notes.index(said)))
        as_published = climb.as_published if climb else None
        total = "not run yet" if climb is None or climb.total is None else ladder.effect_text(
            ladder.Step("", None, climb.total[0], climb.total[1]))
        out.append([
            _study(run) + (f" (the run of {runs[repeats[run.id]].spec['study']})" if run.id in repeats else ""),
            f"{figure:.3f}",
            ladder.accuracy_text(as_published),
            _inside(figure, as_published),
            ladder.accuracy_text(run),
            total,
            ", ".join(letters) or "–",
        ])
    return out, [f"({chr(ord('a') + i)}) {note}" for i, note in enumerate(notes)]


def markdown(runs: dict[str, Run], rungs: dict[str, Run]) -> str:
    """``python -m report reproduction``: every study as a plain pipe table, what was not replicated below."""
    rows, notes = table(runs, rungs)
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join(["---"] * len(HEADER)) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n\nNot replicated:\n\n" + "\n".join(f"- {note}" for note in notes)


#: Fewer published figures than this say nothing about a common direction (a sign test needs five to reach 0.05).
SIGN_TEST_FIGURES = 5


def _direction(runs: dict[str, Run], rungs: dict[str, Run], study_prefix: str) -> str:
    """Whether the published figures of a study lie on one side of the reruns as published: a figure-by-figure
    count says nothing of that, so a two-sided sign test does (one test, outside the chapter's family)."""
    from scipy.stats import binomtest

    reruns: list[Run] = []
    differ = []
    for c in ladder.climbs(runs, rungs, study_prefix):
        if not c.comparable or c.published_figure is None or c.as_published is None:
            continue
        if any(claims.same_computation(c.as_published, seen) for seen in reruns):
            continue  # one rerun standing for two studies (2e = 2a here) is one observation
        reruns.append(c.as_published)
        if c.published_figure != claims.accuracy(c.as_published):
            differ.append(c.published_figure - claims.accuracy(c.as_published))
    if len(differ) < SIGN_TEST_FIGURES:
        return ""
    above = sum(d > 0 for d in differ)
    p = binomtest(above, len(differ), 0.5).pvalue
    return (f"; the published figure lies above the mean of its rerun as published in {above} of the "
            f"{len(differ)} distinct reruns (two-sided sign test, {claims.p_text(p)})")


def agreement(runs: dict[str, Run], rungs: dict[str, Run], study_prefix: str = "", brief: bool = False) -> str:
    """How many published figures lie inside the prediction interval of the run as published, in words, and
    (unless ``brief``, for a chapter's conclusion that points back to its table) whether they lie on one side."""
    rows = table(runs, rungs, study_prefix)[0]
    marks = [row[3] for row in rows]
    if not marks:
        return ""
    generated = all(r.first["data"]["source"] != "real" for r in runs.values() if r.spec["study"].startswith(study_prefix))
    if NOT_COMPARABLE in marks or generated:
        return ("the published figures are not compared: these runs used generated stand-in data, "
                "which reproduces nothing of the original datasets")
    judged = [m.split()[0] for m in marks if m.split()[0] in ("yes", "no")]
    if not judged:
        if all(r.first.get("profile") == "quick" for r in runs.values()):
            return ("the published figures are not compared: the runs as published belong to the full profile, "
                    "and these are quick-profile runs")
        return "no run as published has finished yet"
    inside = judged.count("yes")
    interval = "the 95 % prediction interval for one run of the original protocol repeated here"
    if len(judged) == 1:
        said = f"the published test accuracy {'lies' if inside else 'does not lie'} inside {interval}"
    else:
        said = (f"{claims.share_words(inside, len(judged))} published test accuracies "
                f"{'lies' if inside == 1 else 'lie'} inside {interval}")
    said += "" if brief else _direction(runs, rungs, study_prefix)
    if len(judged) < len(marks):
        said += f" ({len(marks) - len(judged)} more have no finished as-published run)"
    return said


def ladders_markdown(runs: dict[str, Run], rungs: dict[str, Run]) -> str:
    """Every correction ladder as a plain pipe table: run, step, accuracy, effect and Holm-adjusted test."""
    header = ["Run", "Step", "Accuracy (seeds)", "Effect [95 % CI]", "Holm-adjusted p"]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(["---"] * len(header)) + " |"]
    flagged = []
    for prefix in sorted({c.ladder.name[0] for c in ladder.climbs(runs, rungs)}):
        rows, flags = ladder.table_rows(ladder.climbs(runs, rungs, prefix))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        if flags:
            flagged.append(f"study {prefix}: {ladder.flags_text(flags)}")
    said = "\n\nHolm's correction runs over the steps of each study's ladders."
    if flagged:
        said += " Training-diagnostic flags, by study and letter: " + "; ".join(flagged) + "."
    return "\n".join(lines) + said


#: Where ``python -m report reproduction --into FILE`` writes each table: between the markers of its name.
MARKERS = {"reproduction": ("<!-- reproduction -->", "<!-- /reproduction -->"),
           "ladders": ("<!-- ladders -->", "<!-- /ladders -->")}


def write_between_markers(path, tables: dict[str, str]) -> list[str]:
    """Replace what lies between each table's :data:`MARKERS` in ``path`` (a README); return the tables written."""
    from pathlib import Path

    text = Path(path).read_text(encoding="utf-8")
    written = []
    for name, table in tables.items():
        opening, closing = MARKERS[name]
        start, end = text.find(opening), text.find(closing)
        if start < 0 or end < start:
            continue
        text = text[: start + len(opening)] + "\n" + table + "\n" + text[end:]
        written.append(name)
    if not written:
        raise FileNotFoundError(f"{path} has none of the markers {[m[0] for m in MARKERS.values()]} to write between")
    Path(path).write_text(text, encoding="utf-8")
    return written
