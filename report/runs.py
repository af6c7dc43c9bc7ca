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

    def __post_init__(self) -> None:
        for seed in self.seeds:
            _with_identity(seed, self.id)

    @property
    def first(self) -> dict:
        """The lowest seed's results: the run whose figures the chapter shows."""
        return self.seeds[0]

    @property
    def experiment(self) -> str:
        """The declared experiment this run is (a sweep's points share it)."""
        return self.spec["experiment"]

    @property
    def point(self) -> dict:
        """The run's grid point as {"section.key": value}; {} outside a sweep."""
        return self.spec["point"]

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
        _with_identity(outcome, outcome["spec"]["id"])
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


def _with_identity(outcome: dict, run_id: str) -> None:
    """Results written before specs carried their experiment and grid point get them, read once from the id
    (``<experiment>@<name>=<value>``; a grid key's section is not in the id, only its last name)."""
    spec = outcome.setdefault("spec", {})
    if not spec.get("experiment"):
        experiment, _, label = run_id.partition("@")
        pairs = [part.partition("=")[::2] for part in label.split(",") if part]
        spec["experiment"] = experiment
        spec["point"] = {_dotted(spec, name): _value(spec, name, text) for name, text in pairs}


def _dotted(spec: dict, name: str) -> str:
    """The dotted key of the setting called ``name`` in ``spec`` ("seq_len" → "vectorize.seq_len")."""
    for section in ("data", "vectorize", "vectors", "train", "model"):
        if name in spec.get(section, {}):
            return f"{section}.{name}"
    inner = {"data": "options", "model": "params"}
    return next((f"{s}.{t}.{name}" for s, t in inner.items() if name in spec.get(s, {}).get(t, {})), name)


def _value(spec: dict, name: str, text: str):
    """The point's value as the spec holds it, else as the id wrote it."""
    value = spec
    for part in _dotted(spec, name).split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value if value is not None else (int(text) if text.isdigit() else text)


def _seed_order(path: Path) -> tuple[str, int]:
    return path.parent.parent.name, int(path.parent.name.removeprefix("seed-"))


def by_point(points: list[Run]) -> dict[str, Run]:
    """The points of a sweep by their swept value (``{"random": …, "grouped": …}``)."""
    return {point_value(r): r for r in points}


def point_value(run: Run) -> str:
    """The swept value of one point of a one-axis sweep ({"vectorize.seq_len": 50} → "50")."""
    return ",".join(str(value) for value in run.point.values())
