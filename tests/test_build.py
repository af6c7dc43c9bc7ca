"""The LaTeX step keeps its auxiliary files between builds, like latexmk, and reports TeX errors briefly."""

import shutil
import subprocess

import pytest

from report import build
from report.build import BuildError, run_latex

#: Only the tests that run a TeX engine need one; the pandoc and rewriting rules are checked everywhere.
needs_tex = pytest.mark.skipif(shutil.which("xelatex") is None, reason="needs a TeX engine (make tex)")

BODY = r"""\tableofcontents
\section{%s}\label{sec:a}
See section~\ref{sec:a} on page~\pageref{sec:a}."""


@pytest.fixture
def passes(monkeypatch):
    """Counts the engine runs of each build."""
    calls = []
    real = subprocess.run

    def counting(command, **kwargs):
        calls.append(command[0])
        return real(command, **kwargs)

    monkeypatch.setattr(build.subprocess, "run", counting)
    return calls


def latex_document(tmp_path, body: str, packages: str = ""):
    """``body`` as a whole LaTeX document in tmp_path/latex/doc.tex."""
    tex = tmp_path / "latex" / "doc.tex"
    tex.parent.mkdir(exist_ok=True)
    tex.write_text(f"\\documentclass{{article}}{packages}\\begin{{document}}\n{body}\n\\end{{document}}\n")
    return tex


def write(tmp_path, title="First"):
    return latex_document(tmp_path, BODY % title)


def text_of(pdf):
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@needs_tex
def test_a_first_build_runs_until_the_references_settle_and_a_prose_edit_needs_one_pass(tmp_path, passes):
    pdf = run_latex(write(tmp_path), "xelatex", root=tmp_path)
    assert len(passes) >= 2 and "??" not in text_of(pdf)

    passes.clear()
    tex = write(tmp_path)
    tex.write_text(tex.read_text().replace("See section", "Read section"))
    run_latex(tex, "xelatex", root=tmp_path)
    assert len(passes) == 1


@needs_tex
def test_a_changed_heading_reruns_until_the_contents_show_it(tmp_path, passes):
    run_latex(write(tmp_path), "xelatex", root=tmp_path)
    passes.clear()
    pdf = run_latex(write(tmp_path, title="Renamed"), "xelatex", root=tmp_path)
    assert len(passes) >= 2
    assert text_of(pdf).count("Renamed") == 2  # heading and table of contents


@needs_tex
def test_garbage_left_in_the_auxiliary_files_is_thrown_away_and_the_build_succeeds(tmp_path):
    tex = write(tmp_path)
    tex.with_suffix(".aux").write_text("\\relax\n\\undefinedmacro{")
    pdf = run_latex(tex, "xelatex", root=tmp_path)
    assert "First" in text_of(pdf)


@needs_tex
def test_a_tex_error_is_reported_by_its_own_lines_not_the_whole_log(tmp_path):
    tex = write(tmp_path)
    tex.write_text(tex.read_text().replace("See section", r"\nosuchmacro See section"))
    with pytest.raises(BuildError) as caught:
        run_latex(tex, "xelatex", root=tmp_path)
    message = str(caught.value)
    assert "! Undefined control sequence." in message and r"\nosuchmacro" in message
    assert len(message.splitlines()) < 10


@pytest.mark.parametrize("to, expected", [("latex", r"\fbox{\parbox"), ("html", 'style="border: 1px solid')])
def test_a_missing_result_is_a_framed_box_in_latex_and_html(to, expected):
    import pypandoc

    markdown = "::: {.missing}\n**Not run yet:** `make experiments ONLY=bbc-dense`\n:::\n"
    out = pypandoc.convert_text(markdown, to, format="markdown", filters=[str(build.LAYOUT_LUA)])
    assert expected in out and "Not run yet" in out


def pandoc_table(rows: int, cell: str = "b") -> str:
    """A table as pandoc writes it in LaTeX: a longtable with a caption and a repeated head."""
    import pypandoc

    markdown = "| a | b |\n|---|---|\n" + "".join(f"| a{i} | {cell}{i} |\n" for i in range(rows)) + "\n: Caption {#tbl:x}\n"
    return pypandoc.convert_text(markdown, "latex", format="markdown")


def test_a_table_shorter_than_a_page_floats_like_a_figure_and_a_longer_one_may_break():
    short = build.float_short_tables(pandoc_table(5))
    assert "\\begin{table}[htbp]" in short and "\\begin{tabular}" in short and "longtable" not in short
    assert "\\caption{Caption}" in short and "a4 & b4" in short and short.count("\\bottomrule") == 1
    long = pandoc_table(60)
    assert build.float_short_tables(long) == long


def test_a_short_table_set_small_stays_small_inside_its_float_which_resets_the_font_size():
    import pypandoc

    markdown = "::: {.small}\n| a | b |\n|---|---|\n| a0 | b0 |\n\n: Caption {#tbl:x}\n:::\n"
    tex = pypandoc.convert_text(markdown, "latex", format="markdown", filters=[str(build.LAYOUT_LUA)])
    floated = build.float_short_tables(tex)
    assert "\\begin{table}[htbp]\n\\centering\n\\footnotesize\n\\caption{Caption}" in floated
    assert "\\footnotesize" not in build.float_short_tables(pandoc_table(5)).split("\\begin{table}")[1]


@needs_tex
def test_a_figure_taller_than_the_page_fails_the_build(tmp_path):
    tex = latex_document(tmp_path, "Text.\n\\begin{figure}\\rule{1cm}{1.2\\textheight}\\caption{Too tall.}\\end{figure}")
    with pytest.raises(BuildError, match=r"a float at line \d+ of the LaTeX source: [\d.]+ pt taller than the page"):
        run_latex(tex, "xelatex", root=tmp_path)


@needs_tex
def test_a_table_taller_than_a_page_breaks_instead_of_running_off_it(tmp_path):
    # The old rule held every table of up to 20 rows together: 18 rows of wrapped
    # prose then ran past the bottom margin and the text after it was lost.
    table = pandoc_table(18, "words " * 60)
    body = build.float_short_tables(table)
    assert "\\begin{longtable}" in body and "\\begin{table}" not in body  # the rule kept it breakable
    packages = "\\usepackage{longtable,booktabs,array,calc}"
    tex = latex_document(tmp_path, body + "\\section{After the table}\nThe last words.", packages)
    pdf = run_latex(tex, "xelatex", root=tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "a17" in text and "After the table" in text and "The last words." in text


@needs_tex
def test_content_pushed_off_a_page_fails_the_build_naming_the_page(tmp_path):
    tex = latex_document(tmp_path, "First page.\\newpage\n\\vbox to 1.5\\textheight{\\hbox{A box taller than the page.}\\vfil}")
    with pytest.raises(BuildError, match=r"content falls off the page in the PDF \(page 2: [\d.]+ pt past the bottom"):
        run_latex(tex, "xelatex", root=tmp_path)


@pytest.mark.parametrize("to, expected", [("latex", r"\begingroup\footnotesize"), ("html", 'style="font-size: 85%;"')])
def test_a_table_marked_small_is_set_smaller_in_latex_and_html(to, expected):
    import pypandoc

    out = pypandoc.convert_text("::: {.small}\n| a | b |\n|---|---|\n| 1 | 2 |\n:::\n", to, format="markdown",
                                filters=[str(build.LAYOUT_LUA)])
    assert expected in out
