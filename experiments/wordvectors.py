"""Word vectors for the embedding layer: pre-trained when available, trained here otherwise.

Lookup order for a named set (``glove-wiki-gigaword-100`` …):

1. a local file in ``<data_dir>/vectors/`` (GloVe text or word2vec binary);
2. ``gensim.downloader`` when the machine is online and downloads are allowed;
3. word2vec of the same dimension trained with gensim on the training texts
   (plus an unlabelled corpus from the same source, never the test texts).

The result records which of the three it was, so the report can say so.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from experiments.vectorize import TextVectorizer, tokenize

#: Pre-trained sets the studies name, with their dimension and the local file names tried.
PRETRAINED = {
    "glove-wiki-gigaword-100": (100, ("glove.6B.100d.txt", "glove.6B.100d.txt.gz")),
    "glove-wiki-gigaword-200": (200, ("glove.6B.200d.txt", "glove.6B.200d.txt.gz")),
    "word2vec-google-news-300": (
        300,
        ("GoogleNews-vectors-negative300.bin", "GoogleNews-vectors-negative300.bin.gz"),
    ),
}


#: Standard deviation that trained stand-in vectors are scaled to.
TARGET_STD = 0.4
#: Context window of the stand-in word2vec: wide, so that vectors capture topic as GloVe's do.
WINDOW = 15


@dataclass(frozen=True)
class WordVectors:
    """Vectors by word, plus where they came from."""

    vectors: dict[str, np.ndarray] | object  # gensim KeyedVectors or a plain mapping
    dim: int
    origin: str  # "file:<name>", "gensim-downloader:<name>" or "trained:word2vec"
    description: str


def load_word_vectors(
    name: str,
    *,
    dim: int,
    train_texts: Sequence[str],
    unlabelled_texts: Sequence[str] = (),
    data_dir: Path,
    cache_dir: Path,
    seed: int = 0,
    download: bool = True,
) -> WordVectors:
    """The vectors ``name`` of dimension ``dim``, falling back to word2vec trained on the given texts.

    ``unlabelled_texts`` (the embedded stand-ins' unlabelled corpus) join the
    training texts for that fallback; test texts are never passed here.
    """
    if name in PRETRAINED:
        expected_dim, files = PRETRAINED[name]
        if dim != expected_dim:
            raise ValueError(f"vectors {name!r} are {expected_dim}-d, but the spec asks for vectors.dim={dim}")
        for file in files:
            path = Path(data_dir) / "vectors" / file
            if path.exists():
                return WordVectors(_read_file(path), dim, f"file:{file}", f"pre-trained {name} read from {file}")
        if download and _online():
            try:
                import gensim.downloader

                return WordVectors(gensim.downloader.load(name), dim, f"gensim-downloader:{name}", f"pre-trained {name}")
            except Exception as err:  # noqa: BLE001 - any download failure means: train our own
                print(f"[vectors] could not download {name} ({err}); training word2vec instead")
    elif name != "word2vec":
        raise ValueError(f"unknown vectors {name!r}; allowed: {', '.join([*PRETRAINED, 'word2vec'])}")
    source = f"{len(train_texts):,} training texts" + (
        f" and {len(unlabelled_texts):,} unlabelled texts of the same source" if unlabelled_texts else ""
    )
    texts = [*train_texts, *unlabelled_texts]
    return _train_word2vec(texts, dim=dim, cache_dir=Path(cache_dir), seed=seed, stands_in_for=name, source=source)


def _online(host: str = "github.com", timeout: float = 3.0) -> bool:
    """Whether gensim's download host answers; a closed network fails fast instead of hanging."""
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _read_file(path: Path):
    from gensim.models import KeyedVectors

    binary = ".bin" in path.name
    return KeyedVectors.load_word2vec_format(str(path), binary=binary, no_header=not binary)


def _train_word2vec(
    texts: list[str], *, dim: int, cache_dir: Path, seed: int, stands_in_for: str, source: str
) -> WordVectors:
    """Skip-gram word2vec on ``texts``, cached by a hash of the texts and settings."""
    from gensim.models import KeyedVectors, Word2Vec

    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "replace") + b"\0")
    key = f"word2vec-{dim}d-seed{seed}-v3-{digest.hexdigest()[:16]}"
    path = cache_dir / "vectors" / f"{key}.kv"
    description = f"word2vec {dim}-d trained with gensim on {source} (stand-in for {stands_in_for})"
    if path.exists():
        return WordVectors(KeyedVectors.load(str(path)), dim, "trained:word2vec", description)
    sentences = [tokenize(text) for text in texts]
    # Small corpora get more passes, so that every run sees about two million tokens.
    tokens = sum(map(len, sentences))
    epochs = int(np.clip(2_000_000 / max(tokens, 1), 5, 30))
    # One worker makes the vectors deterministic for a given seed.
    model = Word2Vec(sentences, vector_size=dim, window=WINDOW, min_count=2, sg=1, epochs=epochs, workers=1, seed=seed)
    # Rescale to the spread of published vectors (GloVe's components have a standard deviation
    # near 0.4): a frozen embedding of tiny vectors leaves the first layer almost no signal to learn from.
    model.wv.vectors *= TARGET_STD / float(model.wv.vectors.std())
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        tmp_path = Path(tmp) / path.name
        model.wv.save(str(tmp_path))
        for produced in Path(tmp).iterdir():  # gensim may write companion .npy files
            os.replace(produced, path.parent / produced.name)
    return WordVectors(model.wv, dim, "trained:word2vec", description)


def embedding_matrix(vectorizer: TextVectorizer, word_vectors: WordVectors, *, seed: int = 0) -> tuple[np.ndarray, float]:
    """The embedding rows for the vectorizer's vocabulary, and the share of words without a vector.

    Words without a vector get small random rows of the vectors' own scale so that a
    fine-tuned embedding can still learn them; padding stays zero.
    """
    kv = word_vectors.vectors
    words = vectorizer.words()
    found = [w for w in words[2:] if w in kv]
    scale = float(np.std([kv[w] for w in found[:1000]])) if found else 0.1
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0.0, scale, size=(len(words), word_vectors.dim)).astype(np.float32)
    matrix[0] = 0.0
    for index, word in enumerate(words[2:], start=2):
        if word in kv:
            matrix[index] = kv[word]
    oov_rate = 1.0 - len(found) / max(1, len(words) - 2)
    return matrix, oov_rate
