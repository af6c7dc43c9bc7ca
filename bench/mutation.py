"""Mutation score per file of the code that decides what a reader trusts (``make mutation``).

    python bench/mutation.py [--files report/stats.py,report/claims.py,…] [--report-only]

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
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Target:
    """A file to mutate: all of it, or only the named functions (``label`` says which part in the score line)."""

    file: str
    functions: tuple[str, ...] = ()
    label: str = ""

    @property
    def module(self) -> str:
        return self.file.removesuffix(".py").replace("/", ".")

    @property
    def name(self) -> str:
        return f"{self.file} ({self.label})" if self.label else self.file

    def patterns(self) -> list[str]:
        """mutmut's mutant-name globs: ``module.*``, or one per function (``module.x_plan__mutmut_*``)."""
        if not self.functions:
            return [f"{self.module}.*"]
        return [f"{self.module}.x_{f}__mutmut_*" for f in self.functions]

    def holds(self, mutant: str) -> bool:
        return any(fnmatch(mutant, p) for p in self.patterns())


TARGETS = (
    Target("report/stats.py"),
    Target("report/claims.py"),
    Target("report/ladder.py"),
    Target("experiments/results.py"),
    # Only what decides which runs are missing, stale or fresh: not the executors, the clock or the printing.
    Target("experiments/suite.py", ("matches", "plan", "status", "why_stale", "_dotted_diff"), "planning"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", default=",".join(t.file for t in TARGETS),
                        help="comma-separated files to mutate (a target restricted to functions keeps its restriction)")
    parser.add_argument("--report-only", action="store_true", help="print the last run's scores, run nothing")
    args = parser.parse_args()
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    if not Path(mutmut).exists():
        print(f"error: mutmut is not installed in {Path(sys.executable).parent}; `make mutation` installs it",
              file=sys.stderr)
        return 2
    only = [f.strip() for f in args.files.split(",") if f.strip()]
    known = {t.file: t for t in TARGETS}
    chosen = [known.get(f, Target(f)) for f in only]
    if not args.report_only:
        patterns = [p for t in chosen for p in t.patterns()]
        print(f"mutating {', '.join(t.name for t in chosen)} (mutmut, one worker per core); this takes minutes per file",
              flush=True)
        done = subprocess.run([mutmut, "run", *patterns], cwd=ROOT, stdout=subprocess.DEVNULL)
        if done.returncode not in (0, 1):
            print("error: mutmut failed; run it by hand to see why: .venv/bin/mutmut run", file=sys.stderr)
            return done.returncode
    scored = [*TARGETS, *(t for t in chosen if t.file not in known)]  # every target mutmut has results for
    listed = subprocess.run([mutmut, "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True).stdout
    counts: dict[str, Counter] = {}
    survivors: dict[str, list[str]] = {}
    for line in listed.splitlines():
        name, _, status = line.strip().rpartition(": ")
        found = re.match(r"(.+?)\.x[_ǁ]", name)
        if not found or status == "not checked":  # outside this run's selection
            continue
        target = next((t for t in scored if t.holds(name)), None)
        if target is None:  # a file or function no target names (a restricted file's other functions)
            continue
        module = target.name
        counts.setdefault(module, Counter())[status] += 1
        if status != "killed":
            survivors.setdefault(module, []).append(name)
    print(f"{'file':<33} {'killed':>7} {'of':>5} {'score':>7}   (a mutant no test runs counts as a survivor)")
    for module, seen in sorted(counts.items()):
        total = sum(seen.values())
        print(f"{module:<33} {seen['killed']:>7} {total:>5} {100 * seen['killed'] / total:>6.1f} %")
    for module, names in sorted(survivors.items()):
        print(f"\nsurvivors in {module} ({len(names)}; `.venv/bin/mutmut show <name>` shows each):")
        print("  " + "\n  ".join(names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
