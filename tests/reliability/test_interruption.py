"""Killing a suite at any moment loses no finished run and leaves nothing half-written that counts."""

import json
import random
import signal
import subprocess
import sys
import time

from experiments import results
from experiments.paths import ROOT

SELECTION = "market-majority,market-tfidf-logreg,bbc-majority"  # 15 fast runs
TOTAL = 15


def test_random_kills_never_corrupt_results_and_the_suite_always_completes(tmp_path, start_suite, finished_runs):
    rng = random.Random(7)
    deadline = time.monotonic() + 240
    kills = 0
    while len(finished_runs()) < TOTAL and time.monotonic() < deadline:
        proc = start_suite(SELECTION)
        # Let one to three more runs finish, then strike a random moment into the next one.
        target = min(TOTAL, len(finished_runs()) + rng.randint(1, 3))
        while proc.poll() is None and len(finished_runs()) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.3))
        if proc.poll() is None:
            proc.send_signal(rng.choice([signal.SIGKILL, signal.SIGTERM, signal.SIGINT]))
            kills += 1
        proc.communicate(timeout=120)
        for path in finished_runs():
            stored = results.read(path)  # complete and valid, or it would not be there
            assert stored["spec"]["id"] == path.parent.parent.name
    assert kills >= 2, "the runs ended before they could be interrupted"
    final = start_suite(SELECTION)
    out, _ = final.communicate(timeout=240)
    assert final.returncode == 0, out
    assert len(finished_runs()) == TOTAL
    assert not list((tmp_path / "results").rglob("*.tmp"))  # orphans of killed writes are cleared


def test_an_interrupted_fit_resumes_from_its_last_epoch(tmp_path, start_suite):
    """A per-epoch backup survives a kill, and the rerun continues from it instead of epoch 1."""
    spec = json.loads(subprocess.run(
        [sys.executable, "-c", "from experiments import studies; print(studies.find('market-padding')[0].to_json())"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout)
    spec.update(id="slow-market", grid={}, quick={})
    spec["train"].update(epochs=40, patience=None)
    spec["data"]["max_train"] = 600
    file = tmp_path / "slow.json"
    file.write_text(json.dumps(spec))
    proc = start_suite(SELECTION, "--spec", str(file))
    backup = tmp_path / "results" / "slow-market" / "seed-0" / "work" / "backup" / "training_metadata.json"
    deadline = time.monotonic() + 600  # it stops waiting at epoch 3; a loaded machine may need long
    while time.monotonic() < deadline and proc.poll() is None:
        if backup.exists() and json.loads(backup.read_text() or "{}").get("epoch", 0) >= 3:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    done_before = json.loads(backup.read_text())["epoch"]
    assert done_before >= 2, "the run was killed before it had epochs to resume from: nothing was tested"
    rerun = start_suite(SELECTION, "--spec", str(file))
    out, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, out
    stored = results.read(tmp_path / "results" / "slow-market" / "seed-0" / results.RESULTS_FILE)
    # Only the epochs after the backup were trained again (one more when the kill
    # landed while the backup was being written and the previous epoch's was used) ...
    training = stored["training"]
    assert len(training["epoch_seconds"]) <= 40 - done_before + 1
    # ... and the record still covers every epoch, with where it resumed.
    [resumed_at] = training["resumed_at"]
    assert done_before <= resumed_at <= done_before + 1
    assert training["epochs_run"] == 40 and len(training["history"]["val_accuracy"]) == 40
    assert not backup.parent.exists()  # the work folder is removed once the result is written


def test_an_unreadable_backup_is_discarded_and_training_starts_over(tmp_path):
    import numpy as np

    from experiments import models, train
    from experiments.specs import TrainSpec

    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "latest.weights.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 16)  # cut short by a kill
    (backup / "training_metadata.json").write_text('{"epoch": 3, "ba')
    x = np.random.default_rng(0).integers(1, 50, size=(40, 8)).astype("int32")
    y = np.arange(40) % 2
    model = models.build_model("dense", vocab_size=50, embedding_dim=4, num_classes=2, seq_len=None)
    fitted = train.fit(model, (x[:30], y[:30]), (x[30:], y[30:]), TrainSpec(epochs=2, batch_size=8),
                       work_dir=tmp_path, verbose=0)
    assert fitted["epochs_run"] == 2
