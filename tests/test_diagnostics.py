"""Each training diagnostic fires on the history it names, and stays quiet on a healthy one."""

from report import diagnostics
from report.runs import Run


def seed(*, val_accuracy, val_loss=None, epochs=None, patience=5, best_epoch=None, architecture="lstm",
         validation_counts=(50, 50), accuracy=None, loss=None):
    epochs = epochs or len(val_accuracy)
    val_loss = val_loss or [1.0 - a for a in val_accuracy]
    fitted = {"accuracy": accuracy, "loss": loss} if accuracy else {}
    return {
        "spec": {"train": {"epochs": epochs, "patience": patience}, "model": {"architecture": architecture}},
        "training": {"epochs_run": len(val_accuracy), "best_epoch": best_epoch or len(val_accuracy),
                     "history": {"val_accuracy": val_accuracy, "val_loss": val_loss, **fitted}},
        "data": {"class_counts": {"validation": list(validation_counts)}, "sizes": {"validation": sum(validation_counts)}},
        "class_names": ["a", "b"][: len(validation_counts)],
    }


def test_a_run_kept_at_the_cap_while_still_improving_is_flagged_with_its_numbers():
    rising = [0.70 + 0.004 * i for i in range(35)]
    run = Run("twitter-lstm", [seed(val_accuracy=rising, epochs=35, best_epoch=35, validation_counts=(2500, 2500))] * 3)
    [finding] = diagnostics.findings(run)
    assert (finding.seeds, finding.of) == (3, 3)
    assert "was stopped by its cap of 35 epochs while still improving" in finding.text
    assert "validation accuracy rose from 0.816 to 0.836 over its last 5 epochs" in finding.text
    assert diagnostics.resumed(run) is None
    assert diagnostics.caveat(run) == "still improving at the 35-epoch cap"


def test_a_run_without_early_stopping_that_ends_still_improving_is_flagged_too():
    rising = [0.6 + 0.01 * i for i in range(20)]
    run = Run("20ng-lstm", [seed(val_accuracy=rising, patience=None)])
    assert diagnostics.caveat(run) == "still improving at the 20-epoch cap"


def test_a_rise_of_a_few_validation_rows_at_the_cap_is_not_called_improving():
    # 0.442 → 0.458 on 120 rows is 2 rows: within one standard error (0.045).
    wobble = [0.45, 0.44, 0.442, 0.45, 0.455, 0.458]
    assert diagnostics.still_improving(Run("x", [seed(val_accuracy=wobble, patience=None, validation_counts=(60, 60))])) is None


def test_a_run_that_early_stopping_stopped_before_the_cap_is_not_flagged():
    plateau = [0.70, 0.75, 0.78, 0.79, 0.79, 0.789, 0.788, 0.787, 0.786, 0.785]
    assert diagnostics.still_improving(Run("x", [seed(val_accuracy=plateau, epochs=35, best_epoch=5)])) is None


def test_a_run_without_early_stopping_scored_after_its_validation_accuracy_fell_is_flagged():
    loss = [2.0 - 0.05 * i for i in range(24)] + [0.85 + 0.02 * i for i in range(26)]
    accuracy = [0.3 + 0.005 * i for i in range(45)] + [0.52, 0.52, 0.51, 0.51, 0.50]
    run = Run("20ng-lstm", [seed(val_accuracy=accuracy, val_loss=loss, patience=None, validation_counts=(2500, 2500))])
    finding = diagnostics.scored_past_best(run)
    assert finding.text == ("has no early stopping and is scored at its last epoch (50), while validation loss rose "
                            "from its minimum at epoch 24 (0.850 → 1.350) and validation accuracy fell from its peak "
                            "at epoch 45 (0.520 against 0.500 at the end)")
    assert finding.short == "scored after its validation accuracy had fallen from its peak"


def test_a_rising_validation_loss_alone_is_not_flagged_when_accuracy_holds():
    """Over-confidence raises the loss without costing accuracy: the model scored is as good as any epoch's."""
    loss = [2.0 - 0.05 * i for i in range(24)] + [0.85 + 0.02 * i for i in range(26)]
    at_peak = [0.3 + 0.005 * i for i in range(50)]
    within_noise = at_peak[:45] + [0.52, 0.52, 0.515, 0.515, 0.515]  # 0.005 below its peak, on 100 rows
    for accuracy in (at_peak, within_noise):
        assert diagnostics.scored_past_best(Run("20ng-lstm", [seed(val_accuracy=accuracy, val_loss=loss, patience=None)])) is None


