"""Results → Markdown: render the chapter templates with the numbers of the results files.

Templates are plain Jinja (``templates/*.md.j2``, rendered in name order) with a
few helpers, listed in :data:`HELPERS` and documented in ``templates/README.md``.
An undefined variable is an error, and an experiment without results renders
as a visible "not run yet" box instead of stopping the report.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable

import jinja2

from experiments import results as results_io
from report import claims, reproduction, stats, summary

CHAPTER_GLOB = "*.md.j2"


@dataclass
class Run:
    """All finished seeds of one experiment (or one point of a sweep)."""

    id: str
    seeds: list[dict] = field(default_factory=list)

    @property
    def first(self) -> dict:
        """The lowest seed's results: the run whose figures the chapter shows."""
        return self.seeds[0]

    def __getattr__(self, name: str):
        # ``r.metrics`` reads the first seed, so templates stay short.
        if name.startswith("_") or not self.seeds:
            raise AttributeError(name)
        try:
            return self.seeds[0][name]
        except KeyError:
            raise AttributeError(f"results of {self.id} have no {name!r}") from None


def load_runs(results_dir: Path) -> dict[str, Run]:
    """Every complete results file under ``results_dir``, by experiment id, seeds in order."""
    runs: dict[str, Run] = {}
    for path in sorted(Path(results_dir).glob(f"*/seed-*/{results_io.RESULTS_FILE}"), key=_seed_order):
        outcome = results_io.read(path)
        runs.setdefault(outcome["spec"]["id"], Run(outcome["spec"]["id"])).seeds.append(outcome)
    return runs


def _seed_order(path: Path) -> tuple[str, int]:
    return path.parent.parent.name, int(path.parent.name.removeprefix("seed-"))


# -- helpers available in every template ---------------------------------------


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


def class_rows(run: Run) -> list[list[str]]:
    """Rows of the per-class table: class, precision, recall, F1, support."""
    return [
        [escape(name), fmt(c["precision"]), fmt(c["recall"]), fmt(c["f1"]), count(c["support"])]
        for name, c in run.metrics["per_class"].items()
    ]


def score_row(run: Run) -> list[str]:
    """One row of a comparison table: model, study, accuracy, macro-F1, training time."""
    m = run.metrics
    return [escape(summary.model_title(run)), run.spec["study"], fmt(m["accuracy"]), fmt(m["macro_f1"]),
            f"{run.timings['train_seconds']:.0f} s"]


def sweep_row(run: Run) -> list[str]:
    """One row of a sweep table: swept value, accuracy, macro-F1, epochs run."""
    epochs = run.training.get("epochs_run", "–")
    return [point_value(run), fmt(run.metrics["accuracy"]), fmt(run.metrics["macro_f1"]), str(epochs)]


def market_rows(lstm: list[Run], majority: list[Run], tfidf: list[Run]) -> list[list[str]]:
    """Rows of the per-interval table: N, LSTM, majority and TF-IDF accuracy, test size."""
    return [
        [point_value(a), fmt(a.metrics["accuracy"]), fmt(b.metrics["accuracy"]), fmt(c.metrics["accuracy"]),
         count(a.data["sizes"]["test"])]
        for a, b, c in zip(lstm, majority, tfidf)
    ]


def twitter_rows(models: list[list[Run]]) -> list[list[str]]:
    """Rows of model × split accuracy; each entry is the list of a model's split points."""
    rows = []
    for points in models:
        by_split = {value: fmt(r.metrics["accuracy"]) for value, r in by_point(points).items()}
        rows.append([escape(points[0].spec["title"]), by_split.get("random", "–"), by_split.get("grouped", "–")])
    return rows


def by_point(points: list[Run]) -> dict[str, Run]:
    """The points of a sweep by their swept value (``{"random": …, "grouped": …}``)."""
    return {point_value(r): r for r in points}


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
        said.append(f"{' or '.join(count(u) for u in used)} training rows per network")
    vectors = sorted({r.first["model"]["vectors"]["name"] for r in nets if (r.first["model"].get("vectors") or {}).get("requested")})
    if vectors:
        said.append(f"pre-trained vectors: {', '.join(vectors)}")
    return escape("; ".join(said))


def dataset_rows(datasets: dict[str, Run]) -> list[list[str]]:
    """One row per dataset: source, split, sizes, classes, median and 99th-percentile length."""
    rows = []
    for name, r in datasets.items():
        d = r.data
        rows.append([
            name, d["source"], d["split"], count(d["sizes"]["train"] + d["sizes"]["validation"]),
            count(d["sizes"]["test"]), str(len(r.class_names)),
            f"{count(round(d['train_lengths']['p50']))} / {count(round(d['train_lengths']['p99']))}",
            str(d["notes"].get("duplicates_removed", "–")),
        ])
    return rows


