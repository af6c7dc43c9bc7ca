"""The models and the batching use only backend-agnostic Keras, so PyTorch runs them too.

Skipped where PyTorch is not installed (``pip install torch``; CI installs the CPU build).
"""

import importlib.util
import os
import subprocess
import sys

import pytest

from experiments.paths import ROOT

PROGRAM = """
import numpy as np, keras
from experiments import models, train
from experiments.specs import TrainSpec
assert keras.backend.backend() == "torch"
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
    print(architecture, "ok")
"""


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_every_architecture_trains_and_predicts_on_the_pytorch_backend(tmp_path):
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    done = subprocess.run([sys.executable, "-c", f"WORK = {str(tmp_path)!r}\n" + PROGRAM],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [w for a in ("dense", "stacked_bilstm", "bilstm_attention", "lstm", "simple_rnn")
                                   for w in (a, "ok")]