def test_a_run_scored_long_after_its_accuracy_peaked_is_flagged_where_its_loss_barely_rose_if_the_fall_is_large():
    # Peak 0.957 at epoch 23 of 30, 0.880 at the end on 92 rows (one standard error 0.034, the fall 2.3 of them);
    # validation loss lowest at epoch 28, and only a little higher at the end.
    accuracy = [0.5 + 0.02 * i for i in range(22)] + [0.957] + [0.94] * 6 + [0.880]
    loss = [1.0 - 0.025 * i for i in range(27)] + [0.233, 0.236, 0.240]
    run = Run("bbc-dense", [seed(val_accuracy=accuracy, val_loss=loss, patience=None, validation_counts=(46, 46))])
    assert diagnostics.scored_past_best(run).text == (
        "has no early stopping and is scored at its last epoch (30), where validation accuracy had fallen from its "
        "peak at epoch 23 (0.957 against 0.880 at the end)")
    # A fall of 3 rows in 92 (0.924, 1.2 standard errors) is the noise of the best of 30 epochs, not a fall.
    assert diagnostics.scored_past_best(Run("x", [seed(val_accuracy=accuracy[:-1] + [0.924], val_loss=loss,
                                                       patience=None, validation_counts=(46, 46))])) is None
    # The same large fall one epoch after the peak, with the loss at its lowest, is not called a fall from the peak.
    recent = accuracy[:22] + [0.94] * 6 + [0.957, 0.880]
    assert diagnostics.scored_past_best(Run("x", [seed(val_accuracy=recent, val_loss=loss, patience=None,
                                                       validation_counts=(46, 46))])) is None


def test_validation_loss_that_never_rises_is_not_flagged():
    falling = [1.0 - 0.01 * i for i in range(50)]
    assert diagnostics.scored_past_best(Run("x", [seed(val_accuracy=[0.5] * 50, val_loss=falling, patience=None)])) is None


def test_a_reference_model_is_never_flagged_for_its_training_curve():
    loss = [1.0, 0.5, 0.9, 1.2]
    assert diagnostics.scored_past_best(Run("x", [seed(val_accuracy=[0.5] * 4, val_loss=loss, patience=None,
                                                      architecture="tfidf-logreg")])) is None


def test_a_run_kept_at_an_epoch_where_validation_was_at_chance_is_flagged():
    run = Run("market-lstm@interval=50", [seed(val_accuracy=[0.52, 0.473, 0.51], best_epoch=2,
                                               validation_counts=(52, 48))])
    finding = diagnostics.near_chance(run)
    assert "kept epoch 2, where its validation accuracy was 0.473 against 0.520" in finding.text
    assert diagnostics.caveat(run) == "validation accuracy at its kept epoch below the majority-class rate"
    near = Run("m", [seed(val_accuracy=[0.52, 0.51, 0.5], best_epoch=2, validation_counts=(52, 48))])
    assert diagnostics.caveat(near) == "validation accuracy at its kept epoch near the majority-class rate"


def test_a_run_without_early_stopping_near_chance_is_said_to_be_scored_at_its_last_epoch():
    run = Run("market-lstm@interval=5", [seed(val_accuracy=[0.52, 0.5, 0.483], patience=None, validation_counts=(52, 48))])
    assert diagnostics.near_chance(run).text.startswith("is scored at its last epoch (3), where its validation accuracy was 0.483")
    assert diagnostics.caveat(run) == "validation accuracy at its last epoch below the majority-class rate"


def test_a_short_run_without_early_stopping_scored_after_its_accuracy_fell_is_flagged():
    # Five epochs: the loss is lowest at epoch 2 and rises by a third; accuracy peaks at epoch 4 and falls by 4 points
    # on 2,000 validation rows (one standard error is 0.009).
    run = Run("twitter-lstm", [seed(val_accuracy=[0.70, 0.78, 0.80, 0.84, 0.80], val_loss=[0.70, 0.62, 0.70, 0.78, 0.87],
                                    patience=None, validation_counts=(1000, 1000))])
    assert "validation loss rose from its minimum at epoch 2 (0.620 → 0.870)" in diagnostics.scored_past_best(run).text


