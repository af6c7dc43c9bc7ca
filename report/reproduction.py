"""The reproduction tables: each published figure beside the figure reproduced here, and why they may differ.

The published figures and their known flaws are data (``experiments.studies.PUBLISHED``,
from docs/STUDIES.md); the reproduced side comes from the results files. The
interval is the bootstrap interval of :mod:`report.stats` over test rows and
every seed.
"""

from __future__ import annotations

import numpy as np

from experiments.studies import PUBLISHED
from report.stats import run_interval
from report.summary import duplicates_of, model_title, natural_key, vectors_label

#: What the "inside" column says of a run on generated data: it reproduces nothing.
NOT_COMPARABLE = "not comparable"
HEADER = ["Study", "Model", "Published", "Reproduced (seeds)", "95 % CI", "Published inside?", "Why"]


def published(run_id: str) -> tuple[float | None, tuple[str, ...]] | None:
    """The published figure and known reasons for a run (a sweep point may inherit its sweep's entry)."""
    return PUBLISHED.get(run_id) or PUBLISHED.get(run_id.split("@")[0])


def reasons(run, known: tuple[str, ...]) -> list[str]:
    """The study's known reasons, plus what this run did differently (vectors, profile, data)."""
    said = list(known)
    vectors = run.first.get("model", {}).get("vectors") or {}
    if vectors.get("substitute"):
        said.append(f"vectors: {vectors_label(vectors)} instead of the documented {vectors['requested']}")
    if run.first["profile"] != "full":
        said.append(f"{run.first['profile']} profile: fewer epochs and capped training rows")
    if run.first["data"]["source"] != "real":
        said.append("embedded stand-in data, not the real dataset")
    return said


def table(runs: dict, study_prefix: str = "") -> tuple[list[list[str]], list[str]]:
    """Rows for the runs of the studies starting with ``study_prefix`` that have a published figure, and
    the known reasons they cite by letter (a, b, …), so each reason is written once. On generated data
    the "inside" column says "not comparable": such a run reproduces nothing."""
    out, notes = [], []
    chosen = [r for r in runs.values() if r.spec["study"].startswith(study_prefix) and published(r.id)
              and published(r.id)[0] is not None]
    for run in sorted(chosen, key=lambda r: (r.spec["study"], natural_key(r.id))):
        figure, reason = published(run.id)
        seeds = [s["metrics"]["accuracy"] for s in run.seeds]
        interval = run_interval(run)
        spread = f"{np.mean(seeds):.3f} ± {np.std(seeds, ddof=1):.3f}" if len(seeds) > 1 else f"{seeds[0]:.3f}"
        spread += f" ({len(seeds)})"
        if figure is None:
            inside = "–"
        elif run.first["data"]["source"] != "real":
            inside = NOT_COMPARABLE
        else:
            inside = "yes" if interval.low <= figure <= interval.high else "no"
        repeats = duplicates_of(runs).get(run.id)
        point = run.id.partition("@")[2].replace("=", " ").replace("_", " ")
        letters = []
        for said in reasons(run, reason):
            if said not in notes:
                notes.append(said)
            letters.append(chr(ord("a") + notes.index(said)))
        out.append([
            run.spec["study"],
            model_title(run) + (f" ({point})" if point else "")
            + (f"; the same computation as {runs[repeats].spec['study']}" if repeats else ""),
            "–" if figure is None else f"{figure:.3f}",
            spread,
            f"[{interval.low:.3f}, {interval.high:.3f}]",
            inside,
            ", ".join(letters),
        ])
    return out, [f"({chr(ord('a') + i)}) {note}" for i, note in enumerate(notes)]


def markdown(runs: dict) -> str:
    """The README's table: every study, as a plain pipe table with its reasons below."""
    rows, notes = table(runs)
    lines = ["| " + " | ".join(HEADER) + " |", "| " + " | ".join(["---"] * len(HEADER)) + " |"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n\nKnown reasons for a difference:\n\n" + "\n".join(f"- {note}" for note in notes)


def agreement(runs: dict, study_prefix: str = "") -> str:
    """How many published figures lie inside the reproduced 95 % interval, in words, counting each computation once."""
    rows = table(runs, study_prefix)[0]
    marks = [row[5] for row in rows if row[5] != "–"]
    if not marks:
        return ""
    if NOT_COMPARABLE in marks:
        return ("the published figures are not compared: these runs used generated stand-in data, "
                "which reproduces nothing of the original datasets")
    inside = marks.count("yes")
    repeated = sum("; the same computation as" in row[1] for row in rows if row[5] != "–")
    if len(marks) == 1:
        return f"the published test accuracy lies {'inside' if inside else 'outside'} the 95 % interval of the figure reproduced here"
    said = (f"{inside} of the {len(marks)} published test accuracies {'lies' if inside == 1 else 'lie'} inside "
            f"the 95 % interval of the figures reproduced here")
    if repeated:
        said += (f"; {repeated} of those published figures are set against a run that is the same computation as "
                 f"another row, so {len(marks) - repeated} distinct runs are compared")
    return said
