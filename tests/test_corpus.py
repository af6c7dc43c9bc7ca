"""Splits are honest: nothing that identifies a test example is on the training side."""

import numpy as np
import pytest

from experiments.corpus import Corpus, linked_groups, split_indices
from experiments.data import make_splits
from experiments.embedded import make_corpus
from experiments.specs import DataSpec


@pytest.fixture(scope="module")
def tweets(tmp_path_factory):
    return make_corpus("twitter-sentiment", cache_dir=tmp_path_factory.mktemp("cache"))


def test_no_tweet_id_or_text_is_on_both_sides_of_the_grouped_split(tweets):
    splits = make_splits(tweets, DataSpec("twitter-sentiment", split="grouped"))
    sides = [splits.train, splits.validation, splits.test]
    for a in range(3):
        for b in range(a + 1, 3):
            assert not set(sides[a].groups.tolist()) & set(sides[b].groups.tolist())
            assert not set(sides[a].texts) & set(sides[b].texts)
    assert len(splits.train) + len(splits.validation) + len(splits.test) == len(tweets)


def test_the_random_split_of_paraphrased_tweets_does_leak_which_is_why_both_are_reported(tweets):
    splits = make_splits(tweets, DataSpec("twitter-sentiment", split="random"))
    assert set(splits.train.groups.tolist()) & set(splits.test.groups.tolist())


def test_groups_sharing_an_identical_text_are_merged():
    groups = np.array([1, 1, 2, 3, 3])
    texts = ["a", "b", "c", "c ", "d"]
    merged = linked_groups(groups, texts)
    assert merged[2] == merged[3] == merged[4] and merged[0] == merged[1] != merged[2]


def test_a_time_split_holds_out_the_latest_rows():
    corpus = Corpus("t", [str(i) for i in range(10)], np.zeros(10, int), ("a",), "embedded", time_ordered=True)
    train, test = split_indices(corpus, "time", test_size=0.3)
    assert list(test) == [7, 8, 9] and train.max() < test.min()


def test_the_random_split_is_stratified_and_disjoint():
    labels = np.array([0] * 80 + [1] * 20)
    corpus = Corpus("r", [f"t{i}" for i in range(100)], labels, ("a", "b"), "embedded")
    train, test = split_indices(corpus, "random", test_size=0.25, seed=3)
    assert not set(train) & set(test) and len(test) == 25
    assert (labels[test] == 1).sum() == 5


def test_a_class_missing_from_a_split_is_a_clear_error():
    labels = np.array([0] * 30 + [1])
    corpus = Corpus("tiny", [f"t{i}" for i in range(31)], labels, ("common", "rare"), "embedded")
    with pytest.raises(ValueError, match=r"\['rare'\] have no examples in the (train|test) split"):
        make_splits(corpus, DataSpec("bbc", split="random", test_size=0.2))
