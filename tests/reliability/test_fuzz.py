"""The tokenizer and the vectorizer accept any text (property-based)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.vectorize import OOV, PAD, TextVectorizer, tokenize

any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_tokens_are_non_empty_lowercase_words_without_spaces(text):
    for token in tokenize(text):
        assert token and not any(c.isspace() for c in token)
        assert token == token.lower() or token.lower() != token.lower().lower()


@settings(max_examples=100, deadline=None)
@given(st.lists(any_text, min_size=1, max_size=20), st.lists(any_text, max_size=20), st.integers(1, 50))
def test_any_texts_vectorize_to_ids_inside_the_vocabulary(train, other, seq_len):
    vectorizer = TextVectorizer(max_tokens=30, seq_len=seq_len).fit(train)
    rows = vectorizer.transform(train + other)
    assert rows.shape == (len(train) + len(other), seq_len) and rows.dtype == np.int32
    assert rows.min() >= PAD and rows.max() < vectorizer.vocab_size
    # Post-padding: once a row reaches padding it stays padding.
    for row in rows:
        seen_pad = np.cumsum(row == PAD) > 0
        assert np.all(row[seen_pad] == PAD)
    assert OOV == 1 and len(vectorizer.vocabulary_) <= 30
