"""Break, once each, the behaviours that tests once passed without checking, and watch those tests fail.

    python bench/weak_tests.py [--slow]

Each case replaces one line of the code under test, runs the test that names the
behaviour, and restores the file, whatever happens. A test that still passes
against the broken code is weak: it passes for reasons other than its name. The
mutation score (``make mutation``) covers the same ground wholesale; these are the
cases a reader once found by hand. ``--slow`` adds the ones that start real
training processes (minutes).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Case:
    behaviour: str
    file: str
    line: str
    broken: str
    test: str
    slow: bool = False


CASES = [
    Case("a table shorter than a page floats", "report/build.py",
         '    """Set every table shorter than a page', '    return tex\n    """Set every table shorter than a page',
         "tests/test_build.py::test_a_table_shorter_than_a_page_floats_like_a_figure_and_a_longer_one_may_break"),
    Case("Holm's correction can take away a lone significant result", "report/claims.py",
         "    return list(_holm(tuple(pvalues))) if pvalues else []", "    return list(pvalues)",
         "tests/test_claims.py::test_holm_over_the_family_turns_a_lone_significant_result_into_no_evidence"),
    Case("every seed is scored on the same resampled rows", "report/stats.py",
         "    per_seed = np.array([_scores(counts, ",
         "    per_seed = np.array([_scores(rng.multinomial(len(y), frequency / len(y), size=samples), ",
         "tests/test_stats.py::test_identical_seeds_give_the_interval_of_one_seed_every_seed_on_the_same_resampled_rows"),
    Case("scheduling code is not training code", "experiments/results.py",
         "        if path.name not in NOT_TRAINING_CODE:", "        if True:",
         "tests/test_results.py::test_the_code_version_follows_training_code_and_the_backend_but_not_scheduling_or_figure_code"),
    Case("the backend is part of the code version", "experiments/results.py",
         'f"keras backend {keras_backend()}\\0', 'f"keras backend\\0',
         "tests/test_results.py::test_the_code_version_follows_training_code_and_the_backend_but_not_scheduling_or_figure_code"),
    Case("an interrupted fit resumes from its backup", "experiments/train.py",
         '    callbacks = [timer, log, _Backup(Path(work_dir) / "backup")]', "    callbacks = [timer, log]",
         "tests/reliability/test_interruption.py::test_an_interrupted_fit_resumes_from_its_last_epoch", slow=True),
    Case("named pre-trained vectors are read offline from the wheel", "experiments/wordvectors.py",
         "    if name == TRAINED or (generated and name in DOCUMENTED):", "    if True:",
         "tests/test_offline.py::test_a_suite_of_networks_with_named_pretrained_vectors_opens_no_connection", slow=True),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slow", action="store_true", help="also the cases that train in real processes")
    args = parser.parse_args()
    caught = 0
    chosen = [case for case in CASES if args.slow or not case.slow]
    for case in chosen:
        path = ROOT / case.file
        text = path.read_text(encoding="utf-8")
        if case.line not in text:
            print(f"error: {case.file} no longer holds the line this case breaks; update bench/weak_tests.py:\n"
                  f"  {case.line!r}", file=sys.stderr)
            return 2
        path.write_text(text.replace(case.line, case.broken, 1), encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", case.test],
                                  cwd=ROOT, capture_output=True, text=True)
        finally:
            path.write_text(text, encoding="utf-8")
        caught += done.returncode != 0
        print(f"{'caught ' if done.returncode else 'MISSED '} {case.behaviour} ({case.file}) by {case.test}", flush=True)
    print(f"{caught} of {len(chosen)} broken behaviours caught")
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
