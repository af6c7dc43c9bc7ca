"""What a dataset's results add up to: every model with spread, interval and its test against a reference.

Runs are matched to their reference on the same test rows: a point of a sweep
(``market-lstm@interval=10``) is compared with the reference's point of the
same value (``market-majority@interval=10``).
"""

from __future__ import annotations

import re

import numpy as np

from experiments.specs import REFERENCE_MODELS
from experiments.studies import OWN_STUDY
from report import claims, diagnostics
from report.runs import point_value
from report.stats import run_interval


#: How a swept setting reads in a table; other settings read as their name without underscores.
SETTING_NAMES = {"seq_len": "sequence length", "interval": "interval", "split": "split", "padding": "padding"}


def vectors_label(vectors: dict) -> str:
    """A run's vectors in a few words, for titles: the name, or "word2vec 300-d trained here"."""
    name = f"word2vec {vectors['dim']}-d trained here" if vectors.get("kind") == "trained" else vectors["name"]
    return name + (f", zero-padded to {vectors['padded_to']}-d" if vectors.get("padded_to") else "")


def model_title(run) -> str:
    """The spec's title and, for a network, the vectors it really used (from the run's record)."""
    vectors = run.first.get("model", {}).get("vectors") or {}
    if not vectors.get("requested"):
        return run.spec["title"]
    return f"{run.spec['title']}; {vectors_label(vectors)}"


def _point_words(run) -> str:
    """A sweep point in words: "interval 10", "sequence length 50", "split grouped"."""
    names = ((key.rsplit(".", 1)[-1], value) for key, value in run.point.items())
    return ", ".join(f"{SETTING_NAMES.get(k, k.replace('_', ' '))} {v}" for k, v in names)


#: How sentences name each experiment: short, unique within its dataset, no commas (lists of them stay
#: readable). ``{value}`` is a sweep point's value. An experiment not listed reads as its title and point.
SHORT_NAMES = {
    "bbc-majority": "the majority class", "bbc-tfidf-logreg": "TF-IDF", "bbc-dense": "the dense baseline",
    "bbc-stacked-bilstm": "the stacked BiLSTM", "bbc-bilstm-attention": "the attention BiLSTM",
    "20ng-majority": "the majority class", "20ng-tfidf-logreg": "TF-IDF",
    "20ng-tfidf-logreg-stripped": "TF-IDF without headers", "20ng-tfidf-logreg-window": "TF-IDF on the window",
    "20ng-lstm": "the base LSTM",
    "20ng-lstm-stripped": "the LSTM without headers", "20ng-simple-rnn": "the SimpleRNN",
    "20ng-lstm-learned": "the learned embedding", "20ng-glove-200": "the 200-d variant",
    "20ng-seq-len": "the LSTM at {value} tokens",
    "market-majority": "the majority class at N = {value}", "market-tfidf-logreg": "TF-IDF at N = {value}",
    "market-lstm": "the LSTM at N = {value}", "market-padding": "the LSTM padded to {value}",
    "twitter-majority": "the majority class on the {value} split", "twitter-tfidf-logreg": "TF-IDF on the {value} split",
    "twitter-bow-logreg": "bag-of-words on the {value} split",
    "twitter-mean-vectors": "the averaged-vector MLP on the {value} split", "twitter-lstm": "the LSTM on the {value} split",
}


def short_label(run) -> str:
    """The experiment's short name in a sentence (``the LSTM at N = 10``), else its title and sweep point."""
    if run.experiment in SHORT_NAMES:
        return SHORT_NAMES[run.experiment].format(value=point_value(run))
    words = _point_words(run)
    return run.spec["title"] + (f", {words}" if words else "")


def table_label(run) -> str:
    """The short name as a table cell: "LSTM at N = 5", "Dense baseline" (a cell opens without "the")."""
    return claims.capital(short_label(run).removeprefix("the "))


def axis_label(run) -> str:
    """The spec's title and its sweep point, without the vectors: a figure's axis, where names stand alone."""
    point = _point_words(run)
    return run.spec["title"] + (f", {point}" if point else "")


def _label(run) -> str:
    """The run's title, its point of a sweep in words, and its seeds when there are several (a model that
    trains without randomness is one model whatever its seeds, so it gets none). Not its vectors: the chapters'
    tables name them, and a summary row stays short enough to read."""
    point = _point_words(run)
    label = run.spec["title"] + (f" ({point})" if point else "")
    return label + (f", {len(run.seeds)} seeds" if len(run.seeds) > 1 and not claims.fixed(run) else "")