def provenance_rows(runs: dict[str, Run]) -> list[list[str]]:
    """One row per data file (real data) or per generator setting (embedded data)."""
    rows: dict[tuple, list[str]] = {}
    for run in runs.values():
        data = run.data
        if data["source"] == "real":
            for file, digest in sorted(data["provenance"].items()):
                rows.setdefault((data["dataset"], file), [data["dataset"], "real", code(file), code(digest[:16])])
        else:
            p = data["provenance"]
            made = f"{p.get('generator')} v{p.get('version')}, seed {p.get('seed')}, size {p.get('size')}"
            rows.setdefault((data["dataset"], made), [data["dataset"], "embedded", escape(made), "–"])
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
        [code(r.id), r.profile, str(len(r.seeds)), r.data["source"], f"{r.timings['total_seconds']:.0f} s",
         r.timings["finished"].replace("T", " ")[:16]]
        for r in sorted(runs.values(), key=lambda r: summary.natural_key(r.id))
    ]


def point_value(run: Run) -> str:
    """The swept value of one point of a sweep (``20ng-seq-len@seq_len=50`` → ``50``)."""
    return run.id.rsplit("=", 1)[-1]


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


def figure(path: str, caption: str, label: str, width: str = "90%") -> str:
    """A Markdown figure with a pandoc-crossref label (``fig:…``) and a width."""
    if not label.startswith("fig:"):
        raise ValueError(f"figure label {label!r} must start with 'fig:'")
    return f"![{caption}]({path}){{#{label} width={width}}}"


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
    columns = [[row[i] for row in cells] for i in range(len(header))]
    words = [max(len(w) for cell in [str(h), *col] for w in cell.split() or [""]) for h, col in zip(header, columns)]
    prose = [any(len(cell) > SHORT_CELL and " " in cell and not cell.startswith("`") for cell in col) for col in columns]
    needs = [max(words[i], *(_cell_width(cell) for cell in col)) for i, col in enumerate(columns)]
    # A prose column narrower than this would wrap a title over four or five lines.
    least = [max(w, min(n, SHORT_CELL)) for w, n in zip(words, needs)]
    fixed = sum(n for n, p in zip(needs, prose) if not p)
    small = fixed + sum(m for m, p in zip(least, prose) if p) > _budget(len(header))
    share = (_budget(len(header), small) - fixed) / max(1, sum(prose))
    widths = [max(m, min(n, int(share))) if p else n for m, n, p in zip(least, needs, prose)]
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
    specials = "\\`*_{}[]()<>#+-.!|$%&~^@\""
    out = []
    for c in " ".join(str(text).split()):
        if ord(c) > 0xFFFF:
            out.append(f"\\(U+{ord(c):X}\\)")
        else:
            out.append(f"\\{c}" if c in specials else c)
    return "".join(out)


# -- rendering -----------------------------------------------------------------


def draw_if_changed(path: Path, inputs: object, draw: Callable[[ModuleType], Path]) -> None:
    """Draw a figure the report makes from results only when its inputs changed since the last drawing.

    Importing matplotlib and drawing costs about a second, which would
    dominate the loop of editing a template. The inputs' hash sits beside the
    figure in a hidden file.
    """
    key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    stamp = path.with_name(f".{path.name}.key")
    if path.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    from experiments import plots

    draw(plots)
    stamp.write_text(key, encoding="utf-8")


def _with_interval(run: Run) -> tuple[float, float, float]:
    """Mean test accuracy over seeds and its 95 % bootstrap interval over rows and seeds."""
    interval = stats.bootstrap_interval([s["metrics"]["labels"] for s in run.seeds],
                                        [s["metrics"]["predictions"] for s in run.seeds], "accuracy")
    return claims.accuracy(run), interval.low, interval.high


class Missing(LookupError):
    """A template asked for an experiment that has no results yet."""


