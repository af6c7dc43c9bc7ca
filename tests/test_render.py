"""Templates are plain Jinja with a few helpers; mistakes name the template and line."""

import pytest

from report.build import BuildError, pandoc
from report.figures import figure
from report.render import TemplateError, write_markdown
from report.tables import code, count, escape, fmt, pct, table


def test_number_helpers():
    assert fmt(0.91234) == "0.912" and fmt(2, 1) == "2.0"
    assert pct(0.9123) == "91.2\u00a0%"
    assert count(85248) == "85,248"


def test_figure_and_table_carry_crossref_labels():
    assert figure("images/a.png", "Cap", "fig:a", "50%") == "![Cap](images/a.png){#fig:a width=50%}"
    md = table(["A", "B"], [[1, 2]], "Cap", "tbl:t", "lr")
    assert md.splitlines()[:3] == ["| A | B |", "| :--- | ---: |", "| 1 | 2 |"] and md.endswith(": Cap {#tbl:t}\n")
    wide = table(["Model", "p"], [["a much longer model name", "0.1"]], "Cap", "tbl:w", "lr")
    assert wide.splitlines()[1] == "| :" + "-" * 24 + " | ---: |"  # dashes give pandoc relative widths
    with pytest.raises(ValueError, match="must start with 'fig:'"):
        figure("a.png", "Cap", "tbl:a")


def test_a_long_header_wraps_instead_of_taking_the_width_an_unbreakable_cell_needs():
    md = table(["Source", "Tokens (median / 99 %)"], [["embedded", "19 / 61"]], "Cap", "tbl:t", "lr")
    source, tokens = (len(cell.strip(" :")) for cell in md.splitlines()[1].strip("|").split("|"))
    assert source >= len("embedded") and tokens < len("Tokens (median / 99 %)")


def test_a_table_whose_unbreakable_columns_do_not_fit_is_set_small_and_prose_wraps():
    rows = [["a model with a long descriptive title", "0.935 [0.917, 0.951]", "0.935 [0.917, 0.951]",
             "< 0.001", "not significant at 5%"]]
    md = table(["Model", "Accuracy", "Macro-F1", "p", "Verdict"], rows, "Cap", "tbl:s", "lrrrl")
    assert md.startswith("::: {.small}\n") and md.endswith(":::\n")
    model, *fixed = (len(cell.strip(" :")) for cell in md.splitlines()[2].strip("|").split("|"))
    assert fixed == [20, 20, 7, 21] and len("a model") <= model < len(rows[0][0])
    assert not table(["A", "B"], [["1", "2"]], "Cap", "tbl:n").startswith(":::")


def test_where_a_table_needs_more_than_the_page_its_prose_columns_give_way_before_its_numbers():
    interval = "0.059 [0.048, 0.069]"
    rows = [["LSTM(30), frozen pre-trained vectors (the same computation)", interval, interval, interval,
             "< 0.001 (McN)", "less accurate"]]
    md = table(["Model", "Accuracy", "Macro-F1", "Recall", "Holm p", "Verdict"], rows, "Cap", "tbl:w", "lrrrrl")
    model, *fixed = (len(cell.strip(" :")) for cell in md.splitlines()[2].strip("|").split("|"))
    # The numbers keep every character they need; the title wraps down to its longest word.
    assert fixed == [20, 20, 20, 13, 13] and model == len("computation)")
    # Two prose columns share a small excess in proportion: neither is squeezed to a word a line.
    step = "a split by time, not a shuffled one (the original's split is unstated)"
    two = table(["Run", "Step", "Accuracy", "Effect", "Interval", "Holm p"],
                [["3a, interval 10", step, rows[0][0], "+0.168 [+0.154, +0.183]", interval, "< 0.001"]],
                "Cap", "tbl:t", "llllll")
    _, step_width, model_width, effect, *_ = (len(c.strip(" :")) for c in two.splitlines()[2].strip("|").split("|"))
    assert effect == len("+0.168 [+0.154, +0.183]") and step_width > len("original's") and model_width > len("computation)")
    # Where the page has room the prose column keeps its share.
    roomy = table(["Model", "Accuracy"], [[rows[0][0], interval]], "Cap", "tbl:r", "lr")
    assert len(roomy.splitlines()[2].strip("|").split("|")[0].strip(" :")) > len("computation)")


