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
    listing = sub.add_parser("runs", help="print a Markdown table of every finished run (for the README)")
    listing.add_argument("--results-dir", type=Path, default=paths.RESULTS_DIR)
    reproduced = sub.add_parser("reproduction", help="print the published-against-reproduced table (for the README)")
    reproduced.add_argument("--results-dir", type=Path, default=paths.RESULTS_DIR)
    pdf = sub.add_parser("pdf", help="build/report.md → build/report.pdf with pandoc")
    pdf.add_argument("--engine", default=os.environ.get("PDF_ENGINE") or None, help="TeX engine (default: first found)")
    parser.add_argument("--root", type=Path, default=paths.ROOT,
                        help="folder holding results/, images/ and build/ (default: the project)")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    results_dir, images_dir, build_dir = root / "results", root / "images", root / "build"
    markdown = build_dir / "report.md"
    try:
        if args.command == "runs":
            print(runs_table(load_runs(args.results_dir)))
        elif args.command == "reproduction":
            from report import reproduction

            print(reproduction.markdown(load_runs(args.results_dir)))
        elif args.command == "markdown":
            write_markdown(paths.TEMPLATES_DIR, results_dir, images_dir, markdown)
            print(f"wrote {markdown}")
        elif not markdown.is_file():
            print(f"error: {markdown} does not exist yet; run `make markdown` (or `python -m report markdown`) first",
                  file=sys.stderr)
            return 1
        elif args.command == "html":
            out = build_html(
                markdown, build_dir / "report.html", root=root,
                bibliography=paths.TEMPLATES_DIR / "references.bib",
            )
            print(f"wrote {out}")
        else:
            out = build_pdf(
                markdown, build_dir / "report.pdf", root=root,
                bibliography=paths.TEMPLATES_DIR / "references.bib", engine=args.engine,
            )
            print(f"wrote {out}")
    except (TemplateError, ResultsError, BuildError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