def make_environment(
    templates_dir: Path, runs: dict[str, Run], warn: Callable[[str], None], images_dir: Path
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML: data text goes through |escape explicitly
        extensions=["jinja2.ext.do"],
        # pandoc-crossref labels ({#fig:x}) look like Jinja comments; comments are {## … ##} instead.
        comment_start_string="{##",
        comment_end_string="##}",
    )

    def run(experiment_id: str) -> Run:
        if experiment_id not in runs:
            raise Missing(experiment_id)
        return runs[experiment_id]

    def checked_figure(path: str, caption: str, label: str, width: str = "90%") -> str:
        """:func:`figure`, refusing a file that does not exist (the template line is reported)."""
        if not (Path(images_dir).parent / path).is_file():
            raise ValueError(f"figure file {path} does not exist (for {label}); run `make experiments` to draw it")
        return figure(path, caption, label, width)

    def coverage(dataset: str) -> str:
        """Share of a dataset's vocabulary with a pre-trained vector, and whose (its first run that used any)."""
        # In study order, so each dataset's base run (2a before the 2e variant) names the vectors.
        for r in sorted(runs.values(), key=lambda r: (r.spec["study"], summary.natural_key(r.id))):
            vectors = r.first["model"].get("vectors") or {}
            if r.first["data"]["dataset"] == dataset and vectors.get("coverage") is not None:
                return f"{pct(vectors['coverage'])} ({escape(vectors['name'])})"
        return "–"

    def sweep(experiment_id: str) -> list[Run]:
        """The finished points of a sweep, in the order of their swept value."""
        prefix = f"{experiment_id}@"
        points = [r for key, r in runs.items() if key.startswith(prefix)]
        return sorted(points, key=lambda r: summary.natural_key(r.id.removeprefix(prefix)))

    def sweep_figure(series: dict[str, list[Run]], xlabel: str, caption: str, label: str,
                     references: dict[str, list[Run]] | None = None, width: str = "70%") -> str:
        """Draw test accuracy (95 % interval over rows and seeds) against the swept value, references dashed."""
        first = next(iter(series.values()))
        xs = [int(v) if v.isdigit() else v for v in map(point_value, first)]
        points = {name: [_with_interval(r) for r in rs] for name, rs in series.items()}
        # A single reference run (no sweep of its own) is the same at every point.
        lines = {name: [claims.accuracy(r) for r in (rs if len(rs) == len(xs) else rs * len(xs))]
                 for name, rs in (references or {}).items()}
        folder = first[0].id.split("@")[0]
        path = images_dir / folder / f"sweep-{label.removeprefix('fig:')}.png"
        draw_if_changed(path, [xs, points, lines, xlabel], lambda plots: plots.sweep(xs, points, lines, xlabel, path))
        return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, width)

    def overview_figure(datasets: dict[str, str], caption: str, label: str) -> str:
        """Every run of each dataset (title → dataset name) with its interval, in one figure."""
        panels = {
            title: [(summary.short_label(r), "reference" if r.spec["model"]["architecture"] in summary.NEURAL_FREE else "network",
                     *_with_interval(r)) for r in summary.dataset_runs(runs, dataset)]
            for title, dataset in datasets.items()
        }
        panels = {title: rows for title, rows in panels.items() if rows}
        if not panels:
            return ""
        path = images_dir / "summary" / "overview.png"
        draw_if_changed(path, panels, lambda plots: plots.overview(panels, path))
        return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, "100%")

    def lengths_figure(datasets: dict[str, Run], caption: str, label: str, width: str = "100%") -> str:
        """Histogram of training-text lengths for one run per dataset."""
        histograms = {name: r.data["train_lengths"] for name, r in datasets.items()}
        path = images_dir / "data" / "lengths.png"
        draw_if_changed(path, histograms, lambda plots: plots.length_histograms(histograms, path))
        return figure(path.relative_to(images_dir.parent).as_posix(), caption, label, width)

    def with_runs(*experiment_ids: str, caller: Callable) -> str:
        """Render the block with the runs (a sweep id gives its list of points), or a visible box naming how to make the missing ones."""
        missing = [i for i in experiment_ids if i not in runs and not sweep(i)]
        if missing:
            warn(f"not run yet: {', '.join(missing)}")
            only = ",".join(missing)
            # The command on a line of its own, so a long list of ids has the box's full width.
            return f"\n::: {{.missing}}\n**Not run yet.** To make these results, run:\n\n`make experiments ONLY={only}`\n:::\n"
        return caller(*(runs[i] if i in runs else sweep(i) for i in experiment_ids))

    env.globals.update({name: globals()[name] for name in HELPERS})
    # Helpers that need the results or the figure folder.
    env.globals.update(
        # Chapters add their networks' layer tables here; the appendix, rendered last, sets them.
        appendix_tables=[],
        run=run, runs=runs, with_runs=with_runs, sweep=sweep, zip=zip, coverage=coverage,
        figure=checked_figure, sweep_figure=sweep_figure, lengths_figure=lengths_figure, overview_figure=overview_figure,
        summary_rows=lambda dataset, reference: summary.summary_rows(runs, dataset, reference),
        # Comparative statements: every one is a paired test with its direction and Holm's correction.
        ranking=lambda rs, names: escape(claims.ranking(rs, names)),
        tally=lambda rs, others, **words: escape(claims.tally(rs, others, **words)),
        against=lambda rs, names, others, other: escape(claims.against(rs, names, others, other)),
        versus=lambda dataset, architecture, other: escape(summary.versus(runs, dataset, architecture, other)),
        learned_nothing=lambda dataset: [escape(flag) for flag in summary.learned_nothing(runs, dataset)],
        weakest_auc=claims.weakest_by_auc,
        attention_reading=lambda r: escape(claims.attention_reading(r)),
        split_gaps=lambda models, names: escape(claims.split_gaps(
            [(by_point(m)["random"], by_point(m)["grouped"]) for m in models], names, first="random", second="grouped")),
        statistical_method=escape(claims.METHOD),
        conditions=lambda dataset: conditions(runs, dataset),
        agreement=lambda prefix: escape(reproduction.agreement(runs, prefix)),
        reproduction_rows=lambda prefix: [[escape(cell) for cell in row] for row in reproduction.rows(runs, prefix)],
    )
    env.filters.update(
        fmt=fmt, pct=pct, count=count, escape=escape, score_row=score_row, sweep_row=sweep_row, point_value=point_value
    )
    return env


