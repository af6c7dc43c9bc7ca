"""Mutation score per file of the code that decides what a reader trusts (``make mutation``).

    python bench/mutation.py [--files report/stats.py,report/claims.py,…]

Runs ``mutmut`` (configured in ``pyproject.toml``: the files to mutate and the
tests that specify them), then prints, per file, the mutants killed out of all,
and the survivors to read. A survivor is a change to the code that no test
notices: either a missing test or an equivalent mutant (say which, and why).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("report/stats.py", "report/claims.py", "report/ladder.py", "experiments/results.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", default=",".join(TARGETS), help="comma-separated files to mutate")
    parser.add_argument("--report-only", action="store_true", help="print the last run's scores, run nothing")
    args = parser.parse_args()
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    if not args.report_only:
        only = [f.strip() for f in args.files.split(",") if f.strip()]
        patterns = [f.removesuffix(".py").replace("/", ".") + ".*" for f in only]
        print(f"mutating {', '.join(only)} (mutmut, one worker per core); this takes minutes per file", flush=True)
        done = subprocess.run([mutmut, "run", *patterns], cwd=ROOT, stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 1):
            print("error: mutmut failed; run it by hand to see why: .venv/bin/mutmut run", file=sys.stderr)
            return done.returncode
    listed = subprocess.run([mutmut, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True).stdout
    counts: dict[str, Counter] = {}
    survivors: dict[str, list[str]] = {}
    for line in listed.splitlines():
        name, _, status = line.strip().rpartition(": ")
        found = re.match(r"(.+?)\.x[_ǁ]", name)
        if not found or status == "not checked":  # outside this run's selection
            continue
        module = found.group(1).replace(".", "/") + ".py"
        counts.setdefault(module, Counter())[status] += 1
        if status != "killed":
            survivors.setdefault(module, []).append(name)
    print(f"{'file':<26} {'killed':>7} {'of':>5} {'score':>7}   (a mutant no test runs counts as a survivor)")
    for module, seen in sorted(counts.items()):
        total = sum(seen.values())
        print(f"{module:<26} {seen['killed']:>7} {total:>5} {100 * seen['killed'] / total:>6.1f} %")
    for module, names in sorted(survivors.items()):
        print(f"\nsurvivors in {module} ({len(names)}; `.venv/bin/mutmut show <name>` shows each):")
        print("  " + "\n  ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
