"""Finished runs as the report reads them: every seed of one experiment, from its results files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from experiments import results as results_io


@dataclass
class Run:
    """All finished seeds of one experiment (or one point of a sweep)."""

    id: str
    seeds: list[dict] = field(default_factory=list)

    @property
    def first(self) -> dict:
        """The lowest seed's results: the run whose figures the chapter shows."""
        return self.seeds[0]

    def __getattr__(self, name: str):
        # ``r.metrics`` reads the first seed, so templates stay short.
        if name.startswith("_") or not self.seeds:
            raise AttributeError(name)
        try:
            return self.seeds[0][name]
        except KeyError:
            raise AttributeError(f"results of {self.id} have no {name!r}") from None


def load_runs(results_dir: Path) -> dict[str, Run]:
    """Every complete results file under ``results_dir``, by experiment id, seeds in order.

    Seeds are one experiment only when they ran the same spec, profile and data:
    anything else is refused with the files named, never averaged.
    """
    runs: dict[str, Run] = {}
    where: dict[str, Path] = {}
    for path in sorted(Path(results_dir).glob(f"*/seed-*/{results_io.RESULTS_FILE}"), key=_seed_order):
        outcome = results_io.read(path)
        run_id = outcome["spec"]["id"]
        if run_id in runs:
            _same_experiment(runs[run_id].first, outcome, where[run_id], path)
        else:
            where[run_id] = path
        runs.setdefault(run_id, Run(run_id)).seeds.append(outcome)
    return runs


def _same_experiment(first: dict, other: dict, first_path: Path, other_path: Path) -> None:
    """Refuse to merge two seeds of one id that do not come from one experiment."""
    differ = [what for what, a, b in (
        ("profile", first["profile"], other["profile"]),
        ("data source", first["data"]["source"], other["data"]["source"]),
        ("spec", first["spec"], other["spec"]),
        ("test rows", len(first["metrics"]["labels"]), len(other["metrics"]["labels"])),
    ) if a != b]
    if differ:
        raise results_io.ResultsError(
            f"{first_path} and {other_path} are seeds of {first['spec']['id']} but differ in {', '.join(differ)} "
            f"({first['profile']}/{first['data']['source']} against {other['profile']}/{other['data']['source']}); "
            "they cannot be averaged. Keep each profile and data source in its own results set "
            "(results/<profile>-<data>/), or delete the stale seed and rerun `make experiments`"
        )


def _seed_order(path: Path) -> tuple[str, int]:
    return path.parent.parent.name, int(path.parent.name.removeprefix("seed-"))


def by_point(points: list[Run]) -> dict[str, Run]:
    """The points of a sweep by their swept value (``{"random": …, "grouped": …}``)."""
    return {point_value(r): r for r in points}


def point_value(run: Run) -> str:
    """The swept value of one point of a sweep (``20ng-seq-len@seq_len=50`` → ``50``)."""
    return run.id.rsplit("=", 1)[-1]
