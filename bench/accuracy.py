"""Whether a change of how training runs (a backend, a speed lever) changed what is learned.

    python bench/accuracy.py BEFORE_RESULTS_DIR AFTER_RESULTS_DIR

Both folders hold results of the same experiments on the same data (e.g. one
suite run on TensorFlow, one on JAX). For every network run in both, this
prints the test accuracy before and after with the paired test of
:mod:`report.claims` on the same test rows (Holm over all rows), and, where
"before" has several seeds, whether "after" lies inside their range.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from report import claims  # noqa: E402
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
        if old.spec["model"]["architecture"] in ("majority", "tfidf-logreg", "bow-logreg") or old.first.get("same_as"):
            continue  # not trained by Keras, or a reuse of another row
        if old.first["metrics"]["labels"] != new.first["metrics"]["labels"]:
            skipped.append(name)  # not the same test rows: no paired test
            continue
        pairs.append((name, old, new))
    found = claims.compare([(new, old) for _, old, new in pairs], [(name, "") for name, _, _ in pairs])
    backends = {folder: sorted({s["environment"]["keras_backend"] for run in runs.values() for s in run.seeds})
                for folder, runs in ((args.before, before), (args.after, after))}
    print(f"before: {args.before} ({', '.join(backends[args.before])}); after: {args.after} ({', '.join(backends[args.after])})")
    print(f"{'experiment':<34} {'seeds':>5} {'before':>7} {'after':>7} {'diff':>7}  {'Holm p':>7}  {'in seed range':<13} verdict")
    for (name, old, new), c in zip(pairs, found):
        per_seed = claims.correct(old).mean(axis=1)
        inside = (f"{'yes' if per_seed.min() <= c.accuracy <= per_seed.max() else 'no'} "
                  f"[{per_seed.min():.3f}, {per_seed.max():.3f}]") if len(per_seed) > 1 else "—"
        print(f"{name:<34} {len(old.seeds)}/{len(new.seeds):<3} {c.other_accuracy:>7.3f} {c.accuracy:>7.3f} "
              f"{c.accuracy - c.other_accuracy:>+7.3f}  {claims.format_p(c.p_adjusted):>7}  {inside:<13} "
              f"{ {'better': 'after more accurate', 'worse': 'after less accurate'}.get(c.direction, 'no difference shown')}")
    diffs = np.array([c.accuracy - c.other_accuracy for c in found])
    if len(diffs):
        print(f"{len(found)} runs: mean difference {diffs.mean():+.3f}, largest {diffs[np.abs(diffs).argmax()]:+.3f}; "
              f"{sum(c.direction != 'no evidence' for c in found)} differ at the 5 % level after Holm")
    for name in skipped:
        print(f"{name}: different test rows in the two folders; not compared")
    return 0


if __name__ == "__main__":
    sys.exit(main())
