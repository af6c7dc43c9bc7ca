"""Calibration of the report's comparison test: A/A splits of seeds and planted differences.

    python bench/stats.py [--results-dir DIR] [--run --data-dir DATA] [--write docs/calibration.json]

Every experiment here ran with many seeds of identical settings (``--run``
trains them: 8 seeds of 1a, 2a and every 3a interval, real data, full
profile). Two questions, for each candidate test:

* **A/A.** Split the seeds of one experiment into two disjoint groups of three
  and compare the groups as if they were two methods. The settings are
  identical, so every "different" is a false positive: a calibrated test says
  so in at most 5 % of the splits.
* **Power.** Split again, and plant a known improvement in the second group:
  in each of its seeds, a share δ of the test rows that seed got wrong is
  flipped to right. How often is the planted difference found, in the right
  direction, at the 5 % level, with 2, 3 or 4 seeds a side?

Candidates: the report's previous test (the paired t-test over rows of the
per-row share of correct seeds; McNemar's with one seed a side), Welch's
t-test over the seeds' accuracies (scipy), Almost Stochastic Order over the
seeds' accuracies (deepsig, ε_min < 0.2 as its authors recommend), and the
report's test: the t-test over seeds and test rows of :mod:`report.stats`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from report import stats  # noqa: E402
from report.runs import load_runs  # noqa: E402

EXPERIMENTS = "bbc-dense,20ng-lstm,market-lstm"
SEEDS = 8
ALPHA = 0.05
#: Planted improvements, as a share of the test rows.
DELTAS = (0.005, 0.01, 0.02, 0.03, 0.05)
GROUP_SIZES = (2, 3, 4)
#: A/A: every split into two groups of three is tested, except by ASO (a bootstrap per call), which sees
#: this many of them; power: this many random splits per setting (the same splits for every test).
SPLITS = 60
#: The default number of seeds: the fewest a side with which the report's test finds a difference of
#: TARGET_DELTA with power TARGET_POWER in at least half of the calibrated experiments. Five points is
#: the size of the gaps the studies argue about (published against reproduced, network against reference).
TARGET_DELTA, TARGET_POWER = 0.05, 0.8


def previous_test(a: np.ndarray, b: np.ndarray) -> float:
    """The report's previous test: McNemar's for one seed a side, else the paired t-test over rows of the shares."""
    if len(a) == 1 and len(b) == 1:
        return stats.compare_correctness(a, b).p
    from scipy.stats import ttest_rel

    share_a, share_b = a.mean(axis=0), b.mean(axis=0)
    return 1.0 if np.array_equal(share_a, share_b) else float(ttest_rel(share_a, share_b).pvalue)


def welch(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import ttest_ind

    x, y = a.mean(axis=1), b.mean(axis=1)
    return 1.0 if np.ptp(np.r_[x, y]) == 0 else float(ttest_ind(x, y, equal_var=False).pvalue)


def aso(a: np.ndarray, b: np.ndarray) -> float:
    """deepsig's ε_min of "b is stochastically dominant over a", mapped to 0 (different) or 1."""
    from deepsig import aso as almost_stochastic_order

    eps = almost_stochastic_order(b.mean(axis=1), a.mean(axis=1), confidence_level=1 - ALPHA,
                                  num_bootstrap_iterations=200, show_progress=False, seed=0)
    return 0.0 if eps < 0.2 else 1.0


def report_test(a: np.ndarray, b: np.ndarray) -> float:
    return stats.compare_correctness(a, b).p


TESTS = {
    "previous: paired t over rows": previous_test,
    "Welch over seeds (scipy)": welch,
    "ASO eps_min < 0.2 (deepsig)": aso,
    "report: t over seeds and rows": report_test,
}


def splits(n_seeds: int, size: int, rng: np.random.Generator | None = None) -> list[tuple[list[int], list[int]]]:
    """Every pair of disjoint seed groups of ``size`` (each pair once), or SPLITS of them drawn with ``rng``."""
    every = [(list(g), list(h)) for g in itertools.combinations(range(n_seeds), size)
             for h in itertools.combinations([s for s in range(n_seeds) if s not in g], size) if g < h]
    if rng is None:
        return every
    return [every[i] for i in rng.permutation(len(every))[:SPLITS]]


