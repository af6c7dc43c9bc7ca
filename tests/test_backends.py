"""The suite trains on JAX where it is installed; the same models run on TensorFlow and PyTorch.

The models and the batching use only backend-agnostic Keras. PyTorch is skipped
where it is not installed (``pip install torch``; CI installs the CPU build).
"""

import importlib.util
import os
import subprocess
import sys

import pytest

from experiments.paths import ROOT

ARCHITECTURES = ("dense", "stacked_bilstm", "bilstm_attention", "lstm", "simple_rnn")
EVERY_ARCHITECTURE = """
import numpy as np, keras
from experiments import models, train
from experiments.specs import TrainSpec
train.seed_everything(0)
rng = np.random.default_rng(0)
x = np.zeros((200, 30), np.int32)
for i, n in enumerate(rng.integers(3, 30, 200)):
    x[i, :n] = rng.integers(2, 100, n)
y = (x[:, 0] % 3).astype(int)
for architecture in models.ARCHITECTURES:
    model = models.build_model(architecture, vocab_size=100, embedding_dim=8, num_classes=3, seq_len=None)
    fitted = train.fit(model, (x[:160], y[:160]), (x[160:], y[160:]), TrainSpec(epochs=1, batch_size=32),
                       work_dir=f"{WORK}/{architecture}", verbose=0)
    proba = train.predict(model, x[160:], bucket=True)
    assert proba.shape == (40, 3) and np.allclose(proba.sum(1), 1, atol=1e-4), architecture
    print(keras.backend.backend(), architecture, "ok")
"""


def chosen_backend(**env: str) -> str:
    """The backend a fresh process gets from ``import experiments`` with ``env`` added."""
    program = "import experiments, keras; print(keras.backend.backend())"
    environ = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"} | env
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.skipif(importlib.util.find_spec("jax") is None, reason="JAX is not installed")
def test_the_suite_trains_on_jax_where_installed_unless_the_user_names_a_backend():
    assert chosen_backend() == "jax"
    assert chosen_backend(KERAS_BACKEND="tensorflow") == "tensorflow"


@pytest.mark.parametrize("backend", [
    "tensorflow",
    pytest.param("torch", marks=pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                                   reason="PyTorch is not installed")),
])
def test_every_architecture_trains_and_predicts_on_another_backend(on_backend, backend):
    assert on_backend(backend, EVERY_ARCHITECTURE).split() == [w for a in ARCHITECTURES for w in (backend, a, "ok")]