def test_code_keeps_ids_and_file_names_literal_without_backslashes():
    assert code("trump_tweets_spx/lstm/10.csv") == "`trump_tweets_spx/lstm/10.csv`"
    assert code("a`b") == "`` a`b ``"


def test_escape_makes_markup_from_data_literal():
    assert escape("a_b *c* $x$ #tag") == r"a\_b \*c\* \$x\$ \#tag"


def test_a_missing_result_renders_a_visible_box_and_a_warning(tmp_path, template_project):
    templates = template_project('{% call(r) with_runs("bbc-dense") %}{{ r.metrics.accuracy }}{% endcall %}\n')
    out = tmp_path / "report.md"
    warnings = write_markdown(templates, tmp_path / "results", tmp_path / "images", out)
    assert warnings == ["not run yet: bbc-dense"]
    text = out.read_text()
    assert "::: {.missing}" in text and "**Not run yet.**" in text
    assert "\n`make experiments ONLY=bbc-dense`\n" in text  # the command on a line of its own


def test_an_undefined_variable_is_an_error_naming_the_template_and_line(tmp_path, template_project):
    templates = template_project("line one\n{{ no_such_thing }}\n")
    with pytest.raises(TemplateError, match=r"templates/10-chapter.md.j2:2: 'no_such_thing' is undefined"):
        write_markdown(templates, tmp_path / "results", tmp_path / "images", tmp_path / "report.md")


def test_an_unclosed_block_is_an_error_naming_the_template_and_line(tmp_path, template_project):
    templates = template_project("text\n{% if true %}\nnever closed\n")
    with pytest.raises(TemplateError, match=r"templates/10-chapter.md.j2:\d+: .*"):
        write_markdown(templates, tmp_path / "results", tmp_path / "images", tmp_path / "report.md")


def test_an_unknown_cross_reference_stops_the_build_naming_label_and_template(tmp_path, template_project):
    templates = template_project("# Chapter {#sec:c}\n\nSee [@fig:nowhere].\n")
    out = tmp_path / "report.md"
    write_markdown(templates, tmp_path / "results", tmp_path / "images", out)
    with pytest.raises(BuildError) as caught:
        pandoc(out, tmp_path / "report.html", root=tmp_path, bibliography=templates / "references.bib", extra=[])
    assert "fig:nowhere" in str(caught.value) and "templates/10-chapter.md.j2" in str(caught.value)
    assert not (tmp_path / "report.html").exists()  # no partial output left behind


def test_a_table_the_text_never_refers_to_stops_the_render_naming_its_label_and_template(tmp_path, template_project):
    table = "| A |\n| --- |\n| 1 |\n\n: A table. {#tbl:lonely}\n"
    templates = template_project(f"# Chapter {{#sec:c}}\n\n{table}")
    with pytest.raises(TemplateError, match=r"never referred to in the text: tbl:lonely \(templates/10-chapter.md.j2\)"):
        write_markdown(templates, tmp_path / "results", tmp_path / "images", tmp_path / "report.md")
    template_project(f"# Chapter {{#sec:c}}\n\n@tbl:lonely holds one number.\n\n{table}")
    write_markdown(templates, tmp_path / "results", tmp_path / "images", tmp_path / "report.md")


def test_a_preview_page_carries_the_number_of_its_own_build_so_a_quick_rebuild_still_reloads_it(tmp_path, template_project):
    # A page that learnt its build number from its first poll missed a build that landed before that poll.
    from report.preview import Preview

    templates = template_project("{{ no_such_helper() }}\n")
    preview = Preview(templates, tmp_path / "results", tmp_path / "images", tmp_path / "build")
    preview.rebuild()
    preview.rebuild()
    number, page = preview.current
    assert number == 2 and b'var shown = "2"' in page and b"could not be built" in page


def test_a_many_class_matrix_is_read_as_its_largest_confusions_and_the_classes_predictions_pile_up_on():
    from report.runs import Run
    from report.tables import confusions

    # Three classes: a is taken for c on 8 of its 10 rows, b for c on 4 of 10; c is predicted 22 times for 10 rows.
    matrix = [[2, 0, 8], [0, 6, 4], [0, 0, 10]]
    run = Run("x", [{"class_names": ["a", "b", "c"], "metrics": {"confusion_matrix": matrix}}])
    said = confusions(run, count=2)
    assert said["largest"] == [{"share": 0.8, "true": "a", "predicted": "c"}, {"share": 0.4, "true": "b", "predicted": "c"}]
    assert said["drawn"] == [{"name": "c", "predicted": 22, "actual": 10}]
    balanced = Run("y", [{"class_names": ["a", "b"], "metrics": {"confusion_matrix": [[9, 1], [1, 9]]}}])
    assert confusions(balanced)["drawn"] == []


