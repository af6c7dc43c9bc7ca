"""Fit a Keras model with validation taken from the training split.

The test split never reaches this module: early stopping and the learning
curves only ever see the validation rows.
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np

from experiments.specs import TrainSpec


def seed_everything(seed: int) -> None:
    """Same seed, same metrics: seeds Python, NumPy and the backend, and asks TF for deterministic ops."""
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


class _EpochTimer(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def fit(
    model: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    spec: TrainSpec,
    *,
    work_dir: Path,
    verbose: int = 2,
) -> dict:
    """Train ``model`` in place; return its history, epoch times and the epoch kept.

    ``work_dir`` holds a per-epoch backup, so an interrupted fit resumes from its
    last finished epoch when called again with the same arguments.
    """
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=spec.learning_rate),
        # Integer labels with the sparse loss: the same objective as one-hot categorical cross-entropy.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer = _EpochTimer()
    callbacks = [timer, keras.callbacks.BackupAndRestore(str(Path(work_dir) / "backup"))]
    if spec.patience is not None:
        callbacks.append(
            keras.callbacks.EarlyStopping(
                monitor="val_accuracy", patience=spec.patience, restore_best_weights=True, verbose=0
            )
        )
    history = model.fit(
        train[0],
        train[1],
        validation_data=validation,
        epochs=spec.epochs,
        batch_size=spec.batch_size,
        callbacks=callbacks,
        verbose=verbose,
    ).history
    history = {key: [float(v) for v in values] for key, values in history.items()}
    best_epoch = int(np.argmax(history["val_accuracy"])) + 1 if spec.patience is not None else len(history["loss"])
    return {"history": history, "epoch_seconds": timer.seconds, "epochs_run": len(history["loss"]), "best_epoch": best_epoch}