def plant(correct: np.ndarray, delta: float, rng: np.random.Generator) -> np.ndarray:
    """Each seed's correctness with round(δ · rows) of its wrong rows flipped to right."""
    out = correct.copy()
    k = int(round(delta * correct.shape[1]))
    for seed in out:
        wrong = np.flatnonzero(~seed)
        seed[rng.choice(wrong, size=min(k, len(wrong)), replace=False)] = True
    return out


def calibrate(runs: dict) -> dict:
    """A/A false positives and power of every test on every experiment with enough seeds."""
    rng = np.random.default_rng(0)
    usable = {name: r for name, r in runs.items() if len(r.seeds) >= 6}
    correct = {name: np.array([np.asarray(s["metrics"]["predictions"]) == np.asarray(s["metrics"]["labels"])
                               for s in r.seeds]) for name, r in usable.items()}
    out = {"experiments": {}, "aa": {}, "power": {}}
    for name, c in sorted(correct.items()):
        acc = c.mean(axis=1)
        out["experiments"][name] = {"seeds": len(c), "rows": c.shape[1], "mean": float(acc.mean()),
                                    "sd": float(acc.std(ddof=1)), "study": usable[name].spec["study"]}
        groups, some = splits(len(c), 3), splits(len(c), 3, rng)
        out["aa"][name] = {test: int(sum(fn(c[g], c[h]) < ALPHA for g, h in (some if fn is aso else groups)))
                           for test, fn in TESTS.items()}
        out["aa"][name]["splits"], out["aa"][name]["aso splits"] = len(groups), len(some)
        out["aa"][name]["one seed each (McNemar)"] = int(sum(
            previous_test(c[[i]], c[[j]]) < ALPHA for i, j in itertools.combinations(range(len(c)), 2)))
        out["aa"][name]["seed pairs"] = len(c) * (len(c) - 1) // 2
        power = out["power"][name] = {}
        for size in GROUP_SIZES:
            chosen = splits(len(c), size, rng)  # the same random splits for every δ and test
            for delta in DELTAS:
                found = {test: 0 for test in TESTS if test != "ASO eps_min < 0.2 (deepsig)"}
                for g, h in chosen:
                    a, b = c[g], plant(c[h], delta, rng)
                    for test in found:
                        found[test] += TESTS[test](a, b) < ALPHA and b.mean() > a.mean()
                power[f"{size}|{delta}"] = {test: k / len(chosen) for test, k in found.items()}
    return out


def fewest_seeds(calibration: dict, experiment: str, delta: float) -> int | None:
    """The fewest seeds a side with which the report's test finds ``delta`` at least TARGET_POWER of the time."""
    for size in GROUP_SIZES:
        if calibration["power"][experiment][f"{size}|{delta}"]["report: t over seeds and rows"] >= TARGET_POWER:
            return size
    return None


def default_seeds(calibration: dict) -> int | None:
    """The fewest seeds a side that reach TARGET_POWER for TARGET_DELTA in at least half of the experiments."""
    names = list(calibration["power"])
    for size in GROUP_SIZES:
        reached = [n for n in names if (fewest_seeds(calibration, n, TARGET_DELTA) or 99) <= size]
        if 2 * len(reached) >= len(names):
            return size
    return None


