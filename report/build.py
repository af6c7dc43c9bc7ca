"""Markdown → PDF with pandoc: cross-references by the crossref filter, citations by citeproc.

Cross-references use the project's own Lua filter (``report/crossref/``), which
implements the syntax the templates use and stops at an unknown label; the
``pandoc-crossref`` binary only when ``CROSSREF=pandoc-crossref`` asks for it. The PDF engine is a TeX engine when one is installed, else Typst
through its Python package (no system packages, no root). Outputs are written
to a temporary name first, so a failed build never leaves a partial file that
looks like the report.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pypandoc

CROSSREF_LUA = Path(__file__).parent / "crossref" / "crossref.lua"
LAYOUT_LUA = Path(__file__).parent / "layout.lua"
#: Typst settings: long tables break across pages.
TYPST_HEAD = Path(__file__).parent / "typst-head.typ"
#: The HTML page's width and its figures that open full size on click.
HTML_HEAD = Path(__file__).parent / "html-head.html"
#: TeX engines in order of preference; the first two handle Unicode from data.
TEX_ENGINES = ("xelatex", "lualatex", "pdflatex")
#: Typst's template reads colours as hex strings, not LaTeX's xcolor expressions.
TYPST_METADATA = ["-M", "linkcolor=#336699", "-M", "urlcolor=#336699", "-M", "citecolor=#336699"]
APT_LINE = (
    "sudo apt-get install -y texlive-latex-recommended texlive-fonts-recommended lmodern texlive-xetex"
)


#: Page margin when the report's metadata names none (``geometry: margin=2.3cm`` in templates/metadata.yaml).
DEFAULT_MARGIN_CM = 2.5
PT_PER_CM = 72 / 2.54


def margin_cm(markdown: Path) -> float:
    """The page margin the report asks for (LaTeX's ``geometry: margin=…cm``); Typst is given the same."""
    found = re.search(r"^geometry:\s*margin=([\d.]+)cm", markdown.read_text(encoding="utf-8"), re.MULTILINE)
    return float(found.group(1)) if found else DEFAULT_MARGIN_CM


class BuildError(RuntimeError):
    """pandoc or the PDF engine failed; the message carries their own words."""


def pdf_engine(requested: str | None = None) -> str:
    """The engine to use: ``requested`` if given, else the first TeX engine installed, else ``typst``."""
    available = [e for e in TEX_ENGINES if shutil.which(e)] + ["typst"]
    if requested:
        if requested not in available:
            raise BuildError(f"PDF_ENGINE={requested} is not available here; allowed: {', '.join(available)}")
        return requested
    if available[0] == "typst":
        print(f"note: no TeX engine found, building the PDF with Typst (for LaTeX output: {APT_LINE})")
    return available[0]


def tool_versions() -> dict[str, str]:
    """The version of every tool and library that turns results into the report's numbers, figures and pages."""
    from importlib import metadata

    found = {"pandoc": pypandoc.get_pandoc_version()}
    for package in ("scipy", "statsmodels", "numpy", "jinja2", "matplotlib", "seaborn", "typst", "pypdfium2"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    for engine in TEX_ENGINES:
        if shutil.which(engine):
            done = subprocess.run([engine, "--version"], capture_output=True, text=True)
            found[engine] = (done.stdout.splitlines() or ["?"])[0].strip()
            break
    return found


def crossref_args() -> list[str]:
    """The project's tested Lua filter; the ``pandoc-crossref`` binary only when asked for (CROSSREF=pandoc-crossref).

    The binary only warns about a reference to an unknown label, where the filter
    stops the build, so it is never picked up silently from PATH.
    """
    if os.environ.get("CROSSREF") == "pandoc-crossref":
        if not shutil.which("pandoc-crossref"):
            raise BuildError("CROSSREF=pandoc-crossref, but no pandoc-crossref is on PATH; unset CROSSREF to use "
                             "the project's filter")
        return ["--filter", "pandoc-crossref"]
    return ["--lua-filter", str(CROSSREF_LUA)]


def pandoc(markdown: Path, out: Path, *, root: Path, bibliography: Path, extra: list[str]) -> Path:
    """Run pandoc from ``markdown`` to ``out`` (format from the suffix), atomically."""
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    out.parent.mkdir(parents=True, exist_ok=True)
    command = [
        pypandoc.get_pandoc_path(),
        str(markdown),
        "--output", str(tmp),
        "--resource-path", str(root),
        "--number-sections",
        "--toc",
        *crossref_args(),
        "--lua-filter", str(LAYOUT_LUA),
        # After the crossref filter, so that only real citations reach citeproc.
        "--citeproc", "--bibliography", str(bibliography),
        *extra,
    ]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise BuildError(f"pandoc failed for {out.name}:\n{done.stderr.strip()}")
    tmp.replace(out)
    return out


def build_pdf(markdown: Path, out: Path, *, root: Path, bibliography: Path, engine: str | None = None) -> Path:
    engine = pdf_engine(engine)
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    if engine == "typst":
        typst_pdf(markdown, tmp, root=root, bibliography=bibliography)
    else:
        # The LaTeX source and its auxiliary files stay in build/latex/ between builds, so that after
        # an edit of prose one engine pass is enough (as with latexmk).
        tex = pandoc(markdown, out.parent / "latex" / f"{out.stem}.tex", root=root, bibliography=bibliography,
                     extra=["--standalone", "--to", "latex"])
        tex.write_text(float_short_tables(tex.read_text(encoding="utf-8")), encoding="utf-8")
        shutil.copyfile(run_latex(tex, engine, root=root), tmp)
    try:
        check_layout(tmp, margin_cm(markdown))
    except BuildError:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(out)
    return out


#: Tables whose rows take up to this many source lines float like figures (pandoc wraps a row's
#: source at about the width of a printed line); longer ones stay longtables that break across pages.
FLOAT_LINES = 36
_LONGTABLE = re.compile(
    r"\\begin\{longtable\}\[\]\{(?P<spec>.*?)\}\n(?P<caption>\\caption.*?)\\tabularnewline\n"
    r"(?P<head>.*?)\\endfirsthead\n.*?\\endlastfoot\n(?P<rows>.*?)\\end\{longtable\}",
    re.DOTALL,
)


#: What report/layout.lua writes before a table set small.
SMALL = "\\begingroup\\footnotesize"


def float_short_tables(tex: str) -> str:
    """Set every table shorter than a page (:data:`FLOAT_LINES`) as a float (``table`` with a ``tabular``).

    pandoc writes every table as a ``longtable``, which may break after any row
    and is typeset in the running text. Next to figures waiting to be placed,
    TeX then pushed such tables past the bottom margin, under the page number,
    and the text after them off the page. A floating table is never split and
    never overfills a page: LaTeX places it as it places figures. A float resets
    the font size, so a table set small (report/layout.lua) says so again inside.
    """
    def floating(match: re.Match) -> str:
        rows = match["rows"]
        if rows.count("\n") > FLOAT_LINES:
            return match.group(0)
        small = "\\footnotesize\n" if tex[:match.start()].rstrip().endswith(SMALL) else ""
        return (
            "\\begin{table}[htbp]\n\\centering\n" + small + match["caption"].rstrip() + "\n"
            + "\\begin{tabular}{" + match["spec"] + "}\n" + match["head"] + rows
            + "\\bottomrule\\noalign{}\n\\end{tabular}\n\\end{table}"
        )

    return _LONGTABLE.sub(floating, tex)


#: TeX's words when a page's content did not fit and was pushed past the bottom margin.
_LOST_OFF_PAGE = re.compile(r"Overfull \\vbox \(([\d.]+)pt too high\) has occurred while \\output is active")
#: Overflows up to this size are rounding in TeX's page builder, not lost text.
OVERFLOW_TOLERANCE_PT = 2.0


#: LaTeX's words for a figure or table taller than a page, which then runs past the bottom margin.
_FLOAT_TOO_LARGE = re.compile(r"Float too large for page by ([\d.]+)pt on input line (\d+)")


def check_pages(log: str) -> None:
    """Refuse a PDF in which TeX pushed content off a page; name the pages and how much."""
    lost = [f"a float at line {line} of the LaTeX source: {size} pt taller than the page"
            for size, line in _FLOAT_TOO_LARGE.findall(log) if float(size) > OVERFLOW_TOLERANCE_PT]
    for match in _LOST_OFF_PAGE.finditer(log):
        if float(match.group(1)) > OVERFLOW_TOLERANCE_PT:
            # TeX prints [n] when it ships out page n; the overflowing page is the next one shipped.
            page = re.search(r"\[(\d+)", log[match.end():])
            lost.append(f"page {page.group(1) if page else '?'}: {match.group(1)} pt past the bottom margin")
    if lost:
        raise BuildError(
            "content falls off the page in the PDF (" + "; ".join(lost) + "). A table or figure is taller than the "
            "space left on its page; shorten it, or move it to the appendix in its template."
        )


#: Text this far past the right edge of the text block is cut off or runs into the margin.
EDGE_TOLERANCE_PT = 3.0
#: Body text closer than this to the top of the page number has run past the foot of the text block.
FOOT_GAP_PT = 6.0


def check_layout(pdf: Path, margin: float) -> None:
    """Refuse a PDF with text past the right edge of the text block or down on the page number, on any engine.

    The right edge of the text block is the page's width less ``margin`` (cm).
    The foot is the page number: body text closer to it than
    :data:`FOOT_GAP_PT` has run past the text block (Typst then prints table
    rows over the page number; TeX reports some of this in its log, but not a
    table cell that runs into the margin). The check reads the text boxes of the
    PDF with pypdfium2, so it is the same for LaTeX and Typst.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    lines = []  # (page, left, right, bottom, top, text) of each run of text
    width = document[0].get_width()
    for number, page in enumerate(document, start=1):
        text = page.get_textpage()
        for i in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(i)
            said = text.get_text_bounded(left, bottom, right, top).strip()
            if said:
                lines.append((number, left, right, bottom, top, said))
    document.close()
    edge = width - margin * PT_PER_CM
    lost = [f"page {n}: {right - edge:.1f} pt into the right margin ({said[:40]!r})"
            for n, _, right, _, _, said in lines if right > edge + EDGE_TOLERANCE_PT]
    for number in sorted({line[0] for line in lines}):
        page = [line for line in lines if line[0] == number]
        # A page number is a short run of digits (its text may pick up letters printed over it).
        numbers = [line for line in page if line[2] - line[1] < 25 and line[5].split()[-1].isdigit()]
        if not numbers:
            continue  # no page number on this page
        lowest = min(numbers, key=lambda line: line[3])
        lost += [f"page {number}: text {lowest[4] + FOOT_GAP_PT - bottom:.1f} pt down onto the page number ({said[:40]!r})"
                 for line in page if line is not lowest for _, _, _, bottom, _, said in [line]
                 if bottom < lowest[4] + FOOT_GAP_PT]
    if lost:
        raise BuildError(
            f"text runs off the text block in {pdf.name} (" + "; ".join(lost[:6])
            + (f"; and {len(lost) - 6} more" if len(lost) > 6 else "") + "). Shorten the table or its cells, "
            "or move it to the appendix, in its template."
        )


#: Files through which one LaTeX pass hands cross-references, contents and bookmarks to the next.
AUX_SUFFIXES = (".aux", ".toc", ".lof", ".lot", ".out")
MAX_PASSES = 4


def run_latex(tex: Path, engine: str, *, root: Path) -> Path:
    """Run ``engine`` on ``tex`` until its auxiliary files stop changing; return the PDF.

    It runs in ``root`` so that figure paths resolve as in the Markdown. A
    failing pass that started from a previous build's auxiliary files is retried
    once from scratch, since stale files can break a changed document.
    """
    def snapshot() -> dict[str, bytes | None]:
        return {s: tex.with_suffix(s).read_bytes() if tex.with_suffix(s).exists() else None for s in AUX_SUFFIXES}

    command = [
        engine, "-interaction=nonstopmode", "-halt-on-error",
        # Data text is escaped before it reaches LaTeX; no shell escape is a second line of defence.
        "-no-shell-escape",
        f"-output-directory={tex.parent}", str(tex),
    ]
    retried = False
    for _ in range(MAX_PASSES):
        before = snapshot()
        done = subprocess.run(command, capture_output=True, text=True, errors="replace", cwd=root)
        if done.returncode != 0:
            if not retried and any(before.values()):
                retried = True
                for suffix in AUX_SUFFIXES:
                    tex.with_suffix(suffix).unlink(missing_ok=True)
                continue
            raise BuildError(f"{engine} failed on {tex}:\n{tex_errors(done.stdout)}")
        if snapshot() == before:
            break
    check_pages(tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace"))
    return tex.with_suffix(".pdf")


def tex_errors(log: str) -> str:
    """The error lines of a TeX log (``! …`` and the source line after it), not the whole log."""
    lines = log.splitlines()
    errors = [
        "\n".join(lines[i:i + 3]) for i, line in enumerate(lines) if line.startswith("!")
    ]
    return "\n".join(errors) or "\n".join(lines[-20:])


def typst_pdf(markdown: Path, out: Path, *, root: Path, bibliography: Path) -> None:
    """Markdown → Typst source → PDF with the ``typst`` Python package (no TeX, no root needed)."""
    # Typst source goes next to the figures' root, since Typst resolves paths from the source file.
    margin = margin_cm(markdown)
    source = pandoc(markdown, root / f".{out.stem}.typ", root=root, bibliography=bibliography,
                    extra=["--standalone", "--to", "typst", *TYPST_METADATA, "-V", f"margin.x={margin}cm",
                           "-V", f"margin.y={margin}cm", "--include-in-header", str(TYPST_HEAD)])
    try:
        import typst

        typst.compile(str(source), output=str(out), root=str(root))
    except Exception as err:  # typst raises its own error type for any compile failure
        out.unlink(missing_ok=True)
        raise BuildError(f"typst failed for {out.name}: {err}") from None
    try:
        check_layout(out, margin)
    except BuildError:
        out.unlink(missing_ok=True)
        raise
    finally:
        source.unlink(missing_ok=True)


def build_html(markdown: Path, out: Path, *, root: Path, bibliography: Path) -> Path:
    """One self-contained HTML file: figures embedded, MathML instead of a script from the network."""
    return pandoc(markdown, out, root=root, bibliography=bibliography,
                  extra=["--standalone", "--embed-resources", "--mathml", "--to", "html5",
                         "--include-in-header", str(HTML_HEAD)])
