"""The results file: its schema, its atomic write, and the key that says whether it is stale.

A run is finished exactly when its ``results.json`` exists: the file is written
to a temporary name and renamed into place, so a reader (the report, a second
terminal) sees either nothing or a complete file, even after a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import experiments

RESULTS_FILE = "results.json"
SCHEMA_VERSION = 2

#: Top-level keys every results file has, with the type of their value.
SCHEMA: dict[str, type | tuple[type, ...]] = {
    "schema_version": int,
    "key": str,
    "spec": dict,
    "seed": int,
    "profile": str,
    "data": dict,
    "class_names": list,
    "metrics": dict,
    "training": dict,
    "model": dict,
    "timings": dict,
    "environment": dict,
    "figures": dict,
}
METRIC_KEYS = ("accuracy", "macro_f1", "per_class", "confusion_matrix", "roc", "predictions", "labels")


class ResultsError(ValueError):
    """A results file that is unreadable or does not follow the schema."""


#: Modules that choose or schedule runs but do not change what a run computes.
NOT_TRAINING_CODE = {"__init__.py", "__main__.py", "studies.py", "suite.py", "check_data.py", "paths.py", "plots.py", "cluster.py"}
#: Figures are drawn from the results file alone, so a change here redraws them without retraining.
FIGURE_CODE = "plots.py"


def keras_backend() -> str:
    """The Keras backend runs use, known without importing Keras (``experiments/__init__.py`` picks it)."""
    return os.environ.get("KERAS_BACKEND", "tensorflow")


#: The libraries whose numerics a result depends on. Their major.minor version is part of the key: a new
#: release line may change kernels, initialisers or solvers; a patch release is taken not to.
NUMERIC_LIBRARIES = ("keras", "jax", "jaxlib", "tensorflow", "tensorflow-cpu", "torch", "numpy", "scikit-learn", "gensim")


def library_versions() -> dict[str, str]:
    """Major.minor of each installed library of :data:`NUMERIC_LIBRARIES`."""
    from importlib import metadata

    found = {}
    for package in NUMERIC_LIBRARIES:
        try:
            found[package] = ".".join(metadata.version(package).split(".")[:2])
        except metadata.PackageNotFoundError:
            continue
    return found


def code_version() -> str:
    """Hash of the code that computes results, of the backend running it and of the release lines of the numeric
    libraries (:func:`library_versions`): changing any of them makes results stale."""
    digest = hashlib.sha256(f"keras backend {keras_backend()}\0{sorted(library_versions().items())}\0".encode())
    package = Path(experiments.__file__).parent
    for path in sorted(package.glob("*.py")):
        if path.name not in NOT_TRAINING_CODE:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def figures_version() -> str:
    """Hash of the figure code: a results file whose figures were drawn by other code gets them redrawn."""
    return hashlib.sha256((Path(experiments.__file__).parent / FIGURE_CODE).read_bytes()).hexdigest()[:16]


def cache_key(spec: dict, seed: int, profile: str, data_fingerprint: str, code: str) -> str:
    """What a result depends on: the spec, the seed, the profile, the data and the code."""
    payload = json.dumps(
        {"spec": spec, "seed": seed, "profile": profile, "data": data_fingerprint, "code": code}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write JSON to ``path`` so that no reader ever sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def validate(results: dict, *, where: str = "results") -> dict:
    """Check ``results`` against :data:`SCHEMA`; return it unchanged."""
    for key, kind in SCHEMA.items():
        if key not in results:
            raise ResultsError(f"{where}: missing key {key!r}")
        if not isinstance(results[key], kind):
            raise ResultsError(f"{where}: {key!r} should be {kind}, got {type(results[key]).__name__}")
    if results["schema_version"] != SCHEMA_VERSION:
        raise ResultsError(f"{where}: schema version {results['schema_version']}, expected {SCHEMA_VERSION}; rerun the experiment")
    missing = [k for k in METRIC_KEYS if k not in results["metrics"]]
    if missing:
        raise ResultsError(f"{where}: metrics lack {missing}")
    return results


def read(path: Path) -> dict:
    """A validated results file; a clear error names the file when it is broken."""
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResultsError(f"{path}: cannot read results ({err}); delete it and rerun `make experiments`") from None
    return validate(results, where=str(path))


def stored_figures_version(folder: Path) -> str | None:
    """The figure code's version that drew the figures of the finished run in ``folder``."""
    try:
        return json.loads((Path(folder) / RESULTS_FILE).read_text(encoding="utf-8")).get("figures_version")
    except (OSError, json.JSONDecodeError, AttributeError):
        return None


def stored_key(folder: Path) -> str | None:
    """The cache key of the finished run in ``folder``, or None when there is none."""
    try:
        return json.loads((Path(folder) / RESULTS_FILE).read_text(encoding="utf-8")).get("key")
    except (OSError, json.JSONDecodeError, AttributeError):
        return None