def natural_key(text: str) -> list:
    """Sort key that puts 'interval=5' before 'interval=10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


#: How the report names each dataset, and so each family of comparisons.
DATASET_TITLES = {"bbc": "BBC News", "20newsgroups": "20 Newsgroups", "trump-market": "Tweets and the S&P 500",
                  "twitter-sentiment": "Entity sentiment"}


def own_titles() -> dict[str, str]:
    """The datasets of one's own (``datasets.toml``), by name, with the titles they are declared with."""
    from experiments import owndata

    return {name: entry.title for name, entry in owndata.declared().items()}


def dataset_titles() -> dict[str, str]:
    """Every dataset's title: the documented ones, then one's own."""
    return {**DATASET_TITLES, **own_titles()}


def _study_order(run) -> tuple:
    return run.spec["study"], natural_key(run.id)


def duplicates(runs: dict) -> dict[str, str]:
    """Runs that are another run's computation, by id, with the id of the first (in study order) they repeat.

    A grid point that reused another experiment's results (``same_as``), or a run
    whose predictions are identical seed for seed (2e with the same 50-d vectors
    as 2a; padding to 40 and 80 tokens when no tweet is longer than 40).
    """
    found: dict[str, str] = {}
    kept: list = []
    for run in sorted(runs.values(), key=_study_order):
        reused = run.first.get("same_as")
        original = runs.get(reused) if reused else next((k for k in kept if claims.same_computation(k, run)), None)
        if original is not None and original.id != run.id:
            found[run.id] = found.get(original.id, original.id)
        else:
            kept.append(run)
    return found


def duplicates_of(runs: dict) -> dict[str, str]:
    """:func:`duplicates`, computed once and kept on the runs."""
    if any("_same_as" not in r.__dict__ for r in runs.values()):
        found = duplicates(runs)
        for r in runs.values():
            r.__dict__["_same_as"] = found.get(r.id)
    return {r.id: r.__dict__["_same_as"] for r in runs.values() if r.__dict__["_same_as"]}


def dataset_runs(runs: dict, dataset: str) -> list:
    """Every distinct computation on ``dataset``, in study order: a run that repeats another is listed once."""
    repeated = duplicates_of(runs)
    chosen = [r for r in runs.values() if r.first["data"]["dataset"] == dataset and r.id not in repeated]
    return sorted(chosen, key=_study_order)


def reference_for(run, runs: dict, reference: str):
    """The reference run (or sweep point) scored on exactly the same test rows as ``run``, or None.

    The point with the same swept value is preferred (interval 10 against interval 10).
    """
    points = sorted((r for r in runs.values() if r.experiment == reference), key=lambda r: natural_key(r.id))
    # The same grid point first (its key from the same setting), then any other point on the same rows.
    preferred = sorted(points, key=lambda r: r.point != run.point)
    return next((r for r in preferred if r.metrics["labels"] == run.metrics["labels"]), None)


def spread(run, metric: str) -> str:
    """Mean ± standard deviation over the run's seeds, or the one value where every seed scored alike (one seed,
    or a reference that trains without randomness)."""
    values = np.array([seed["metrics"][metric] for seed in run.seeds])
    if len(set(values.tolist())) == 1:
        return f"{values.mean():.3f}"
    return f"{values.mean():.3f} ± {values.std(ddof=1):.3f}"


def same_rows(run, runs: dict, architecture: str):
    """The run of ``architecture`` (e.g. "majority") on the same dataset and the same test rows as ``run``, or None."""
    dataset = run.first["data"]["dataset"]
    candidates = sorted((r for r in runs.values() if r.spec["model"]["architecture"] == architecture
                         and r.first["data"]["dataset"] == dataset), key=lambda r: natural_key(r.id))
    return reference_for(run, runs, candidates[0].experiment) if candidates else None


def networks(runs: dict, dataset: str) -> list:
    return [r for r in dataset_runs(runs, dataset) if r.spec["model"]["architecture"] not in REFERENCE_MODELS]


#: The diagnostics that say a network's epoch cap, not the network, set how far it got.
CAP_LIMITED = ("still_improving", "undertrained")


def cap_stopped(run) -> bool:
    """Whether the epoch cap stopped ``run`` while still improving or before it fitted its own training rows."""
    return any(f.check in CAP_LIMITED for f in diagnostics.findings(run))


