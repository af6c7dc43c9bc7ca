"""Markdown for the chapters: numbers, escaped text, pipe tables with captions, and the rows of each table.

Everything here formats what the results hold; nothing computes a statistic
(that is :mod:`report.stats` and :mod:`report.claims`).
"""

from __future__ import annotations

import re

from report import summary
from report.runs import Run, by_point, point_value
from report.stats import run_interval


def fmt(value: float, digits: int = 3) -> str:
    """A number with fixed decimals."""
    return f"{value:.{digits}f}"


def pct(value: float, digits: int = 1) -> str:
    """A share as a percentage, escaped for Markdown and LaTeX alike."""
    return f"{100 * value:.{digits}f}\u00a0%"


def count(value: int) -> str:
    """An integer with thousands separators (85,248)."""
    return f"{int(value):,}"


def layer_rows(run: Run) -> list[list[str]]:
    """Rows of the documented layer table: layer, type, output shape, parameters."""
    return [
        [row["layer"], row["type"], code(row["output_shape"]), count(row["params"])]
        for row in run.model["layers"]
    ]


def layer_table(listed: list[tuple[Run, str, list[str]]], run: Run, key: str, title: str) -> str:
    """The key of the appendix table that lists ``run``'s layers, adding it to ``listed`` (run, key, titles).

    A network built exactly like one listed before it (the same layers, shapes, counts, vocabulary and vector
    size, such as one model on two splits of a dataset) shares that table, whose titles then name both."""
    def built(r: Run) -> tuple:
        return layer_rows(r), r.model["vocab_size"], r.model["vectors"]["dim"]

    for other, other_key, titles in listed:
        if built(other) == built(run):
            titles.append(title)
            return other_key
    listed.append((run, key, [title]))
    return key


def per_seed(run: Run, section: str, name: str) -> str:
    """A training count of every seed, in words: "14" where the seeds agree, "14, 17 and 12" where not."""
    from report.claims import join_words

    values = [str(seed[section][name]) for seed in run.seeds]
    return values[0] if len(set(values)) == 1 else join_words(values)


def class_rows(run: Run) -> list[list[str]]:
    """Rows of the per-class table: class, precision, recall, F1, support."""
    return [
        [escape(name), fmt(c["precision"]), fmt(c["recall"]), fmt(c["f1"]), count(c["support"])]
        for name, c in run.metrics["per_class"].items()
    ]


def score_row(run: Run) -> list[str]:
    """One row of a comparison table: model, study, accuracy with its 95 % interval, macro-F1."""
    ci = run_interval(run, "accuracy")
    return [escape(summary.model_title(run)), run.spec["study"],
            f"{summary.spread(run, 'accuracy')} [{ci.low:.3f}, {ci.high:.3f}]", summary.spread(run, "macro_f1")]


def sweep_row(run: Run, epochs: bool = True) -> list[str]:
    """One row of a sweep table: swept value, accuracy, macro-F1, and the epochs each seed ran (unless ``epochs``
    is False: the caption says them where every seed ran the same)."""
    row = [point_value(run), summary.spread(run, "accuracy"), summary.spread(run, "macro_f1")]
    return row + [", ".join(str(seed.get("training", {}).get("epochs_run", "–")) for seed in run.seeds)] * epochs


def same_epochs(runs: list[Run]) -> int | None:
    """The number of epochs every seed of every run trained for, or None where they differ: a sweep table then
    says it once in its caption instead of a column that repeats it."""
    epochs = {seed.get("training", {}).get("epochs_run") for run in runs for seed in run.seeds}
    return epochs.pop() if len(epochs) == 1 and None not in epochs else None


def market_rows(lstm: list[Run], majority: list[Run], tfidf: list[Run]) -> list[list[str]]:
    """Rows of the per-interval table: N, LSTM, majority and TF-IDF accuracy, test size."""
    return [
        [point_value(a), *(summary.spread(r, "accuracy") for r in (a, b, c)), count(a.data["sizes"]["test"])]
        for a, b, c in zip(lstm, majority, tfidf)
    ]


def twitter_rows(models: list[list[Run]]) -> list[list[str]]:
    """Rows of model × split accuracy; each entry is the list of a model's split points."""
    rows = []
    for points in models:
        by_split = {value: summary.spread(r, "accuracy") for value, r in by_point(points).items()}
        rows.append([escape(points[0].spec["title"]), by_split.get("random", "–"), by_split.get("grouped", "–")])
    return rows


