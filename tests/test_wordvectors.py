"""Word vectors come from a local file when there is one, and are trained on training texts otherwise."""

import numpy as np
import pytest
from gensim.models import KeyedVectors

from experiments.vectorize import TextVectorizer
from experiments.wordvectors import embedding_matrix, load_word_vectors

TEXTS = ["the market rose on strong trade news", "the team won the match at home"] * 50


def test_a_local_glove_text_file_is_read_without_training(tmp_path):
    folder = tmp_path / "vectors"
    folder.mkdir()
    rows = [f"{w} " + " ".join(["0.5"] * 100) for w in ("market", "team")]
    (folder / "glove.6B.100d.txt").write_text("\n".join(rows) + "\n")
    vectors = load_word_vectors("glove-wiki-gigaword-100", dim=100, train_texts=TEXTS, data_dir=tmp_path,
                                cache_dir=tmp_path / "cache", download=False)
    assert vectors.origin == "file:glove.6B.100d.txt"
    assert np.allclose(vectors.vectors["market"], 0.5)


def test_a_local_word2vec_binary_file_is_read(tmp_path):
    kv = KeyedVectors(vector_size=300)
    kv.add_vectors(["market", "team"], np.ones((2, 300), dtype=np.float32))
    (tmp_path / "vectors").mkdir()
    kv.save_word2vec_format(str(tmp_path / "vectors" / "GoogleNews-vectors-negative300.bin"), binary=True)
    vectors = load_word_vectors("word2vec-google-news-300", dim=300, train_texts=TEXTS, data_dir=tmp_path,
                                cache_dir=tmp_path / "cache", download=False)
    assert vectors.origin.startswith("file:") and vectors.vectors["team"].shape == (300,)


def test_without_a_file_or_network_word2vec_is_trained_on_the_given_texts_and_cached(tmp_path):
    kwargs = dict(dim=100, train_texts=TEXTS, data_dir=tmp_path, cache_dir=tmp_path / "cache", download=False)
    first = load_word_vectors("glove-wiki-gigaword-100", **kwargs)
    assert first.origin == "trained:word2vec" and "stand-in for glove-wiki-gigaword-100" in first.description
    assert list((tmp_path / "cache" / "vectors").glob("*.kv"))
    again = load_word_vectors("glove-wiki-gigaword-100", **kwargs)
    assert np.allclose(first.vectors["market"], again.vectors["market"])
    assert "zebra" not in first.vectors  # only words of the given (training) texts


def test_a_dimension_that_does_not_match_the_named_vectors_is_refused(tmp_path):
    with pytest.raises(ValueError, match="are 100-d, but the spec asks for vectors.dim=300"):
        load_word_vectors("glove-wiki-gigaword-100", dim=300, train_texts=TEXTS, data_dir=tmp_path, cache_dir=tmp_path)


def test_the_embedding_matrix_reports_the_share_of_words_without_a_vector(tmp_path):
    vectorizer = TextVectorizer(max_tokens=100).fit(["market team unknownword"])
    kv = KeyedVectors(vector_size=4)
    kv.add_vectors(["market", "team"], np.ones((2, 4), dtype=np.float32))
    from experiments.wordvectors import WordVectors

    matrix, oov = embedding_matrix(vectorizer, WordVectors(kv, 4, "test", "test"))
    assert matrix.shape == (vectorizer.vocab_size, 4)
    assert np.all(matrix[0] == 0)  # padding row
    assert np.allclose(matrix[vectorizer.vocabulary_["market"]], 1.0)
    assert oov == pytest.approx(1 / 3)
