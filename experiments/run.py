"""One experiment, one seed: spec and data in, a results folder out.

``run_experiment`` is a plain function of its arguments (no globals, no
current directory), so a cluster executor can call it unchanged. The stages
follow a keras.io example: load → split → vectorize → build → train → evaluate
→ write results → draw figures.
"""

from __future__ import annotations

import os
import platform
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

from experiments import data, plots, results
from experiments.specs import ExperimentSpec


@dataclass(frozen=True)
class RunPaths:
    """Where one run reads and writes."""

    data_dir: Path
    cache_dir: Path
    results_dir: Path
    images_dir: Path

    def run_folder(self, spec: ExperimentSpec, seed: int) -> Path:
        return self.results_dir / spec.id / f"seed-{seed}"

    def image_folder(self, spec: ExperimentSpec, seed: int) -> Path:
        return self.images_dir / spec.id / f"seed-{seed}"


def run_experiment(
    spec: ExperimentSpec, *, seed: int, profile: str, source: str, key: str, paths: RunPaths, verbose: int = 2
) -> dict:
    """Train and evaluate ``spec`` with ``seed``; write ``results.json`` and the figures; return the results."""
    started = time.perf_counter()
    folder = paths.run_folder(spec, seed)
    folder.mkdir(parents=True, exist_ok=True)
    results.write_json_atomic(folder / "spec.json", spec.to_dict())

    corpus = data.load_corpus(spec.data, source=source, profile=profile, data_dir=paths.data_dir, cache_dir=paths.cache_dir)
    splits = data.make_splits(corpus, spec.data)
    loaded = time.perf_counter()

    if spec.model.is_reference:
        outcome = _run_reference(spec, splits, seed)
    else:
        outcome = _run_network(spec, splits, corpus, seed, paths, folder / "work", verbose)
    trained = time.perf_counter()

    payload = {
        "schema_version": results.SCHEMA_VERSION,
        "key": key,
        "spec": spec.to_dict(),
        "seed": seed,
        "profile": profile,
        "data": {
            "dataset": corpus.name,
            "source": corpus.source,
            "provenance": corpus.provenance,
            "notes": corpus.notes,
            "sizes": {part: len(getattr(splits, part)) for part in ("train", "validation", "test")},
            "split": spec.data.split,
        },
        "class_names": list(corpus.class_names),
        **outcome,
        "timings": {
            "load_seconds": loaded - started,
            "train_seconds": trained - loaded,
            "total_seconds": time.perf_counter() - started,
            "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        },
        "environment": environment(),
    }
    payload["figures"] = {
        name: str((paths.image_folder(spec, seed) / file).relative_to(paths.images_dir.parent))
        for name, file in plots.draw_all(payload, paths.image_folder(spec, seed)).items()
    }
    # Written last and atomically: its presence is what marks the run as finished.
    results.write_json_atomic(folder / results.RESULTS_FILE, results.validate(payload))
    shutil.rmtree(folder / "work", ignore_errors=True)
    return payload


def _run_reference(spec: ExperimentSpec, splits: data.Splits, seed: int) -> dict:
    from experiments.baselines import build_reference
    from experiments.evaluate import evaluate

    model = build_reference(spec.model.architecture, max_tokens=spec.vectorize.max_tokens, seed=seed)
    # Reference models need no validation rows; they train on all training rows.
    texts = splits.train.texts + splits.validation.texts
    labels = np.concatenate([splits.train.labels, splits.validation.labels])
    model.fit(texts, labels)
    proba = _full_proba(model.predict_proba(splits.test.texts), model.classes_, len(splits.test.class_names))
    return {"metrics": evaluate(splits.test.labels, proba, splits.test.class_names), "training": {}, "model": {}}


def _full_proba(proba: np.ndarray, classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Columns for every class, also those a reference model never saw."""
    full = np.zeros((len(proba), n_classes))
    full[:, classes] = proba
    return full


def _run_network(
    spec: ExperimentSpec, splits: data.Splits, corpus, seed: int, paths: RunPaths, work_dir: Path, verbose: int
) -> dict:
    from experiments import models, train, wordvectors
    from experiments.evaluate import evaluate
    from experiments.vectorize import TextVectorizer

    train.seed_everything(seed)
    vectorizer = TextVectorizer(spec.vectorize.max_tokens, spec.vectorize.seq_len, spec.vectorize.lowercase)
    vectorizer.fit(splits.train.texts)  # training rows only: nothing from validation or test
    x = {part: vectorizer.transform(getattr(splits, part).texts) for part in ("train", "validation", "test")}

    embedding_weights, vectors_info = None, {"name": None, "origin": "random", "description": "randomly initialised"}
    if spec.vectors.name:
        # Stand-in vectors learn from training texts and any unlabelled text of the same source.
        texts = splits.train.texts + (corpus.unlabelled or [])
        vectors = wordvectors.load_word_vectors(
            spec.vectors.name, dim=spec.vectors.dim, train_texts=texts,
            data_dir=paths.data_dir, cache_dir=paths.cache_dir, seed=0,
        )
        embedding_weights, oov_rate = wordvectors.embedding_matrix(vectorizer, vectors, seed=seed)
        vectors_info = {"name": spec.vectors.name, "origin": vectors.origin, "description": vectors.description, "oov_rate": oov_rate}

    model = models.build_model(
        spec.model.architecture,
        vocab_size=vectorizer.vocab_size,
        embedding_dim=spec.vectors.dim,
        num_classes=len(corpus.class_names),
        seq_len=spec.vectorize.seq_len,
        embedding_weights=embedding_weights,
        trainable_embedding=spec.vectors.trainable,
        **spec.model.params,
    )
    fitted = train.fit(
        model, (x["train"], splits.train.labels), (x["validation"], splits.validation.labels), spec.train,
        work_dir=work_dir, verbose=verbose,
    )
    proba = model.predict(x["test"], batch_size=256, verbose=0)
    return {
        "metrics": evaluate(splits.test.labels, proba, splits.test.class_names),
        "training": fitted,
        "model": {
            "layers": models.layer_table(model),
            "params": models.param_counts(model),
            "vocab_size": vectorizer.vocab_size,
            "vectors": vectors_info,
        },
    }


def environment() -> dict:
    """Library versions and the machine, for the provenance appendix."""
    versions = {}
    for package in ("tensorflow-cpu", "tensorflow", "keras", "numpy", "scikit-learn", "gensim", "pandas", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    import keras

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpu_count": os.cpu_count(),
        "keras_backend": keras.backend.backend(),
        "versions": versions,
    }
