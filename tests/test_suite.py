"""The suite runs what is missing or stale, skips what is fresh, and survives a kill."""

import signal
import sys
import time

import pytest

from experiments import results, studies, suite
from experiments.run import RunPaths

REFERENCES = "market-majority,market-tfidf-logreg"  # 14 fast runs, no neural network


def test_a_fresh_result_is_skipped_and_a_stale_one_rerun(tmp_path, monkeypatch, start_suite):
    done = start_suite("bbc-majority")
    out, _ = done.communicate(timeout=300)
    assert done.returncode == 0, out
    paths = RunPaths(tmp_path / "raw", tmp_path / "interim", tmp_path / "results", tmp_path / "images")
    todo, fresh = suite.plan(studies.find("bbc-majority"), profile="quick", data_choice="embedded", seeds=1, paths=paths)
    assert (len(todo), len(fresh)) == (0, 1)
    # Another seed is new work; a change to the training code makes the old result stale.
    todo, fresh = suite.plan(studies.find("bbc-majority"), profile="quick", data_choice="embedded", seeds=2, paths=paths)
    assert [job.seed for job in todo] == [1] and len(fresh) == 1
    monkeypatch.setattr(results, "code_version", lambda: "edited")
    todo, fresh = suite.plan(studies.find("bbc-majority"), profile="quick", data_choice="embedded", seeds=1, paths=paths)
    assert (len(todo), len(fresh)) == (1, 0)


def test_a_killed_suite_keeps_finished_runs_whole_and_the_next_run_resumes(tmp_path, start_suite, finished_runs):
    first = start_suite(REFERENCES)
    deadline = time.monotonic() + 240
    while len(finished_runs()) < 3 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    kept = finished_runs()
    assert 3 <= len(kept) < 14, "the kill should land in the middle of the suite"
    for path in kept:
        results.read(path)  # every file that exists is complete and valid
    # A kill can land inside an atomic write and leave its temporary file (never a half-written result);
    # the next run removes such orphans.

    second = start_suite(REFERENCES)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert f"{14 - len(kept)} run(s) to do, {len(kept)} up to date" in out
    assert len(finished_runs()) == 14
    assert not list((tmp_path / "results").rglob("*.tmp"))


def test_a_second_suite_on_the_same_results_is_refused_with_the_holder(tmp_path, start_suite):
    with suite.suite_lock(tmp_path / "results"):
        blocked = start_suite("bbc-majority")
        out, _ = blocked.communicate(timeout=300)
    assert blocked.returncode != 0
    assert "another `make experiments` is running (pid" in out


def test_an_unknown_pattern_lists_the_ids(start_suite):
    proc = start_suite("no-such-*")
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 2 and "bbc-stacked-bilstm" in out


def test_a_spec_file_runs_and_a_bad_one_is_refused_before_any_training(tmp_path, start_suite):
    good = tmp_path / "mine.json"
    (declared,) = studies.find("bbc-majority")
    good.write_text(declared.replace({}, id="my-majority").to_json())
    proc = start_suite("unused", "--spec", str(good))
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert (tmp_path / "results" / "my-majority" / "seed-0" / results.RESULTS_FILE).exists()

    bad = tmp_path / "bad.json"
    bad.write_text(good.read_text().replace('"epochs": 10', '"epochs": 0'))
    proc = start_suite("unused", "--spec", str(bad))
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 2
    assert f"{bad}: train.epochs must be a positive integer, got 0" in out


def test_figures_drawn_by_older_figure_code_are_redrawn_without_retraining(tmp_path, start_suite, finished_runs):
    done = start_suite("bbc-majority")
    assert done.communicate(timeout=300)[0] and done.returncode == 0
    (path,) = finished_runs()
    stored = results.read(path)
    figure = tmp_path / stored["figures"]["errors"]
    figure.unlink()
    results.write_json_atomic(path, {**stored, "figures_version": "drawn-by-older-code"})

    again = start_suite("bbc-majority")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert "0 run(s) to do, 1 up to date" in out and "redrawing the figures of 1 finished run(s)" in out
    assert figure.is_file()
    redrawn = results.read(path)
    assert redrawn["figures_version"] == results.figures_version()
    assert redrawn["timings"] == stored["timings"]  # the same run, not a new one


