"""Training's speed levers change how the work is done, not what is learned."""

import os
import subprocess
import sys

import numpy as np
import pytest

from experiments.paths import ROOT
from experiments.train import LengthBatches, batch_width

#: ``FusedAdam`` serves the TensorFlow backend, so its checks run in a TensorFlow process.
ADAM_STEPS = """
import keras, numpy as np, tensorflow as tf
from experiments.train import FusedAdam

def adam_steps(optimizer, gradients):
    # Apply the gradients one after another to a fixed 50 x 8 variable; return the result.
    variable = keras.Variable(np.random.default_rng(0).normal(size=(50, 8)).astype("float32"))
    for gradient in gradients:
        optimizer.apply_gradients([(gradient, variable)])
    return np.asarray(variable)
"""


def test_the_fused_adam_computes_keras_adams_update_on_dense_gradients(on_backend):
    on_backend("tensorflow", ADAM_STEPS + """
rng = np.random.default_rng(1)
gradients = [tf.constant(rng.normal(size=(50, 8)).astype("float32")) for _ in range(20)]
fused = adam_steps(FusedAdam(learning_rate=1e-2), gradients)
stock = adam_steps(keras.optimizers.Adam(learning_rate=1e-2), gradients)
np.testing.assert_allclose(fused, stock, atol=1e-5)
""")


def test_an_embedding_gradient_with_repeated_words_is_summed_before_it_is_squared(on_backend):
    """Textbook Adam squares each row's summed gradient; Keras 3's own Adam squares each occurrence.

    A word seen twice in a batch sends two slices for the same row; the fused
    update equals Keras's Adam given the dense (summed) gradient.
    """
    on_backend("tensorflow", ADAM_STEPS + """
rng = np.random.default_rng(2)
sparse = [tf.IndexedSlices(tf.constant(rng.normal(size=(6, 8)).astype("float32")),
                           tf.constant([3, 7, 3, 3, 9, 7]), tf.constant([50, 8])) for _ in range(10)]
fused = adam_steps(FusedAdam(learning_rate=1e-2), sparse)
summed = adam_steps(keras.optimizers.Adam(learning_rate=1e-2), [tf.convert_to_tensor(g) for g in sparse])
per_occurrence = adam_steps(keras.optimizers.Adam(learning_rate=1e-2), sparse)
np.testing.assert_allclose(fused, summed, atol=1e-5)
assert np.abs(per_occurrence - summed).max() > 1e-3  # the difference this test is about
""")


def test_the_fused_adam_keeps_its_learning_rate_and_betas_in_its_config(on_backend):
    on_backend("tensorflow", ADAM_STEPS + """
config = FusedAdam(learning_rate=3e-4, beta_2=0.99).get_config()
again = FusedAdam.from_config(config)
assert abs(float(again.learning_rate) - 3e-4) < 1e-9 and again.beta_2 == 0.99
""")


def test_batch_widths_round_up_to_a_quarter_octave_so_few_shapes_are_compiled():
    widths = {batch_width(n, 1000) for n in range(1, 1001)}
    assert sorted(widths)[:10] == [8, 16, 24, 32, 40, 48, 56, 64, 80, 96]
    assert len(widths) <= 30 and max(widths) == 1000  # never wider than seq_len
    assert all(n <= batch_width(n, 1000) <= max(n + 7, 1.25 * n) for n in range(1, 1001))  # a quarter, or 7 tokens


def test_length_batches_serve_every_row_once_padded_only_to_the_batch_s_longest_row():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 40, 101)
    x = np.zeros((101, 40), dtype="int32")
    for row, n in enumerate(lengths):
        x[row, :n] = rng.integers(2, 99, n)
    y = np.arange(101)
    batches = LengthBatches(x, y, 16, shuffle=True, seed=3)
    served = []
    for i in range(len(batches)):
        xb, yb = batches[i]
        longest = lengths[yb].max()
        assert xb.shape[1] == batch_width(longest, 40)
        np.testing.assert_array_equal(xb[:, : lengths[yb].max()], x[yb, : lengths[yb].max()])
        served += yb.tolist()
    assert sorted(served) == y.tolist()


def test_compiled_training_steps_are_kept_on_disk_for_later_runs(on_backend, tmp_path):
    on_backend("jax", """
import numpy as np
from pathlib import Path
from experiments import models, train
from experiments.specs import TrainSpec
train.enable_compile_cache(Path(WORK) / "xla")
x = np.random.default_rng(0).integers(1, 50, (64, 12)).astype("int32")
model = models.build_model("lstm", vocab_size=50, embedding_dim=4, num_classes=2, seq_len=None, units=3)
train.fit(model, (x, x[:, 0] % 2), (x[:16], x[:16, 0] % 2), TrainSpec(epochs=1, batch_size=32),
          work_dir=Path(WORK) / "run", verbose=0)
""")
    assert any(path.name.startswith("jit_") for path in (tmp_path / "xla").iterdir())


@pytest.mark.slow
def test_tensorflow_loads_without_its_start_up_lines_unless_the_log_level_asks_for_them():
    load = "from experiments.train import _import_tensorflow_quietly\n_import_tensorflow_quietly()\nimport tensorflow"
    shown = {}
    for level in ("3", "0"):
        done = subprocess.run([sys.executable, "-c", load], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "KERAS_BACKEND": "jax", "TF_CPP_MIN_LOG_LEVEL": level})
        assert done.returncode == 0, done.stderr
        shown[level] = done.stderr
    # The lines this hides exist with the installed TensorFlow (which ones depends on the CPU: oneDNN's notice,
    # the CPU feature guard's).
    assert "tensorflow" in shown["0"].lower() or "absl" in shown["0"]
    assert shown["3"] == ""
