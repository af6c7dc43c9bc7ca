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
RESULTS_DIR = Path(os.environ.get("RESULTS_DIR") or ROOT / "results")
#: Generated figures, one folder per experiment.
IMAGES_DIR = Path(os.environ.get("IMAGES_DIR") or ROOT / "images")
TEMPLATES_DIR = ROOT / "templates"
BUILD_DIR = ROOT / "build"


# -- result sets -----------------------------------------------------------------
# Each profile and data source keeps its own results and figures, so that a quick
# run never overwrites a full one: results/<set>/<experiment>/seed-<k>/ and
# images/<set>/<experiment>/seed-<k>/, the set named like "full-real".

#: Names the set that `python -m experiments run` last worked on; the report renders it unless told otherwise.
LAST_SET = ".last-set"


def set_name(profile: str, sources: set[str]) -> str:
    """The set of a profile and the data sources its datasets resolved to: "full-real", "quick-embedded"."""
    return f"{profile}-{sources.pop() if len(sources) == 1 else 'mixed'}"


def set_dirs(name: str, results_root: Path = RESULTS_DIR, images_root: Path = IMAGES_DIR) -> tuple[Path, Path]:
    """The results and images folders of the set ``name``."""
    return results_root / name, images_root / name


def available_sets(results_root: Path = RESULTS_DIR) -> list[str]:
    """The sets that hold at least one finished run, most recently run first.

    A results folder laid out before sets existed (``results/<experiment>/seed-<k>``) is the set "".
    """
    if not results_root.is_dir():
        return []
    sets = [p for p in results_root.iterdir() if p.is_dir() and any(p.glob("*/seed-*/results.json"))]
    if any(results_root.glob("*/seed-*/results.json")):
        sets.append(results_root)
    newest = sorted(sets, key=lambda p: (p / ".updated").stat().st_mtime if (p / ".updated").exists() else 0,
                    reverse=True)
    return ["" if p == results_root else p.name for p in newest]


def chosen_set(requested: str | None, results_root: Path = RESULTS_DIR) -> str:
    """The set to render: the one named, else the one last run, else the most recent; an error names the choices."""
    sets = available_sets(results_root)
    if requested is not None:
        if requested not in sets:
            raise FileNotFoundError(f"no results set {requested!r} in {results_root}; sets with results: "
                                    f"{', '.join(sets) or 'none'} (make experiments PROFILE=… DATA=… makes one)")
        return requested
    last = results_root / LAST_SET
    if last.is_file() and last.read_text(encoding="utf-8").strip() in sets:
        return last.read_text(encoding="utf-8").strip()
    if not sets:
        raise FileNotFoundError(f"no results in {results_root} yet; run `make experiments` first")
    return sets[0]
