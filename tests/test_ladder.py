"""The correction ladders: each original flaw is a setting that does what it says, and the steps add up.

Every setting of an as-published run is checked on constructed data: the test
rows really serve as validation, pre-padding really keeps the last tokens, the
vocabulary really sees the test rows, the vectors really gain zero columns.
"""

import numpy as np
import pytest

from experiments import studies
from experiments.corpus import Corpus
from experiments.data import make_splits
from experiments.specs import DataSpec, ExperimentSpec, ModelSpec, SpecError, TrainSpec, expand
from experiments.train import LengthBatches
from experiments.vectorize import TextVectorizer
from report import ladder
from report.runs import Run


# -- the settings -------------------------------------------------------------------------------------


def corpus(n: int = 50) -> Corpus:
    return Corpus(name="twitter-sentiment", texts=[f"text {i}" for i in range(n)],
                  labels=np.arange(n) % 2, class_names=("a", "b"), source="embedded")


def test_validation_from_the_test_split_scores_the_test_rows_and_trains_on_every_training_row():
    honest = make_splits(corpus(), DataSpec("twitter-sentiment", split="random", test_size=0.2))
    flawed = make_splits(corpus(), DataSpec("twitter-sentiment", split="random", test_size=0.2, validation="test"))

    assert flawed.validation.texts == flawed.test.texts == honest.test.texts
    assert sorted(flawed.train.texts) == sorted(honest.train.texts + honest.validation.texts)
    assert not set(honest.validation.texts) & set(honest.test.texts)


def test_validation_on_the_test_split_refuses_early_stopping_which_would_choose_the_epoch_on_test_rows():
    with pytest.raises(SpecError, match="train.patience"):
        ExperimentSpec("x", "2a", "x", DataSpec("20newsgroups", split="predefined", validation="test"),
                       ModelSpec("lstm"), train=TrainSpec(patience=3))


def test_pre_padding_keeps_the_last_tokens_behind_zeros_as_keras_pad_sequences_does():
    text = "one two three four five"
    post = TextVectorizer(seq_len=3).fit([text])
    pre = TextVectorizer(seq_len=3, padding="pre").fit([text])
    words = pre.words()

    assert [words[i] for i in post.transform([text])[0]] == ["one", "two", "three"]
    assert [words[i] for i in pre.transform([text])[0]] == ["three", "four", "five"]
    assert pre.transform(["five"])[0].tolist() == [0, 0, pre.vocabulary_["five"]]


def test_length_batches_cut_pre_padded_rows_to_their_last_columns():
    x = np.zeros((2, 40), dtype=np.int32)
    x[0, -3:], x[1, -5:] = 7, 9  # pre-padded: the tokens at the end
    batch = LengthBatches(x, None, 2, shuffle=False)[0]
    assert batch.shape == (2, 8)
    assert (batch != 0).sum() == 8 and batch[:, -1].tolist() == [7, 9]


def test_a_vocabulary_without_a_cap_keeps_every_word():
    texts = ["a a a b b c", "d"]
    assert TextVectorizer(max_tokens=2).fit(texts).vocab_size == 2 + 2
    assert TextVectorizer(max_tokens=None).fit(texts).vocab_size == 4 + 2


# -- the ladders as declared ------------------------------------------------------------------------


@pytest.mark.parametrize("declared", studies.LADDERS, ids=lambda lad: lad.name)
def test_rung_zero_undoes_every_correction_and_each_rung_adds_the_next(declared):
    (base,) = [s for s in studies.STUDIES if s.id == declared.experiment]
    rungs = declared.specs(base)
    (top,) = [p for p in expand(base) if p.id == declared.corrected]
    assert len(rungs) == len(declared.corrections)
    for k, rung in enumerate(rungs):
        (point,) = expand(rung)
        undone = {key: value for c in declared.corrections[k:] for key, value in c.published.items()}
        assert point.replace(undone, id=top.id) != top  # something of the original is still there
        # Redoing the corrections still undone gives the corrected experiment exactly.
        redone = point.replace({key: _get(top, key) for key in undone}, id=top.id).to_dict()
        # A loader option the corrected spec leaves unset is at its default.
        redone["data"]["options"] = {k: v for k, v in redone["data"]["options"].items() if v is not None}
        assert redone == {**top.to_dict(), "title": point.title, "experiment": point.experiment, "point": {}}


