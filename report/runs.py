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
        _with_resumes(outcome, path.parent)
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


def _with_resumes(outcome: dict, folder: Path) -> None:
    """Results written before training recorded its resumes get them from their TensorBoard logs.

    Such a run's history holds only the epochs after its last resume, and its epoch counts are counted
    from there; each resumed process started a new event file, whose first step is the epoch it resumed at.
    """
    training = outcome.get("training")
    if not training or "resumed_at" in training:
        return
    files = sorted((folder / "tensorboard" / "train").glob("events.out.tfevents.*"), key=_event_file_time)
    steps = [_first_step(f) for f in files[1:]]
    training["resumed_at"] = [step + 1 for step in steps if step]
    offset = steps[-1] if steps and steps[-1] else 0
    if offset:
        training.update(history_from=offset + 1, epochs_run=training["epochs_run"] + offset,
                        best_epoch=training["best_epoch"] + offset)


def _event_file_time(path: Path) -> float:
    """When an event file was opened: its name holds the time (``events.out.tfevents.<time>.<host>…``)."""
    return float(path.name.split(".")[3])


def _first_step(path: Path) -> int | None:
    """The first step of a TensorBoard event file: its records are length-prefixed Event protobufs, whose
    field 2 is the step (a varint); the file's first record (the version) has none."""
    data = path.read_bytes()
    at = 0
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 8], "little")
        record, at = data[at + 12:at + 12 + length], at + 12 + length + 4
        i = 0
        while i < len(record):
            tag, i = _varint(record, i)
            field, wire = tag >> 3, tag & 7
            if wire == 0:
                value, i = _varint(record, i)
                if field == 2:
                    return value
            elif wire == 1:
                i += 8
            elif wire == 2:
                size, i = _varint(record, i)
                i += size
            elif wire == 5:
                i += 4
            else:
                break
    return None


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        i, shift = i + 1, shift + 7
        if byte < 0x80:
            return value, i


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