def _networks_showing(runs: dict, dataset: str, shows) -> tuple[list[str], int]:
    """The networks of ``dataset`` for which ``shows(run)`` holds, by short name, and how many networks
    ``dataset`` has (a run repeating another's counted once)."""
    repeats = duplicates_of(runs)
    nets = [r for r in networks(runs, dataset) if r.id not in repeats]
    return [short_label(r) for r in nets if shows(r)], len(nets)


def cap_limited(runs: dict, dataset: str) -> tuple[list[str], int]:
    """The networks of ``dataset`` that their epoch cap stopped while still improving or before they fitted their
    own training rows, and how many networks ``dataset`` has."""
    return _networks_showing(runs, dataset, cap_stopped)


#: How a cap-limited network was stopped, said of one network and of several.
CAP_WORDS = {
    "still_improving": ("while still improving on its validation rows", "while still improving on their validation rows"),
    "undertrained": ("before it fitted its own training rows", "before they fitted their own training rows"),
}


def cap_limits(runs: dict, dataset: str, consequence: str) -> str:
    """The networks of ``dataset`` that their epoch cap stopped, by name and how, in one sentence ending in
    ``consequence`` ("" when none): the abstract names them, so a reader knows which verdicts the cap qualifies."""
    clauses, hit = [], 0
    for check, (one, several) in CAP_WORDS.items():
        names, n = _networks_showing(runs, dataset, lambda r: any(f.check == check for f in diagnostics.findings(r)))
        if names:
            hit += len(names)
            single = len(names) == 1
            clauses.append(f"{claims.join_names(names)} {'was' if single else 'were'} stopped by "
                           f"{'its' if single else 'their'} epoch cap {one if single else several}")
    if not clauses:
        return ""
    return (f"Of its {n} networks, {'; and '.join(clauses)}, so for {'it' if hit == 1 else 'them'} "
            f"{consequence}.")


def learned_no_signal(runs: dict, dataset: str) -> tuple[list[str], int]:
    """The networks of ``dataset`` whose validation loss never beat predicting the class shares, and how many
    networks ``dataset`` has: where these are most, a null result is a failure to learn before it is a matter of
    the tests' power."""
    return _networks_showing(runs, dataset, diagnostics.never_beat_prior)


def test_minority(majority: list) -> list:
    """The two-class majority-class runs whose training majority is the minority of their test rows (accuracy below
    one half, on every seed alike): there the reference scores below a coin, and beating it says little."""
    return [r for r in majority if len(r.first["class_names"]) == 2 and r.metrics["accuracy"] < 0.5]


def also(run, runs: dict) -> str:
    """The runs that repeat ``run``'s computation, in words ("also 2e and 2d at sequence length 30"), or ""."""
    repeats = sorted((runs[i] for i, original in duplicates_of(runs).items() if original == run.id), key=_study_order)
    if not repeats:
        return ""
    # A study's code names it ("2e"); a dataset of one's own has no study code, so its runs go by their titles.
    names = [r.spec["title"] if r.spec["study"] == OWN_STUDY else f"{r.spec['study']}{' at ' + _point_words(r) if r.point else ''}"
             for r in repeats]
    return "also " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1])


def summary_rows(registry: claims.Registry, runs: dict, dataset: str, reference: str) -> list[list[str]]:
    """Rows: model, accuracy and macro-F1 (mean ± sd over seeds, 95 % bootstrap interval over seeds and rows),
    the test's Holm-adjusted p against the reference and its verdict in words."""
    rows = []
    for run in dataset_runs(runs, dataset):
        ci, ci_f1 = run_interval(run, "accuracy"), run_interval(run, "macro_f1")
        ref = reference_for(run, runs, reference)
        if ref is not None and ref.id != run.id:
            found = registry.get(run, ref)
            # A no-break space: a cell this short never needs two lines.
            test = [f"{claims.format_p(found.p_adjusted)}\u00a0({claims.TEST_CODES.get(found.test, '?')})" if found.scope != "same" else "–",
                    found.verdict]
        else:
            test = ["–", "reference" if ref is not None else "–"]
        repeated = also(run, runs)
        rows.append([
            _label(run) + (f" ({repeated}: the same computation)" if repeated else ""),
            f"{spread(run, 'accuracy')} [{ci.low:.3f}, {ci.high:.3f}]",
            f"{spread(run, 'macro_f1')} [{ci_f1.low:.3f}, {ci_f1.high:.3f}]",
            *test,
        ])
    return rows


