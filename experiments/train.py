"""Fit a Keras model with validation taken from the training split.

The test split never reaches this module: early stopping and the learning
curves only ever see the validation rows.

Batches are grouped by length: each batch is padded only to its own longest
text instead of the spec's ``seq_len``. The models mask padding, so this
changes the work done per batch, not what a batch computes.

On the JAX backend (the default where JAX is installed, see
``experiments/__init__.py``) XLA compiles the whole training step once per
batch shape; compiled steps are kept on disk and shared by every run and seed
of the same model (``enable_compile_cache``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import keras
import numpy as np

from experiments.results import write_json_atomic
from experiments.specs import TrainSpec
from experiments.vectorize import PAD

#: The narrowest batch width; wider batches round up to a quarter of their octave.
MIN_WIDTH_STEP = 8


def batch_width(longest: int, seq_len: int) -> int:
    """The width a batch whose longest text has ``longest`` tokens is padded to.

    Rounding up to a quarter of the width's power of two (8, 16, …, 64, 80, 96,
    112, 128, 160, …) pads a batch by at most a quarter of its width (7 tokens
    below 32) and leaves four shapes per doubling: JAX compiles some twenty
    shapes for 1,000-token articles instead of one per length.
    """
    step = max(MIN_WIDTH_STEP, 2 ** (max(int(longest), 1).bit_length() - 3))
    return min(seq_len, -(-int(longest) // step) * step)


def enable_compile_cache(cache_dir: Path) -> None:
    """Keep XLA's compiled training steps in ``cache_dir``, so later runs and seeds skip compiling.

    Only the JAX backend compiles whole steps; elsewhere this does nothing.
    The cache is keyed by the program and the JAX version, so a stale entry is never used.
    """
    if keras.backend.backend() != "jax":
        return
    import jax

    jax.config.update("jax_compilation_cache_dir", str(cache_dir))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.5)


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow (TensorBoard's writer needs it) without its C++ start-up lines on the progress output.

    TensorFlow 2.16+ prints its absl and oneDNN notices while loading, before it reads
    ``TF_CPP_MIN_LOG_LEVEL``; they go to the process's stderr, so that import runs with
    stderr closed. ``TF_CPP_MIN_LOG_LEVEL=0`` shows them.
    """
    if "tensorflow" in sys.modules or os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") == "0":
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def seed_everything(seed: int) -> None:
    """Same seed, same metrics: seeds Python, NumPy and the backend, and asks TF for deterministic ops."""
    keras.utils.set_random_seed(seed)
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


@keras.saving.register_keras_serializable(package="textclf")
class FusedAdam(keras.optimizers.Adam):
    """Keras's Adam; on TensorFlow each variable's update runs as one fused kernel.

    Keras computes Adam as some ten tensor operations, each a pass over the
    variable. For a trainable 20,000 × 300 embedding those passes cost more
    than the LSTM on short tweets. TensorFlow's ``ResourceApplyAdam`` applies
    the same formula in one pass; the weights agree to float rounding (tested).
    Other backends, and AMSGrad, use Keras's own update.
    """

    def update_step(self, gradient, variable, learning_rate):
        if keras.backend.backend() != "tensorflow" or self.amsgrad:
            return super().update_step(gradient, variable, learning_rate)
        import tensorflow as tf
        from keras import ops

        dtype = variable.dtype
        step = ops.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = ops.cast(self.beta_1, dtype), ops.cast(self.beta_2, dtype)
        index = self._get_variable_index(variable)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=self._momentums[index].handle, v=self._velocities[index].handle,
            beta1_power=ops.power(beta_1, step), beta2_power=ops.power(beta_2, step),
            lr=ops.cast(learning_rate, dtype), beta1=beta_1, beta2=beta_2, epsilon=ops.cast(self.epsilon, dtype),
            # An embedding's gradient arrives as IndexedSlices; the kernel takes it dense.
            grad=tf.convert_to_tensor(ops.cast(gradient, dtype)),
        )


