"""Real or embedded: pick the data a spec runs on, load it, and split it honestly.

``data="auto"`` uses the real files when they are in the data folder and the
generated stand-in otherwise; ``real`` insists on the files (with an error that
says where to put them), ``embedded`` never looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments import datasets, embedded, owndata
from experiments.corpus import Corpus, SplitError, split_indices
from experiments.specs import DataSpec

DATA_CHOICES = ("auto", "real", "embedded")
#: The test split is made with one fixed seed, so that every model and every
#: training seed is scored on the same rows (what a paired test needs).
SPLIT_SEED = 0
#: Loader options the embedded generator understands.
EMBEDDED_OPTIONS = ("interval",)


@dataclass(frozen=True)
class Splits:
    """Training, validation and test rows of one corpus, as corpora."""

    train: Corpus
    validation: Corpus
    test: Corpus


def resolve_source(dataset: str, data: str, data_dir: Path) -> str:
    """``real`` or ``embedded`` for ``dataset`` under the ``data`` setting."""
    if data not in DATA_CHOICES:
        raise ValueError(f"DATA={data!r}; allowed: {', '.join(DATA_CHOICES)}")
    if dataset in owndata.declared():
        return "real"  # a dataset of one's own has no generated stand-in
    if data == "auto":
        return "real" if datasets.available(dataset, data_dir=data_dir) else "embedded"
    return data


def load_corpus(spec: DataSpec, *, source: str, profile: str, data_dir: Path, cache_dir: Path) -> Corpus:
    """The corpus of ``spec.dataset`` from ``source``, with the spec's loader options."""
    if spec.dataset in owndata.declared():
        return owndata.load(spec.dataset)
    if source == "real":
        return datasets.LOADERS[spec.dataset](data_dir=Path(data_dir), **spec.options)
    # Options about the real files (20 Newsgroups' header removal) mean nothing to the generator.
    options = {k: v for k, v in spec.options.items() if k in EMBEDDED_OPTIONS}
    return embedded.make_corpus(spec.dataset, size=profile, cache_dir=Path(cache_dir) / "embedded", **options)


def fingerprint(spec: DataSpec, *, source: str, profile: str, data_dir: Path) -> str:
    """What identifies the data of a run without loading it: file hashes, or the generator's version."""
    if spec.dataset in owndata.declared():
        return owndata.fingerprint(spec.dataset)
    if source == "real":
        return datasets.fingerprint(spec.dataset, data_dir=Path(data_dir), **spec.options)
    return f"embedded:{spec.dataset}:{embedded.GENERATOR_VERSION}:{profile}:{sorted(spec.options.items())}"


def make_splits(corpus: Corpus, spec: DataSpec) -> Splits:
    """Test rows first (never seen again until evaluation), then validation from the training rows."""
    train_rows, test_rows = split_indices(corpus, spec.split, test_size=spec.test_size, seed=SPLIT_SEED)
    train = corpus.subset(train_rows)
    # A predefined split says nothing about validation; the other kinds keep their own logic.
    kind = "random" if spec.split == "predefined" else spec.split
    if spec.max_train is not None and len(train) > spec.max_train:
        # Keep the latest rows of a time split (closest to the test period), a random sample otherwise.
        keep = (
            np.arange(len(train) - spec.max_train, len(train))
            if kind == "time"
            else np.sort(np.random.default_rng(SPLIT_SEED).choice(len(train), spec.max_train, replace=False))
        )
        train = train.subset(keep)
    test = corpus.subset(test_rows)
    if spec.validation == "test":
        # The original study 2's protocol, kept for its ladder: every training row trains, and the
        # test rows are the validation data (nothing may stop early or choose an epoch on them).
        splits = Splits(train=train, validation=test, test=test)
    else:
        fit_rows, val_rows = split_indices(train, kind, test_size=spec.validation_size, seed=SPLIT_SEED)
        splits = Splits(train=train.subset(fit_rows), validation=train.subset(val_rows), test=test)
    _check_classes(splits, corpus)
    return splits


def _check_classes(splits: Splits, corpus: Corpus) -> None:
    for part in ("train", "test"):
        present = set(np.unique(getattr(splits, part).labels).tolist())
        missing = [name for i, name in enumerate(corpus.class_names) if i not in present]
        if missing:
            raise SplitError(
                f"{corpus.name}: class(es) {missing} have no examples in the {part} split; "
                "use more data (a larger max_train) or a different split"
            )
