"""Command line: ``python -m report markdown|pdf`` (what ``make report`` calls)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from experiments import paths
from experiments.results import ResultsError
from report.build import BuildError, build_html, build_pdf
from report.render import TemplateError, write_markdown
from report.runs import load_runs
from report.tables import runs_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m report", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("markdown", help="render templates/*.md.j2 with the results into build/report.md")
    sub.add_parser("html", help="build/report.md → build/report.html (self-contained)")
    sub.add_parser("runs", help="print a Markdown table of every finished run (for the README)")
    reproduced = sub.add_parser("reproduction", help="print the published-against-reproduced table (for the README)")
    reproduced.add_argument("--into", type=Path, default=None,
                            help="write the tables between their markers in this file (<!-- reproduction -->, <!-- ladders -->)")
    exported = sub.add_parser("export", help="write runs, experiments and comparisons as tables for pandas")
    exported.add_argument("--format", choices=("csv", "parquet"), default="csv")
    exported.add_argument("--out", type=Path, default=None, help="folder (default: build/export)")
    preview = sub.add_parser("preview", help="serve the HTML report; rebuild it when a template or a result changes")
    preview.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    preview.add_argument("--templates", type=Path, default=paths.TEMPLATES_DIR, help="the chapter templates' folder")
    pdf = sub.add_parser("pdf", help="build/report.md → build/report.pdf with pandoc")
    pdf.add_argument("--engine", default=os.environ.get("PDF_ENGINE") or None, help="TeX engine (default: first found)")
    parser.add_argument("--root", type=Path, default=paths.ROOT,
                        help="folder holding results/, images/ and build/ (default: the project)")
    parser.add_argument("--results", default=os.environ.get("RESULTS") or None,
                        help="the results set to read, e.g. full-real (default: the set last run)")
    parser.add_argument("--results-dir", type=Path, default=None,
                        help="read this folder of results instead of a set (its figures in the images/ beside it)")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    build_dir = root / "build"
    markdown = build_dir / "report.md"
    try:
        if args.results_dir is not None:
            results_dir, images_dir, name = args.results_dir.resolve(), args.results_dir.resolve().parent / "images", None
        elif args.command in ("runs", "reproduction", "markdown", "export", "preview"):
            name = paths.chosen_set(args.results, root / "results")
            results_dir, images_dir = paths.set_dirs(name, root / "results", root / "images")
        if args.command == "runs":
            print(runs_table(load_runs(results_dir)))
        elif args.command == "reproduction":
            from report import ladder, reproduction

            runs, rungs = ladder.split(load_runs(results_dir))
            tables = {"reproduction": reproduction.markdown(runs, rungs), "ladders": reproduction.ladders_markdown(runs, rungs)}
            if args.into is None:
                print("\n\n".join(tables.values()))
            else:
                written = reproduction.write_between_markers(args.into, tables)
                print(f"wrote {' and '.join(written)} into {args.into}")
        elif args.command == "export":
            from report.export import export

            for path in export(load_runs(results_dir), paths.TEMPLATES_DIR, images_dir, args.out or build_dir / "export",
                               args.format):
                print(f"wrote {path}")
        elif args.command == "preview":
            return _preview(args, results_dir, images_dir, build_dir, name)
        elif args.command == "markdown":
            print(f"rendering results set {name or results_dir}")
            write_markdown(paths.TEMPLATES_DIR, results_dir, images_dir, markdown, set_name=name)
            # pandoc reads the figures from where their paths start: the images folder's parent.
            (build_dir / "figures-root").write_text(str(images_dir.parent) + "\n", encoding="utf-8")
            print(f"wrote {markdown}")
        elif not markdown.is_file():
            print(f"error: {markdown} does not exist yet; run `make markdown` (or `python -m report markdown`) first",
                  file=sys.stderr)
            return 1
        elif args.command == "html":
            out = build_html(
                markdown, build_dir / "report.html", root=_figures_root(build_dir, root),
                bibliography=paths.TEMPLATES_DIR / "references.bib",
            )
            print(f"wrote {out}")
        else:
            out = build_pdf(
                markdown, build_dir / "report.pdf", root=_figures_root(build_dir, root),
                bibliography=paths.TEMPLATES_DIR / "references.bib", engine=args.engine,
            )
            print(f"wrote {out}")
    except (TemplateError, ResultsError, BuildError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _preview(args: argparse.Namespace, results_dir: Path, images_dir: Path, build_dir: Path, name: str | None) -> int:
    from report.preview import Preview

    preview = Preview(args.templates.resolve(), results_dir, images_dir, build_dir, set_name=name)
    seconds = preview.rebuild()
    server = preview.serve(args.port)
    print(f"preview of {name or results_dir} at http://127.0.0.1:{args.port}/ (first build {seconds:.1f} s); "
          "it rebuilds when a template or a result changes. Ctrl-C stops it.", flush=True)
    try:
        preview.watch(report=lambda said: print(said, flush=True))
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


def _figures_root(build_dir: Path, root: Path) -> Path:
    """The folder the rendered Markdown's figure paths start from (written by the markdown step)."""
    stored = build_dir / "figures-root"
    return Path(stored.read_text(encoding="utf-8").strip()) if stored.is_file() else root


if __name__ == "__main__":
    sys.exit(main())
