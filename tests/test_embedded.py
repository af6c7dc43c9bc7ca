"""The generated stand-in corpora: reproducible, shaped like the real data, and carrying the
effects the report discusses (confusable topics, early cues, negation, leakage, a weak market signal)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from experiments import embedded
from experiments.corpus import Corpus, split_indices
from experiments.embedded import NAMES, NEGATIVE, NEGATORS, POSITIVE, make_corpus

REAL_GROUPS = (
    "alt.atheism comp.graphics comp.os.ms-windows.misc comp.sys.ibm.pc.hardware "
    "comp.sys.mac.hardware comp.windows.x misc.forsale rec.autos rec.motorcycles "
    "rec.sport.baseball rec.sport.hockey sci.crypt sci.electronics sci.med sci.space "
    "soc.religion.christian talk.politics.guns talk.politics.mideast talk.politics.misc "
    "talk.religion.misc"
).split()


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("embedded")


@pytest.fixture(scope="module")
def corpora(cache: Path) -> dict[str, Corpus]:
    """Each quick corpus once for the module (seed 0), through the cache like the suite does."""
    return {name: make_corpus(name, cache_dir=cache) for name in NAMES}


def assert_same(a: Corpus, b: Corpus) -> None:
    for f in fields(Corpus):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert x.dtype == y.dtype, f.name
            np.testing.assert_array_equal(x, y, err_msg=f.name)
        else:
            assert x == y, f.name


def tfidf_accuracy(corpus: Corpus, train: np.ndarray, test: np.ndarray, cut=lambda words: words) -> float:
    text = lambda i: " ".join(cut(corpus.texts[i].split()))  # noqa: E731
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    x_train = vectorizer.fit_transform([text(i) for i in train])
    model = LogisticRegression(max_iter=2000, C=10).fit(x_train, corpus.labels[train])
    predicted = model.predict(vectorizer.transform([text(i) for i in test]))
    return float(np.mean(predicted == corpus.labels[test]))


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_the_same_corpus_without_the_cache(name: str, corpora, tmp_path: Path) -> None:
    assert_same(make_corpus(name, cache_dir=tmp_path), corpora[name])


@pytest.mark.parametrize("name", NAMES)
def test_another_seed_gives_other_texts(name: str, corpora, tmp_path: Path) -> None:
    other = make_corpus(name, seed=1, cache_dir=tmp_path)
    assert other.texts[:50] != corpora[name].texts[:50]
    assert other.provenance["seed"] == 1


def test_the_cache_is_read_on_the_second_call(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = make_corpus("twitter-sentiment", cache_dir=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"twitter-sentiment-seed0-quick-v{embedded.GENERATOR_VERSION}.json.gz"]

    def generate_again(*args, **kwargs):
        raise AssertionError("generated again although the cache holds the corpus")

    monkeypatch.setattr(embedded, "_twitter", generate_again)
    assert_same(make_corpus("twitter-sentiment", cache_dir=tmp_path), first)


def test_provenance_and_unlabelled_texts(corpora) -> None:
    for name, corpus in corpora.items():
        assert corpus.source == "embedded"
        assert corpus.provenance == {
            "generator": "experiments.embedded",
            "version": embedded.GENERATOR_VERSION,
            "seed": 0,
            "size": "quick",
        }
        assert len(corpus.unlabelled) == embedded.UNLABELLED[name]["quick"]
        assert not set(corpus.unlabelled[:100]) & set(corpus.texts), name


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"name": "imdb"}, "allowed: bbc, 20newsgroups"),
        ({"name": "bbc", "size": "huge"}, "quick, full"),
        ({"name": "bbc", "seed": -1}, "non-negative"),
        ({"name": "trump-market", "interval": 0}, "use 1 to 60"),
    ],
)
def test_bad_arguments_name_the_allowed_values(kwargs: dict, message: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=message):
        make_corpus(**kwargs, cache_dir=tmp_path)


def test_bbc_has_five_sorted_classes_and_drops_its_duplicates(corpora) -> None:
    bbc = corpora["bbc"]
    assert bbc.class_names == ("business", "entertainment", "politics", "sport", "tech")
    assert np.bincount(bbc.labels).min() > 80
    removed = bbc.notes["duplicates_removed"]
    # About 4 % of the generated articles are exact duplicates, as in the real corpus.
    assert 0.02 <= removed / embedded.ROWS["bbc"]["quick"] <= 0.06
    assert len(bbc) == embedded.ROWS["bbc"]["quick"] - removed
    assert len(set(bbc.texts)) == len(bbc)
    assert bbc.predefined is None and bbc.groups is None and not bbc.time_ordered
    assert 150 <= np.median([len(t.split()) for t in bbc.texts]) <= 400


def test_bbc_decisive_words_come_early_and_topics_overlap(corpora) -> None:
    bbc = corpora["bbc"]
    train, test = split_indices(bbc, "random", seed=0)
    whole = tfidf_accuracy(bbc, train, test)
    first = tfidf_accuracy(bbc, train, test, cut=lambda words: words[:60])
    last = tfidf_accuracy(bbc, train, test, cut=lambda words: words[-60:])
    assert 0.8 <= whole <= 0.97  # confusable topics and wrong labels keep it below 1
    assert first > last + 0.4


def test_newsgroups_have_the_real_names_and_a_bydate_like_split(corpora) -> None:
    ng = corpora["20newsgroups"]
    assert list(ng.class_names) == REAL_GROUPS
    assert len(np.unique(ng.labels)) == 20
    flags, counts = np.unique(ng.predefined, return_counts=True)
    assert flags.tolist() == ["test", "train"]
    assert counts[1] == round(len(ng) * 11314 / 18846)
    train, test = split_indices(ng, "predefined")
    assert 0.6 <= tfidf_accuracy(ng, train, test) <= 0.88


def test_twitter_paraphrases_share_an_id_and_a_label(corpora) -> None:
    tweets = corpora["twitter-sentiment"]
    assert tweets.class_names == ("Negative", "Neutral", "Positive")
    ids, per_id = np.unique(tweets.groups, return_counts=True)
    assert 5.5 <= per_id.mean() <= 6.5
    assert all(len(np.unique(tweets.labels[tweets.groups == g])) == 1 for g in ids[:100])
    assert 8 <= np.median([len(t.split()) for t in tweets.texts]) <= 30


def test_twitter_random_split_leaks_and_grouped_split_does_not(corpora) -> None:
    tweets = corpora["twitter-sentiment"]
    grouped = tfidf_accuracy(tweets, *split_indices(tweets, "grouped", seed=0))
    leaky = tfidf_accuracy(tweets, *split_indices(tweets, "random", seed=0))
    assert 0.6 <= grouped <= 0.85
    assert leaky > grouped + 0.1


def test_twitter_negation_flips_the_label(corpora) -> None:
    """A negator before a sentiment word reverses it, so bag-of-words models cannot reach the ceiling."""
    tweets = corpora["twitter-sentiment"]
    polarity = {**{w: "Positive" for w in POSITIVE}, **{w: "Negative" for w in NEGATIVE}}
    agree = {"plain": [], "negated": []}
    for text, label in zip(tweets.texts, tweets.labels):
        words = text.split()
        if "but" in words or tweets.class_names[label] == "Neutral":
            continue
        for i, word in enumerate(words):
            if word in polarity:
                kind = "negated" if set(words[max(0, i - 2) : i]) & set(NEGATORS) else "plain"
                agree[kind].append(polarity[word] == tweets.class_names[label])
    assert len(agree["negated"]) > 0.15 * (len(agree["plain"]) + len(agree["negated"]))
    assert np.mean(agree["plain"]) > 0.85
    assert np.mean(agree["negated"]) < 0.15


def test_trump_market_is_time_ordered_with_a_weak_signal(corpora, cache: Path) -> None:
    five = corpora["trump-market"]
    assert five.time_ordered and five.class_names == ("down or flat", "up")  # the real files' names
    assert five.notes["interval_minutes"] == 5
    assert 0.5 <= five.labels.mean() <= 0.58
    train, test = split_indices(five, "time")
    majority = np.mean(five.labels[test] == np.bincount(five.labels[train]).argmax())
    assert abs(tfidf_accuracy(five, train, test) - majority) < 0.07
    fifty = make_corpus("trump-market", interval=50, cache_dir=cache)
    assert fifty.texts == five.texts  # the same tweets, read over a longer interval
    assert 0.55 <= np.mean(fifty.labels == five.labels) < 0.95


def test_trump_market_notes_say_what_was_planted(corpora) -> None:
    """A report on generated tweets can then say what a model could have found: the moving topics' share, and
    the ceiling of a rule that knows each tweet's topic, above the majority class but not far."""
    five = corpora["trump-market"]
    assert 0.3 < five.notes["moving_topic_share"] < 0.4  # 0.14 + 0.08 + 0.05 + 0.08 of the topic shares
    majority = max(five.labels.mean(), 1 - five.labels.mean())
    assert five.notes["majority_accuracy"] == pytest.approx(majority)
    assert majority < five.notes["topic_rule_accuracy"] < majority + 0.15
