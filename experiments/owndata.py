"""Datasets of your own: a CSV or parquet file with a text and a label column, declared in one place.

``datasets.toml`` at the project's root (or the file ``TEXTCLF_DATASETS`` names)
holds one table per dataset::

    [my-reviews]
    title = "My reviews"               # how the report names it
    path = "data/raw/my-reviews.csv"   # relative to the project's root, or absolute
    text = "review"                    # the column of texts
    label = "stars"                    # the column of labels (any values; sorted into classes)
    group = "product"                  # optional: rows of one group stay on one side of the split
    time = "posted"                    # optional: the latest rows are the test set

A declared dataset gets the study specs of :func:`experiments.studies.own_studies`
(the references and the networks) and a chapter of the report of its own.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from experiments.corpus import Corpus

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"title", "path", "text", "label", "group", "time"}


class OwnDataError(ValueError):
    """A declaration or a file of one's own that cannot be read; the message names the file and the fix."""


@dataclass(frozen=True)
class Declared:
    """One dataset of one's own, as ``datasets.toml`` declares it."""

    name: str
    title: str
    path: Path
    text: str
    label: str
    group: str | None = None
    time: str | None = None

    @property
    def split(self) -> str:
        """The honest split the columns allow: by time, by group, else stratified random."""
        return "time" if self.time else "grouped" if self.group else "random"


def registry_file() -> Path:
    return Path(os.environ.get("TEXTCLF_DATASETS") or ROOT / "datasets.toml")


@functools.cache
def _declared(path: Path, mtime: float) -> dict[str, Declared]:
    try:
        tables = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise OwnDataError(f"{path}: {err}; see the example in experiments/owndata.py") from None
    found = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise OwnDataError(f"{path}: [{name}] must be a table of settings (title, path, text, label)")
        unknown, missing = set(table) - KEYS, {"path", "text", "label"} - set(table)
        if unknown or missing:
            raise OwnDataError(f"{path}: [{name}] has unknown key(s) {sorted(unknown)} or lacks {sorted(missing)}; "
                               f"allowed: {sorted(KEYS)}")
        file = Path(table["path"])
        found[name] = Declared(name, table.get("title", name), file if file.is_absolute() else path.parent / file,
                               table["text"], table["label"], table.get("group") or None, table.get("time") or None)
    return found


def declared() -> dict[str, Declared]:
    """Every dataset of one's own, by name ({} without a registry file)."""
    path = registry_file()
    return _declared(path, path.stat().st_mtime) if path.is_file() else {}


def load(name: str) -> Corpus:
    """The corpus of the declared dataset ``name``: empty texts dropped, then exact duplicates (first kept)."""
    import pandas as pd

    entry = declared()[name]
    if not entry.path.is_file():
        raise OwnDataError(f"{name}: {entry.path} not found; fix `path` in {registry_file()}")
    reader = pd.read_parquet if entry.path.suffix == ".parquet" else pd.read_csv
    try:
        frame = reader(entry.path)
    except (ValueError, OSError, pd.errors.ParserError) as err:
        raise OwnDataError(f"{name}: {entry.path} cannot be read as {entry.path.suffix or 'CSV'}: {err}") from None
    columns = [c for c in (entry.text, entry.label, entry.group, entry.time) if c]
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise OwnDataError(f"{name}: {entry.path} has no column(s) {absent}; its columns: {list(frame.columns)}; "
                           f"fix {registry_file()}")
    frame = frame[columns].dropna(subset=[entry.text, entry.label])
    frame = frame[frame[entry.text].astype(str).str.strip() != ""]
    read = len(frame)
    frame = frame.drop_duplicates(subset=[entry.text])
    if entry.time:
        frame = frame.sort_values(entry.time, kind="stable")
    classes = tuple(str(c) for c in sorted(frame[entry.label].unique(), key=str))
    if len(classes) < 2:
        raise OwnDataError(f"{name}: column {entry.label!r} of {entry.path} has {len(classes)} class(es); need two or more")
    labels = np.array([classes.index(str(v)) for v in frame[entry.label]])
    return Corpus(
        name=name, texts=frame[entry.text].astype(str).tolist(), labels=labels, class_names=classes, source="real",
        groups=frame[entry.group].to_numpy() if entry.group else None, time_ordered=bool(entry.time),
        provenance={entry.path.name: hashlib.sha256(entry.path.read_bytes()).hexdigest()},
        notes={"rows_read": read, "duplicates_removed": read - len(frame), "declared_in": registry_file().name},
    )


def fingerprint(name: str) -> str:
    """What identifies the corpus without parsing it: the file's hash and the declaration."""
    entry = declared()[name]
    digest = hashlib.sha256(entry.path.read_bytes()).hexdigest() if entry.path.is_file() else "missing"
    return f"own:{name}:{digest}:{entry.text}:{entry.label}:{entry.group}:{entry.time}"