def _get(spec: ExperimentSpec, key: str):
    value = spec.to_dict()
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def test_every_published_figure_has_a_run_as_published():
    tops = {lad.corrected for lad in studies.LADDERS}
    for run_id, (figure, _) in studies.PUBLISHED.items():
        if figure is not None and run_id != "20ng-seq-len@seq_len=30":  # the same run as 2a
            assert run_id in tops, run_id


# -- the effects --------------------------------------------------------------------------------------

LABELS = [0, 1] * 300


def run(run_id: str, right: list[int]) -> Run:
    """A run whose seeds get the first ``right[s]`` rows right."""
    seeds = []
    for r in right:
        predictions = [y if i < r else 1 - y for i, y in enumerate(LABELS)]
        seeds.append({"spec": {"id": run_id, "study": "2a", "model": {"architecture": "lstm"}},
                      "profile": "full", "data": {"source": "real", "dataset": "20newsgroups"}, "model": {"vectors": {}},
                      "metrics": {"labels": LABELS, "predictions": predictions}})
    return Run(run_id, seeds)


def test_the_steps_add_up_to_the_distance_from_as_published_to_corrected():
    runs = {"20ng-lstm": run("20ng-lstm", [420, 424, 430])}
    rungs = {"ladder-2a-0": run("ladder-2a-0", [300, 306, 310]), "ladder-2a-1": run("ladder-2a-1", [360, 362, 370])}
    (climb,) = [c for c in ladder.climbs(runs, rungs, "2a")]

    assert climb.complete
    assert sum(step.effect for step in climb.steps) == pytest.approx(climb.total[0]) == pytest.approx((1274 - 916) / 3 / 600)
    first, second = climb.steps
    assert first.effect == pytest.approx((1092 - 916) / 3 / 600) and first.interval.low > 0
    assert first.p_adjusted < 0.05 and ladder.verdict(first).endswith("; raises")
    assert [row[0] for row in ladder.table_rows([climb])[0]] == ["2a", "", ""]


def test_a_missing_rung_leaves_its_steps_untested_and_the_table_says_so():
    runs = {"20ng-lstm": run("20ng-lstm", [420, 424, 430])}
    (climb,) = ladder.climbs(runs, {"ladder-2a-0": run("ladder-2a-0", [300, 306, 310])}, "2a")
    assert not climb.complete and climb.total is not None
    assert [step.test for step in climb.steps] == [None, None]
    assert ladder.rows(climb, [])[1][1:3] == ["not run yet", "not run yet"]
    assert ladder.waterfall_bars(climb) is None


def test_steps_are_holm_corrected_together_so_a_lone_small_effect_can_lose_its_verdict():
    # Two one-step ladders of the chapter, each with a raw p below 0.05: Holm doubles the smaller.
    runs = {"20ng-simple-rnn": run("20ng-simple-rnn", [306, 310, 314]), "20ng-lstm-learned": run("20ng-lstm-learned", [310, 316, 322])}
    rungs = {"ladder-2b-0": run("ladder-2b-0", [296, 300, 304]), "ladder-2c-0": run("ladder-2c-0", [294, 300, 306])}
    steps = [step for c in ladder.climbs(runs, rungs, "2") for step in c.steps if step.test is not None]
    assert len(steps) == 2
    assert all(step.test.p < 0.05 <= step.p_adjusted for step in steps)
    assert all(ladder.verdict(step).endswith("no change shown") for step in steps)



def test_every_studys_steps_are_their_own_family_where_all_ladders_are_read_together():
    # A study-2 step and a study-3 step: each alone in its family, so neither is corrected for the other.
    runs = {"20ng-simple-rnn": run("20ng-simple-rnn", [306, 310, 314]),
            "market-lstm@interval=5": run("market-lstm@interval=5", [310, 316, 322])}
    rungs = {"ladder-2b-0": run("ladder-2b-0", [296, 300, 304]), "ladder-3a-5-0": run("ladder-3a-5-0", [294, 300, 306])}
    pooled = [step for c in ladder.climbs(runs, rungs) for step in c.steps if step.test is not None]
    apart = [step for c in ladder.by_study(runs, rungs) for step in c.steps if step.test is not None]
    assert len(pooled) == len(apart) == 2
    assert all(step.p_adjusted == step.test.p for step in apart)
    assert all(step.p_adjusted > step.test.p for step in pooled)


# -- the same settings in a real run ------------------------------------------------------------------


