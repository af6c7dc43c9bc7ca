"""Results → Markdown: render the chapter templates with the numbers of the results files.

Templates are plain Jinja (``templates/*.md.j2``, rendered in name order) with a
few helpers, listed in :data:`HELPERS` and documented in ``templates/README.md``.
An undefined variable is an error, and an experiment without results renders
as a visible "not run yet" box instead of stopping the report.
"""

from __future__ import annotations

import functools
import gc
import json
import re
import sys
from functools import partial
from pathlib import Path
from typing import Callable

import jinja2

from experiments.studies import PUBLISHED
from report import claims, diagnostics, figures, ladder, reproduction, summary, tables
from report.runs import Run, by_point, load_runs, point_value
from report.tables import escape

CHAPTER_GLOB = "*.md.j2"


# -- rendering -----------------------------------------------------------------


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in memory: each render makes new environments, and an unchanged
    template (Jinja checks its source's checksum) is not compiled again."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


class Missing(LookupError):
    """A template asked for an experiment that has no results yet."""



def reference_settings() -> dict:
    """The reference models' settings, read from the pipelines the runs build (experiments.baselines)."""
    from experiments import baselines

    tfidf = baselines.build_reference("tfidf-logreg", max_tokens=1, seed=0).get_params()
    bow = baselines.build_reference("bow-logreg", max_tokens=1, seed=0).get_params()
    return {"ngrams": tfidf["tfidfvectorizer__ngram_range"], "sublinear": tfidf["tfidfvectorizer__sublinear_tf"],
            "min_df": tfidf["tfidfvectorizer__min_df"], "factor": baselines.TFIDF_VOCABULARY_FACTOR,
            "C": tfidf["logisticregression__C"], "bow_C": bow["logisticregression__C"]}


def published_figure(experiment: str) -> str:
    """The original report's figure for a run, or the range over a sweep's points ("0.53 to 0.56"), two decimals
    as published (experiments.studies.PUBLISHED records them)."""
    found = [figure for key, (figure, _) in PUBLISHED.items()
             if figure is not None and (key == experiment or key.startswith(experiment + "@"))]
    if not found:
        raise KeyError(f"no published figure for {experiment!r}")
    low, high = min(found), max(found)
    return f"{low:.2f}" if low == high else f"{low:.2f} to {high:.2f}"

def make_environment(
    templates_dir: Path, runs: dict[str, Run], warn: Callable[[str], None], images_dir: Path,
    registry: claims.Registry | None = None,
) -> jinja2.Environment:
    # The ladders' lower rungs are read by their own helpers; every other helper sees the experiments only.
    runs, rungs = ladder.split(runs)
    registry = registry or report_registry(runs)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_COMPILED,
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
        return figures.figure(path, caption, label, width)

    def coverage(dataset: str, like: Run | None = None) -> str:
        """Share of a dataset's vocabulary with a pre-trained vector, and whose (its first run that used any; on the
        split of ``like``, where a dataset has several, so that the numbers beside it are of one split)."""
        # In study order, so each dataset's base run (2a before the 2e variant) names the vectors.
        split = (like.point or {}).get("data.split") if like is not None else None
        # Runs of ``like``'s split first, each group in study order.
        for r in sorted(runs.values(), key=lambda r: (split is not None and r.point.get("data.split") != split,
                                                      r.spec["study"], summary.natural_key(r.id))):
            vectors = r.first["model"].get("vectors") or {}
            if r.first["data"]["dataset"] == dataset and vectors.get("coverage") is not None:
                return f"{tables.pct(vectors['coverage'])} ({tables.escape(summary.vectors_label(vectors))})"
        return "–"

    def sweep(experiment_id: str) -> list[Run]:
        """The finished points of a sweep, in the order of their swept value."""
        points = [r for r in runs.values() if r.experiment == experiment_id and r.point]
        return sorted(points, key=lambda r: summary.natural_key(point_value(r)))

    def with_runs(*experiment_ids: str, caller: Callable) -> str:
        """Render the block with the runs (a sweep id gives its list of points), or a visible box naming how to make the missing ones."""
        missing = [i for i in experiment_ids if i not in runs and not sweep(i)]
        if missing:
            warn(f"not run yet: {', '.join(missing)}")
            # The suite skips what is fresh, so one pattern per dataset prefix names them all and fits a line.
            only = ",".join(sorted({i if len(missing) <= 2 else i.split("-")[0] + "-*" for i in missing}))
            # The command on a line of its own, so a long list of ids has the box's full width.
            return f"\n::: {{.missing}}\n**Not run yet.** To make these results, run:\n\n`make experiments ONLY={only}`\n:::\n"
        return caller(*(runs[i] if i in runs else sweep(i) for i in experiment_ids))

    # Chapters add their networks' layer tables here; the appendix, rendered last, sets them.
    appendix_tables: list[tuple[Run, str, list[str]]] = []

    env.globals.update({name: getattr(tables, name) for name in HELPERS}, point_value=point_value, by_point=by_point)
    # Helpers that need the results or the figure folder.
    env.globals.update(
        appendix_tables=appendix_tables, layer_table=partial(tables.layer_table, appendix_tables),
        run=run, runs=runs, with_runs=with_runs, sweep=sweep, zip=zip, coverage=coverage,
        # Whether any run read the real datasets: sentences about the real data's content depend on it.
        real=any(r.first["data"]["source"] == "real" for r in runs.values()),
        figure=checked_figure, sweep_figure=partial(figures.sweep_figure, images_dir),
        lengths_figure=partial(figures.lengths_figure, images_dir),
        overview_figure=lambda datasets, caption, label: figures.overview_figure(images_dir, runs, datasets, caption, label),
        summary_rows=lambda dataset, reference: summary.summary_rows(registry, runs, dataset, reference),
        # Comparative statements: every one a test with its direction, read from the report's one registry.
        ranking=lambda rs, names, among="these": escape(claims.ranking(registry, rs, names, among=among)),
        summarise=lambda rs, names, others, other, noun="networks": escape(
            claims.summarise(registry, rs, names, others, other, noun=noun)),
        # One comparison, for prose that branches on its verdict (never on the numbers themselves).
        compare=lambda a, b, name="", other="": registry.get(a, b, name, other),
        tally=lambda rs, others, **words: escape(claims.tally(registry, rs, others, **words)),
        reach=lambda rs, others, **words: escape(claims.reach(registry, rs, others, **words)),
        tests_stated=lambda *families: escape(registry.state(*families)),
        planted=lambda rs, others, points, brief=False: escape(claims.planted(registry, rs, others, points, brief=brief)),
        cap_limited=lambda dataset: summary.cap_limited(runs, dataset),
        cap_limits=lambda dataset, consequence: escape(summary.cap_limits(runs, dataset, consequence)),
        learned_no_signal=lambda dataset: summary.learned_no_signal(runs, dataset),
        cap_stopped=summary.cap_stopped,
        flagged_as=lambda r: escape(diagnostics.caveat(r)),
        test_minority=summary.test_minority,
        resumed_runs=lambda: [r.id for r in runs.values() if any(f.check == "resumed" for f in diagnostics.findings(r))],
        reference_settings=reference_settings,
        diagnostic_rules=lambda: {name: getattr(diagnostics, name) for name in ("RISING_OVER", "LOSS_RISE", "NEAR_CHANCE", "UNFIT_ACCURACY", "CONFIDENT_RISE")},
        above_label_noise=lambda rs: escape(claims.above_label_noise(rs, [summary.short_label(r) for r in rs])),
        against=lambda rs, names, others, other: escape(claims.against(registry, rs, names, others, other)),
        headline=lambda dataset, architecture, other, **words: escape(
            summary.headline(registry, runs, dataset, architecture, other, **words)),
        versus=lambda dataset, architecture, other: escape(summary.versus(registry, runs, dataset, architecture, other)),
        learned_nothing=lambda dataset: [escape(flag) for flag in summary.learned_nothing(registry, runs, dataset)],
        weakest_auc=claims.weakest_by_auc,
        attention_reading=lambda r: escape(claims.attention_reading(r)),
        attention_facts=claims.attention_facts,
        accuracy=claims.accuracy, spread=summary.spread, validation_gap=summary.validation_gap,
        row_percentages=figures.row_percentages,
        split_drops=lambda models, names: escape(summary.split_drops(
            [(by_point(m)["random"], by_point(m)["grouped"]) for m in models], names)),
        split_gaps=lambda models, names, brief=False: escape(claims.split_gaps(
            registry, [(by_point(m)["random"], by_point(m)["grouped"]) for m in models], names,
            first="random", second="grouped", brief=brief)),
        statistical_method=escape(claims.METHOD),
        test_legend=lambda: escape(claims.test_legend({c.test for c in registry.table()})),
        calibration=lambda: escape(claims.calibration_text(claims.read_calibration())),
        one_seed_networks=lambda: max((len(r.seeds) for r in runs.values() if not claims.fixed(r)), default=0) == 1,
        # (networks with one seed, networks): a mixed set says which verdicts rest on one seed.
        seed_mix=lambda: (sum(len(r.seeds) == 1 for r in runs.values() if not claims.fixed(r)),
                          sum(not claims.fixed(r) for r in runs.values())),
        seed_noise=lambda study: escape(claims.seed_noise(claims.read_calibration(), study)),
        detectable=lambda dataset, architecture, other: escape(claims.detectable(
            list(zip(*summary.with_reference(runs, dataset, architecture)[:2])), other)),
        seed_spread=lambda runs_of_study, study: escape(claims.seed_spread(claims.read_calibration(), runs_of_study, study)),
        calibration_rows=lambda: [[escape(c) for c in row] for row in claims.calibration_rows(claims.read_calibration())],
        calibration_power=lambda brief=False: escape(claims.calibration_power(
            claims.read_calibration(), [len(r.seeds) for r in runs.values() if not claims.fixed(r)], brief=brief)),
        stand_ins=lambda: [escape(said) for said in tables.stand_ins(runs)],
        comparison_families=lambda: [(family, [[escape(cell) for cell in row] for row in rows])
                                     for family, rows in tables.comparison_families(registry.table(), runs)],
        dataset_titles=summary.dataset_titles(),
        own_datasets=summary.own_titles(),
        commits=lambda: [f"`{c.removesuffix('+dirty')}`" + (" with uncommitted changes" if c.endswith("+dirty") else "")
                         + f" ({n} runs)" for c, n in tables.commit_counts({**runs, **rungs})],
        report_tools=_report_tools,
        standing=lambda dataset, architecture: summary.standing(registry, runs, dataset, architecture),
        substitutions=lambda: [escape(said) for said in summary.substitutions(runs)],
        diagnosed=lambda dataset: [escape(said) for said in summary.diagnosed(runs, dataset)],
        conditions=lambda dataset: tables.conditions(runs, dataset),
        sampled=lambda: tables.sampled(runs),
        agreement=lambda prefix, brief=False: escape(reproduction.agreement(runs, rungs, prefix, brief)),
        published_figure=published_figure,
        published_table=lambda prefix: _escaped_table(*reproduction.table(runs, rungs, prefix)),
        climbs=lambda prefix: ladder.climbs(runs, rungs, prefix),
        ladder_runs=rungs,
        ladder_table=lambda climbs: _escaped_table(*ladder.table_rows(climbs)),
        flags_text=ladder.flags_text,
        ladder_family=ladder.family_size,
        unreplicated=lambda climb: [escape(said) for said in ladder.unreplicated(climb)],
        ladder_reading=lambda climb: escape(ladder.reading(climb)),
        ladder_gap=lambda climb: escape(ladder.gap(climb)),
        ladder_single_steps=lambda climbs: escape(ladder.single_steps(climbs)),
        ladder_headline=lambda: escape(ladder.headline(ladder.by_study(runs, rungs))),
        waterfall_figure=lambda climb, caption, label: figures.waterfall_figure(images_dir, climb, caption, label),
    )
    env.filters.update(
        fmt=tables.fmt, pct=tables.pct, count=tables.count, escape=escape, score_row=tables.score_row,
        sweep_row=tables.sweep_row, point_value=point_value,
        without=lambda row, index: [cell for i, cell in enumerate(row) if i != index],
        join_words=claims.join_words, join_names=claims.join_names,
        capitalize_first=claims.capital,
        lower_first=claims.uncapital,
    )
    return env


@functools.cache
def _report_tools() -> str:
    """The tools and libraries that computed the report's statistics and set its pages, with their versions."""
    from report.build import tool_versions

    return escape(", ".join(f"{name} {version}" for name, version in tool_versions().items()))


def _escaped_table(rows: list[list[str]], notes: list[str]) -> dict:
    return {"rows": [[escape(cell) for cell in row] for row in rows], "notes": [escape(note) for note in notes]}


#: The helpers every template can call (besides ``run``, ``with_runs`` and ``runs``).
HELPERS = (
    "fmt", "pct", "count", "table", "escape", "code", "layer_rows", "per_seed", "class_rows", "score_row", "sweep_row", "same_epochs", "market_rows", "twitter_rows", "dataset_rows", "provenance_rows", "run_rows", "weakest_class", "confusions",
)


def report_registry(runs: dict[str, Run]) -> claims.Registry:
    """The registry of one report's comparisons: families named by dataset, repeated computations tested once."""
    runs = ladder.split(runs)[0]
    repeats = summary.duplicates_of(runs)
    return claims.Registry(summary.dataset_titles(), canonical=lambda run: runs.get(repeats.get(run.id), run))


#: Rendered like a chapter, but placed on the title page as the abstract.
ABSTRACT = "abstract.md.j2"


def render_chapters(templates_dir: Path, runs: dict[str, Run], images_dir: Path,
                    registry: claims.Registry | None = None) -> tuple[str, str, list[str]]:
    """The whole report's Markdown body, its abstract, and the warnings raised while rendering them.

    Rendered twice: the first pass collects every comparison the chapters make,
    which are then tested and corrected once per family, so that the second
    pass states each pair with one p-value and one verdict wherever it appears.
    """
    registry = registry or report_registry(runs)
    _render_all(templates_dir, make_environment(templates_dir, runs, lambda _: None, images_dir, registry), registry)
    registry.settle()
    warnings: list[str] = []
    body, abstract = _render_all(templates_dir, make_environment(templates_dir, runs, warnings.append, images_dir, registry),
                                 registry)
    return body, abstract, warnings


def _render_all(templates_dir: Path, env: jinja2.Environment, registry: claims.Registry) -> tuple[str, str]:
    parts, abstract = [], ""
    chapters = sorted(Path(templates_dir).glob(CHAPTER_GLOB))
    for path in [p for p in chapters if p.name != ABSTRACT] + [p for p in chapters if p.name == ABSTRACT]:
        source = f"{Path(templates_dir).name}/{path.name}"
        registry.new_chapter()
        try:
            body = env.get_template(path.name).render()
        except jinja2.TemplateSyntaxError as err:
            raise TemplateError(f"{source}:{err.lineno}: {err.message}") from None
        except (jinja2.UndefinedError, Missing, ValueError, AttributeError, KeyError, TypeError, LookupError) as err:
            raise TemplateError(f"{source}:{_template_line(err, path)}: {err}") from None
        if path.name == ABSTRACT:
            abstract = "\n\n".join(" ".join(part.split()) for part in body.split("\n\n") if part.strip())
            continue
        # The source attribute lets the crossref filter name the template of a bad reference.
        parts.append(f'::: {{.chapter source="{source}"}}\n{body}\n:::\n')
    return "\n".join(parts), abstract


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


def write_markdown(templates_dir: Path, results_dir: Path, images_dir: Path, out: Path, *,
                   set_name: str | None = None, runs: dict[str, Run] | None = None) -> list[str]:
    """Render ``out`` (front matter from ``templates/metadata.yaml`` plus every chapter).

    Figure paths are relative to the parent of ``images_dir``, where pandoc runs.
    ``set_name`` (e.g. "full-real") goes on the title page. ``runs``, when given,
    are the results already loaded from ``results_dir`` (the preview keeps them,
    with their intervals, between renders).
    """
    runs = load_runs(results_dir) if runs is None else runs
    # The results hold millions of small objects that live until the end, and statsmodels'
    # Holm correction runs gc.collect() on each call: frozen, the collector skips them.
    gc.freeze()
    body, abstract, warnings = render_chapters(templates_dir, runs, images_dir)
    runs = ladder.split(runs)[0]
    metadata = (Path(templates_dir) / "metadata.yaml").read_text(encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    check_referenced(body)
    abstract = f"abstract: {json.dumps(abstract, ensure_ascii=False)}\n" if abstract else ""
    tmp.write_text(f"---\n{metadata.strip()}\n{_data_metadata(runs, set_name)}{abstract}---\n\n{body}", encoding="utf-8")
    tmp.replace(out)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return warnings


_LABEL = re.compile(r"\{#((?:fig|tbl):[\w:.-]+)")
_REFERENCE = re.compile(r"@((?:fig|tbl):[\w:.-]*[\w])", re.IGNORECASE)
_CHAPTER = re.compile(r'::: \{\.chapter source="([^"]+)"\}')


def check_referenced(body: str) -> None:
    """Refuse a report with a table or figure that its text never refers to, naming the template to fix."""
    cited = {ref.lower() for ref in _REFERENCE.findall(body)}
    unreferenced = []
    for chapter in re.split(r"(?=::: \{\.chapter )", body):
        source = _CHAPTER.search(chapter)
        for label in _LABEL.findall(chapter):
            if label.lower() not in cited:
                unreferenced.append(f"{label} ({source.group(1) if source else '?'})")
    if unreferenced:
        raise TemplateError("never referred to in the text: " + ", ".join(unreferenced)
                            + "; refer to each with @tbl:… or [@fig:…] where the text discusses it")


def _data_metadata(runs: dict[str, Run], set_name: str | None = None) -> str:
    """Title-page facts derived from the results, in words: which set, data and profile they came from."""
    sources = sorted({r.first["data"]["source"] for r in runs.values()})
    profiles = sorted({r.first["profile"] for r in runs.values()})
    data_words = {"real": "the real datasets", "embedded": "generated stand-in data, not the real datasets"}
    profile_words = {"full": "full profile (the documented settings)", "quick": "quick profile (capped epochs and rows)"}
    said = [" and ".join(data_words.get(s, s) for s in sources) or "no results yet"]
    if profiles:
        said.append(" and ".join(profile_words.get(p, p) for p in profiles))
    seeds = sorted({len(r.seeds) for r in runs.values()})
    if seeds:
        said.append(f"{' or '.join(map(str, seeds))} seed{'s' if seeds != [1] else ''} per model")
    records = [(r.first.get("model") or {}).get("vectors") or {} for r in runs.values()]
    vectors = sorted({summary.vectors_label(v).replace(f"{v['dim']}-d ", "") for v in records if v.get("requested")})
    if vectors:
        said.append(f"word vectors {', '.join(vectors)}")
    subtitle = (f"Results set {set_name}: " if set_name else "") + "; ".join(said)
    return f"subtitle: {json.dumps(subtitle)}\n"
