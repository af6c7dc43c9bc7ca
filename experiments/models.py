"""The classifiers of every study, one builder per architecture.

Each builder reads like the diagram in ``docs/STUDIES.md``: it takes the embedded
token sequence from one shared helper and stacks the documented layers on it.
Models are built with a known input shape (so ``summary()`` and the parameter
counts that ``docs/STUDIES.md`` quotes are available at once) and returned
uncompiled, because the optimiser and loss belong to the training spec.

Token id 0 is padding and the data is post-padded, so every model is
mask-aware from the embedding on: recurrent layers skip padded steps, and the
poolings ignore them. Only backend-agnostic Keras APIs are used here (no
TensorFlow import), so the models also run on the JAX and PyTorch backends.
"""

from __future__ import annotations

import inspect
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterator

import keras
import numpy as np
from keras import layers, ops


# --------------------------------------------------------------------------
# Attention pooling (study 1c)
# --------------------------------------------------------------------------


def _large_negative(dtype: str) -> float:
    """A score that softmax turns into 0 without overflowing ``dtype`` (float16 tops out at 65504)."""
    return -3e4 if keras.backend.standardize_dtype(dtype) == "float16" else -1e9


@keras.saving.register_keras_serializable(package="textclf")
class AttentionPooling(layers.Layer):
    """Pools a sequence over time with learned, padding-aware weights.

    ``score_t = tanh(h_t · w + b)``, ``a = softmax_t(score)`` over the real
    (unmasked) steps, output ``sum_t a_t h_t``. Parameters: one score weight per
    feature plus one bias (``2 * 64 + 1 = 129`` after a BiLSTM(64)).

    With ``return_attention=True`` the layer returns ``(pooled, weights)`` so the
    weights can be plotted; :func:`attention_weights` does that for a trained model.
    """

    def __init__(self, return_attention: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.return_attention = return_attention
        self.supports_masking = True

    def build(self, input_shape: tuple) -> None:
        features = input_shape[-1]
        if features is None:
            raise ValueError("AttentionPooling needs a known feature dimension (last axis)")
        self.score_weight = self.add_weight(
            name="score_weight", shape=(features, 1), initializer="glorot_uniform"
        )
        self.score_bias = self.add_weight(name="score_bias", shape=(1,), initializer="zeros")

    def call(self, inputs, mask=None):
        scores = ops.squeeze(ops.tanh(ops.matmul(inputs, self.score_weight) + self.score_bias), axis=-1)
        if mask is not None:
            mask = ops.cast(mask, "bool")
            scores = ops.where(mask, scores, _large_negative(scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        if mask is not None:
            # Exactly 0 on padding, and an all-padding row pools to zeros instead
            # of averaging the padded steps.
            weights = weights * ops.cast(mask, weights.dtype)
        pooled = ops.sum(inputs * ops.expand_dims(weights, axis=-1), axis=1)
        return (pooled, weights) if self.return_attention else pooled

    def compute_output_shape(self, input_shape: tuple):
        pooled = (input_shape[0], input_shape[-1])
        return (pooled, tuple(input_shape[:2])) if self.return_attention else pooled

    def compute_mask(self, inputs, mask=None):
        # Time is pooled away, so nothing downstream is masked.
        return [None, None] if self.return_attention else None

    def get_config(self) -> dict:
        return {**super().get_config(), "return_attention": self.return_attention}


def attention_weights(model: keras.Model, x: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
    """Attention weights ``(samples, time)`` of the model's :class:`AttentionPooling` on token ids ``x``.

    A twin layer with ``return_attention=True`` and a copy of the trained
    weights reads the same hidden sequence (and mask), so the model itself is
    left untouched.
    """
    pools = [layer for layer in model.layers if isinstance(layer, AttentionPooling)]
    if len(pools) != 1:
        raise ValueError(f"model {model.name!r} has {len(pools)} AttentionPooling layers; expected exactly 1")
    pool = pools[0]
    # Keras 3 records the padding mask as a second input of the layer's node.
    hidden, mask = pool.input if isinstance(pool.input, (list, tuple)) else (pool.input, None)
    twin = AttentionPooling.from_config({**pool.get_config(), "return_attention": True, "name": f"{pool.name}_probe"})
    _, weights = twin(hidden, mask=mask)
    twin.set_weights(pool.get_weights())
    probe = keras.Model(model.inputs, weights, name=f"{model.name}_attention")
    return np.asarray(probe.predict(x, batch_size=batch_size, verbose=0))


# --------------------------------------------------------------------------
# Mean over the real tokens (studies 1a and 4b)
# --------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="textclf")
class MaskedMean(layers.Layer):
    """Mean of the word vectors over the real (unmasked) steps; zeros for a text with none.

    Keras's ``GlobalAveragePooling1D`` divides by the number of real steps, so a
    text whose tokens are all padding (a tweet of emoji only) yields 0 / 0 = NaN.
    One such row in a batch makes the gradient NaN and kills every ReLU after
    it: the model then predicts one class for every text.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        total = ops.sum(inputs * weights, axis=1)
        return total / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], input_shape[-1])


# --------------------------------------------------------------------------
# The shared input: token ids → masked word vectors
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EmbeddedTokens:
    """What every builder starts from: the input tensor, its embedded sequence and the class count."""

    tokens: Any  # KerasTensor (batch, time) int32; 0 is padding
    vectors: Any  # KerasTensor (batch, time, dim), masked where tokens == 0
    num_classes: int


def embed_tokens(
    *,
    vocab_size: int,
    embedding_dim: int,
    num_classes: int,
    seq_len: int | None,
    embedding_weights: np.ndarray | None = None,
    trainable_embedding: bool = False,
) -> EmbeddedTokens:
    """Input and embedding shared by all architectures.

    ``mask_zero`` carries the padding mask to every later layer; pre-trained
    vectors are copied in after the layer is built (not through an initializer,
    which would store the whole matrix in the saved config).
    """
    if embedding_weights is not None:
        embedding_weights = np.asarray(embedding_weights)
        if embedding_weights.shape != (vocab_size, embedding_dim):
            raise ValueError(
                f"embedding_weights has shape {embedding_weights.shape}, "
                f"expected (vocab_size, embedding_dim) = {(vocab_size, embedding_dim)}"
            )
    tokens = keras.Input(shape=(seq_len,), dtype="int32", name="tokens")
    embedding = layers.Embedding(
        vocab_size, embedding_dim, mask_zero=True, trainable=trainable_embedding, name="embedding"
    )
    vectors = embedding(tokens)
    if embedding_weights is not None:
        embedding.set_weights([embedding_weights])
    return EmbeddedTokens(tokens, vectors, num_classes)


def _classifier_head(x, inputs: EmbeddedTokens, name: str) -> keras.Model:
    """Softmax over the classes, closing the model.

    Kept in float32 so that under a mixed-precision policy the probabilities
    (and the loss on them) do not round to 0 or 1.
    """
    probs = layers.Dense(inputs.num_classes, activation="softmax", dtype="float32", name="classes")(x)
    return keras.Model(inputs.tokens, probs, name=name)


# --------------------------------------------------------------------------
# The architectures, in study order
# --------------------------------------------------------------------------


def build_dense(inputs: EmbeddedTokens, *, hidden: int = 64, dropout: float = 0.5) -> keras.Model:
    """1a: mean of the word vectors (padding excluded) → one ReLU layer → softmax; the chapter's baseline."""
    x = MaskedMean(name="mean_over_time")(inputs.vectors)
    x = layers.Dense(hidden, activation="relu", name="hidden")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    return _classifier_head(x, inputs, "dense")


def _bilstm_stack(inputs: EmbeddedTokens, units: tuple[int, ...], spatial_dropout: float, dropout: float,
                  *, keep_time: bool):
    """Spatial dropout, then a BiLSTM with dropout per entry of ``units``; the last keeps time or collapses it."""
    x = layers.SpatialDropout1D(spatial_dropout, name="spatial_dropout")(inputs.vectors)
    for i, n in enumerate(units, start=1):
        sequences = keep_time or i < len(units)
        x = layers.Bidirectional(layers.LSTM(n, return_sequences=sequences), name=f"bilstm_{i}")(x)
        x = layers.Dropout(dropout, name=f"dropout_{i}")(x)
    return x


def build_stacked_bilstm(
    inputs: EmbeddedTokens,
    *,
    units: tuple[int, ...] = (32, 32, 32),
    spatial_dropout: float = 0.2,
    dropout: float = 0.3,
) -> keras.Model:
    """1b: BiLSTMs stacked ``len(units)`` deep; only the last one collapses time."""
    x = _bilstm_stack(inputs, units, spatial_dropout, dropout, keep_time=False)
    return _classifier_head(x, inputs, "stacked_bilstm")


def build_bilstm_attention(
    inputs: EmbeddedTokens,
    *,
    units: tuple[int, ...] = (128, 64),
    dense_units: tuple[int, ...] = (128, 64, 32),
    spatial_dropout: float = 0.2,
    dropout: float = 0.3,
) -> keras.Model:
    """1c: BiLSTMs keep the sequence, attention pools it, a ReLU funnel classifies."""
    x = _bilstm_stack(inputs, units, spatial_dropout, dropout, keep_time=True)
    x = AttentionPooling(name="attention")(x)
    for i, n in enumerate(dense_units, start=1):
        x = layers.Dense(n, activation="relu", name=f"dense_{i}")(x)
        x = layers.Dropout(dropout, name=f"dense_dropout_{i}")(x)
    return _classifier_head(x, inputs, "bilstm_attention")


def _single_recurrent(
    recurrent: type[layers.Layer],
    name: str,
    inputs: EmbeddedTokens,
    *,
    units: int = 30,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    output_dropout: float = 0.0,
) -> keras.Model:
    """One recurrent layer → optional dropout → softmax: the shape shared by studies 2–4.

    2a/2c/3a/4a use an LSTM (4a: units=128, all dropouts 0.2); 2b swaps in a
    SimpleRNN of the same width to show what the LSTM's gates buy.
    """
    x = recurrent(units, dropout=dropout, recurrent_dropout=recurrent_dropout, name=name)(inputs.vectors)
    if output_dropout > 0:
        x = layers.Dropout(output_dropout, name="dropout")(x)
    return _classifier_head(x, inputs, name)


build_lstm = partial(_single_recurrent, layers.LSTM, "lstm")
build_simple_rnn = partial(_single_recurrent, layers.SimpleRNN, "simple_rnn")


ARCHITECTURES: dict[str, Callable[..., keras.Model]] = {
    "dense": build_dense,
    "stacked_bilstm": build_stacked_bilstm,
    "bilstm_attention": build_bilstm_attention,
    "lstm": build_lstm,
    "simple_rnn": build_simple_rnn,
}


# --------------------------------------------------------------------------
# Entry points used by specs, training and the report
# --------------------------------------------------------------------------


def _builder(architecture: str) -> Callable[..., keras.Model]:
    try:
        return ARCHITECTURES[architecture]
    except KeyError:
        raise ValueError(
            f"unknown architecture {architecture!r}; allowed: {', '.join(sorted(ARCHITECTURES))}"
        ) from None


def architecture_params(architecture: str) -> dict[str, object]:
    """The keyword params ``architecture`` accepts, with their defaults, so a spec can be checked before training."""
    signature = inspect.signature(_builder(architecture))
    return {
        name: p.default
        for name, p in signature.parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def build_model(
    architecture: str,
    *,
    vocab_size: int,
    embedding_dim: int,
    num_classes: int,
    seq_len: int | None,
    embedding_weights: np.ndarray | None = None,
    trainable_embedding: bool = False,
    mixed_precision: bool = False,
    **params: Any,
) -> keras.Model:
    """The named architecture on a masked embedding, built and uncompiled.

    ``seq_len=None`` accepts batches of any length (the trainer buckets by
    length); ``params`` are the builder's own keywords (see
    :func:`architecture_params`), and unknown ones are rejected by name.
    ``mixed_precision`` computes in float16 with float32 weights (for GPUs;
    Keras then scales the loss), and keeps the softmax in float32.
    """
    builder = _builder(architecture)
    allowed = architecture_params(architecture)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise TypeError(
            f"unknown param(s) {', '.join(map(repr, unknown))} for architecture {architecture!r}; "
            f"allowed: {', '.join(allowed)}"
        )
    with _dtype_policy("mixed_float16" if mixed_precision else "float32"):
        inputs = embed_tokens(
            vocab_size=vocab_size,
            embedding_dim=embedding_dim,
            num_classes=num_classes,
            seq_len=seq_len,
            embedding_weights=embedding_weights,
            trainable_embedding=trainable_embedding,
        )
        return builder(inputs, **params)


@contextmanager
def _dtype_policy(name: str) -> Iterator[None]:
    """Build layers under Keras's dtype policy ``name``; the global policy is restored afterwards."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(before)


def _shape_text(tensor) -> str:
    """``"(None, 30, 64)"``, or a list of such for layers with several outputs."""
    if isinstance(tensor, (list, tuple)):
        return "[" + ", ".join(_shape_text(t) for t in tensor) + "]"
    return str(tuple(tensor.shape))


def layer_table(model: keras.Model) -> list[dict]:
    """One row per layer, as ``model.summary()`` shows it, for the report's architecture tables."""
    return [
        {
            "layer": layer.name,
            "type": type(layer).__name__,
            "output_shape": _shape_text(layer.output),
            "params": int(layer.count_params()) if layer.built else 0,
            "trainable": bool(layer.trainable),
        }
        for layer in model.layers
    ]


def _size(variables) -> int:
    return int(sum(np.prod(v.shape) for v in variables))


def param_counts(model: keras.Model) -> dict:
    """Total, trainable and non-trainable (e.g. frozen word vectors) parameter counts."""
    trainable = _size(model.trainable_weights)
    non_trainable = _size(model.non_trainable_weights)
    return {"total": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}
