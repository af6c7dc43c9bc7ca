"""Every default location of the project, derived from its root in one place.

Functions take these as arguments (``data_dir=…``) so that a run is a function of
its inputs; only the command line reads the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Raw data in canonical form (``make data`` fills it; ``DATA_DIR=…`` overrides).
DATA_DIR = Path(os.environ.get("DATA_DIR") or ROOT / "data" / "raw")
#: Derived, re-creatable data: embedded corpora, trained word vectors.
CACHE_DIR = Path(os.environ.get("CACHE_DIR") or ROOT / "data" / "interim")
#: One folder per experiment with its ``results.json`` and log.
RESULTS_DIR = ROOT / "results"
#: Generated figures, one folder per experiment.
IMAGES_DIR = ROOT / "images"
TEMPLATES_DIR = ROOT / "templates"
BUILD_DIR = ROOT / "build"
