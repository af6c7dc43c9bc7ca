"""The vectorizer learns its vocabulary from the training split only."""

import numpy as np

from experiments.corpus import Corpus, split_indices
from experiments.vectorize import OOV, PAD, TextVectorizer, tokenize


def test_tokenize_keeps_inner_apostrophes_and_drops_punctuation():
    assert tokenize("Don't PANIC, it's 42!") == ["don't", "panic", "it's", "42"]


def test_words_seen_only_in_the_test_split_never_enter_the_vocabulary():
    train = ["shares fell sharply", "the match was won"]
    test = ["zyzzyva quokka shares"]
    vectorizer = TextVectorizer(max_tokens=100, seq_len=5).fit(train)
    assert "zyzzyva" not in vectorizer.vocabulary_ and "quokka" not in vectorizer.vocabulary_
    row = vectorizer.transform(test)[0]
    assert list(row[:3]) == [OOV, OOV, vectorizer.vocabulary_["shares"]]


def test_rows_are_post_padded_and_truncated_to_seq_len():
    vectorizer = TextVectorizer(max_tokens=10, seq_len=3).fit(["a b c d"])
    rows = vectorizer.transform(["a", "a b c d"])
    assert rows.shape == (2, 3) and rows.dtype == np.int32
    assert rows[0, 1] == PAD and rows[0, 2] == PAD and PAD not in rows[1]


def test_the_vocabulary_keeps_the_most_frequent_words_and_ignores_row_order():
    texts = ["b b b a a c", "c d"]
    one = TextVectorizer(max_tokens=2).fit(texts)
    two = TextVectorizer(max_tokens=2).fit(texts[::-1])
    assert one.vocabulary_ == two.vocabulary_ == {"b": 2, "a": 3} or one.vocabulary_ == {"b": 2, "c": 3}
    assert one.vocab_size == 4


def test_a_vectorizer_fitted_after_an_honest_split_has_no_test_only_word():
    rng = np.random.default_rng(0)
    texts = [f"common word{rng.integers(1000)}" for _ in range(200)]
    corpus = Corpus("toy", texts, np.arange(200) % 2, ("a", "b"), "embedded")
    train, test = split_indices(corpus, "random", test_size=0.3)
    vocab = TextVectorizer(max_tokens=10_000).fit([texts[i] for i in train]).vocabulary_
    test_only = {w for i in test for w in tokenize(texts[i])} - {w for i in train for w in tokenize(texts[i])}
    assert test_only and not test_only & set(vocab)
