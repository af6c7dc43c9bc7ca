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
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import numpy as np

from experiments import data, results
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
        if not (folder / "work").exists():  # a fresh start, not a resumed run: old event files would mix in
            shutil.rmtree(folder / "tensorboard", ignore_errors=True)
        outcome = _run_network(spec, splits, corpus, seed, paths, folder, verbose)
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
            # Rows outside the test split before any cap (the quick profile's max_train).
            "available_train": len(corpus) - len(splits.test),
            "split": spec.data.split,
            **describe_splits(splits, window=spec.vectorize.seq_len),
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
    draw_figures(payload, paths.image_folder(spec, seed), paths.images_dir)
    # Written last and atomically: its presence is what marks the run as finished.
    results.write_json_atomic(folder / results.RESULTS_FILE, results.validate(payload))
    shutil.rmtree(folder / "work", ignore_errors=True)
    return payload


def draw_figures(payload: dict, folder: Path, images_dir: Path) -> None:
    """Draw a run's figures from its results into ``folder``; record their paths and the figure code's version."""
    from experiments import plots  # matplotlib is slow to import; `make experiments` with nothing to do needs none

    payload["figures"] = {
        name: str((folder / file).relative_to(images_dir.parent)) for name, file in plots.draw_all(payload, folder).items()
    }
    payload["figures_version"] = results.figures_version()


def redraw_figures(spec: ExperimentSpec, seed: int, paths: RunPaths) -> None:
    """Redraw the figures of a finished run after the figure code changed; nothing is retrained."""
    path = paths.run_folder(spec, seed) / results.RESULTS_FILE
    payload = results.read(path)
    draw_figures(payload, paths.image_folder(spec, seed), paths.images_dir)
    results.write_json_atomic(path, payload)


#: Tokens kept of the example window, so that a long window does not bloat every results file.
EXAMPLE_TOKENS = 60


def describe_splits(splits: data.Splits, *, window: int) -> dict:
    """Class counts per split, the token-length distribution of the training texts, and
    the first ``window`` tokens of the first training text: what a model reads of it."""
    from experiments.vectorize import tokenize

    n_classes = len(splits.train.class_names)
    counts = {
        part: np.bincount(getattr(splits, part).labels, minlength=n_classes).tolist()
        for part in ("train", "validation", "test")
    }
    lengths = np.array([len(tokenize(text)) for text in splits.train.texts])
    quantiles = {f"p{q}": float(np.percentile(lengths, q)) for q in (50, 90, 99)}
    # Texts beyond the 99th percentile share the last bin, so a long tail does not squash the plot.
    clipped_at = max(1.0, quantiles["p99"])
    histogram, edges = np.histogram(np.minimum(lengths, clipped_at), bins=30)
    return {
        "class_counts": counts,
        "window_example": tokenize(splits.train.texts[0])[: min(window, EXAMPLE_TOKENS)],
        "train_lengths": {**quantiles, "max": int(lengths.max()), "mean": float(lengths.mean()),
                          "histogram": histogram.tolist(), "edges": edges.tolist(), "clipped_at": clipped_at},
    }