def test_a_run_capped_before_it_fitted_its_training_rows_is_flagged_and_over_fitting_is_not():
    flat = [0.30, 0.31, 0.31, 0.31]  # validation accuracy: not rising, so not "still improving"
    falling = [2.4, 2.3, 2.25, 2.2]
    run = Run("20ng-lstm", [seed(val_accuracy=flat, val_loss=falling, patience=None, accuracy=[0.1, 0.15, 0.2, 0.26],
                                 loss=[2.9, 2.6, 2.4, 2.2], validation_counts=(100,) * 10)])
    finding = diagnostics.undertrained(run)
    assert ("before it fitted its own training rows: training accuracy 0.260, training loss still falling (2.400 → "
            "2.200 in the last epoch), and validation loss down from 2.400 at epoch 1 to 2.200") in finding.text
    assert diagnostics.caveat(run) == "underfitting at the 4-epoch cap"
    # A training loss that has flattened underfits all the same; the text then does not call it falling.
    flattened = seed(val_accuracy=flat, val_loss=falling, patience=None, accuracy=[0.1, 0.15, 0.2, 0.26],
                     loss=[2.9, 2.6, 2.2, 2.19], validation_counts=(100,) * 10)
    assert "training accuracy 0.260, training loss 2.190, and" in diagnostics.undertrained(Run("x", [flattened])).text
    fitted = seed(val_accuracy=flat, val_loss=falling, patience=None, accuracy=[0.5, 0.8, 0.9, 0.95], loss=[2.9, 2.6, 2.4, 2.2])
    over_fitting = seed(val_accuracy=flat, val_loss=[2.0, 2.2, 2.4, 2.6], patience=None, accuracy=[0.1, 0.15, 0.2, 0.26],
                        loss=[2.9, 2.6, 2.4, 2.2])
    learned_nothing = seed(val_accuracy=flat, val_loss=[2.40, 2.39, 2.38, 2.38], patience=None,
                           accuracy=[0.1, 0.15, 0.2, 0.26], loss=[2.9, 2.6, 2.4, 2.2])
    stopped_early = seed(val_accuracy=flat, val_loss=falling, epochs=10, accuracy=[0.1, 0.15, 0.2, 0.26],
                         loss=[2.9, 2.6, 2.4, 2.2])
    for healthy in (fitted, over_fitting, learned_nothing, stopped_early):
        assert diagnostics.undertrained(Run("x", [healthy])) is None


def test_a_run_still_improving_at_the_cap_quotes_its_training_accuracy_and_is_not_flagged_twice():
    rising = [0.2 + 0.01 * i for i in range(12)]
    run = Run("20ng-seq-len", [seed(val_accuracy=rising, val_loss=[3.0 - 0.05 * i for i in range(12)], patience=None,
                                    accuracy=[0.1 + 0.015 * i for i in range(12)], loss=[3.0 - 0.06 * i for i in range(12)],
                                    validation_counts=(250,) * 20)])
    assert "at a training accuracy of 0.265; its scores may be" in diagnostics.still_improving(run).text
    assert diagnostics.undertrained(run) is None