def test_a_grid_point_equal_to_a_declared_experiment_is_planned_as_a_reuse(tmp_path):
    paths = RunPaths(tmp_path / "raw", tmp_path / "interim", tmp_path / "results", tmp_path / "images")
    todo, _ = suite.plan(studies.find("20ng-lstm,20ng-seq-len"), profile="quick", data_choice="embedded", seeds=1, paths=paths)
    reused = {job.spec.id: job.same_as.spec.id for job in todo if job.same_as}
    assert reused == {"20ng-seq-len@seq_len=30": "20ng-lstm"}


def test_the_same_computation_under_two_names_runs_once_and_both_have_results(tmp_path, start_suite, finished_runs):
    (declared,) = studies.find("bbc-majority")
    files = []
    for name in ("first-majority", "second-majority"):
        files += ["--spec", str(tmp_path / f"{name}.json")]
        (tmp_path / f"{name}.json").write_text(declared.replace({}, id=name).to_json())
    done = start_suite("unused", *files)
    out, _ = done.communicate(timeout=300)
    assert done.returncode == 0, out
    assert "second-majority is the same computation as first-majority: its results are reused" in out
    first, second = (results.read(path) for path in finished_runs())
    assert second["metrics"] == first["metrics"] and second["same_as"] == "first-majority"
    assert second["spec"]["id"] == "second-majority"


def test_the_ray_executor_without_ray_installed_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    paths = RunPaths(tmp_path / "raw", tmp_path / "interim", tmp_path / "results", tmp_path / "images")
    with pytest.raises(SystemExit, match=r"EXECUTOR=ray needs Ray, which is not installed: pip install 'ray\[default\]"):
        suite.run_suite(studies.find("bbc-majority"), profile="quick", data_choice="embedded", seeds=1, force=False,
                        paths=paths, executor="ray")


def test_a_results_set_copied_with_its_data_to_another_folder_is_still_fresh(tmp_path, start_suite):
    """No absolute path enters a key: a moved project (data, results) needs no rerun."""
    import shutil

    from test_datasets import write_twitter_csv

    first = tmp_path / "first"
    write_twitter_csv(first / "raw")
    paths = RunPaths(first / "raw", first / "interim", first / "results", first / "images")
    only = studies.find("twitter-majority,twitter-lstm")  # a reference, and a network with pre-trained vectors
    todo, _ = suite.plan(only, profile="quick", data_choice="real", seeds=1, paths=paths)
    keys = {(job.spec.id, job.seed): job.key for job in todo}
    assert keys and all(str(tmp_path) not in str(job.parts) for job in todo)

    moved = tmp_path / "elsewhere" / "clone"
    shutil.copytree(first / "raw", moved / "raw")
    paths = RunPaths(moved / "raw", moved / "interim", moved / "results", moved / "images")
    todo, _ = suite.plan(only, profile="quick", data_choice="real", seeds=1, paths=paths)
    assert {(job.spec.id, job.seed): job.key for job in todo} == keys


@pytest.mark.slow
def test_two_jobs_at_once_compute_what_one_computes_and_a_killed_parallel_suite_resumes(tmp_path, start_suite,
                                                                                        finished_runs):
    import os

    one = start_suite("market-lstm@interval=10", "--results-dir", str(tmp_path / "one"))
    assert one.communicate(timeout=300)[0] and one.returncode == 0
    (alone,) = (tmp_path / "one").glob(f"*/seed-0/{results.RESULTS_FILE}")

    # The same run among others, two at a time; the terminal's Ctrl-C or a kill stops the whole process group.
    first = start_suite(REFERENCES + ",market-lstm@interval=10", "--jobs", "2", "--seeds", "1")
    deadline = time.monotonic() + 240
    while len(finished_runs()) < 3 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate()
    kept = finished_runs()
    assert 3 <= len(kept) < 15, "the kill should land in the middle of the suite"
    for path in kept:
        results.read(path)

    second = start_suite(REFERENCES + ",market-lstm@interval=10", "--jobs", "2")
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert f"{15 - len(kept)} run(s) to do, {len(kept)} up to date" in out and "in 2 processes" in out
    parallel = results.read(tmp_path / "results" / "market-lstm@interval=10" / "seed-0" / results.RESULTS_FILE)
    assert parallel["metrics"]["predictions"] == results.read(alone)["metrics"]["predictions"]
