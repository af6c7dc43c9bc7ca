"""A broken template or a missing figure names the template and line, and leaves no report behind."""

import pytest

from report.render import TemplateError, write_markdown


@pytest.mark.parametrize(
    "chapter, message",
    [
        ("ok\n{% for x in [1] %}\nnever closed\n", r"templates/20-broken.md.j2:\d+: Unexpected end of template"),
        ("one\ntwo\n{{ no_such_helper(3) }}\n", r"templates/20-broken.md.j2:3: 'no_such_helper' is undefined"),
        ("a\n{{ figure('images/nope.png', 'Cap', 'fig:nope') }}\n",
         r"templates/20-broken.md.j2:2: figure file images/nope.png does not exist"),
    ],
)
def test_a_broken_template_names_file_and_line_and_writes_nothing(tmp_path, template_project, chapter, message):
    templates = template_project(chapter, name="20-broken.md.j2")
    out = tmp_path / "build" / "report.md"
    with pytest.raises(TemplateError, match=message):
        write_markdown(templates, tmp_path / "results", tmp_path / "images", out)
    assert not out.exists() and not list((tmp_path / "build").glob("*"))