def _run_reference(spec: ExperimentSpec, splits: data.Splits, seed: int) -> dict:
    from experiments.baselines import build_reference
    from experiments.evaluate import evaluate

    model = build_reference(spec.model.architecture, max_tokens=spec.vectorize.max_tokens, seed=seed,
                            **spec.model.params)
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
    spec: ExperimentSpec, splits: data.Splits, corpus, seed: int, paths: RunPaths, folder: Path, verbose: int
) -> dict:
    from experiments import models, train, wordvectors
    from experiments.evaluate import evaluate
    from experiments.vectorize import TextVectorizer

    train.seed_everything(seed)
    train.enable_compile_cache(paths.cache_dir / "xla")
    vectorizer = TextVectorizer(spec.vectorize.max_tokens, spec.vectorize.seq_len, spec.vectorize.lowercase,
                                spec.vectorize.padding)
    # Training rows only, so nothing of validation or test enters the vocabulary; "all" is the
    # original study 4's flaw, kept for its ladder.
    vectorizer.fit(corpus.texts if spec.vectorize.fit_on == "all" else splits.train.texts)
    x = {part: vectorizer.transform(getattr(splits, part).texts) for part in ("train", "validation", "test")}

    embedding_weights, embedding_dim = None, spec.vectors.dim
    vectors_info = {"requested": None, "kind": "learned", "name": f"embedding learned from scratch ({spec.vectors.dim}-d)",
                    "dim": spec.vectors.dim, "corpus": None, "file": None, "coverage": None, "substitute": False}
    if spec.vectors.name:
        # Trained vectors learn from training texts and any unlabelled text of the same source.
        vectors = wordvectors.load_word_vectors(
            spec.vectors.name, dim=spec.vectors.dim, train_texts=splits.train.texts,
            unlabelled_texts=corpus.unlabelled or [],
            data_dir=paths.data_dir, cache_dir=paths.cache_dir, seed=0, generated=corpus.source == "embedded",
        )
        embedding_weights, coverage = wordvectors.embedding_matrix(vectorizer, vectors, seed=seed)
        embedding_dim, vectors_info = vectors.dim, vectors.record(coverage)
        if spec.vectors.pad_to is not None and spec.vectors.pad_to > vectors.dim:
            # The original 2e's "200-d" vectors: each vector followed by zeros, nothing learned in them.
            embedding_weights = np.pad(embedding_weights, ((0, 0), (0, spec.vectors.pad_to - vectors.dim)))
            embedding_dim = spec.vectors.pad_to
            vectors_info = {**vectors_info, "padded_to": spec.vectors.pad_to}

    model = models.build_model(
        spec.model.architecture,
        vocab_size=vectorizer.vocab_size,
        embedding_dim=embedding_dim,
        num_classes=len(corpus.class_names),
        # Length-bucketed batches vary in width; rows never exceed seq_len either way.
        seq_len=None if spec.train.bucket_by_length else spec.vectorize.seq_len,
        embedding_weights=embedding_weights,
        trainable_embedding=spec.vectors.trainable,
        mixed_precision=spec.train.mixed_precision,
        **spec.model.params,
    )
    fitted = train.fit(
        model, (x["train"], splits.train.labels), (x["validation"], splits.validation.labels), spec.train,
        work_dir=folder / "work", log_dir=folder / "tensorboard", seed=seed, verbose=verbose,
    )
    proba = train.predict(model, x["test"], bucket=spec.train.bucket_by_length)
    extra = {}
    if any(isinstance(layer, models.AttentionPooling) for layer in model.layers):
        extra["attention"] = _attention_examples(model, x["test"], vectorizer, splits.test, proba)
    return {
        **extra,
        "metrics": evaluate(splits.test.labels, proba, splits.test.class_names),
        "training": fitted,
        "model": {
            "layers": models.layer_table(model),
            "params": models.param_counts(model),
            "vocab_size": vectorizer.vocab_size,
            "vectors": vectors_info,
        },
    }


def _git_commit() -> str | None:
    """The commit of the code that ran, with ``+dirty`` when it had uncommitted changes."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "experiments"], cwd=root, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit.stdout.strip()[:12] + ("+dirty" if dirty.stdout.strip() else "")


#: Test documents whose attention weights are kept for the report's figure.
ATTENTION_EXAMPLES = 4
#: Words kept per document: the most weighted ones.
ATTENTION_TOP_WORDS = 12


def _attention_examples(model, x: np.ndarray, vectorizer, test, proba: np.ndarray) -> list[dict]:
    """For a few test documents, the words the attention pooling weighted most.

    The documents are the first test document of each class in turn; when
    none of them is misclassified, the last is replaced by the first error
    of a class not yet shown, so the figure shows different topics and an error.
    """
    from experiments.models import attention_weights

    predicted = proba.argmax(axis=1)
    firsts = [int(np.argmax(test.labels == c)) for c in np.unique(test.labels)][:ATTENTION_EXAMPLES]
    shown = {int(test.labels[i]) for i in firsts[:-1]}
    wrong = [i for i in np.flatnonzero(predicted != test.labels) if int(test.labels[i]) not in shown]
    if wrong and all(predicted[i] == test.labels[i] for i in firsts):
        firsts = [*firsts[:-1], int(wrong[0])]
    words = vectorizer.words()
    examples = []
    for index, weights in zip(firsts, attention_weights(model, x[firsts])):
        row = x[index]
        length = int((row != 0).sum())
        top = np.argsort(-weights)[:ATTENTION_TOP_WORDS]
        top = top[row[top] != 0]
        examples.append({
            "true": test.class_names[int(test.labels[index])],
            "predicted": test.class_names[int(predicted[index])],
            "length": length,
            # Weight × length at every real position: 1 is uniform attention.
            "profile": [round(float(w) * length, 4) for w in weights[:length]],
            "words": [words[row[t]] for t in top],
            "positions": [int(t) for t in top],
            "weights": [float(weights[t]) for t in top],
        })
    return examples


def _accelerators() -> list[str]:
    """The GPUs the backend sees (empty on a CPU-only machine), for the provenance appendix."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return [device.name for device in tf.config.list_physical_devices("GPU")]
    if backend == "jax":
        import jax

        return [str(device) for device in jax.devices() if device.platform == "gpu"]
    if backend == "torch":
        import torch

        return [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return []


#: Read once, when the code is loaded: a commit made while a long suite runs is not the code it runs.
CODE_COMMIT = _git_commit()


def environment() -> dict:
    """Library versions and the machine, for the provenance appendix."""
    versions = {}
    for package in ("jax", "jaxlib", "tensorflow-cpu", "tensorflow", "keras", "numpy", "scikit-learn", "gensim",
                    "pandas", "matplotlib"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    import keras

    return {
        "devices": _accelerators(),
        "git_commit": CODE_COMMIT,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpu_count": os.cpu_count(),
        "keras_backend": keras.backend.backend(),
        "versions": versions,
    }
