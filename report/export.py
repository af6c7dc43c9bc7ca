"""Every run as a table for pandas: one row per run and seed, one per experiment, one per comparison.

``python -m report export --format csv|parquet`` writes ``runs``, ``experiments`` and
``comparisons`` into ``build/export/``. The comparisons are those the report states,
with the p-values it prints: the chapters are rendered to collect them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from report import claims, summary
from report.render import render_chapters, report_registry
from report.runs import Run
from report.stats import run_interval


def run_rows(runs: dict[str, Run]) -> pd.DataFrame:
    """One row per run and seed: the flattened spec, profile, data, backend, versions and scores."""
    rows = []
    for run in runs.values():
        for seed in run.seeds:
            environment = seed.get("environment") or {}
            rows.append({
                "id": run.id, "seed": seed["seed"], "profile": seed["profile"], "dataset": seed["data"]["dataset"],
                "data_source": seed["data"]["source"], "backend": environment.get("keras_backend"),
                "accuracy": seed["metrics"]["accuracy"], "macro_f1": seed["metrics"]["macro_f1"],
                "same_as": seed.get("same_as"),
                **{f"spec.{k}": _cell(v) for k, v in pd.json_normalize(seed["spec"], sep=".").iloc[0].items()},
                **{f"version.{k}": v for k, v in (environment.get("versions") or {}).items()},
            })
    return pd.DataFrame(rows)


def experiment_rows(runs: dict[str, Run]) -> pd.DataFrame:
    """One row per experiment: seeds, mean ± sd of accuracy and macro-F1, the interval over seeds and rows."""
    rows = []
    for run in runs.values():
        accuracy = np.array([s["metrics"]["accuracy"] for s in run.seeds])
        f1 = np.array([s["metrics"]["macro_f1"] for s in run.seeds])
        interval = run_interval(run)
        rows.append({"id": run.id, "study": run.spec["study"], "dataset": run.first["data"]["dataset"],
                     "seeds": len(run.seeds), "accuracy_mean": accuracy.mean(),
                     "accuracy_sd": accuracy.std(ddof=1) if len(accuracy) > 1 else np.nan,
                     "accuracy_low": interval.low, "accuracy_high": interval.high, "macro_f1_mean": f1.mean(),
                     "same_computation_as": summary.duplicates_of(runs).get(run.id)})
    return pd.DataFrame(rows)


COMPARISON_COLUMNS = ["model", "other", "accuracy", "other_accuracy", "test", "scope", "family", "family_size", "p",
                      "p_holm", "verdict"]


def comparison_rows(registry: claims.Registry) -> pd.DataFrame:
    """Every comparison the report states: the pair, the test, its family, raw and Holm-adjusted p, the verdict."""
    return pd.DataFrame([{"model": c.model, "other": c.other, "accuracy": c.accuracy, "other_accuracy": c.other_accuracy,
                          "test": c.test or None, "scope": c.scope, "family": c.family, "family_size": c.family_size,
                          "p": c.p if c.scope != "same" else np.nan,
                          "p_holm": c.p_adjusted if c.scope != "same" else np.nan, "verdict": c.verdict}
                         for c in registry.table()], columns=COMPARISON_COLUMNS)


def export(runs: dict[str, Run], templates_dir: Path, images_dir: Path, out: Path, fmt: str) -> list[Path]:
    """Write the three tables to ``out`` as ``fmt`` (csv or parquet); return their paths."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"--format {fmt!r}; allowed: csv, parquet")
    registry = report_registry(runs)
    render_chapters(templates_dir, runs, images_dir, registry)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("runs", run_rows(runs)), ("experiments", experiment_rows(runs)),
                        ("comparisons", comparison_rows(registry))):
        path = out / f"{name}.{fmt}"
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path, index=False)
        written.append(path)
    return written


def _cell(value):
    """A spec value as one cell: lists and dicts as their JSON text."""
    import json

    return json.dumps(value, sort_keys=True) if isinstance(value, (list, dict)) else value
