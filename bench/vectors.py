"""Which offline vectors serve the word2vec-GoogleNews studies (1, 3, 4) best, measured side by side.

    python bench/vectors.py [--only 'bbc-dense,market-lstm@interval=5'] [--profile full] [--data-dir DIR]

Without the documented GoogleNews file, a run can have two kinds of vectors
offline: the real pre-trained GloVe 6B 50-d (what the suite resolves to) or
300-d word2vec trained on the run's own training texts. For each chosen
experiment this runs the second kind as a variant (``<id>--trained-w2v``) beside
the declared run (in ``build/bench/vectors/``, so never in the report), and prints both accuracies with
the paired test of :mod:`report.claims` (Holm over the rows of the table).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from experiments import paths, studies, suite  # noqa: E402
from experiments.run import RunPaths  # noqa: E402
from experiments.specs import expand  # noqa: E402
from report import claims  # noqa: E402
from report.runs import load_runs  # noqa: E402

#: Cheap and representative: the dense baseline, one market interval, the averaged-vector MLP.
DEFAULT = "bbc-dense,market-lstm@interval=5,twitter-mean-vectors@split=random,twitter-mean-vectors@split=grouped"
SUFFIX = "--trained-w2v"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=DEFAULT, help="comma-separated experiment ids (grid points allowed)")
    parser.add_argument("--profile", default="full", choices=("quick", "full"))
    parser.add_argument("--data", default="real", choices=("auto", "real", "embedded"))
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR)
    parser.add_argument("--results-dir", type=Path, default=paths.RESULTS_DIR)
    parser.add_argument("--images-dir", type=Path, default=paths.IMAGES_DIR)
    args = parser.parse_args()

    wanted = [w.strip() for w in args.only.split(",")]
    points = {p.id: p for spec in studies.STUDIES for p in expand(spec, profile=args.profile) if spec.vectors.name}
    unknown = [w for w in wanted if w not in points]
    if unknown:
        parser.error(f"not a network with pre-trained vectors: {', '.join(unknown)}")
    declared = [points[w] for w in wanted]
    variants = [spec.replace({"vectors.name": "word2vec"}, id=spec.id + SUFFIX) for spec in declared]
    # The declared runs live with the suite's results; the variants in a folder of their own, so that
    # they never appear in the report. Grid points run as plain specs: their overrides are already applied.
    bench_dir = paths.BUILD_DIR / "bench" / "vectors"
    code = 0
    for specs, results_dir, images_dir in ((declared, args.results_dir, args.images_dir),
                                           (variants, bench_dir / "results", bench_dir / "images")):
        run_paths = RunPaths(args.data_dir, paths.CACHE_DIR, results_dir, images_dir)
        code |= suite.run_suite(specs, profile=args.profile, data_choice=args.data, seeds=1, force=False,
                                paths=run_paths, verbose=0)
    runs = {**load_runs(args.results_dir), **load_runs(bench_dir / "results")}
    pairs = [(runs[v.id], runs[d.id]) for d, v in zip(declared, variants) if v.id in runs and d.id in runs]
    found = claims.settled(lambda registry: [registry.get(v, g, v.id.removesuffix(SUFFIX)) for v, g in pairs])
    print(f"\n{'experiment':<38} {'GloVe 6B 50-d':>14} {'word2vec 300-d, own texts':>26}  Holm p    verdict for trained word2vec")
    for (variant, glove), c in zip(pairs, found):
        print(f"{c.model:<38} {claims.accuracy(glove):>14.3f} {claims.accuracy(variant):>26.3f}  "
              f"{claims.format_p(c.p_adjusted):>7}    {c.verdict}")
    return code


if __name__ == "__main__":
    sys.exit(main())
