"""Specification of report/crossref/crossref.lua (pandoc-crossref syntax).

Every test runs the real pandoc (the one shipped with pypandoc_binary) on a
small Markdown document with the filter and checks the rendered text.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pypandoc = pytest.importorskip("pypandoc")

ROOT = Path(__file__).resolve().parents[1]
CROSSREF_DIR = ROOT / "report" / "crossref"
FILTER = CROSSREF_DIR / "crossref.lua"
PANDOC = pypandoc.get_pandoc_path()
NBSP = "\u00a0"

FIG_META = "---\nfigPrefix: [Figure, Figures]\ntblPrefix: [Table, Tables]\n---\n\n"

THREE_FIGURES = FIG_META + """\
![Alpha](a.png){#fig:a}

![Beta](b.png){#fig:b}

![Gamma](c.png){#fig:c}

"""

TABLE = """\
| model | acc |
|-------|----:|
| CNN   | 0.9 |

: Accuracy {#tbl:acc}

"""


def pandoc(markdown: str, to: str = "plain", *args: str, check: bool = True,
           from_: str = "markdown") -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [PANDOC, "-f", from_, "-t", to, "--lua-filter", str(FILTER), *args],
        input=markdown, capture_output=True, text=True, cwd=ROOT,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def render(markdown: str, to: str = "plain", *args: str) -> str:
    """Output with non-breaking spaces shown as plain spaces, on one line."""
    out = pandoc(markdown, to, *args).stdout.replace(NBSP, " ")
    return " ".join(out.split())


def walk(node):
    """Yield every dict in a pandoc JSON AST."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def ast(markdown: str) -> list[dict]:
    return list(walk(json.loads(pandoc(markdown, "json").stdout)))


# --- figures -----------------------------------------------------------------

def test_figure_reference_uses_singular_fig_prefix():
    assert "see Figure 2." in render(THREE_FIGURES + "see @fig:b.")


def test_bracketed_reference_renders_like_bare_one():
    assert "see Figure 3." in render(THREE_FIGURES + "see [@fig:c].")


def test_default_prefix_is_pandoc_crossref_fig():
    doc = "![Alpha](a.png){#fig:a}\n\nsee @fig:a."
    assert "see fig. 1." in render(doc)


def test_prefix_may_be_a_single_string():
    doc = "---\nfigPrefix: Abb.\n---\n\n![A](a.png){#fig:a}\n\n![B](b.png){#fig:b}\n\n"
    out = render(doc + "see @fig:a and [@fig:a; @fig:b].")
    assert "see Abb. 1 and Abb. 1, 2." in out


def test_consecutive_references_collapse_to_a_range_with_plural_prefix():
    assert "see Figures 1–3." in render(THREE_FIGURES + "see [@fig:a; @fig:b; @fig:c].")


def test_references_are_sorted_before_collapsing():
    assert "see Figures 1–3." in render(THREE_FIGURES + "see [@fig:c; @fig:a; @fig:b].")


def test_non_consecutive_references_are_listed():
    assert "see Figures 1, 3." in render(THREE_FIGURES + "see [@fig:c; @fig:a].")


def test_capitalised_reference_capitalises_the_prefix():
    doc = "![Alpha](a.png){#fig:a}\n\n@Fig:a shows it, as does [@Fig:a]."
    assert "Fig. 1 shows it, as does Fig. 1." in render(doc)


def test_suppressed_author_gives_the_number_only():
    assert "(number 2)" in render(THREE_FIGURES + "(number [-@fig:b])")


def test_reference_is_a_link_to_the_figure():
    html = pandoc(THREE_FIGURES + "see @fig:b.", "html").stdout
    assert f'<a href="#fig:b">Figure{NBSP}2</a>' in html
    assert '<figure id="fig:b">' in html


def test_html_caption_gets_figure_title_and_number():
    html = render(THREE_FIGURES, "html")
    assert "<figcaption>Figure 1: Alpha</figcaption>" in html
    assert "<figcaption>Figure 3: Gamma</figcaption>" in html


def test_typst_numbers_captions_itself_so_they_are_not_prefixed():
    typ = pandoc(THREE_FIGURES + "see @fig:b.", "typst").stdout
    assert "Figure 1: Alpha" not in typ and "Alpha" in typ
    assert "#link(<fig:b>)[Figure~2]" in typ  # Typst spells the non-breaking space ~


def test_figure_title_and_delimiter_are_configurable():
    doc = "---\nfigureTitle: Abbildung\ntitleDelim: .\n---\n\n![Alpha](a.png){#fig:a}\n"
    assert "<figcaption>Abbildung 1. Alpha</figcaption>" in render(doc, "html")


def test_unlabelled_captioned_figures_are_numbered_too():
    # LaTeX numbers every captioned figure; so must we, or numbers drift.
    doc = FIG_META + "![Unlabelled](u.png)\n\n![Labelled](l.png){#fig:l}\n\nsee @fig:l."
    assert "see Figure 2." in render(doc)


def test_latex_keeps_captions_and_labels_figures():
    tex = pandoc(THREE_FIGURES + "see @fig:b.", "latex").stdout
    assert r"\caption{Beta}\label{fig:b}" in tex
    assert r"\hyperref[fig:b]{Figure~2}" in tex
    assert "Figure 1:" not in tex


# --- tables --------------------------------------------------------------------

def test_table_label_in_caption_line_and_reference():
    out = render(FIG_META + TABLE + "see @tbl:acc and [@Tbl:acc].")
    assert "see Table 1 and Table 1." in out


def test_html_table_has_identifier_and_prefixed_caption():
    html = render(FIG_META + TABLE, "html")
    assert '<table id="tbl:acc">' in html
    assert "<caption>Table 1: Accuracy</caption>" in html


def test_literal_label_left_in_table_caption_becomes_identifier():
    # Older pandoc keeps ": Caption {#tbl:x}" as caption text.
    doc = json.loads(pypandoc.convert_text(
        "| a |\n|---|\n| 1 |\n\n: Old style\n\nsee @tbl:old.", "json", format="markdown"))
    table = next(n for n in walk(doc) if n.get("t") == "Table")
    table["c"][0][0] = ""  # no identifier, label only in the caption text
    caption_inlines = table["c"][1][1][0]["c"]
    caption_inlines += [{"t": "Space"}, {"t": "Str", "c": "{#tbl:old}"}]
    html = render(json.dumps(doc), "html", "-f", "json")
    assert '<table id="tbl:old">' in html
    assert "<caption>Table 1: Old style</caption>" in html
    assert '<a href="#tbl:old">tbl. 1</a>' in html


def test_latex_table_gets_label():
    tex = pandoc(TABLE + "see @tbl:acc.", "latex").stdout
    assert r"\caption{Accuracy}\label{tbl:acc}" in tex
    assert r"\hyperref[tbl:acc]{tbl.~1}" in tex


# --- sections ------------------------------------------------------------------

SECTIONS = """\
---
secPrefix: [Section, Sections]
---

# Introduction {#sec:intro}

# Abstract {.unnumbered}

# Method {#sec:method}

## Data {#sec:data}

## Model {#sec:model}

"""


def test_section_references_are_hierarchical():
    out = render(SECTIONS + "see @sec:intro, @sec:model and [@sec:intro; @sec:data].")
    assert "see Section 1, Section 2.2 and Sections 1, 2.1." in out


def test_section_numbers_agree_with_pandoc_number_sections():
    doc = SECTIONS + "### Deep {#sec:deep}\n\n" + " ".join(
        f"[@sec:{s}]" for s in ("intro", "method", "data", "model", "deep"))
    html = render(doc, "html", "--number-sections")
    numbered = {sec: number for number, sec in
                re.findall(r'data-number="([\d.]+)" id="(sec:\w+)"', html)}
    assert numbered == {"sec:intro": "1", "sec:method": "2", "sec:data": "2.1",
                        "sec:model": "2.2", "sec:deep": "2.2.1"}
    for sec, number in numbered.items():
        assert f'<a href="#{sec}">Section {number}</a>' in html


# --- equations -----------------------------------------------------------------

EQUATIONS = "$$ a = b $$ {#eq:one}\n\nand\n\n$$ E = mc^2 $$ {#eq:two}\n\n"


def test_equation_reference_uses_default_eq_prefix():
    assert "see eq. 2." in render(EQUATIONS + "see @eq:two.")


def test_equation_reference_uses_eqn_prefix():
    doc = "---\neqnPrefix: [Equation, Equations]\n---\n\n" + EQUATIONS
    out = render(doc + "see @eq:two, number [-@eq:one] and [@eq:one; @eq:two].")
    assert "see Equation 2, number 1 and Equations 1, 2." in out


def test_equation_gets_qquad_number_outside_latex():
    md = pandoc(EQUATIONS + "see @eq:two.", "markdown").stdout
    assert r"E = mc^2 \qquad(2)$$]{#eq:two}" in md
    assert md.count("{#eq:") == 2  # the labels moved onto the spans, none left as text


def test_equation_becomes_labelled_equation_environment_in_latex():
    tex = pandoc(EQUATIONS + "see @eq:two.", "latex").stdout
    assert r"\begin{equation} E = mc^2 \label{eq:two}\end{equation}" in tex
    assert r"\hyperref[eq:two]{eq.~2}" in tex


# --- citations -----------------------------------------------------------------

def test_bibliography_citation_is_left_for_citeproc():
    nodes = ast(THREE_FIGURES + "see [@hochreiter1997] and @fig:a.")
    cited = [c["citationId"] for n in nodes if n.get("t") == "Cite" for c in n["c"][0]]
    assert cited == ["hochreiter1997"]


def test_mixed_citation_is_split_into_cite_and_link():
    nodes = ast(THREE_FIGURES + "see [@hochreiter1997; @fig:a].")
    cited = [c["citationId"] for n in nodes if n.get("t") == "Cite" for c in n["c"][0]]
    links = [n["c"][2][0] for n in nodes if n.get("t") == "Link"]
    assert cited == ["hochreiter1997"]
    assert links == ["#fig:a"]


# --- errors --------------------------------------------------------------------

def test_unknown_labels_fail_naming_label_and_template():
    doc = (THREE_FIGURES
           + '::: {.chapter source="templates/bbc.md.j2"}\nsee @fig:nope and [@tbl:missing].\n:::\n\n'
           + '::: {.chapter source="templates/imdb.md.j2"}\n@sec:gone\n:::\n')
    proc = pandoc(doc, check=False)
    assert proc.returncode != 0
    assert "fig:nope (referenced in templates/bbc.md.j2)" in proc.stderr
    assert "tbl:missing (referenced in templates/bbc.md.j2)" in proc.stderr
    assert "sec:gone (referenced in templates/imdb.md.j2)" in proc.stderr


def test_unknown_label_outside_a_chapter_div_names_unknown_source():
    proc = pandoc("see @eq:nope.", check=False)
    assert proc.returncode != 0
    assert "eq:nope (referenced in unknown source)" in proc.stderr


def test_duplicate_label_fails():
    doc = ('::: {.chapter source="a.md.j2"}\n![A](a.png){#fig:a}\n:::\n\n'
           '::: {.chapter source="b.md.j2"}\n![B](b.png){#fig:a}\n:::\n')
    proc = pandoc(doc, check=False)
    assert proc.returncode != 0
    assert "duplicate label fig:a (in a.md.j2 and b.md.j2)" in proc.stderr


def test_filter_refuses_pandoc_older_than_3():
    script = (f"PANDOC_VERSION = pandoc.types.Version '2.19'\n"
              f"local ok, err = pcall(dofile, {json.dumps(str(FILTER))})\n"
              "assert(not ok, 'filter loaded under pandoc 2.19')\n"
              "assert(tostring(err):match 'requires pandoc 3.0', tostring(err))\n")
    proc = subprocess.run([PANDOC, "lua", "-"], input=script,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# --- lists of figures / tables -------------------------------------------------

def test_list_of_figures_and_tables_in_html():
    doc = THREE_FIGURES.replace("---\n\n", "lof: true\nlot: true\n---\n\n", 1) + TABLE
    html = render(doc, "html")
    assert html.index("List of Figures") < html.index("<figure")
    assert '<li><a href="#fig:b">Figure 2: Beta</a></li>' in html
    assert '<li><a href="#tbl:acc">Table 1: Accuracy</a></li>' in html


def test_list_of_figures_in_latex_appears_once():
    doc = THREE_FIGURES.replace("---\n\n", "lof: true\n---\n\n", 1)
    tex = pandoc(doc, "latex", "--standalone").stdout
    assert tex.count(r"\listoffigures") == 1
    assert tex.index(r"\listoffigures") > tex.index(r"\begin{document}")


# --- golden files and PDF ------------------------------------------------------

def test_golden_sample_matches_expected_output():
    make = shutil.which("make")
    if make is None:
        pytest.skip("make not installed")
    proc = subprocess.run([make, "-C", str(CROSSREF_DIR), "test", f"PANDOC={PANDOC}"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_pdf_numbers_agree_and_resolve(tmp_path):
    if not (shutil.which("xelatex") and shutil.which("pdftotext")):
        pytest.skip("xelatex or pdftotext not installed")
    plt = pytest.importorskip("matplotlib.pyplot")
    for name in ("a", "b"):
        fig = plt.figure(figsize=(2, 1.5))
        plt.plot([0, 1], [0, 1])
        fig.savefig(tmp_path / f"{name}.png")
        plt.close(fig)
    source = FIG_META + """\
# Results {#sec:res}

![First plot](a.png){#fig:a width=40%}

![Second plot](b.png){#fig:b width=40%}

""" + TABLE + "See [@fig:a; @fig:b], @fig:b and @tbl:acc in @sec:res.\n"
    (tmp_path / "doc.md").write_text(source)
    subprocess.run([PANDOC, "doc.md", "-N", "--lua-filter", str(FILTER),
                    "--pdf-engine=xelatex", "-o", "doc.pdf"],
                   cwd=tmp_path, check=True, capture_output=True)
    text = subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, check=True,
                          capture_output=True, text=True).stdout
    text = " ".join(text.replace(NBSP, " ").split())
    assert "Figure 1: First plot" in text
    assert "Figure 2: Second plot" in text
    assert "Table 1: Accuracy" in text
    assert "See Figures 1, 2, Figure 2 and Table 1 in sec. 1." in text
    assert "??" not in text
