"""The model builders match the architectures documented in docs/STUDIES.md.

Parameter counts in brackets in docs/STUDIES.md are what a faithful Keras build
prints; they are checked here layer by layer, for V = 1000 words.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from experiments.models import (  # noqa: E402
    ARCHITECTURES,
    AttentionPooling,
    architecture_params,
    attention_weights,
    build_model,
    layer_table,
    param_counts,
)

V = 1000


def build(architecture: str, *, dim: int = 300, classes: int = 5, seq_len: int | None = 30, **kwargs):
    return build_model(
        architecture, vocab_size=V, embedding_dim=dim, num_classes=classes, seq_len=seq_len, **kwargs
    )


def types_and_params(model) -> list[tuple[str, int]]:
    """(layer type, params) in order, without the InputLayer."""
    return [(row["type"], row["params"]) for row in layer_table(model) if row["type"] != "InputLayer"]


def post_padded(rng: np.random.Generator, lengths: list[int], width: int) -> np.ndarray:
    """Token ids (1..V-1) followed by 0-padding up to ``width``, as the data pipeline makes them."""
    x = np.zeros((len(lengths), width), dtype="int32")
    for row, n in enumerate(lengths):
        x[row, :n] = rng.integers(1, V, size=n)
    return x


# --- the documented architectures --------------------------------------------


def test_dense_baseline_is_mean_pooled_embedding_with_one_hidden_layer():
    model = build("dense", hidden=64)
    assert types_and_params(model) == [
        ("Embedding", V * 300),
        ("MaskedMean", 0),
        ("Dense", 300 * 64 + 64),
        ("Dropout", 0),
        ("Dense", 64 * 5 + 5),
    ]


def test_a_text_of_padding_only_gives_finite_scores_and_gradients_so_training_cannot_collapse():
    # One all-padding row (a tweet of emoji only) once made the mean 0/0, the gradient NaN,
    # and study 4b's MLP predicted one class for every tweet.
    model = build("dense", hidden=8)
    x = post_padded(np.random.default_rng(0), [5, 0, 3], 30)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, np.array([0, 1, 2]), epochs=2, verbose=0)
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert np.isfinite(model.predict(x, verbose=0)).all()


def test_stacked_bilstm_matches_study_1b():
    model = build("stacked_bilstm")
    assert types_and_params(model) == [
        ("Embedding", V * 300),
        ("SpatialDropout1D", 0),
        ("Bidirectional", 85_248),
        ("Dropout", 0),
        ("Bidirectional", 24_832),
        ("Dropout", 0),
        ("Bidirectional", 24_832),
        ("Dropout", 0),
        ("Dense", 325),
    ]
    assert param_counts(model)["trainable"] == 135_237
    assert layer_table(model)[-2]["output_shape"] == "(None, 64)"  # the last BiLSTM collapses time


def test_bilstm_attention_matches_study_1c():
    model = build("bilstm_attention")
    assert types_and_params(model) == [
        ("Embedding", V * 300),
        ("SpatialDropout1D", 0),
        ("Bidirectional", 439_296),
        ("Dropout", 0),
        ("Bidirectional", 164_352),
        ("Dropout", 0),
        ("AttentionPooling", 129),
        ("Dense", 16_512),
        ("Dropout", 0),
        ("Dense", 8_256),
        ("Dropout", 0),
        ("Dense", 2_080),
        ("Dropout", 0),
        ("Dense", 165),
    ]
    assert param_counts(model)["trainable"] == 630_790


def test_lstm_matches_study_2a():
    model = build("lstm", dim=100, classes=20, units=30)
    assert types_and_params(model) == [("Embedding", V * 100), ("LSTM", 15_720), ("Dense", 620)]


def test_simple_rnn_matches_study_2b():
    model = build("simple_rnn", dim=100, classes=20, units=30)
    assert types_and_params(model) == [("Embedding", V * 100), ("SimpleRNN", 3_930), ("Dense", 620)]


def test_lstm_matches_study_4a_with_dropouts():
    model = build(
        "lstm", dim=300, classes=3, seq_len=96, units=128,
        dropout=0.2, recurrent_dropout=0.2, output_dropout=0.2, trainable_embedding=True,
    )
    lstm_params = 4 * (128 * (300 + 128) + 128)
    assert types_and_params(model) == [
        ("Embedding", V * 300),
        ("LSTM", lstm_params),
        ("Dropout", 0),
        ("Dense", 128 * 3 + 3),
    ]
    lstm = model.get_layer("lstm")
    assert (lstm.dropout, lstm.recurrent_dropout) == (0.2, 0.2)
    assert model.get_layer("dropout").rate == 0.2


def test_lstm_without_output_dropout_has_no_dropout_layer():
    assert "Dropout" not in [row["type"] for row in layer_table(build("lstm"))]


# --- the embedding -------------------------------------------------------------


def test_frozen_embedding_counts_as_non_trainable():
    counts = param_counts(build("lstm", dim=100, classes=20))
    assert counts == {"total": V * 100 + 15_720 + 620, "trainable": 15_720 + 620, "non_trainable": V * 100}
    assert layer_table(build("lstm", dim=100))[1]["trainable"] is False


def test_trainable_embedding_study_2c_counts_as_trainable():
    counts = param_counts(build("lstm", dim=100, classes=20, trainable_embedding=True))
    assert counts == {"total": V * 100 + 16_340, "trainable": V * 100 + 16_340, "non_trainable": 0}


def test_pretrained_vectors_are_copied_into_the_embedding():
    vectors = np.random.default_rng(0).normal(size=(V, 100)).astype("float32")
    model = build("lstm", dim=100, embedding_weights=vectors)
    np.testing.assert_array_equal(model.get_layer("embedding").get_weights()[0], vectors)


def test_pretrained_vectors_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match=r"\(1000, 100\)"):
        build("lstm", dim=100, embedding_weights=np.zeros((V, 50)))


# --- layer table -----------------------------------------------------------------


def test_layer_table_rows_read_like_the_summary():
    rows = layer_table(build("lstm", dim=100, classes=20))
    assert rows[2] == {"layer": "lstm", "type": "LSTM", "output_shape": "(None, 30)", "params": 15_720, "trainable": True}
    assert rows[1]["output_shape"] == "(None, 30, 100)"
    assert sum(row["params"] for row in rows) == param_counts(build("lstm", dim=100, classes=20))["total"]


# --- parameters of the builders --------------------------------------------------


def test_architecture_params_lists_each_builders_keywords_with_defaults():
    assert set(ARCHITECTURES) == {"dense", "stacked_bilstm", "bilstm_attention", "lstm", "simple_rnn"}
    assert architecture_params("dense") == {"hidden": 64, "dropout": 0.5}
    assert architecture_params("lstm") == {
        "units": 30, "dropout": 0.0, "recurrent_dropout": 0.0, "output_dropout": 0.0
    }
    assert architecture_params("stacked_bilstm")["units"] == (32, 32, 32)
    assert architecture_params("bilstm_attention")["dense_units"] == (128, 64, 32)


def test_unknown_param_is_rejected_naming_it_and_the_allowed_ones():
    with pytest.raises(TypeError, match=r"'hiden'.*allowed: hidden, dropout"):
        build("dense", hiden=32)


def test_unknown_architecture_is_rejected_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="'gru'.*bilstm_attention.*simple_rnn"):
        build("gru")
    with pytest.raises(ValueError, match="allowed"):
        architecture_params("gru")


# --- variable length and padding -------------------------------------------------

SMALL = {  # small widths keep these checks fast; the wiring is what is tested
    "dense": {"hidden": 8},
    "stacked_bilstm": {"units": (4, 4)},
    "bilstm_attention": {"units": (8, 4), "dense_units": (8,)},
    "lstm": {"units": 4},
    "simple_rnn": {"units": 4},
}


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
def test_models_take_batches_of_any_length_and_ignore_post_padding(architecture):
    keras.utils.set_random_seed(0)
    model = build(architecture, dim=8, seq_len=None, **SMALL[architecture])
    x = post_padded(np.random.default_rng(0), [5, 3, 7], width=7)
    short = model.predict(x, verbose=0)
    longer = model.predict(np.pad(x, ((0, 0), (0, 6))), verbose=0)
    assert short.shape == longer.shape == (3, 5)
    np.testing.assert_allclose(short.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(longer, short, rtol=1e-5, atol=1e-6)


# --- attention pooling ------------------------------------------------------------


def test_attention_pooling_has_one_weight_per_feature_plus_a_bias():
    layer = AttentionPooling()
    layer.build((None, None, 128))
    assert layer.count_params() == 2 * 64 + 1


def test_attention_pooling_config_round_trips():
    layer = AttentionPooling(return_attention=True, name="pool")
    clone = AttentionPooling.from_config(layer.get_config())
    assert (clone.name, clone.return_attention) == ("pool", True)
    assert keras.saving.get_registered_name(AttentionPooling) == "textclf>AttentionPooling"


def test_attention_weights_are_zero_on_padding_and_sum_to_one():
    layer = AttentionPooling(return_attention=True)
    h = np.random.default_rng(0).normal(size=(3, 6, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]], dtype=bool)
    pooled, weights = (keras.ops.convert_to_numpy(t) for t in layer(h, mask=mask))
    assert (weights[~mask] == 0).all()
    np.testing.assert_allclose(weights[:2].sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(pooled[:2], np.einsum("bt,btf->bf", weights[:2], h[:2]), rtol=1e-5)
    np.testing.assert_array_equal(pooled[2], 0.0)  # an empty text pools to zeros, not to padding
    assert AttentionPooling().compute_mask(h, mask) is None  # time is pooled away, so is the mask


def test_attention_pooling_output_ignores_appended_padding():
    layer = AttentionPooling()
    h = np.random.default_rng(1).normal(size=(1, 3, 4)).astype("float32")
    padded = np.concatenate([h, np.full((1, 5, 4), 7.0, dtype="float32")], axis=1)  # junk on padded steps
    mask = np.array([[True] * 3 + [False] * 5])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(padded, mask=mask)), keras.ops.convert_to_numpy(layer(h)), rtol=1e-6
    )


def test_attention_weights_of_a_model_follow_the_padding():
    keras.utils.set_random_seed(0)
    model = build("bilstm_attention", dim=8, seq_len=None, **SMALL["bilstm_attention"])
    layers_before = [layer.name for layer in model.layers]
    x = post_padded(np.random.default_rng(0), [4, 9], width=9)
    weights = attention_weights(model, x)
    assert weights.shape == (2, 9)
    assert (weights[0, 4:] == 0).all() and (weights[1] > 0).all()
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(attention_weights(model, np.pad(x, ((0, 0), (0, 3))))[:, :9], weights, atol=1e-6)
    # probing left the model as it was
    assert [layer.name for layer in model.layers] == layers_before
    assert model.get_layer("attention").return_attention is False


def test_model_with_attention_pooling_survives_save_and_load(tmp_path):
    keras.utils.set_random_seed(0)
    tokens = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(V, 8, mask_zero=True)(tokens)
    x = AttentionPooling(name="attention")(x)
    model = keras.Model(tokens, keras.layers.Dense(3, activation="softmax")(x))
    path = tmp_path / "x.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = post_padded(np.random.default_rng(0), [2, 6], width=8)
    assert isinstance(loaded.get_layer("attention"), AttentionPooling)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    # the mask survives too: extra padding changes nothing after loading
    np.testing.assert_allclose(
        loaded.predict(np.pad(x, ((0, 0), (0, 4))), verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("architecture", ["lstm", "bilstm_attention"])
def test_mixed_precision_computes_in_float16_keeps_float32_weights_and_probabilities(architecture):
    model = build(architecture, dim=8, classes=3, seq_len=None, mixed_precision=True)
    recurrent = [layer for layer in model.layers if layer.compute_dtype == "float16"]
    assert recurrent and all(w.dtype == "float32" for w in model.weights)
    rows = post_padded(np.random.default_rng(0), [5, 3, 9], width=12)
    proba = model.predict(rows, verbose=0)
    assert proba.dtype == np.float32 and np.allclose(proba.sum(axis=1), 1, atol=1e-3)
    assert keras.config.dtype_policy().name == "float32"  # the global policy is left as it was


def test_tfidf_with_a_window_reads_only_the_first_tokens_as_a_network_would():
    """The label sits in each text's fourth word: TF-IDF on the first three words cannot see it, TF-IDF on all
    of them can, so a windowed reference tells the truncation's cost from the model's."""
    from experiments.baselines import build_reference

    texts = [f"alpha beta gamma {word} delta" for word in ("good", "bad") * 20]
    labels = np.array([0, 1] * 20)
    whole = build_reference("tfidf-logreg", max_tokens=None, seed=0).fit(texts, labels)
    cut = build_reference("tfidf-logreg", max_tokens=None, seed=0, window=3).fit(texts, labels)
    assert (whole.predict(texts) == labels).all()
    assert len(set(cut.predict(texts))) == 1