class LengthBatches(keras.utils.PyDataset):
    """Batches of padded rows cut to the longest row in each batch.

    Rows are sorted by length (ties broken at random), cut into batches, and the
    batch order is shuffled every epoch when ``shuffle`` is set. Pre-padded rows
    (zeros in front) keep their last columns, post-padded rows their first.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray | None, batch_size: int, *, shuffle: bool, seed: int = 0):
        super().__init__()
        self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle
        self.lengths = np.maximum((x != PAD).sum(axis=1), 1)
        # Only pre-padding puts a zero before a token: a post-padded row is zero from its end on.
        self.pre_padded = bool(((x[:, 0] == PAD) & (x[:, -1] != PAD)).any())
        self.rng = np.random.default_rng(seed)
        self._arrange()

    def _arrange(self) -> None:
        jitter = self.rng.random(len(self.lengths)) if self.shuffle else np.arange(len(self.lengths))
        order = np.lexsort((jitter, self.lengths))
        self.batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        if self.shuffle:
            self.rng.shuffle(self.batches)

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, index: int):
        rows = self.batches[index]
        width = batch_width(self.lengths[rows].max(), self.x.shape[1])
        x = self.x[rows, self.x.shape[1] - width:] if self.pre_padded else self.x[rows, :width]
        return x if self.y is None else (x, self.y[rows])

    def on_epoch_end(self) -> None:
        if self.shuffle:
            self._arrange()

    def order(self) -> np.ndarray:
        """Row index of each prediction when predicting batch by batch."""
        return np.concatenate(self.batches)


def _feed(batches: LengthBatches):
    """What ``fit``/``predict`` take: the PyDataset itself, or a tf.data pipeline on TensorFlow.

    Keras infers a TensorFlow input signature from the first batches, which would
    fix the batch width; an explicit signature with a free width avoids that, and
    ``prefetch`` prepares the next batch while the current one trains.
    """
    if keras.backend.backend() != "tensorflow":
        return batches
    import tensorflow as tf

    def epoch():
        for index in range(len(batches)):
            yield batches[index]
        batches.on_epoch_end()

    x_spec = tf.TensorSpec((None, None), tf.as_dtype(batches.x.dtype))
    signature = x_spec if batches.y is None else (x_spec, tf.TensorSpec((None,), tf.as_dtype(batches.y.dtype)))
    dataset = tf.data.Dataset.from_generator(epoch, output_signature=signature)
    return dataset.apply(tf.data.experimental.assert_cardinality(len(batches))).prefetch(2)


def predict(model: keras.Model, x: np.ndarray, *, bucket: bool, batch_size: int = 256) -> np.ndarray:
    """Class probabilities for ``x`` in its own row order."""
    if not bucket:
        return model.predict(x, batch_size=batch_size, verbose=0)
    batches = LengthBatches(x, None, batch_size, shuffle=False)
    proba = model.predict(_feed(batches), verbose=0)
    out = np.empty_like(proba)
    out[batches.order()] = proba
    return out


class _Backup(keras.callbacks.BackupAndRestore):
    """Keras's per-epoch backup, keeping the previous epoch as well.

    A kill can land while the backup is being written; Keras then falls back to
    the previous epoch. A backup that cannot be read at all is discarded, so the
    run starts over instead of failing.
    """

    def __init__(self, backup_dir: Path):
        super().__init__(str(backup_dir), double_checkpoint=True)

    def on_train_begin(self, logs=None):
        try:
            super().on_train_begin(logs)
        except (OSError, ValueError) as err:
            print(f"[train] backup in {self.backup_dir} is unreadable ({err}); starting from the first epoch")
            shutil.rmtree(self.backup_dir, ignore_errors=True)


class EpochLog(keras.callbacks.Callback):
    """Every epoch's logs, saved to ``path`` after each epoch, so that a resumed fit reports its whole history
    and the epochs it resumed at.

    Placed before the backup, the log is never behind the epoch a resume starts from; epochs it lacks
    (a backup left by an older version) are recorded as NaN rather than dropped.
    """

    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)

    def on_train_begin(self, logs=None):
        saved = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        self.epochs: list[dict] = saved.get("epochs", [])
        self.resumed_at: list[int] = saved.get("resumed_at", [])
        self._first = True

    def on_epoch_begin(self, epoch, logs=None):
        if self._first:
            self._first = False
            if epoch > 0:
                self.resumed_at.append(epoch)
            del self.epochs[epoch:]
            self.epochs += [{}] * (epoch - len(self.epochs))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append({key: float(value) for key, value in (logs or {}).items()})
        write_json_atomic(self.path, {"epochs": self.epochs, "resumed_at": self.resumed_at})

    @property
    def history(self) -> dict[str, list[float]]:
        keys = list(dict.fromkeys(key for epoch in self.epochs for key in epoch))
        return {key: [epoch.get(key, float("nan")) for epoch in self.epochs] for key in keys}


class EpochTimer(keras.callbacks.Callback):
    """Wall time of each epoch (``seconds``), for the results and the benchmark."""

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
    log_dir: Path | None = None,
    seed: int = 0,
    verbose: int = 2,
    **compile_options,
) -> dict:
    """Train ``model`` in place; return its history, epoch times and the epoch kept.

    ``work_dir`` holds a per-epoch backup, so an interrupted fit resumes from its
    last finished epoch when called again with the same arguments; the history then
    covers every epoch, and ``resumed_at`` lists the epochs it resumed at (early
    stopping, which starts over at a resume, chose its epoch among those after the last). ``log_dir``
    receives TensorBoard event files (``make tensorboard`` serves them).
    ``compile_options`` go to ``model.compile`` (``jit_compile``,
    ``steps_per_execution``): the benchmark measures them; runs use Keras's defaults.
    """
    model.compile(
        optimizer=FusedAdam(learning_rate=spec.learning_rate),
        # Integer labels with the sparse loss: the same objective as one-hot categorical cross-entropy.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        **compile_options,
    )
    timer, log = EpochTimer(), EpochLog(Path(work_dir) / "history.json")
    callbacks = [timer, log, _Backup(Path(work_dir) / "backup")]
    if log_dir is not None:
        _import_tensorflow_quietly()
        callbacks.append(keras.callbacks.TensorBoard(str(log_dir), write_graph=False, profile_batch=0))
    stopper = None
    if spec.patience is not None:
        stopper = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=spec.patience,
                                                restore_best_weights=True, verbose=0)
        callbacks.append(stopper)
    if spec.bucket_by_length:
        # The batches shuffle themselves each epoch; Keras must not try to.
        data = {"x": _feed(LengthBatches(*train, spec.batch_size, shuffle=True, seed=seed)), "shuffle": False}
        val = _feed(LengthBatches(*validation, 256, shuffle=False))
    else:
        data = {"x": train[0], "y": train[1], "batch_size": spec.batch_size}
        val = validation
    model.fit(**data, validation_data=val, epochs=spec.epochs, callbacks=callbacks, verbose=verbose)
    history = log.history
    # The weights kept: early stopping's best epoch (counted from 1), or the last (also when a resume found
    # every epoch done, so that early stopping saw none).
    best_epoch = stopper.best_epoch + 1 if stopper is not None and stopper.best_weights is not None else len(history["loss"])
    return {"history": history, "epoch_seconds": timer.seconds, "epochs_run": len(history["loss"]),
            "best_epoch": best_epoch, "resumed_at": [epoch + 1 for epoch in log.resumed_at]}