def test_a_run_whose_validation_loss_soared_while_its_accuracy_held_is_called_over_confident():
    loss = [0.687, 0.624, 0.663, 0.736, 0.866]  # +39 % from its minimum at epoch 2
    held = [0.717, 0.754, 0.803, 0.811, 0.801]  # 0.010 below its peak, within one standard error on 1,215 rows
    run = Run("twitter-lstm", [seed(val_accuracy=held, val_loss=loss, patience=None, validation_counts=(405, 405, 405))])
    finding = diagnostics.over_confident(run)
    assert finding.text.startswith("has no early stopping, and its validation loss rose from 0.624 at epoch 2 to 0.866 "
                                   "at the end (+39 %) while its validation accuracy stayed within one standard error")
    assert "predictions grew over-confident. Its validation accuracy ended about where it was then (0.754 → 0.801)" \
        not in finding.text  # 0.047 is more than one standard error on 1,215 rows: it rose
    assert "Its validation accuracy still rose after that epoch (0.754 → 0.801), but its predicted probabilities" in finding.text
    assert diagnostics.caveat(run) == "over-fitting by its last epoch, its validation loss up while its accuracy did not fall"
    assert diagnostics.scored_past_best(run) is None  # accuracy held: not scored past its best
    fell = [0.717, 0.754, 0.803, 0.850, 0.780]
    assert diagnostics.over_confident(Run("x", [seed(val_accuracy=fell, val_loss=loss, patience=None,
                                                     validation_counts=(405, 405, 405))])) is None
    mild = [0.687, 0.624, 0.630, 0.650, 0.690]  # +11 %
    assert diagnostics.over_confident(Run("x", [seed(val_accuracy=held, val_loss=mild, patience=None)])) is None
    assert diagnostics.over_confident(Run("x", [seed(val_accuracy=held, val_loss=loss)])) is None  # early stopping

def test_a_run_well_above_chance_at_its_kept_epoch_is_not_flagged():
    assert diagnostics.near_chance(Run("x", [seed(val_accuracy=[0.6, 0.8, 0.9], best_epoch=3)])) is None


def test_a_run_whose_training_record_says_it_resumed_is_flagged_with_where():
    interrupted = seed(val_accuracy=[0.70 + 0.01 * i for i in range(17)], epochs=40, best_epoch=11)
    interrupted["training"]["resumed_at"] = [5]
    finding = diagnostics.resumed(Run("bbc-bilstm-attention", [interrupted]))
    assert finding.text == ("was interrupted and resumed from its last saved epoch at epoch 5 of its 17 epochs; early "
                            "stopping started over there, so the epoch kept is the best after the last resume")
    assert diagnostics.caveat(Run("x", [interrupted])).endswith("resumed after an interruption")
    assert diagnostics.resumed(Run("x", [seed(val_accuracy=[0.7] * 29, epochs=35, best_epoch=24)])) is None


def _event_file(path, steps):
    """A TensorBoard event file as Keras writes one: length-prefixed records of Event protobufs (crc bytes unchecked)."""
    records = [b"\x1a\x0ebrain.Event:2"] + [b"\x10" + bytes([step]) for step in steps]  # field 3; field 2 = step
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(len(r).to_bytes(8, "little") + b"\0" * 4 + r + b"\0" * 4 for r in records))


def test_older_results_get_their_resumes_and_true_epoch_counts_from_their_tensorboard_log(tmp_path):
    """Results written before training recorded resumes: a second event file starts at the epoch resumed at."""
    folder = tmp_path / "bbc-bilstm-attention" / "seed-0"
    _event_file(folder / "tensorboard" / "train" / "events.out.tfevents.1796074294.vm.2504.6.v2", [1, 2, 3])
    _event_file(folder / "tensorboard" / "train" / "events.out.tfevents.1796074976.vm.11801.0.v2", list(range(4, 17)))
    stored = seed(val_accuracy=[0.9] * 13, epochs=40, best_epoch=7)
    from report.runs import _with_resumes
    _with_resumes(stored, folder)
    training = stored["training"]
    assert (training["resumed_at"], training["epochs_run"], training["best_epoch"], training["history_from"]) == ([5], 17, 11, 5)
    assert "its results keep only the history from epoch 5" in diagnostics.resumed(Run("x", [stored])).text


def test_a_run_early_stopped_on_a_plateau_of_accuracy_while_its_validation_loss_still_fell_is_flagged():
    # Accuracy on 170 rows ties at 0.976 for six epochs and stops the run at 12 of 40; the loss falls to the last epoch.
    accuracy = [0.9, 0.95, 0.97, 0.97, 0.975, 0.976, 0.976, 0.976, 0.976, 0.976, 0.976, 0.976]
    loss = [0.6 - 0.03 * i for i in range(12)]
    stopped = seed(val_accuracy=accuracy, val_loss=loss, epochs=40, best_epoch=6, validation_counts=(85, 85))
    finding = diagnostics.stopped_while_loss_fell(Run("bbc-dense", [stopped]))
    assert finding.text == ("was stopped by early stopping at epoch 12 of 40, keeping epoch 6, while its validation loss "
                            "was still falling: lowest at the last epoch (0.270), against 0.450 at the epoch kept; on 170 "
                            "validation rows one row moves accuracy by 0.006, so the plateau that stopped it may be noise")
    assert finding.short == "stopped early while its validation loss still fell"
    # A loss that had turned up before the stop, or a run that reached its cap, is not flagged.
    turned = seed(val_accuracy=accuracy, val_loss=loss[:10] + [0.4, 0.5], epochs=40, best_epoch=6)
    capped = seed(val_accuracy=accuracy, val_loss=loss, epochs=12, best_epoch=6)
    assert diagnostics.stopped_while_loss_fell(Run("x", [turned])) is None
    assert diagnostics.stopped_while_loss_fell(Run("x", [capped])) is None