def test_datasets_whose_networks_train_on_a_sample_of_the_rows_the_references_fit_are_named_with_both_counts():
    from report.runs import Run
    from report.tables import sampled

    def network(run_id: str, dataset: str, cap, available: int, trained: bool = True) -> Run:
        return Run(run_id, [{"spec": {"id": run_id, "data": {"max_train": cap}},
                             "data": {"dataset": dataset, "available_train": available},
                             "training": {"epochs_run": 3} if trained else None}])

    runs = {r.id: r for r in [
        network("ng-lstm", "20newsgroups", 3000, 3002),
        network("ng-rnn", "20newsgroups", 3000, 3002),
        network("bbc-lstm", "bbc", 1000, 1000),  # the cap takes every row: nothing to say
        network("market-lstm", "trump-market", None, 9000),  # no cap
        network("ng-tfidf", "20newsgroups", 10, 3002, trained=False),  # a reference: never sampled
    ]}
    assert sampled(runs) == [("20 Newsgroups", 3000, 3002)]


def test_the_data_table_has_a_row_per_split_titled_by_the_dataset_and_says_where_duplicates_were_not_checked():
    from report.runs import Run
    from report.tables import dataset_rows

    def majority(split: str, sizes: tuple[int, int, int], notes: dict) -> Run:
        train, validation, test = sizes
        return Run(f"twitter-majority@split={split}", [{
            "spec": {"id": f"twitter-majority@split={split}"}, "class_names": ["a", "b", "c"],
            "data": {"dataset": "twitter-sentiment", "source": "real", "split": split, "notes": notes,
                     "sizes": {"train": train, "validation": validation, "test": test},
                     "train_lengths": {"p50": 15.6, "p99": 60.2}}}])

    rows = dataset_rows({"twitter-sentiment": majority("random", (4320, 480, 1200), {"duplicates_removed": 2340}),
                         "twitter-sentiment, grouped": majority("grouped", (4306, 479, 1215), {})})
    assert rows == [["Entity sentiment", "real", "random", "4,800", "1,200", "3", "16 / 60", "2,340"],
                    ["Entity sentiment", "real", "grouped", "4,785", "1,215", "3", "16 / 60", "not checked"]]
    kept = dataset_rows({"m": majority("time", (100, 10, 30), {"duplicate_rows": 126})})
    assert kept[0][-1] == "none; 126 kept"


def test_networks_built_alike_share_one_layer_table_whose_caption_names_each():
    """One LSTM on two splits has the same layers and counts: the appendix lists it once, not twice."""
    from report.runs import Run
    from report.tables import layer_table

    def network(name, units, vocab=5000):
        layers = [{"layer": "lstm", "type": "LSTM", "output_shape": f"(None, {units})", "params": 4 * units * (units + 51)}]
        return Run(name, [{"id": name, "model": {"layers": layers, "vocab_size": vocab, "vectors": {"dim": 50}}}])

    listed = []
    assert layer_table(listed, network("random", 128), "twitter-lstm-random", "LSTM, random split") == "twitter-lstm-random"
    assert layer_table(listed, network("grouped", 128), "twitter-lstm-grouped", "LSTM, grouped split") == "twitter-lstm-random"
    # Another size of vocabulary or another layer is another network, with a table of its own.
    assert layer_table(listed, network("other", 128, vocab=6000), "other", "Other") == "other"
    assert layer_table(listed, network("wide", 256), "wide", "Wide") == "wide"
    assert [(key, titles) for _, key, titles in listed] == [
        ("twitter-lstm-random", ["LSTM, random split", "LSTM, grouped split"]), ("other", ["Other"]), ("wide", ["Wide"])]


def test_training_counts_are_given_seed_by_seed_where_the_seeds_differ():
    from report.runs import Run
    from report.tables import per_seed

    def seed(epochs):
        return {"training": {"epochs_run": epochs}}

    assert per_seed(Run("a", [seed(14), seed(17), seed(12)]), "training", "epochs_run") == "14, 17 and 12"
    assert per_seed(Run("b", [seed(50), seed(50)]), "training", "epochs_run") == "50"
