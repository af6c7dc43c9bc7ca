"""Two suites at once: the second is refused with the holder named; readers only see complete results."""

import time

from experiments import results
from report.runs import load_runs


def test_a_second_suite_is_refused_while_the_first_runs_and_a_reader_sees_only_whole_files(tmp_path, start_suite):
    first = start_suite("market-lstm,market-majority")  # long enough to be caught running
    lock = tmp_path / "results" / ".lock"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().startswith("pid")):
        time.sleep(0.1)
    second = start_suite("bbc-majority")
    out, _ = second.communicate(timeout=120)
    assert second.returncode != 0
    assert f"another `make experiments` is running (pid {first.pid}" in out
    # While the first suite writes, the report's loader reads only complete, valid files.
    while first.poll() is None:
        for run in load_runs(tmp_path / "results").values():
            results.validate(run.first)
        time.sleep(0.05)
    assert first.returncode == 0
    assert not (tmp_path / "results" / "bbc-majority").exists()
