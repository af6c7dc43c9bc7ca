"""Text from data reaches the report as literal characters, never as markup (property-based)."""

import shutil
import subprocess

import pypandoc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from report.tables import escape

TRICKY = "\\`*_{}[]()<>#+-.!|$%&~^@\"':;=/ \n\t"
# Characters of the Basic Multilingual Plane come out as themselves; emoji become a placeholder (tested below).
texts = st.text(
    alphabet=st.sampled_from(TRICKY) | st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0xFFFF),
    max_size=40,
)


def through_pandoc(paragraphs: list[str], to: str) -> list[str]:
    """Each escaped text as its own paragraph, read back from pandoc's output."""
    source = "\n\nSEPARATOR\n\n".join(escape(p) for p in paragraphs)
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", "markdown", "-t", to, "--wrap=none"],
        input=source, capture_output=True, text=True, check=True,
    ).stdout
    return [part.strip() for part in out.split("SEPARATOR")]


def normal(text: str) -> str:
    """Whitespace collapsed and typographic quotes straightened: what a reader sees."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"').split())


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_escaped_text_comes_out_of_pandoc_as_the_same_characters(paragraphs):
    assert [normal(p) for p in through_pandoc(paragraphs, "plain")] == [normal(p) for p in paragraphs]


def test_a_lone_colon_stays_text_and_does_not_become_a_caption():
    # ":" at the start of a paragraph would otherwise open a table caption or a definition.
    assert [normal(p) for p in through_pandoc(["", ":"], "plain")] == ["", ":"]


def test_an_injection_attempt_is_inert_in_latex_and_html():
    tweet = r"\input{/etc/passwd} $x$ #1 50% a_b {c} `code` <script>alert(1)</script>"
    (latex,) = through_pandoc([tweet], "latex")
    assert r"\input{" not in latex and r"\textbackslash input\{" in latex
    assert "$x$" not in latex and r"\$x\$" in latex
    (html,) = through_pandoc([tweet], "html")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_emoji_become_a_visible_placeholder_and_accents_stay():
    (plain,) = through_pandoc(["great \U0001F600 game, £5 café"], "plain")
    assert plain == "great (U+1F600) game, £5 café"


@pytest.mark.skipif(shutil.which("xelatex") is None or shutil.which("pdftotext") is None, reason="needs TeX")
def test_a_pdf_with_unicode_from_data_builds(tmp_path):
    markdown = tmp_path / "u.md"
    markdown.write_text(escape("Ærøskøbing £5 café naïve \U0001F525 ok") + "\n")
    pdf = tmp_path / "u.pdf"
    subprocess.run([pypandoc.get_pandoc_path(), str(markdown), "-o", str(pdf), "--pdf-engine=xelatex"],
                   check=True, capture_output=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "£5 café naïve (U+1F525) ok" in text and "Ærøskøbing" in text