def conditions(runs: dict[str, Run], dataset: str) -> str:
    """What a chapter's numbers rest on: data source, profile, seeds, rows used, epochs and vectors."""
    chosen = [r for r in runs.values() if r.first["data"]["dataset"] == dataset]
    if not chosen:
        return ""
    first = chosen[0].first
    seeds = sorted({len(r.seeds) for r in chosen})
    said = [f"{first['data']['source']} data", f"{first['profile']} profile",
            f"{' or '.join(map(str, seeds))} seed{'s' if seeds != [1] else ''} per model"]
    nets = [r for r in chosen if r.first.get("training")]
    if nets:
        epochs = sorted({r.spec["train"]["epochs"] for r in nets})
        said.append(f"at most {' or '.join(map(str, epochs))} epochs")
        used = sorted({r.first["data"]["sizes"]["train"] for r in nets})
        rows = f"{count(used[0])} to {count(used[-1])}" if len(used) > 2 else " or ".join(count(u) for u in used)
        said.append(f"{rows} training rows per network")
    vectors = sorted({summary.vectors_label(r.first["model"]["vectors"]) for r in nets
                      if (r.first["model"].get("vectors") or {}).get("requested")})
    if vectors:
        said.append(f"word vectors: {', '.join(vectors)}")
    return escape("; ".join(said))


def sampled(runs: dict[str, Run]) -> list[tuple[str, int, int]]:
    """Datasets whose networks train on a sample of the training rows (a profile's ``max_train``), as (title, rows
    used, rows available): the references fit every available row, so a reader must know where the two differ."""
    found = {}
    for r in runs.values():
        cap, available = r.spec["data"].get("max_train"), r.first["data"].get("available_train")
        if r.first.get("training") and cap is not None and available is not None and available > cap:
            found[r.first["data"]["dataset"]] = (cap, available)
    titles = summary.dataset_titles()
    return [(titles.get(name, name), cap, available) for name, (cap, available) in sorted(found.items())]


def dataset_rows(datasets: dict[str, Run]) -> list[list[str]]:
    """One row per dataset: source, split, sizes, classes, median and 99th-percentile length, and the duplicates
    removed: "none; N kept" where the protocol keeps repeated texts on purpose and counted them (the market tweets),
    "not checked" where nothing counted them."""
    rows = []
    for name, r in datasets.items():
        d = r.data
        rows.append([
            # Titled by the run's dataset, so that a second split of one dataset is a row of its own.
            summary.dataset_titles().get(d["dataset"], name), d["source"], d["split"], count(d["sizes"]["train"] + d["sizes"]["validation"]),
            count(d["sizes"]["test"]), str(len(r.class_names)),
            f"{count(round(d['train_lengths']['p50']))} / {count(round(d['train_lengths']['p99']))}",
            count(d["notes"]["duplicates_removed"]) if "duplicates_removed" in d["notes"] else
            f"none; {count(d['notes']['duplicate_rows'])} kept" if "duplicate_rows" in d["notes"] else "not checked",
        ])
    return rows


def provenance_rows(runs: dict[str, Run]) -> list[list[str]]:
    """One row per data file (real data) or per generator setting (embedded data)."""
    rows: dict[tuple, list[str]] = {}
    for run in runs.values():
        data = run.data
        if data["source"] == "real":
            for file, digest in sorted(data["provenance"].items()):
                # The dataset's folder is the dataset column; 12 hex digits (48 bits) tell two copies apart.
                short = file.split("/", 1)[-1]
                rows.setdefault((data["dataset"], file), [data["dataset"], "real", code(short), code(digest[:12])])
        else:
            p = data["provenance"]
            # The generator's module name as code: the table keeps it on one line and sizes its column for it.
            made = f"{code(str(p.get('generator')))} v{p.get('version')}, seed {p.get('seed')}, size {p.get('size')}"
            rows.setdefault((data["dataset"], made), [data["dataset"], "embedded", made, "–"])
    return [rows[key] for key in sorted(rows, key=lambda key: [summary.natural_key(part) for part in key])]


def runs_table(runs: dict[str, Run]) -> str:
    """Every run as a plain Markdown table: study, experiment, data, profile, scores and wall time."""
    lines = ["| study | experiment | data | profile | test accuracy | macro-F1 | wall time |", "| --- | --- | --- | --- | ---: | ---: | ---: |"]
    for r in sorted(runs.values(), key=lambda r: (r.spec["study"], summary.natural_key(r.id))):
        lines.append(
            f"| {r.spec['study']} | `{r.id}` | {r.data['source']} | {r.profile} | {fmt(r.metrics['accuracy'])} "
            f"| {fmt(r.metrics['macro_f1'])} | {r.timings['total_seconds']:.0f} s |"
        )
    return "\n".join(lines)