def show(calibration: dict) -> None:
    exps = calibration["experiments"]
    for name, aa in calibration["aa"].items():
        e = exps[name]
        print(f"\n{name} (study {e['study']}): {e['seeds']} seeds, {e['rows']:,} test rows, "
              f"accuracy {e['mean']:.3f} ± {e['sd']:.3f}")
        for test in TESTS:
            k, n = aa[test], aa["aso splits" if TESTS[test] is aso else "splits"]
            print(f"  {test:<32} A/A false positives: {k} of {n} splits ({100 * k / n:.0f} %)")
        k = aa["one seed each (McNemar)"]
        print(f"  {'previous: one seed each, McNemar':<32} A/A false positives: {k} of {aa['seed pairs']} seed pairs "
              f"({100 * k / aa['seed pairs']:.0f} %)")
    print("\nBy study, the report's test, 3 seeds against 3:")
    for study in sorted({e["study"] for e in exps.values()}):
        names = [n for n, e in exps.items() if e["study"] == study]
        k = sum(calibration["aa"][n]["report: t over seeds and rows"] for n in names)
        n = sum(calibration["aa"][n]["splits"] for n in names)
        print(f"  study {study} ({len(names)} experiment{'s' if len(names) > 1 else ''}): "
              f"A/A false positives: {k} of {n} splits ({100 * k / n:.1f} %)")
    print("\nAll experiments, 3 seeds against 3:")
    for test, fn in TESTS.items():
        k = sum(aa[test] for aa in calibration["aa"].values())
        n = sum(aa["aso splits" if fn is aso else "splits"] for aa in calibration["aa"].values())
        print(f"  {test:<32} A/A false positives: {k} of {n} splits ({100 * k / n:.1f} %)")
    print("\nPower of the report's test (share of splits finding a planted improvement δ, 5 % level):")
    header = "".join(f"{f'δ={d:g}':>9}" for d in DELTAS)
    print(f"  {'experiment':<26}{'seeds':>6}{header}")
    for name, power in calibration["power"].items():
        for size in GROUP_SIZES:
            cells = "".join(f"{power[f'{size}|{d}']['report: t over seeds and rows']:>9.2f}" for d in DELTAS)
            print(f"  {name:<26}{size:>6}{cells}")
    print(f"\nFewest seeds a side for power ≥ {TARGET_POWER:.0%} (– : more than {GROUP_SIZES[-1]}):")
    print(f"  {'experiment':<26}" + "".join(f"{f'δ={d:g}':>9}" for d in DELTAS))
    for name in calibration["power"]:
        print(f"  {name:<26}" + "".join(f"{fewest_seeds(calibration, name, d) or '–':>9}" for d in DELTAS))
    n = default_seeds(calibration)
    print(f"\nDefault seeds (δ = {TARGET_DELTA:g} found with power ≥ {TARGET_POWER:.0%} in at least half of the "
          f"experiments): {n if n else f'more than {GROUP_SIZES[-1]}'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results-dir", type=Path, default=ROOT / "build" / "bench" / "stats" / "results")
    parser.add_argument("--run", action="store_true", help=f"first train {SEEDS} seeds of {EXPERIMENTS} (real data, full profile)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data" / "raw")
    parser.add_argument("--write", type=Path, help="also write the measurements as JSON (the report cites docs/calibration.json)")
    parser.add_argument("--show", type=Path, help="print the measurements of this JSON file again, computing nothing")
    args = parser.parse_args()
    if args.show:
        show(json.loads(args.show.read_text(encoding="utf-8")))
        return 0
    if args.run:
        subprocess.run([sys.executable, "-m", "experiments", "run", "--profile", "full", "--data", "real", "--quiet",
                        "--seeds", str(SEEDS), "--only", EXPERIMENTS, "--data-dir", str(args.data_dir),
                        "--results-dir", str(args.results_dir), "--images-dir", str(args.results_dir.parent / "images")],
                       check=True, cwd=ROOT)
    runs = load_runs(args.results_dir)
    if not any(len(r.seeds) >= 6 for r in runs.values()):
        print(f"error: no experiment in {args.results_dir} has 6 or more seeds; run with --run --data-dir DATA",
              file=sys.stderr)
        return 1
    calibration = calibrate(runs)
    show(calibration)
    if args.write:
        calibration["default_seeds"] = default_seeds(calibration)
        calibration["target"] = {"delta": TARGET_DELTA, "power": TARGET_POWER, "alpha": ALPHA}
        args.write.write_text(json.dumps(calibration, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
