"""Texts to padded integer sequences, fitted on the training split only.

A scikit-learn style transformer: ``fit`` learns ``vocabulary_`` from the
training texts; ``transform`` maps any texts onto it. Index 0 is padding (the
models mask it) and index 1 stands for every word outside the vocabulary, so
nothing seen only in the test split can reach the model's vocabulary.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

PAD, OOV = 0, 1
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def tokenize(text: str, *, lowercase: bool = True) -> list[str]:
    """Words of ``text``: runs of letters and digits, keeping inner apostrophes ("don't")."""
    return _TOKEN.findall(text.lower() if lowercase else text)


class TextVectorizer(TransformerMixin, BaseEstimator):
    """Keep the ``max_tokens`` most frequent training words (all when None); pad and truncate to ``seq_len``.

    ``padding="post"`` keeps each text's first tokens at the start of its row,
    which is what masked recurrent layers (and their fused GPU kernels) expect.
    ``"pre"`` is Keras ``pad_sequences``' default, which the original studies
    used: zeros in front and the last ``seq_len`` tokens kept.
    """

    def __init__(self, max_tokens: int | None = 20_000, seq_len: int = 100, lowercase: bool = True,
                 padding: str = "post"):
        self.max_tokens = max_tokens
        self.seq_len = seq_len
        self.lowercase = lowercase
        self.padding = padding

    def fit(self, texts: Iterable[str], y=None) -> "TextVectorizer":
        counts = Counter(word for text in texts for word in tokenize(text, lowercase=self.lowercase))
        # Ties broken alphabetically so the vocabulary does not depend on row order.
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: self.max_tokens]
        self.vocabulary_ = {word: index for index, (word, _) in enumerate(ranked, start=2)}
        self.counts_ = dict(ranked)
        return self

    @property
    def vocab_size(self) -> int:
        """Rows of the embedding matrix: the words plus padding and out-of-vocabulary."""
        return len(self.vocabulary_) + 2

    def index(self, texts: Iterable[str]) -> list[list[int]]:
        """Unpadded id lists, one per text, cut to ``seq_len`` (its first tokens, or its last with "pre")."""
        vocab = self.vocabulary_
        kept = slice(-self.seq_len, None) if self.padding == "pre" else slice(None, self.seq_len)
        return [[vocab.get(word, OOV) for word in tokenize(text, lowercase=self.lowercase)][kept] for text in texts]

    def transform(self, texts: Iterable[str]) -> np.ndarray:
        rows = self.index(texts)
        out = np.full((len(rows), self.seq_len), PAD, dtype=np.int32)
        for i, row in enumerate(rows):
            if self.padding == "pre":
                out[i, self.seq_len - len(row):] = row
            else:
                out[i, : len(row)] = row
        return out

    def words(self) -> list[str]:
        """Word of each row of the embedding matrix (padding and OOV as markers)."""
        words = ["<pad>", "<oov>"] + [""] * len(self.vocabulary_)
        for word, index in self.vocabulary_.items():
            words[index] = word
        return words