@pytest.mark.slow
def test_a_run_as_published_fits_its_vocabulary_on_the_test_rows_and_zero_pads_its_vectors(tmp_path):
    from experiments.run import RunPaths, run_experiment

    paths = RunPaths(data_dir=tmp_path / "raw", cache_dir=tmp_path / "interim", results_dir=tmp_path / "results",
                     images_dir=tmp_path / "images")
    declared = expand(next(s for s in studies.STUDIES if s.id == "twitter-mean-vectors"), profile="quick")[0]
    small = {"train.epochs": 1, "data.max_train": 200, "data.split": "random", "vectorize.seq_len": 16,
             "vectors.name": "word2vec", "vectors.dim": 20, "vectorize.max_tokens": None}
    honest = declared.replace(small, id="honest")
    flawed = declared.replace({**small, "vectorize.fit_on": "all", "vectors.pad_to": 32}, id="flawed")
    out = {spec.id: run_experiment(spec, seed=0, profile="quick", source="embedded", key="test", paths=paths, verbose=0)
           for spec in (honest, flawed)}

    # The generated tweets invent words, so the test rows bring words the 200 training rows never had.
    assert out["flawed"]["model"]["vocab_size"] > out["honest"]["model"]["vocab_size"]
    (embedding,) = [layer for layer in out["flawed"]["model"]["layers"] if layer["type"] == "Embedding"]
    assert embedding["params"] == out["flawed"]["model"]["vocab_size"] * 32, out["flawed"]["model"]["layers"]
    assert out["flawed"]["model"]["vectors"]["padded_to"] == 32 and out["flawed"]["model"]["vectors"]["dim"] == 20


# -- the ladder in words and in the figure -------------------------------------------------------------------


def climb_2a():
    runs = {"20ng-lstm": run("20ng-lstm", [420, 424, 430])}
    rungs = {"ladder-2a-0": run("ladder-2a-0", [300, 306, 310]), "ladder-2a-1": run("ladder-2a-1", [301, 305, 311])}
    (climb,) = ladder.climbs(runs, rungs, "2a")
    return climb


def test_the_reading_states_the_run_as_published_the_whole_distance_and_the_largest_step_with_its_test():
    climb = climb_2a()
    said = ladder.reading(climb)
    interval = ladder.stats.run_interval(climb.as_published)
    low, high = interval.low, interval.high
    one = ladder.stats.prediction_interval(climb.as_published)
    assert said.startswith(f"Repeated as published, 2a reaches 0.509 [{low:.3f}, {high:.3f}]; the published 0.486, one "
                           f"run of the original, lies ")
    assert (("outside" if not one.low <= 0.486 <= one.high else "inside") + " the 95 % prediction interval for one "
            f"such run ({one.low:.3f}–{one.high:.3f}).") in said
    assert f"The corrections together change the accuracy by {ladder.effect_text(ladder.Step('', None, *climb.total))}" in said
    second = climb.steps[1]
    assert (f"The largest step is “{second.correction}”, {ladder.effect_text(second)} (Holm-adjusted p < 0.001): "
            "it raises the accuracy.") in said
    first = climb.steps[0]
    assert said.endswith(f"No change is shown for “{first.correction}” ({ladder.effect_text(first)}).")


def test_a_ladder_on_generated_data_is_never_set_against_the_published_figure():
    climb = climb_2a()
    for seed in climb.as_published.seeds:
        seed["data"]["source"] = "embedded"
    assert not climb.comparable
    assert "0.486" not in ladder.reading(climb) and "lies" not in ladder.reading(climb)


def test_the_waterfall_draws_the_level_as_published_each_step_from_where_the_last_ended_and_the_corrected_level():
    climb = climb_2a()
    bars = ladder.waterfall_bars(climb)
    start = ladder.claims.accuracy(climb.as_published)
    first, second = climb.steps
    assert [b[0] for b in bars] == ["as published", "1", "2", "corrected"]
    assert bars[0] == ("as published", 0.0, start, 0.0)
    assert bars[1][1:] == pytest.approx((start, first.effect, (first.interval.high - first.interval.low) / 2))
    assert bars[2][1] == pytest.approx(start + first.effect)
    assert bars[3][2] == pytest.approx(ladder.claims.accuracy(climb.steps[-1].run))


