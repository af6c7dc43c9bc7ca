"""Wall time of the full suite, study by study, from the timings its results files recorded.

    python bench/suite_time.py [--results SET | --results-dir DIR] [--run --data-dir DIR]

With ``--run`` it first runs the full profile on the real data (one seed,
``--force``, so every run is timed now, from an empty compile cache) and reads
the set ``full-real``; without, it reads the set named, else the one last run.
Each run records its load, training and total seconds; a study's time is the
sum over its runs and seeds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import paths  # noqa: E402
from report.ladder import rung_ids  # noqa: E402
from report.runs import load_runs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", default=None, help="the results set to read (default: the one last run)")
    parser.add_argument("--results-dir", type=Path, default=None, help="a results folder to read instead of a set")
    parser.add_argument("--run", action="store_true", help="run the full profile first (one seed, every run)")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    args = parser.parse_args()
    if args.run:
        shutil.rmtree(paths.CACHE_DIR / "xla", ignore_errors=True)  # time the compiling too, as on a fresh machine
        command = [sys.executable, "-m", "experiments", "run", "--profile", "full", "--data", "real", "--seeds", "1",
                   "--force", "--quiet", "--data-dir", str(args.data_dir)]
        started = time.perf_counter()
        if subprocess.run(command).returncode != 0:
            return 1
        wall = time.perf_counter() - started
        args.results = args.results or "full-real"
    try:
        folder = args.results_dir or paths.set_dirs(paths.chosen_set(args.results))[0]
    except FileNotFoundError as error:
        print(f"error: {error}; `make bench-suite RUN=1 DATA_DIR=…` runs the suite first", file=sys.stderr)
        return 1
    runs = load_runs(folder)
    if not runs:
        print(f"no results in {folder}; `make bench-suite RUN=1 DATA_DIR=…` runs the suite first", file=sys.stderr)
        return 1
    print(f"results: {folder}")
    by_study: dict[str, list[dict]] = defaultdict(list)
    rungs = rung_ids()
    for run in runs.values():
        if run.first.get("same_as"):
            continue  # reused, not run
        # The correction ladders' runs as published apart, so their share of the suite shows.
        by_study[run.spec["study"] + ("-ladder" if run.id in rungs else "")] += [split_time(seed) for seed in run.seeds]
    print("minutes per study: load the data; vectorise, vectors, build and score the test split; "
          "compile (first epoch beyond a usual one); the epochs; metrics of the test predictions")
    print(f"{'study':<10} {'runs':>5} " + " ".join(f"{part:>8}" for part in PARTS) + f" {'total':>8}")
    for study in sorted(by_study) + ["total"]:
        rows = by_study[study] if study != "total" else [r for rows in by_study.values() for r in rows]
        minutes = {part: sum(r[part] for r in rows) / 60 for part in (*PARTS, "total")}
        print(f"{study:<10} {len(rows):>5} " + " ".join(f"{minutes[part]:>8.1f}" for part in (*PARTS, "total")))
    ladder = sum(r["total"] for study, rows in by_study.items() if study.endswith("-ladder") for r in rows)
    everything = sum(r["total"] for rows in by_study.values() for r in rows)
    print(f"correction ladders: {ladder / 60:.1f} of {everything / 60:.1f} min ({100 * ladder / max(everything, 1e-9):.0f} %)")
    if args.run:
        print(f"wall clock of the whole suite: {wall / 60:.1f} min (with start-up and figures, which runs do not time)")
    return 0


PARTS = ("load", "prepare", "compile", "epochs", "metrics")


def split_time(seed: dict) -> dict[str, float]:
    """Where one run's wall time went, from the timings its results file recorded."""
    timings = seed["timings"]
    epochs = (seed.get("training") or {}).get("epoch_seconds") or []
    usual = sorted(epochs[1:])[len(epochs[1:]) // 2] if len(epochs) > 1 else (epochs[0] if epochs else 0.0)
    compile_ = max(0.0, epochs[0] - usual) if epochs else 0.0
    train = timings["train_seconds"]
    return {"load": timings["load_seconds"], "prepare": train - sum(epochs), "compile": compile_,
            "epochs": sum(epochs) - compile_, "metrics": timings["total_seconds"] - timings["load_seconds"] - train,
            "total": timings["total_seconds"]}

if __name__ == "__main__":
    sys.exit(main())
