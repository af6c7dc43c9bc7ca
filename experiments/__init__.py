"""Declared text-classification experiments: data → vectors → model → results → figures.

On a CPU, Keras runs on JAX where JAX is installed (it is a dependency): XLA
compiles the whole training step, the recurrent loop included, which trains the
suite's recurrent models several times faster per epoch than TensorFlow's
step-by-step loop (``make bench`` measures it). On a machine with an NVIDIA GPU
Keras's default, TensorFlow, is kept: its LSTMs use cuDNN's fused kernels,
which Keras's JAX backend does not. A ``KERAS_BACKEND`` set by the user wins.
"""

import importlib.util
import os
from pathlib import Path


def nvidia_gpus() -> list[Path]:
    """The GPUs the NVIDIA driver reports (known without importing any framework)."""
    gpus = Path("/proc/driver/nvidia/gpus")
    return sorted(gpus.iterdir()) if gpus.is_dir() else []


if "KERAS_BACKEND" not in os.environ and importlib.util.find_spec("jax") is not None and not nvidia_gpus():
    os.environ["KERAS_BACKEND"] = "jax"
