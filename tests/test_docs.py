"""What the documentation promises is checked: every row of the troubleshooting table names tests that exist."""

import re

from experiments.paths import ROOT


def test_every_fault_in_the_troubleshooting_table_names_a_test_that_exists():
    rows = [line for line in (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8").splitlines()
            if line.startswith("| ") and not line.startswith(("| fault", "| ---"))]
    assert len(rows) > 20
    for row in rows:
        cited = re.findall(r"`([\w/]+\.py|…)(?:::(\w+))?`", row.rsplit(" | ", 1)[-1])
        assert cited, f"no test named for: {row[:80]}"
        previous = None
        for file, name in cited:
            path = ROOT / "tests" / (previous if file == "…" else file)
            assert path.is_file(), f"{file} does not exist (row: {row[:60]})"
            previous = path.relative_to(ROOT / "tests").as_posix()
            if name:
                assert f"def {name}(" in path.read_text(encoding="utf-8"), f"{file}::{name} does not exist"