#: The helpers every template can call (besides ``run``, ``with_runs`` and ``runs``).
HELPERS = (
    "fmt", "pct", "count", "figure", "table", "escape", "code", "layer_rows", "class_rows", "score_row", "sweep_row", "point_value", "by_point", "market_rows", "twitter_rows", "dataset_rows", "provenance_rows", "run_rows",
    "weakest_class",
)


def render_chapters(templates_dir: Path, runs: dict[str, Run], images_dir: Path) -> tuple[str, list[str]]:
    """The whole report's Markdown body and the warnings raised while rendering it."""
    warnings: list[str] = []
    env = make_environment(templates_dir, runs, warnings.append, images_dir)
    parts = []
    for path in sorted(Path(templates_dir).glob(CHAPTER_GLOB)):
        source = f"{Path(templates_dir).name}/{path.name}"
        try:
            body = env.get_template(path.name).render()
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(f"{source}:{err.lineno}: {err.message}") from None
        except (jinja2.UndefinedError, Missing, ValueError, AttributeError, KeyError, TypeError) as err:
            raise TemplateError(f"{source}:{_template_line(err, path)}: {err}") from None
        # The source attribute lets the crossref filter name the template of a bad reference.
        parts.append(f'::: {{.chapter source="{source}"}}\n{body}\n:::\n')
    return "\n".join(parts), warnings


class TemplateError(RuntimeError):
    """A chapter template that cannot render; the message starts with file:line."""


def _template_line(err: BaseException, path: Path) -> str:
    tb = err.__traceback__
    line = "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line


def write_markdown(templates_dir: Path, results_dir: Path, images_dir: Path, out: Path) -> list[str]:
    """Render ``out`` (front matter from ``templates/metadata.yaml`` plus every chapter).

    Figure paths are relative to the parent of ``images_dir``, where pandoc runs.
    """
    runs = load_runs(results_dir)
    body, warnings = render_chapters(templates_dir, runs, images_dir)
    metadata = (Path(templates_dir) / "metadata.yaml").read_text(encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(f"---\n{metadata.strip()}\n{_data_metadata(runs)}---\n\n{body}", encoding="utf-8")
    tmp.replace(out)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return warnings


def _data_metadata(runs: dict[str, Run]) -> str:
    """Title-page facts derived from the results: which data and profile they came from."""
    sources = sorted({r.first["data"]["source"] for r in runs.values()})
    profiles = sorted({r.first["profile"] for r in runs.values()})
    subtitle = f"Data: {' and '.join(sources) or 'none yet'}; profile: {', '.join(profiles) or 'none'}"
    if "embedded" in sources:
        subtitle += " (embedded data is generated by the suite, not the real datasets)"
    seeds = sorted({len(r.seeds) for r in runs.values()})
    if seeds:
        subtitle += f"; seeds per model: {', '.join(map(str, seeds))}"
    vectors = sorted({(r.first.get("model") or {}).get("vectors", {}).get("name") for r in runs.values()} - {None})
    pretrained = [v for v in vectors if not v.startswith("embedding learned")]
    if pretrained:
        subtitle += f"; word vectors: {', '.join(pretrained)}"
    return f"subtitle: {json.dumps(subtitle)}\n"
