"""A dataset of one's own: a CSV declared in one place becomes a corpus, runs the suite, and gets a chapter."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from experiments import owndata, studies
from experiments.paths import ROOT


def write_reviews(folder: Path, rows: int = 200) -> Path:
    """``rows`` short reviews, positive or negative by their words, a tenth labelled against them."""
    rng = random.Random(0)
    words = {"pos": "great love excellent wonderful happy superb".split(), "neg": "awful hate terrible poor sad broken".split()}
    filler = "the a product it was and this very my i".split()
    path = folder / "reviews.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["review", "stars", "shop"])
        for i in range(rows):
            label = rng.choice(["pos", "neg"])
            said = rng.choices(words[label], k=2) + rng.choices(words["pos"] + words["neg"], k=2) + rng.choices(filler, k=6)
            rng.shuffle(said)
            shown = label if rng.random() > 0.1 else {"pos": "neg", "neg": "pos"}[label]
            out.writerow([" ".join(said), shown, f"shop{i % 7}"])
        out.writerow(["", "pos", "shop0"])  # an empty text, dropped
        out.writerow(["great great love", "pos", "shop1"])
        out.writerow(["great great love", "pos", "shop2"])  # an exact duplicate, dropped
    return path


@pytest.fixture
def declared(tmp_path, monkeypatch) -> Path:
    write_reviews(tmp_path)
    registry = tmp_path / "datasets.toml"
    registry.write_text('[mine]\ntitle = "My reviews"\npath = "reviews.csv"\ntext = "review"\nlabel = "stars"\n', encoding="utf-8")
    monkeypatch.setenv("TEXTCLF_DATASETS", str(registry))
    return registry


def test_a_declared_csv_becomes_a_corpus_without_empty_or_duplicate_texts(declared):
    corpus = owndata.load("mine")
    assert corpus.class_names == ("neg", "pos") and corpus.source == "real"
    assert len(corpus) == 201 and corpus.notes["duplicates_removed"] == 1 and corpus.notes["rows_read"] == 202
    assert [s.id for s in studies.find("mine-*")] == ["mine-majority", "mine-tfidf-logreg", "mine-dense", "mine-lstm"]


def test_a_group_column_makes_the_split_grouped_and_a_missing_column_is_named(declared):
    declared.write_text('[mine]\npath = "reviews.csv"\ntext = "review"\nlabel = "stars"\ngroup = "shop"\n', encoding="utf-8")
    assert owndata.declared()["mine"].split == "grouped"
    assert len(set(owndata.load("mine").groups)) == 7
    declared.write_text('[mine]\npath = "reviews.csv"\ntext = "body"\nlabel = "stars"\n', encoding="utf-8")
    with pytest.raises(owndata.OwnDataError, match=r"no column\(s\) \['body'\]; its columns: \['review', 'stars', 'shop'\]"):
        owndata.load("mine")


def test_a_declaration_with_an_unknown_key_is_refused_naming_the_allowed_ones(declared):
    declared.write_text('[mine]\npath = "reviews.csv"\ntext = "review"\nlabels = "stars"\n', encoding="utf-8")
    with pytest.raises(owndata.OwnDataError, match=r"unknown key\(s\) \['labels'\] or lacks \['label'\]"):
        owndata.declared()


@pytest.mark.slow
def test_the_suite_runs_on_it_and_the_report_gives_it_a_chapter(declared, tmp_path):
    env = {**os.environ, "TEXTCLF_DATASETS": str(declared)}
    run = subprocess.run([sys.executable, "-m", "experiments", "run", "--only", "mine-*", "--quiet",
                          "--results-dir", str(tmp_path / "results"), "--images-dir", str(tmp_path / "images")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    render = subprocess.run([sys.executable, "-m", "report", "--root", str(tmp_path), "--results-dir",
                             str(tmp_path / "results"), "markdown"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert render.returncode == 0, render.stderr
    report = (tmp_path / "build" / "report.md").read_text(encoding="utf-8")
    chapter = report[report.index("# My reviews {#sec:own-mine}"):]
    assert "declared as `mine` in `datasets.toml`" in chapter and "a random split with" in chapter
    for model in ("Majority class", "Dense baseline", "LSTM(64)"):
        assert model in chapter
