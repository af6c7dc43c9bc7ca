"""How long `make report` takes once the results exist: a first build, nothing changed, one template edited.

    python bench/report_speed.py        (after `make experiments`; or `make bench-report`)

The first build starts without build/ and without the figures the report draws
itself, and is the baseline the other cases are compared with (median of three
runs each).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "10-bbc.md.j2"


def timed_make() -> float:
    start = time.perf_counter()
    subprocess.run(["make", "-s", "report"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def first_build() -> float:
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    for stamp in (ROOT / "images").rglob(".*.key"):
        stamp.unlink()
    return timed_make()


def edited() -> float:
    TEMPLATE.touch()
    return timed_make()


def main(repeats: int = 3) -> None:
    if not list((ROOT / "results").glob("*/seed-*/results.json")):
        sys.exit("no results yet: run `make experiments` first")
    timed_make()  # make sure every experiment is up to date before measuring
    cases = {"first build (baseline)": first_build, "nothing changed": timed_make, "one template edited": edited}
    seconds = {name: statistics.median(case() for _ in range(repeats)) for name, case in cases.items()}
    baseline = seconds["first build (baseline)"]
    print(f"{'case (median of ' + str(repeats) + ')':<28} {'seconds':>8} {'vs first build':>15}")
    for name, value in seconds.items():
        print(f"{name:<28} {value:>8.1f} {value / baseline:>14.2f}×")


if __name__ == "__main__":
    main()
