"""Experiments as data: frozen, validated specs that round-trip through JSON.

A spec says everything a run needs (data, vectorizer, word vectors, model,
training, seeds) and nothing about where files live. Specs are checked before
any data is loaded, and a copy is stored beside every result.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Mapping

DATASETS = ("bbc", "20newsgroups", "twitter-sentiment", "trump-market")
SPLITS = ("predefined", "random", "grouped", "time")
#: Where validation rows come from: the training split, or (the flaw of study 2's original runs) the test split.
VALIDATION_SOURCES = ("train", "test")
#: Which rows the vocabulary is fitted on: the training split, or (the flaw of study 4's original) every row.
VOCABULARY_SOURCES = ("train", "all")
#: "post": text first, zeros after, the first tokens kept; "pre": Keras ``pad_sequences``' defaults
#: (zeros in front, the last tokens kept).
PADDINGS = ("post", "pre")
#: Non-neural reference models that every dataset gets beside the networks, with the params each accepts.
REFERENCE_PARAMS = {"majority": (), "tfidf-logreg": ("window",), "bow-logreg": ()}
REFERENCE_MODELS = tuple(REFERENCE_PARAMS)
PROFILES = ("quick", "full")


class SpecError(ValueError):
    """A spec that cannot run; the message names the key and what is allowed."""


@dataclass(frozen=True)
class DataSpec:
    dataset: str = field(metadata={"help": f"one of {', '.join(DATASETS)}"})
    split: str = field(default="random", metadata={"help": f"test split: one of {', '.join(SPLITS)}"})
    test_size: float = field(default=0.2, metadata={"help": "held-out fraction (ignored for 'predefined')"})
    validation_size: float = field(default=0.1, metadata={"help": "fraction of the training rows kept for validation"})
    options: dict = field(default_factory=dict, metadata={"help": "loader options, e.g. {'interval': 5}"})
    max_train: int | None = field(default=None, metadata={"help": "cap on training rows (quick profile)"})
    validation: str = field(
        default="train",
        metadata={"help": "'train': validation rows held out of the training split; 'test': the test split serves as "
                          "validation and every training row trains (a flaw of the original study 2, for its ladder)"},
    )

    def __post_init__(self) -> None:
        from experiments import owndata

        _check_choice("data.dataset", self.dataset, DATASETS + tuple(owndata.declared()))
        _check_choice("data.split", self.split, SPLITS)
        _check_choice("data.validation", self.validation, VALIDATION_SOURCES)
        for key in ("test_size", "validation_size"):
            value = getattr(self, key)
            if not 0.0 < value < 1.0:
                raise SpecError(f"data.{key} must be between 0 and 1 (exclusive), got {value!r}")
        _check_positive("data.max_train", self.max_train, optional=True)


@dataclass(frozen=True)
class VectorizeSpec:
    max_tokens: int | None = field(
        default=20_000, metadata={"help": "vocabulary size kept, most frequent first; None: every word"}
    )
    seq_len: int = field(default=100, metadata={"help": "tokens per input; longer texts are truncated"})
    lowercase: bool = field(default=True, metadata={"help": "lowercase before tokenising"})
    padding: str = field(
        default="post",
        metadata={"help": "'post': zeros after the text, its first seq_len tokens kept; 'pre': zeros in front, "
                          "the last seq_len tokens kept (Keras pad_sequences' defaults)"},
    )
    fit_on: str = field(
        default="train",
        metadata={"help": "rows the vocabulary is fitted on: 'train', or 'all' (test rows too: a flaw of the "
                          "original study 4, for its ladder)"},
    )

    def __post_init__(self) -> None:
        _check_positive("vectorize.max_tokens", self.max_tokens, optional=True)
        _check_positive("vectorize.seq_len", self.seq_len)
        _check_choice("vectorize.padding", self.padding, PADDINGS)
        _check_choice("vectorize.fit_on", self.fit_on, VOCABULARY_SOURCES)


@dataclass(frozen=True)
class VectorsSpec:
    name: str | None = field(
        default=None,
        metadata={"help": "pre-trained vectors (gensim name, e.g. glove-wiki-gigaword-100); None: random init"},
    )
    dim: int = field(default=300, metadata={"help": "embedding dimension"})
    trainable: bool = field(default=False, metadata={"help": "fine-tune the embedding (False: frozen)"})
    pad_to: int | None = field(
        default=None,
        metadata={"help": "zero-pad each vector to this many dimensions (the original 2e's \"200-d\" vectors were "
                          "100-d GloVe padded so); None: no padding"},
    )

    def __post_init__(self) -> None:
        _check_positive("vectors.dim", self.dim)
        _check_positive("vectors.pad_to", self.pad_to, optional=True)


@dataclass(frozen=True)
class ModelSpec:
    architecture: str = field(metadata={"help": "a builder in experiments.models or a reference model"})
    params: dict = field(default_factory=dict, metadata={"help": "keyword arguments of the builder"})

    @property
    def is_reference(self) -> bool:
        return self.architecture in REFERENCE_MODELS


@dataclass(frozen=True)
class TrainSpec:
    epochs: int = field(default=10, metadata={"help": "maximum number of epochs"})
    batch_size: int = field(default=32, metadata={"help": "examples per batch"})
    learning_rate: float = field(default=1e-3, metadata={"help": "Adam learning rate"})
    patience: int | None = field(default=None, metadata={"help": "early stopping on validation accuracy; None: off"})
    bucket_by_length: bool = field(
        default=True, metadata={"help": "pad each batch to its longest text (False: every row to seq_len)"}
    )
    mixed_precision: bool = field(
        default=False, metadata={"help": "float16 compute with float32 weights; for GPUs (slow on CPUs)"}
    )

    def __post_init__(self) -> None:
        _check_positive("train.epochs", self.epochs)
        _check_positive("train.batch_size", self.batch_size)
        _check_positive("train.patience", self.patience, optional=True)
        if not self.learning_rate > 0:
            raise SpecError(f"train.learning_rate must be positive, got {self.learning_rate!r}")


@dataclass(frozen=True)
class ExperimentSpec:
    id: str = field(metadata={"help": "unique name; results go to results/<id>/"})
    study: str = field(metadata={"help": "the study of docs/STUDIES.md it reproduces, e.g. '1b'"})
    title: str = field(metadata={"help": "one line for tables and logs"})
    data: DataSpec
    model: ModelSpec
    vectorize: VectorizeSpec = field(default_factory=VectorizeSpec)
    vectors: VectorsSpec = field(default_factory=VectorsSpec)
    train: TrainSpec = field(default_factory=TrainSpec)
    #: Overrides applied by the quick profile, as {"section.key": value}.
    quick: dict = field(default_factory=dict)
    #: Sweep axes as {"section.key": [values]}; expanded by :func:`expand`.
    grid: dict = field(default_factory=dict)
    #: The profiles that run it. A correction ladder's rungs repeat documented settings, which the quick
    #: profile's caps would change, so they run in the full profile only.
    profiles: list = field(default_factory=lambda: list(PROFILES))
    #: Set by :func:`expand` on each runnable spec: the declared experiment it comes from, and its grid point
    #: as {"section.key": value} ({} outside a sweep). What the report groups and names runs by.
    experiment: str = ""
    point: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id or any(c in self.id for c in "/\\ "):
            raise SpecError(f"id must be a non-empty name without spaces or slashes, got {self.id!r}")
        for key in [*self.quick, *self.grid]:
            _check_dotted_key(key)
        if not self.profiles:
            raise SpecError(f"{self.id}: profiles is empty, so no profile would run it; allowed: {', '.join(PROFILES)}")
        for profile in self.profiles:
            _check_choice(f"{self.id}: profiles", profile, PROFILES)
        for key, values in self.grid.items():
            if not isinstance(values, (list, tuple)) or not values:
                raise SpecError(f"{self.id}: grid[{key!r}] must be a non-empty list of values")
        if self.data.validation == "test" and self.train.patience is not None:
            raise SpecError(
                f"{self.id}: data.validation is 'test', so early stopping (train.patience) would choose the epoch on "
                "the test rows; set train.patience to None, or data.validation to 'train'"
            )

    def check_model(self, where: str | None = None) -> None:
        """Check that the model's builder accepts ``model.params``.

        Kept out of construction because it imports Keras (seconds): it runs on
        user spec files and before training, not when the suite only checks
        what is up to date.
        """
        where = where or self.id
        if self.model.is_reference:
            allowed = REFERENCE_PARAMS[self.model.architecture]
        else:
            from experiments.models import architecture_params

            try:
                allowed = architecture_params(self.model.architecture)
            except ValueError as err:
                raise SpecError(f"{where}: model.architecture: {err}") from None
        unknown = sorted(set(self.model.params) - set(allowed))
        if unknown:
            raise SpecError(
                f"{where}: model.params has unknown key(s) {unknown} for {self.model.architecture!r}; "
                f"allowed: {sorted(allowed)}"
            )

    # -- serialisation -----------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, where: str = "spec") -> "ExperimentSpec":
        """Build a spec from plain data (a user's file), naming ``where`` and the key in every error."""
        spec = cls._parse(raw, where)
        spec.check_model(where)
        return spec

    @classmethod
    def _parse(cls, raw: Mapping[str, Any], where: str) -> "ExperimentSpec":
        sections = {"data": DataSpec, "model": ModelSpec, "vectorize": VectorizeSpec, "vectors": VectorsSpec, "train": TrainSpec}
        _check_keys(where, raw, cls)
        values = dict(raw)
        for name, section in sections.items():
            if name in values:
                if not isinstance(values[name], Mapping):
                    raise SpecError(f"{where}: '{name}' must be a table of settings, got {values[name]!r}")
                _check_keys(f"{where}: {name}", values[name], section)
                values[name] = _typed(section, values[name], where, prefix=f"{name}.")
        return _typed(cls, values, where)

    # -- variants ----------------------------------------------------------

    def replace(self, overrides: Mapping[str, Any], *, id: str | None = None) -> "ExperimentSpec":
        """A copy with dotted-key overrides applied (``{"train.epochs": 3, "data.options.interval": 10}``)."""
        raw = self.to_dict()
        for key, value in overrides.items():
            _check_dotted_key(key)
            *parents, name = key.split(".")
            target = raw
            for part in parents:
                target = target[part]
            # Only the free-form tables (loader options, builder params) may gain keys.
            if name not in target and parents[-1] not in ("options", "params"):
                raise SpecError(f"{self.id}: unknown key {key!r}")
            target[name] = value
        if id is not None:
            raw["id"] = id
        return ExperimentSpec._parse(raw, where=id or self.id)


def expand(spec: ExperimentSpec, *, profile: str = "full") -> list[ExperimentSpec]:
    """The runnable specs of ``spec``: one per point of its grid, with the profile applied.

    Each point's id is ``<id>@<key>=<value>[,…]`` so its results sit in their own folder.
    """
    _check_choice("profile", profile, PROFILES)
    if profile not in spec.profiles:
        return []
    base = spec.replace(spec.quick) if profile == "quick" else spec
    # A runnable spec holds what it computes: its quick overrides, grid and profiles are spent.
    spent = {"quick": {}, "grid": {}, "profiles": list(PROFILES), "experiment": spec.id}
    if not spec.grid:
        return [dataclasses.replace(base, **spent, point={})]
    keys = list(spec.grid)
    points = []
    for values in itertools.product(*(spec.grid[k] for k in keys)):
        label = ",".join(f"{k.rsplit('.', 1)[1]}={v}" for k, v in zip(keys, values))
        point = base.replace(dict(zip(keys, values)), id=f"{spec.id}@{label}")
        points.append(dataclasses.replace(point, **spent, point=dict(zip(keys, values))))
    return points


# -- checks shared by the sections ------------------------------------------


def _check_choice(key: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise SpecError(f"{key} is {value!r}; allowed: {', '.join(allowed)}")


def _check_positive(key: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SpecError(f"{key} must be a positive integer, got {value!r}")


def _check_dotted_key(key: str) -> None:
    parts = key.split(".")
    nested = len(parts) == 3 and parts[1] in ("options", "params")
    if parts[0] not in ("data", "model", "vectorize", "vectors", "train") or not (len(parts) == 2 or nested):
        raise SpecError(
            f"override key {key!r} must be '<section>.<name>' (section one of data, model, vectorize, vectors, "
            "train) or 'data.options.<name>' / 'model.params.<name>'"
        )


def _check_keys(where: str, raw: Mapping[str, Any], cls: type) -> None:
    allowed = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise SpecError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(
        f.name
        for f in dataclasses.fields(cls)
        if f.name not in raw and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    if missing:
        raise SpecError(f"{where}: missing required key(s) {missing}")


_TYPES = {"int": int, "float": (int, float), "str": str, "bool": bool, "dict": dict, "list": (list, tuple)}


def _typed(cls: type, values: Mapping[str, Any], where: str, prefix: str = ""):
    """Check each plain field's type, then construct (which runs the cross-field checks)."""
    for f in dataclasses.fields(cls):
        if f.name not in values or not isinstance(f.type, str):
            continue
        value = values[f.name]
        kinds = [k.strip() for k in f.type.split("|")]
        if value is None and "None" in kinds:
            continue
        expected = tuple(_TYPES[k] for k in kinds if k in _TYPES)
        if not expected:
            continue
        wrong_bool = isinstance(value, bool) and bool not in expected
        if wrong_bool or not isinstance(value, expected):
            raise SpecError(f"{where}: {prefix}{f.name} must be {f.type}, got {value!r} ({type(value).__name__})")
    try:
        return cls(**values)
    except SpecError as err:
        raise SpecError(f"{where}: {err}") from None
