"""The PDF check refuses text that runs into the right margin or below the foot of the page, on both engines."""

import shutil

import pytest

from report import build
from report.build import BuildError, check_layout, run_latex

PROSE = "\n\n".join(
    "The networks read a window of each post through frozen vectors, and the linear model reads every word of it. "
    * 3 for _ in range(14)
)
#: A fingerprint-like cell with no place to break: the provenance table's case.
UNBREAKABLE = "`" + "0123456789abcdef" * 8 + "`"


def markdown(tmp_path, extra: str):
    path = tmp_path / "report.md"
    path.write_text(f"---\ntitle: Layout\n---\n\n# Chapter\n\n{PROSE}\n\n{extra}\n\n{PROSE}\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    return path


TABLE = f"""| Dataset | Fingerprint |
| --- | --- |
| bbc | {UNBREAKABLE} |

: Data behind the results. {{#tbl:data}}

See @tbl:data."""


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs a TeX engine (make tex)")
def test_a_table_cell_running_into_the_right_margin_fails_the_latex_build(tmp_path):
    with pytest.raises(BuildError, match=r"pt into the right margin \('0123456789abcdef"):
        build.build_pdf(markdown(tmp_path, TABLE), tmp_path / "report.pdf", root=tmp_path,
                        bibliography=tmp_path / "refs.bib", engine="xelatex")
    assert not (tmp_path / "report.pdf").exists()


def test_a_table_cell_running_into_the_right_margin_fails_the_typst_build(tmp_path):
    with pytest.raises(BuildError, match="into the right margin"):
        build.build_pdf(markdown(tmp_path, TABLE), tmp_path / "report.pdf", root=tmp_path,
                        bibliography=tmp_path / "refs.bib", engine="typst")
    assert not (tmp_path / "report.pdf").exists()


def test_the_same_document_without_the_long_cell_passes_on_both_engines(tmp_path):
    engines = ["typst"] + (["xelatex"] if shutil.which("xelatex") else [])
    for engine in engines:
        out = build.build_pdf(markdown(tmp_path, TABLE.replace(UNBREAKABLE, "`4299a3dc`")), tmp_path / f"{engine}.pdf",
                              root=tmp_path, bibliography=tmp_path / "refs.bib", engine=engine)
        assert out.is_file()


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs a TeX engine (make tex)")
def test_text_set_below_the_foot_of_the_page_is_found_and_named_by_its_page(tmp_path):
    # The Typst case of the real report: rows printed past the foot, over the page number. Here a
    # page is made longer than the others, so its last lines sit below every other page's foot.
    paragraphs = "\n\n".join("Rows of a table that does not fit its page. " * 8 for _ in range(60))
    stretched = paragraphs.replace("\n\n", "\n\n\\enlargethispage{2.5cm}\n\n", 1)
    tex = tmp_path / "latex" / "doc.tex"
    tex.parent.mkdir()
    tex.write_text(f"\\documentclass{{article}}\\begin{{document}}\n{stretched}\n\\end{{document}}\n")
    pdf = run_latex(tex, "xelatex", root=tmp_path)
    with pytest.raises(BuildError, match=r"page 1: text [\d.]+ pt down onto the page number"):
        check_layout(pdf, margin=3.8)  # article.cls's default text block leaves more than that at the right


def test_a_table_longer_than_the_page_breaks_across_pages_in_typst_instead_of_running_over_the_page_number(tmp_path):
    # Typst set such a table as one unbreakable figure: its last rows were printed over the foot of the page.
    rows = "\n".join(f"| LSTM per market interval, interval {i} | 0.5{i:02d} | [0.480, 0.540] |" for i in range(70))
    long_table = f"| Model | Accuracy | 95 % CI |\n| --- | ---: | ---: |\n{rows}\n\n: Every model. {{#tbl:long}}\n\nSee @tbl:long."
    out = build.build_pdf(markdown(tmp_path, long_table), tmp_path / "report.pdf", root=tmp_path,
                          bibliography=tmp_path / "refs.bib", engine="typst")
    import pypdfium2

    assert len(pypdfium2.PdfDocument(str(out))) >= 4  # the table went on over the following pages