def with_reference(runs: dict, dataset: str, architecture: str) -> tuple[list, list, list[str]]:
    """The networks of ``dataset`` that have an ``architecture`` reference on their own test rows: the networks,
    their references and their short names (each list in the same order)."""
    pairs = [(r, same_rows(r, runs, architecture)) for r in networks(runs, dataset)]
    pairs = [(r, ref) for r, ref in pairs if ref is not None]
    return [r for r, _ in pairs], [ref for _, ref in pairs], [short_label(r) for r, _ in pairs]


def versus(registry: claims.Registry, runs: dict, dataset: str, architecture: str, other: str) -> str:
    """Every network of ``dataset`` against the ``architecture`` reference on its own test rows, as one sentence."""
    nets, refs, names = with_reference(runs, dataset, architecture)
    return claims.against(registry, nets, names, refs, other) if nets else ""


def headline(registry: claims.Registry, runs: dict, dataset: str, architecture: str, other: str, *,
             brief: bool = False, counted: bool = False) -> str:
    """:func:`versus` as counts: the networks of ``dataset`` against a reference, in one short sentence."""
    nets, refs, names = with_reference(runs, dataset, architecture)
    return claims.summarise(registry, nets, names, refs, other, brief=brief, counted=counted) if nets else ""


def learned_nothing(registry: claims.Registry, runs: dict, dataset: str) -> list[str]:
    """Flags for the networks of ``dataset`` that learned nothing (one class, or no better than the majority class)."""
    nets, refs, names = with_reference(runs, dataset, "majority")
    return claims.learned_nothing(registry, nets, refs, names) if nets else []


def diagnosed(runs: dict, dataset: str) -> list[str]:
    """A sentence for every diagnostic finding on a run of ``dataset`` (:mod:`report.diagnostics`)."""
    return diagnostics.grouped([(short_label(run), finding) for run in dataset_runs(runs, dataset)
                                for finding in diagnostics.findings(run)])


def standing(registry: claims.Registry, runs: dict, dataset: str, architecture: str) -> dict[str, int]:
    """How many networks of ``dataset`` are ahead of, behind or not separated from a reference: verdict counts
    that prose may branch on ({"better": 0, "worse": 3, "no evidence": 0, "n": 3})."""
    found = [registry.get(r, ref) for r, ref in zip(*with_reference(runs, dataset, architecture)[:2])]
    counts = {d: sum(c.direction == d and c.scope != "same" for c in found) for d in ("better", "worse", "no evidence")}
    return {**counts, "n": sum(c.scope != "same" for c in found),
            "trained": sum(c.scope == "trained models" for c in found)}


def substitutions(runs: dict) -> list[str]:
    """Each documented set of word vectors that a run could not have, with what it used instead and where."""
    used: dict[tuple[str, str], list[str]] = {}
    for run in sorted(runs.values(), key=_study_order):
        vectors = run.first.get("model", {}).get("vectors") or {}
        if vectors.get("substitute"):
            studies = used.setdefault((vectors["requested"], vectors_label(vectors)), [])
            if run.spec["study"] not in studies:
                studies.append(run.spec["study"])
    return [f"{used_label} instead of {requested} ({', '.join(studies)})" for (requested, used_label), studies in used.items()]


def validation_gap(run) -> dict | None:
    """Mean validation accuracy at the kept epoch and mean test accuracy over a network's seeds: a large gap
    says the validation rows resemble the training rows more than the test rows do (None for references)."""
    kept = []
    for seed in run.seeds:
        training = seed.get("training") or {}
        val = (training.get("history") or {}).get("val_accuracy") or []
        index = training.get("best_epoch", 0) - training.get("history_from", 1)
        if not 0 <= index < len(val):
            return None
        kept.append(val[index])
    test = claims.accuracy(run)
    gap = float(np.mean(kept)) - test
    return {"validation": float(np.mean(kept)), "test": test, "gap": gap, "ahead": gap > 0}


def split_drops(pairs: list[tuple], names: list[str]) -> str:
    """How far each model falls from one split to another (random to grouped), largest first, as a clause: the
    differences between those drops are described, not tested."""
    drops = sorted(((claims.accuracy(a) - claims.accuracy(b), name) for (a, b), name in zip(pairs, names)), reverse=True)
    return claims.join_words([f"{drop:.3f} for {name}" for drop, name in drops])
