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
    """Every complete results file under ``results_dir``, by experiment id, seeds in order."""
    runs: dict[str, Run] = {}
    for path in sorted(Path(results_dir).glob(f"*/seed-*/{results_io.RESULTS_FILE}"), key=_seed_order):
        outcome = results_io.read(path)
        runs.setdefault(outcome["spec"]["id"], Run(outcome["spec"]["id"])).seeds.append(outcome)
    return runs


def _seed_order(path: Path) -> tuple[str, int]:
    return path.parent.parent.name, int(path.parent.name.removeprefix("seed-"))


def by_point(points: list[Run]) -> dict[str, Run]:
    """The points of a sweep by their swept value (``{"random": …, "grouped": …}``)."""
    return {point_value(r): r for r in points}


def point_value(run: Run) -> str:
    """The swept value of one point of a sweep (``20ng-seq-len@seq_len=50`` → ``50``)."""
    return run.id.rsplit("=", 1)[-1]
