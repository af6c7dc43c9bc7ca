"""How long `make report` takes once the results exist: nothing changed, one template edited, a full re-render.

    python bench/report_speed.py        (after `make experiments`)

Each case is timed side by side with the full re-render as the baseline.
"""

from __future__ import annotations

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


def main() -> None:
    if not list((ROOT / "results").glob("*/seed-*/results.json")):
        sys.exit("no results yet: run `make experiments` first")
    timed_make()  # make sure everything is up to date before measuring
    (ROOT / "build" / "report.md").unlink()
    full = timed_make()
    nothing = timed_make()
    TEMPLATE.touch()
    edited = timed_make()
    print(f"{'case':<28} {'seconds':>8} {'vs full re-render':>18}")
    for name, seconds in [("full re-render (baseline)", full), ("nothing changed", nothing), ("one template edited", edited)]:
        print(f"{name:<28} {seconds:>8.1f} {seconds / full:>17.2f}×")


if __name__ == "__main__":
    main()
