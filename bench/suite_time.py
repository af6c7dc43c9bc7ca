"""Wall time of the full suite, study by study, from the timings its results files recorded.

    python bench/suite_time.py [--results-dir results] [--run --data-dir DIR]

With ``--run`` it first runs the full profile on the data at hand (one seed,
``--force``, so every run is timed now, from an empty compile cache); without,
it reads what is there.
Each run records its load, training and total seconds; a study's time is the
sum over its runs and seeds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import paths  # noqa: E402
from report.runs import load_runs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results-dir", type=Path, default=paths.RESULTS_DIR)
    parser.add_argument("--images-dir", type=Path, default=paths.IMAGES_DIR)
    parser.add_argument("--run", action="store_true", help="run the full profile first (one seed, every run)")
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    args = parser.parse_args()
    if args.run:
        shutil.rmtree(paths.CACHE_DIR / "xla", ignore_errors=True)  # time the compiling too, as on a fresh machine
        command = [sys.executable, "-m", "experiments", "run", "--profile", "full", "--data", "real", "--seeds", "1",
                   "--force", "--quiet", "--data-dir", str(args.data_dir), "--results-dir", str(args.results_dir),
                   "--images-dir", str(args.images_dir)]
        if subprocess.run(command).returncode != 0:
            return 1
    runs = load_runs(args.results_dir)
    by_study: dict[str, list[float]] = defaultdict(list)
    for run in runs.values():
        if run.first.get("same_as"):
            continue  # reused, not run
        by_study[run.spec["study"]] += [seed["timings"]["total_seconds"] for seed in run.seeds]
    print(f"{'study':<6} {'runs':>5} {'wall time':>10}")
    for study in sorted(by_study):
        print(f"{study:<6} {len(by_study[study]):>5} {sum(by_study[study]) / 60:>8.1f} min")
    total = sum(map(sum, by_study.values()))
    print(f"{'total':<6} {sum(map(len, by_study.values())):>5} {total / 60:>8.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
