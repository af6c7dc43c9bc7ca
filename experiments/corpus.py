"""The one shape every dataset takes, and the honest ways to split it.

A loader (real or embedded) returns a :class:`Corpus`; the experiment spec says
how to split it. The split never looks at the texts, so the test side cannot
leak into anything fitted on the training side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

SplitKind = Literal["predefined", "random", "grouped", "time"]


class SplitError(ValueError):
    """A corpus that cannot be split as asked (no groups, a class missing from one side, …)."""


@dataclass(frozen=True)
class Corpus:
    """Labelled texts plus what an honest split needs.

    ``predefined`` holds "train"/"test" per row when the dataset ships its own
    split (20 Newsgroups "bydate"); ``groups`` ties paraphrases of one source
    together (twitter ids); rows are in time order when ``time_ordered``.
    """

    name: str
    texts: list[str]
    labels: np.ndarray
    class_names: tuple[str, ...]
    source: Literal["real", "embedded"]
    predefined: np.ndarray | None = None
    groups: np.ndarray | None = None
    time_ordered: bool = False
    #: Files read (path → sha256) or the generator and seed that made the data.
    provenance: dict = field(default_factory=dict)
    #: Facts the report states: duplicates dropped, empty texts removed, options used.
    notes: dict = field(default_factory=dict)
    #: Unlabelled texts from the same source for training stand-in word vectors.
    unlabelled: list[str] | None = None

    def __post_init__(self) -> None:
        n = len(self.texts)
        if len(self.labels) != n:
            raise ValueError(f"{self.name}: {n} texts but {len(self.labels)} labels")
        for attr in ("predefined", "groups"):
            value = getattr(self, attr)
            if value is not None and len(value) != n:
                raise ValueError(f"{self.name}: {n} texts but {len(value)} {attr} entries")

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: np.ndarray) -> "Corpus":
        """The rows at ``index`` (order kept), with the same classes and provenance."""
        pick = lambda a: None if a is None else np.asarray(a)[index]  # noqa: E731
        return Corpus(
            name=self.name,
            texts=[self.texts[i] for i in index],
            labels=np.asarray(self.labels)[index],
            class_names=self.class_names,
            source=self.source,
            predefined=pick(self.predefined),
            groups=pick(self.groups),
            time_ordered=self.time_ordered,
            provenance=self.provenance,
            notes=self.notes,
            unlabelled=self.unlabelled,
        )


def split_indices(
    corpus: Corpus, kind: SplitKind, *, test_size: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Train and held-out row indices of ``corpus``.

    ``random`` is stratified; ``grouped`` keeps every group on one side;
    ``time`` holds out the latest rows; ``predefined`` uses the dataset's own split.
    The same function makes the validation split from the training rows.
    """
    n = len(corpus)
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be between 0 and 1 (exclusive), got {test_size}")
    if kind == "predefined":
        if corpus.predefined is None:
            raise ValueError(f"{corpus.name} has no predefined split; use 'random', 'grouped' or 'time'")
        flags = np.asarray(corpus.predefined)
        return np.flatnonzero(flags == "train"), np.flatnonzero(flags == "test")
    if kind == "time":
        if not corpus.time_ordered:
            raise ValueError(f"{corpus.name} is not in time order, so it cannot be split by time")
        cut = n - max(1, round(n * test_size))
        return np.arange(cut), np.arange(cut, n)
    rng = np.random.default_rng(seed)
    if kind == "grouped":
        if corpus.groups is None:
            raise ValueError(f"{corpus.name} has no groups; use 'random' or 'time'")
        groups = linked_groups(corpus.groups, corpus.texts)
        unique = np.unique(groups)
        held = set(rng.choice(unique, size=max(1, round(len(unique) * test_size)), replace=False).tolist())
        mask = np.fromiter((g in held for g in groups), bool, count=n)
        return np.flatnonzero(~mask), np.flatnonzero(mask)
    if kind == "random":
        labels = np.asarray(corpus.labels)
        train, test = [], []
        for label in np.unique(labels):
            rows = rng.permutation(np.flatnonzero(labels == label))
            cut = round(len(rows) * test_size)
            test.append(rows[:cut])
            train.append(rows[cut:])
        return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))
    raise ValueError(f"unknown split kind {kind!r}; allowed: predefined, random, grouped, time")


def linked_groups(groups: np.ndarray, texts: list[str]) -> np.ndarray:
    """Group ids merged wherever two groups share an identical text.

    The same tweet posted under two ids would otherwise sit on both sides of a
    grouped split; merging them makes "no group crosses" also mean "no text crosses".
    """
    parent: dict = {}

    def find(g):
        parent.setdefault(g, g)
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    first_group_of: dict[str, object] = {}
    for group, text in zip(groups.tolist(), texts):
        key = " ".join(text.lower().split())
        other = first_group_of.setdefault(key, group)
        root_a, root_b = find(group), find(other)
        if root_a != root_b:
            parent[root_a] = root_b
    return np.array([find(g) for g in groups.tolist()])
