"""Reference models every honest comparison needs: the majority class and TF-IDF with a linear model.

They follow scikit-learn's estimator API so that the runner treats them like
any other model: ``fit`` on the training texts, ``predict_proba`` on the test texts.
"""

from __future__ import annotations

from functools import partial

from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from experiments.vectorize import tokenize


#: TF-IDF keeps up to this many times the networks' vocabulary (bigrams need room), where a study caps it.
TFIDF_VOCABULARY_FACTOR = 5


def first_tokens(text: str, window: int | None) -> list[str]:
    """The text's tokens, cut to its first ``window`` like a network's input (None: all of them)."""
    return tokenize(text)[:window]


def build_reference(name: str, *, max_tokens: int | None, seed: int, window: int | None = None) -> Pipeline:
    """An unfitted pipeline for the reference model ``name``.

    ``window`` (TF-IDF only) reads each text's first tokens alone, as a network with that ``seq_len`` does, so
    a comparison can tell the model's share of a gap from the truncation's.
    """
    if name == "majority":
        return make_pipeline(TfidfVectorizer(max_features=1), DummyClassifier(strategy="most_frequent"))
    if name == "tfidf-logreg":
        return make_pipeline(
            # The same tokenizer as the neural models, so the comparison is about the model.
            TfidfVectorizer(tokenizer=partial(first_tokens, window=window), token_pattern=None, lowercase=False, ngram_range=(1, 2),
                            max_features=None if max_tokens is None else max_tokens * TFIDF_VOCABULARY_FACTOR,
                            sublinear_tf=True, min_df=2),
            LogisticRegression(C=10.0, max_iter=2000, random_state=seed),
        )
    if name == "bow-logreg":
        # Study 4b's earlier baseline: raw word counts, no n-grams.
        return make_pipeline(
            CountVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False, max_features=max_tokens),
            LogisticRegression(max_iter=2000, random_state=seed),
        )
    raise ValueError(f"unknown reference model {name!r}; allowed: majority, tfidf-logreg, bow-logreg")
