"""Whether a change of how training runs (a backend, a speed lever) changed what is learned.

    python bench/accuracy.py BEFORE_RESULTS_DIR AFTER_RESULTS_DIR

Both folders hold results of the same experiments on the same data (e.g. one
suite run on TensorFlow, one on JAX). For every network run in both, this
prints the mean test accuracy over seeds before and after, and a test of the
difference, Holm-corrected over all rows:

* with two or more seeds on each side, Welch's t-test over the seeds'
  accuracies: seeds are what training randomness varies, so this asks whether
  the change moved accuracy beyond the spread over seeds;
* otherwise McNemar's test on the same test rows (:mod:`report.stats`). It
  compares two trained models, so two seeds of unchanged code can differ by it
  too; read it as a weaker check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from experiments.specs import REFERENCE_MODELS  # noqa: E402
from report import claims, stats  # noqa: E402
from report.runs import load_runs  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before, after = load_runs(args.before), load_runs(args.after)
    pairs, skipped = [], []
    for name in sorted(set(before) & set(after)):
        old, new = before[name], after[name]
        if old.spec["model"]["architecture"] in REFERENCE_MODELS or old.first.get("same_as"):
            continue  # not trained by Keras, or a reuse of another row
        if old.first["metrics"]["labels"] != new.first["metrics"]["labels"]:
            skipped.append(name)  # not the same test rows: no paired test
            continue
        pairs.append((name, old, new))
    tests = [seed_test(old, new) for _, old, new in pairs]
    adjusted = claims.holm([p for p, _ in tests])
    backends = {folder: sorted({s["environment"]["keras_backend"] for run in runs.values() for s in run.seeds})
                for folder, runs in ((args.before, before), (args.after, after))}
    print(f"before: {args.before} ({', '.join(backends[args.before])}); after: {args.after} ({', '.join(backends[args.after])})")
    print(f"{'experiment':<34} {'seeds':>5} {'before':>13} {'after':>13} {'diff':>7}  {'test':<28} {'Holm p':>7}  verdict")
    diffs = []
    for (name, old, new), (_, test), p in zip(pairs, tests, adjusted):
        a, b = seed_accuracies(old), seed_accuracies(new)
        diffs.append(b.mean() - a.mean())
        verdict = "no difference shown" if p >= claims.ALPHA else ("after more accurate" if diffs[-1] > 0 else "after less accurate")
        print(f"{name:<34} {len(a)}/{len(b):<3} {spread(a):>13} {spread(b):>13} {diffs[-1]:>+7.3f}  {test:<28} "
              f"{claims.format_p(p):>7}  {verdict}")
    if diffs:
        differ = sum(p < claims.ALPHA for p in adjusted)
        print(f"{len(diffs)} runs: mean difference {np.mean(diffs):+.3f}, largest {max(diffs, key=abs):+.3f}; "
              f"{differ} differ at the 5 % level after Holm")
    for name in skipped:
        print(f"{name}: different test rows in the two folders; not compared")
    return 0


def seed_accuracies(run) -> np.ndarray:
    return claims.correct(run).mean(axis=1)


def spread(accuracies: np.ndarray) -> str:
    return f"{accuracies.mean():.3f} ± {accuracies.std(ddof=1):.3f}" if len(accuracies) > 1 else f"{accuracies[0]:.3f}"


def seed_test(old, new) -> tuple[float, str]:
    """p-value and name of the test of ``new`` against ``old`` (see the module docstring)."""
    a, b = seed_accuracies(old), seed_accuracies(new)
    if len(a) > 1 and len(b) > 1:
        from scipy.stats import ttest_ind

        return float(ttest_ind(b, a, equal_var=False).pvalue), "Welch over seeds"
    found = stats.compare_correctness(claims.correct(new), claims.correct(old))
    return found.p, found.name


if __name__ == "__main__":
    sys.exit(main())