def test_a_finding_of_several_seeds_says_which_seeds_show_it_and_whose_numbers_it_quotes():
    rising = [0.70 + 0.004 * i for i in range(35)]
    flat = [0.8] * 35
    seeds = [seed(val_accuracy=flat, epochs=35, best_epoch=30, validation_counts=(2500, 2500)),
             seed(val_accuracy=rising, epochs=35, best_epoch=35, validation_counts=(2500, 2500))]
    for k, s in enumerate(seeds):
        s["seed"] = k
    finding = diagnostics.still_improving(Run("twitter-lstm", seeds))
    assert finding.sentence("the LSTM").startswith("The LSTM (1 of 2 seeds; the numbers are seed 1's) was stopped by its cap")
    assert diagnostics.still_improving(Run("x", [seeds[1]])).sentence("the LSTM").startswith("The LSTM was stopped")


def test_a_run_whose_validation_loss_never_beat_predicting_the_class_shares_is_neither_improving_nor_underfitting():
    # Predicting the training shares (516 : 564) on balanced validation rows costs a log-loss of 0.694.
    def market(val_loss, val_accuracy):
        s = seed(val_accuracy=val_accuracy, val_loss=val_loss, patience=None, accuracy=[0.53, 0.61, 0.65],
                 loss=[0.71, 0.65, 0.63], validation_counts=(500, 500))
        s["data"]["class_counts"]["train"] = [516, 564]
        return Run("market-lstm", [s])

    # Validation loss falling towards that from above, accuracy rising: it fits noise, and more epochs are no cure.
    worse_than_a_constant = market([0.751, 0.703, 0.701], [0.50, 0.53, 0.60])
    assert diagnostics.undertrained(worse_than_a_constant) is None
    assert diagnostics.still_improving(worse_than_a_constant) is None
    # The same curves below ln 2 have learned something that carries to new rows.
    learning = market([0.690, 0.650, 0.620], [0.50, 0.53, 0.60])
    assert diagnostics.caveat(learning) == "still improving at the 3-epoch cap"
    assert diagnostics.undertrained(market([0.690, 0.650, 0.620], [0.55, 0.55, 0.55])) is not None
    # The abstract counts the networks that never beat the constant: their null result is a failure to learn.
    assert diagnostics.never_beat_prior(worse_than_a_constant) and not diagnostics.never_beat_prior(learning)
    # The constant is scored on the validation rows, not on the training rows (whose entropy, 0.692, is lower).
    assert not diagnostics.never_beat_prior(market([0.700, 0.695, 0.6930], [0.50, 0.53, 0.60]))
    assert not diagnostics.never_beat_prior(Run("market-tfidf-logreg", [{"metrics": {}}]))  # a reference has no curve


def test_a_flag_only_some_seeds_show_says_how_many_so_two_flags_from_different_seeds_are_not_one_runs():
    loss, mild = [0.687, 0.624, 0.663, 0.736, 0.866], [0.687, 0.624, 0.630, 0.650, 0.690]
    held = [0.717, 0.754, 0.803, 0.811, 0.801]
    run = Run("twitter-lstm", [seed(val_accuracy=held, val_loss=loss, patience=None, validation_counts=(405, 405, 405)),
                               seed(val_accuracy=held, val_loss=mild, patience=None, validation_counts=(405, 405, 405))])
    assert diagnostics.caveat(run) == ("over-fitting by its last epoch, its validation loss up while its accuracy did "
                                       "not fall, in 1 of 2 seeds")
