"""Command line: ``python -m experiments run|list`` (what ``make experiments`` calls)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# Before anything imports TensorFlow: keep its C++ start-up chatter off the progress lines.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from experiments import paths  # noqa: E402
from experiments.data import DATA_CHOICES  # noqa: E402
from experiments.specs import PROFILES, SpecError  # noqa: E402


#: Seeds per experiment when none are asked for, in both profiles: a comparison of methods needs each network's
#: spread over seeds, and the calibration (docs/statistics.md) measured the test's power with three a side.
DEFAULT_SEEDS = 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m experiments", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the experiments whose results are missing or stale")
    run.add_argument("--only", default=None, help="comma-separated id patterns, e.g. 'bbc-*,20ng-lstm'")
    run.add_argument("--spec", type=Path, action="append", default=[],
                     help="a JSON spec file to run instead of the declared studies (repeatable)")
    run.add_argument("--profile", choices=PROFILES, default="quick", help="quick: minutes on a laptop; full: as documented")
    run.add_argument("--data", choices=DATA_CHOICES, default="auto", help="real files, embedded stand-ins, or auto")
    run.add_argument("--seeds", type=int, default=DEFAULT_SEEDS,
                     help=f"seeds per experiment (0 … N-1); default {DEFAULT_SEEDS}")
    run.add_argument("--force", action="store_true", help="rerun even what is up to date")
    run.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder of the raw data files")
    run.add_argument("--results-dir", type=Path, default=None,
                     help="where results folders go (default: results/<profile>-<data>, one set per profile and data)")
    run.add_argument("--images-dir", type=Path, default=None, help="where figures go (default: images/<profile>-<data>)")
    run.add_argument("--quiet", action="store_true", help="no per-epoch lines")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a spec setting by its dotted key (train.epochs=5); the run gets an id of its own")
    run.add_argument("--jobs", type=int, default=int(os.environ.get("JOBS") or 1),
                     help="runs at once on this machine, each a process with its share of the cores (default 1)")
    run.add_argument("--executor", choices=("local", "ray"), default=os.environ.get("EXECUTOR") or "local",
                     help="local: one run after another here; ray: each run a Ray task (RAY_ADDRESS names a cluster)")
    sub.add_parser("list", help="list the declared experiments")
    state = sub.add_parser("status", help="say which runs are fresh, stale (and why) or missing; trains nothing")
    for option in ("--only", "--profile", "--data", "--seeds", "--data-dir", "--results-dir", "--set"):
        action = next(a for a in run._actions if option in a.option_strings)
        state._add_action(action)
    show = sub.add_parser("show", help="print an experiment's full spec as JSON, ready for --spec")
    show.add_argument("id", help="an experiment id, or a grid point's (20ng-seq-len@seq_len=50)")
    show.add_argument("--profile", choices=PROFILES, default="full")
    figures = sub.add_parser("figures", help="redraw the figures of every finished run from its results (no training)")
    figures.add_argument("--set", default=None, help="the results set (default: the one last run)")
    vectors = sub.add_parser("vectors", help="say which word vectors each documented name resolves to; --download fetches them")
    vectors.add_argument("--download", action="store_true", help="fetch the documented vectors (needs internet, several GB)")
    vectors.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder of the raw data files")
    args = parser.parse_args(argv)

    try:
        from experiments import studies, suite
        from experiments.run import RunPaths
    except SpecError as err:  # a declared spec is invalid: say which, before any data is read
        print(f"error in experiments/studies.py: {err}", file=sys.stderr)
        return 2
    if args.command == "figures":
        try:
            return redraw_all(*paths.set_dirs(paths.chosen_set(args.set)))
        except FileNotFoundError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if args.command == "vectors":
        return show_vectors(args.data_dir, download=args.download)
    if args.command == "show":
        return show_spec(args.id, args.profile)
    if args.command == "list":
        for spec in studies.all_studies():
            grid = f"  grid {spec.grid}" if spec.grid else ""
            print(f"{spec.study:>3}  {spec.id:<24} {spec.title}{grid}")
        return 0
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    try:
        from_files = [load_spec_file(path) for path in getattr(args, "spec", [])]
        specs = from_files or studies.find(args.only)
        if from_files:
            args.only = None  # --spec names what to run; ONLY selects among the declared studies
        specs = [with_overrides(spec, args.overrides) for spec in specs]
    except SpecError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not specs:
        print(f"error: no experiment matches ONLY={args.only!r}; ids: {', '.join(s.id for s in studies.all_studies())}",
              file=sys.stderr)
        return 2
    if args.results_dir is None:
        from experiments.data import resolve_source

        # Every declared dataset counts, so that ONLY=… never moves a run to another set.
        datasets = {s.data.dataset for s in [*studies.all_studies(), *specs]}
        name = paths.set_name(args.profile, {resolve_source(d, args.data, args.data_dir) for d in datasets})
        args.results_dir, default_images = paths.set_dirs(name)
        args.images_dir = getattr(args, "images_dir", None) or default_images
        paths.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        last = paths.RESULTS_DIR / paths.LAST_SET
        if not last.is_file() or last.read_text(encoding="utf-8").strip() != name:  # make re-renders when it changes
            last.write_text(name + "\n", encoding="utf-8")
        print(f"results set {name}: {args.results_dir}")
    run_paths = RunPaths(
        data_dir=args.data_dir, cache_dir=paths.CACHE_DIR, results_dir=args.results_dir,
        images_dir=getattr(args, "images_dir", None) or args.results_dir.parent / "images",
    )
    if args.command == "status":
        return show_status(specs, args, run_paths)
    try:
        return suite.run_suite(
            specs, profile=args.profile, data_choice=args.data, seeds=args.seeds, force=args.force,
            paths=run_paths, verbose=0 if args.quiet else 2, executor=args.executor, only=args.only, jobs=args.jobs,
        )
    except (SpecError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


def with_overrides(spec, overrides: list[str]):
    """``spec`` with Hydra-style ``key=value`` overrides (values read as JSON, else as text), under a new id."""
    if not overrides:
        return spec
    parsed = {}
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SpecError(f"--set {item!r}: expected KEY=VALUE with a dotted key, e.g. train.epochs=5")
        try:
            parsed[key] = json.loads(value)
        except json.JSONDecodeError:
            parsed[key] = value
    suffix = ",".join(f"{k}={v}" for k, v in parsed.items())
    return spec.replace(parsed, id=f"{spec.id}--{suffix}")


def show_status(specs, args, run_paths) -> int:
    """One line per run: fresh, stale (with the reason) or missing."""
    from experiments import suite

    rows = suite.status(specs, profile=args.profile, data_choice=args.data, seeds=args.seeds, paths=run_paths,
                        only=args.only)
    for job, state, why in rows:
        print(f"{state:<8} {job.spec.id} seed {job.seed}" + (f": {why}" if why else ""))
    counts = {s: sum(row[1] == s for row in rows) for s in ("fresh", "stale", "missing")}
    print(f"{counts['fresh']} fresh, {counts['stale']} stale, {counts['missing']} missing ({run_paths.results_dir})")
    return 0


def show_spec(run_id: str, profile: str) -> int:
    """Print the full spec of ``run_id`` (a grid point's too) as JSON."""
    from experiments import studies
    from experiments.specs import expand

    declared = studies.find(run_id)
    points = {p.id: p for spec in declared for p in expand(spec, profile=profile)}
    elsewhere = [spec for spec in declared if profile not in spec.profiles]
    if run_id not in points and elsewhere:
        print(f"error: {run_id} runs only in the {' and '.join(elsewhere[0].profiles)} profile; "
              f"add --profile {elsewhere[0].profiles[0]}", file=sys.stderr)
        return 2
    if run_id not in points:
        print(f"error: no experiment {run_id!r}; ids: {', '.join(points) or ', '.join(s.id for s in studies.all_studies())}",
              file=sys.stderr)
        return 2
    print(points[run_id].to_json())
    return 0


def redraw_all(results_dir: Path, images_dir: Path) -> int:
    """Redraw every finished run's figures from its results file, whatever code trained it."""
    from experiments import results
    from experiments.run import RunPaths, redraw_figures
    from experiments.specs import ExperimentSpec

    run_paths = RunPaths(paths.DATA_DIR, paths.CACHE_DIR, results_dir, images_dir)
    finished = sorted(results_dir.glob(f"*/seed-*/{results.RESULTS_FILE}"))
    for path in finished:
        stored = results.read(path)
        redraw_figures(ExperimentSpec.from_dict(stored["spec"]), stored["seed"], run_paths)
    print(f"redrew the figures of {len(finished)} run(s)")
    return 0


def show_vectors(data_dir: Path, *, download: bool) -> int:
    """Print, for each documented vectors name, what a run gets now (after downloading when asked)."""
    from experiments import wordvectors

    if download:
        try:
            fetched = wordvectors.download(list(wordvectors.DOCUMENTED), data_dir=data_dir)
        except Exception as err:  # noqa: BLE001 - network and disk errors alike: say what failed
            print(f"error: could not download the vectors ({err}); the files already present are kept", file=sys.stderr)
            return 1
        for path in fetched:
            print(f"fetched {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    for name, documented in wordvectors.DOCUMENTED.items():
        source = wordvectors.locate(name, dim=documented.dim, data_dir=data_dir)
        where = f" from {source.path}" if source.path else ""
        print(f"{name:<26} → {source.title} ({source.kind}){where}")
    return 0


def load_spec_file(path: Path):
    """A spec from a JSON file; errors name the file and the key."""
    import json

    from experiments.specs import ExperimentSpec

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise SpecError(f"{path}: cannot read the spec file ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise SpecError(f"{path}:{err.lineno}: not valid JSON ({err.msg})") from None
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: a spec file holds one JSON object, got {type(raw).__name__}")
    return ExperimentSpec.from_dict(raw, where=str(path))


if __name__ == "__main__":
    sys.exit(main())