def run_rows(runs: dict[str, Run]) -> list[list[str]]:
    """One row per experiment: id, profile, number of seeds, data source, wall time, when it finished."""
    return [
        [code(r.id), r.profile, str(len(r.seeds)), r.data["source"], f"{r.timings['total_seconds']:.0f}\u00a0s",
         r.timings["finished"].replace("T", " ")[:16]]
        for r in sorted(runs.values(), key=lambda r: summary.natural_key(r.id))
    ]


def comparison_families(found: list, runs: dict[str, Run]) -> list[tuple[str, list[list[str]]]]:
    """Every comparison of the report, one table per family: the pair (by the short names the sentences use), the test
    (its code in ``claims.TEST_CODES``), raw and Holm-adjusted p, the verdict."""
    from report.claims import TEST_CODES, format_p

    def name(run_id: str) -> str:
        return summary.table_label(runs[run_id]) if run_id in runs else run_id

    families: dict[str, list[list[str]]] = {}
    # Interval 5 before interval 10: ids in their natural order, not as text.
    for c in sorted(found, key=lambda c: (c.family, summary.natural_key(c.model), summary.natural_key(c.other))):
        untested = c.scope == "same"
        families.setdefault(c.family, []).append(
            [name(c.model), name(c.other), f"{c.accuracy:.3f}", f"{c.other_accuracy:.3f}",
             TEST_CODES.get(c.test, c.test) or "–", "–" if untested else format_p(c.p),
             "–" if untested else format_p(c.p_adjusted), c.verdict])
    return list(families.items())


def stand_ins(runs: dict[str, Run]) -> list[str]:
    """Each run that repeats another's computation, as "the LSTM padded to 40 is the LSTM at N = 5": its pairs are
    tested once, under the other's name, so a reader looking for them in the appendix is told where they are."""
    return [f"{summary.short_label(runs[copy])} is {summary.short_label(runs[original])}"
            for copy, original in sorted(summary.duplicates_of(runs).items(), key=lambda kv: summary.natural_key(kv[0]))
            if original in runs]


def commit_counts(runs: dict[str, Run]) -> list[tuple[str, int]]:
    """Each code commit the runs recorded, with how many runs (seeds) it made, most first."""
    from collections import Counter

    counted = Counter(s["environment"].get("git_commit") for r in runs.values() for s in r.seeds)
    return [(commit, n) for commit, n in counted.most_common() if commit]


def confusions(run: Run, count: int = 3) -> dict:
    """What a many-class confusion matrix shows (seed 0, as drawn): its ``count`` largest confusions as shares of
    their true class, and the classes predicted at least twice as often as they occur, where predictions pile up."""
    names = run.class_names
    matrix = [[float(n) for n in row] for row in run.metrics["confusion_matrix"]]
    truth = [sum(row) for row in matrix]
    predicted = [sum(column) for column in zip(*matrix)]
    off = [(matrix[i][j] / truth[i], names[i], names[j]) for i in range(len(names)) for j in range(len(names))
           if i != j and truth[i] and matrix[i][j]]
    drawn = [(predicted[j] / truth[j], names[j], int(predicted[j]), int(truth[j])) for j in range(len(names))
             if truth[j] and predicted[j] >= 2 * truth[j]]
    return {
        "largest": [{"share": share, "true": true, "predicted": guess} for share, true, guess in sorted(off, reverse=True)[:count]],
        "drawn": [{"name": name, "predicted": n, "actual": k} for _, name, n, k in sorted(drawn, reverse=True)],
    }


def weakest_class(run: Run) -> dict:
    """The class with the lowest recall, the class it is most often mistaken for, and its AUC."""
    names, matrix = run.class_names, run.metrics["confusion_matrix"]
    index = min(range(len(names)), key=lambda i: run.metrics["per_class"][names[i]]["recall"])
    errors = [(n, j) for j, n in enumerate(matrix[index]) if j != index]
    count_, other = max(errors) if errors else (0, index)
    return {
        "name": names[index],
        "recall": run.metrics["per_class"][names[index]]["recall"],
        "auc": run.metrics["roc"].get(names[index], {}).get("auc"),
        "confused_with": names[other],
        "confused_count": count_,
        "support": run.metrics["per_class"][names[index]]["support"],
    }