def test_one_step_ladders_read_as_one_sentence_of_what_moved_and_what_did_not():
    runs = {"20ng-simple-rnn": run("20ng-simple-rnn", [400, 402, 404]), "20ng-lstm-learned": run("20ng-lstm-learned", [300, 301, 302]),
            "20ng-glove-200": run("20ng-glove-200", [250, 251, 252])}
    rungs = {"ladder-2b-0": run("ladder-2b-0", [300, 301, 302]), "ladder-2c-0": run("ladder-2c-0", [300, 302, 304]),
             "ladder-2e-0": run("ladder-2e-0", [350, 351, 352])}
    climbs = ladder.climbs(runs, rungs, "2")
    rnn, learned, glove = (next(c.steps[0] for c in climbs if c.ladder.name == n) for n in ("2b", "2c", "2e"))
    assert ladder.single_steps(climbs) == (
        f"In the ladders of one step, the corrections raise the accuracy of 2b ({ladder.effect_text(rnn)}) and lower "
        f"the accuracy of 2e ({ladder.effect_text(glove)}); for 2c no change is shown.")
    quiet = {"20ng-lstm-learned": runs["20ng-lstm-learned"]}
    (only,) = [c for c in ladder.climbs(quiet, {"ladder-2c-0": rungs["ladder-2c-0"]}, "2c")]
    assert ladder.single_steps([only]) == f"In none of the 1 ladders of one step is a change shown (effects from " \
        f"{ladder._signed(only.steps[0].effect)} to {ladder._signed(only.steps[0].effect)})."


def test_verdicts_name_the_adjusted_p_the_direction_and_a_one_seed_side():
    climb = climb_2a()
    first, second = climb.steps
    assert ladder.verdict(first) == f"{ladder.claims.format_p(first.p_adjusted)}; no change shown"
    assert ladder.verdict(second) == "<\u00a00.001; raises"
    one = ladder.climbs({"20ng-lstm": run("20ng-lstm", [420])}, {"ladder-2a-1": run("ladder-2a-1", [300])}, "2a")[0]
    assert ladder.verdict(one.steps[1]).endswith("(1 seed); raises")
    assert ladder.rows(climb, [])[0] == ["as published", f"{ladder.claims.accuracy(climb.as_published):.3f} (3)", "–", "–"]
    assert ladder.rows(climb, [])[2][0] == f"2. {second.correction}"
    assert ladder.effect_text(ladder.Step("x", None)) == "not run yet" and ladder._signed(-0.5) == "\u22120.500"


def test_the_abstracts_sentences_count_reproduced_figures_and_changing_corrections_and_name_the_largest():
    climb = climb_2a()
    said = ladder.headline([climb])
    inside = ladder.stats.prediction_interval(climb.as_published)
    count = int(inside.low <= 0.486 <= inside.high)
    moved = sum(step.p_adjusted < ladder.claims.ALPHA for step in climb.steps)
    above = int(0.486 > ladder.claims.accuracy(climb.as_published))
    assert said == (f"Where a study's settings allow, its published figure was rerun with the original protocol and "
                    f"then corrected step by step, a step being one flaw or, where a study inherits another's "
                    f"corrections, several at once (a correction ladder). The one published figure with a run of its own "
                    f"{'lies' if count else 'does not lie'} inside the 95 % prediction interval for one run of the "
                    f"original protocol repeated here, and lies {'above' if above else 'at or below'} that run's mean. "
                    f"{ladder.claims.capital(ladder.claims.share_words(moved, 2))} corrections tested {'changes' if moved == 1 else 'change'} the accuracy (Holm over each study's steps), the "
                    f"largest being “{climb.steps[1].correction}” in {climb.ladder.label} "
                    f"({ladder.effect_text(climb.steps[1])}).")
    for seed in climb.as_published.seeds:
        seed["data"]["source"] = "embedded"
    assert "reproduces" not in ladder.headline([climb])


def test_a_missed_published_figure_is_placed_among_the_rungs_with_what_is_not_replicated():
    runs = {"20ng-lstm": run("20ng-lstm", [420, 424, 430])}  # 0.708
    rungs = {"ladder-2a-0": run("ladder-2a-0", [180, 181, 182]), "ladder-2a-1": run("ladder-2a-1", [200, 201, 202])}
    (climb,) = ladder.climbs(runs, rungs, "2a")  # 0.302, 0.335 and 0.708 around a published 0.486
    said = ladder.gap(climb)
    assert said.startswith("The published 0.486 of 2a lies between rungs measured here: 0.335 (validation rows")
    assert said.endswith("and 0.708 (the first tokens kept, not the last).")
    high = {"ladder-2a-0": run("ladder-2a-0", [40, 41, 42]), "ladder-2a-1": run("ladder-2a-1", [50, 51, 52])}
    low = ladder.climbs({"20ng-lstm": run("20ng-lstm", [60, 61, 62])}, high, "2a")[0]
    assert "lies above every rung measured here (0.068 to 0.102)" in ladder.gap(low)


