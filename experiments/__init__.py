"""Declared text-classification experiments: data → vectors → model → results → figures.

Keras runs on JAX where JAX is installed (it is a dependency): XLA compiles the
whole training step, the recurrent loop included, which trains the suite's
recurrent models several times faster per epoch on a CPU than TensorFlow's
step-by-step loop (``make bench`` measures it). A ``KERAS_BACKEND`` set by the
user wins; without JAX, Keras's own default (TensorFlow) is used.
"""

import importlib.util
import os

if "KERAS_BACKEND" not in os.environ and importlib.util.find_spec("jax") is not None:
    os.environ["KERAS_BACKEND"] = "jax"