#: Characters of body text across the page beside ``n`` columns: the A4 text width of
#: templates/metadata.yaml (465 pt) less 12 pt of padding per column, over 5.2 pt per
#: character at 11 pt. Tables wider than this are set small.
def _budget(columns: int, small: bool = False) -> float:
    return (465 - 12 * columns) / (5.2 * (0.82 if small else 1.0))


def table(header: list[str], rows: list[list], caption: str, label: str, align: str | None = None) -> str:
    """A Markdown pipe table with a caption and a pandoc-crossref label (``tbl:…``).

    ``align`` has one letter per column: ``l``eft, ``r``ight or ``c``entre. The
    rule's dashes set each column's share of the page (pandoc's relative
    widths). Short cells, numbers and ids cannot wrap, so their columns get
    all they need; columns of prose share the rest and wrap. A table whose
    unbreakable columns do not fit the page is set in a smaller font.
    """
    if not label.startswith("tbl:"):
        raise ValueError(f"table label {label!r} must start with 'tbl:'")
    align = align or "l" * len(header)
    cells = [[str(cell) for cell in row] for row in rows]
    # Measured as printed: the backslashes of escaped punctuation take no room on the page.
    columns = [[row[i].replace("\\", "") for row in cells] for i in range(len(header))]
    words = [max(len(w) for cell in [str(h), *col] for w in cell.split() or [""]) for h, col in zip(header, columns)]
    prose = [any(len(cell) > SHORT_CELL and " " in cell and not cell.startswith("`") for cell in col) for col in columns]
    needs = [max(words[i], *(_cell_width(cell) for cell in col)) for i, col in enumerate(columns)]
    # A prose column narrower than this would wrap a title over four or five lines.
    least = [max(w, min(n, SHORT_CELL)) for w, n in zip(words, needs)]
    fixed = sum(n for n, p in zip(needs, prose) if not p)
    small = fixed + sum(m for m, p in zip(least, prose) if p) > _budget(len(header))
    share = (_budget(len(header), small) - fixed) / max(1, sum(prose))
    widths = [max(m, min(n, int(share))) if p else n for m, n, p in zip(least, needs, prose)]
    # Pandoc shares the page by the rule's dashes, so where they add up to more than the page holds it would
    # narrow every column, numbers too: the prose columns give up the excess first, down to their longest word.
    # Each gives in proportion to what it can spare, so no one column is squeezed to a word a line.
    excess = sum(widths) - _budget(len(header), small)
    spare = {i: widths[i] - words[i] for i, p in enumerate(prose) if p and widths[i] > words[i]}
    if excess > 0 and spare:
        given = min(1.0, excess / sum(spare.values()))
        for i, room in spare.items():
            widths[i] -= min(room, int(room * given + 0.999))
    rule = {"l": ":{}", "r": "{}:", "c": ":{}:"}
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(rule[a].format("-" * max(3, w)) for a, w in zip(align, widths)) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    body = "\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n"
    return f"::: {{.small}}\n{body}:::\n" if small else body


#: Cells up to this many characters are set on one line.
SHORT_CELL = 24


def _cell_width(cell: str) -> int:
    """Characters a cell needs on one line (monospace code is wider); prose needs at most 40."""
    if cell.startswith("`"):
        return round(1.12 * (len(cell.strip("`")) + 1))
    if len(cell) <= SHORT_CELL or " " not in cell:
        return len(cell)
    return 40


def code(text: str) -> str:
    """Text as inline code (ids, file names, shapes): literal, no escaping needed inside backticks."""
    text = " ".join(str(text).split())
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def escape(text: str) -> str:
    """Text from data (class names, tweets) as literal inline characters in Markdown.

    Every punctuation mark pandoc could read as markup is backslash-escaped, and
    line breaks become spaces, so a text cannot start a block or break a table.
    Symbols beyond the Basic Multilingual Plane (emoji), which the PDF fonts do not
    have, become a visible ``(U+1F600)`` instead of silently disappearing.
    """
    specials = "\\`*_{}[]()<>#+-.!|$%&~^@\":"
    out = []
    # Line breaks and runs of spaces become one space; a no-break space ("p <\u00a00.001") stays.
    for c in " ".join(re.split(r"[ \t\n\r\f\v]+", str(text).strip())):
        if ord(c) > 0xFFFF:
            out.append(f"\\(U+{ord(c):X}\\)")
        else:
            out.append(f"\\{c}" if c in specials else c)
    return "".join(out)