def test_the_original_2c_embedding_stays_at_its_random_start_and_the_corrected_one_learns():
    from experiments import studies as declared
    from experiments.models import build_model
    from experiments.specs import expand

    (as_published,) = expand(next(s for s in declared.STUDIES if s.id == "ladder-2c-0"))
    (corrected,) = expand(next(s for s in declared.STUDIES if s.id == "20ng-lstm-learned"))
    assert as_published.vectors.name is None and corrected.vectors.name is None
    for spec, learns in ((as_published, False), (corrected, True)):
        model = build_model("lstm", vocab_size=50, embedding_dim=spec.vectors.dim, num_classes=20, seq_len=None,
                            trainable_embedding=spec.vectors.trainable, **spec.model.params)
        embedding = model.get_layer("embedding")
        assert embedding.trainable is learns
        assert float(np.abs(embedding.get_weights()[0]).sum()) > 0  # a random start, not zeros


def test_where_the_originals_training_log_survives_the_gap_sets_it_against_the_run_as_published():
    history = {"val_accuracy": [0.50, 0.55, 0.58, 0.60, 0.62, 0.64, 0.65]}
    top = run("twitter-lstm@split=random", [300, 302, 304])
    rungs = {f"ladder-4a-{k}": run(f"ladder-4a-{k}", [300 + k, 302 + k, 304 + k]) for k in range(3)}
    for seed in rungs["ladder-4a-0"].seeds:
        seed["training"] = {"history": history}
    (climb,) = ladder.climbs({"twitter-lstm@split=random": top}, rungs, "4a")
    said = ladder.gap(climb)
    assert said.startswith("The published 0.910 of 4a, split random lies above every rung measured here (0.503 to 0.507): "
                           "no setting of the original protocol here reaches it. Not replicated: the original's split "
                           "was unseeded")
    assert said.endswith("The original's log reached validation accuracy 0.667, 0.775, 0.814 after epochs 1, 4, 6; the "
                         "run as published here reached 0.500, 0.600, 0.640: it learns more slowly from its first epoch "
                         "on, which is consistent with what it learns from (the substitute vectors) mattering more than the "
                         "protocol; no run here tests that.")
    for seed in rungs["ladder-4a-0"].seeds:
        seed["training"] = {"history": {"val_accuracy": history["val_accuracy"][:5]}}  # too short for epoch 6
    assert "log" not in ladder.gap(ladder.climbs({"twitter-lstm@split=random": top}, rungs, "4a")[0])


def test_a_ladder_reading_and_table_carry_what_the_training_diagnostics_say_of_each_rung():
    climb = climb_2a()
    rising = [0.70 + 0.004 * i for i in range(35)]
    for seed in climb.as_published.seeds:  # stopped by its cap while still improving
        seed["spec"]["train"] = {"epochs": 35, "patience": 5}
        seed["training"] = {"epochs_run": 35, "best_epoch": 35, "history": {"val_accuracy": rising, "val_loss": [1 - a for a in rising]}}
        seed["data"].update(sizes={"validation": 5000}, class_counts={"validation": [2500, 2500]})
    climb.as_published.__dict__.pop("_findings", None)
    # The table cites the flag by letter, and lists its words once, for the caption.
    rows, flags = ladder.table_rows([climb])
    assert rows[0][2].endswith("(3), flag a") and flags == ["still improving at the 35-epoch cap"]
    assert ladder.flags_text(flags) == "a: still improving at the 35-epoch cap"
    assert ladder.reading(climb).endswith("Rungs flagged by the training diagnostics, which qualify the steps to and "
                                          "from them: as published (still improving at the 35-epoch cap).")


def test_the_holm_family_of_a_chapters_ladders_counts_only_the_steps_tested():
    climb = climb_2a()
    tested = sum(step.test is not None and step.test.scope != ladder.SAME for step in climb.steps)
    assert ladder.family_size([climb]) == tested
    untested = ladder.Climb(climb.ladder, climb.published_figure, climb.as_published,
                            [ladder.Step("x", None)] + list(climb.steps), climb.total)
    assert ladder.family_size([untested]) == tested  # a rung not run yet is not in the family
