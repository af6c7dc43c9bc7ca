"""Check that the real datasets in a data folder are the documented ones.

Every chapter of the report quotes dataset sizes; this command loads each
dataset it finds and compares the counts with the documented values, so a
wrong or partial copy is caught before hours of training rather than after.

    python -m experiments.check_data --data-dir DIR [--download]

Prints a table (dataset, expected, found, OK/FAIL/MISSING) and exits 1 on any
FAIL, or when a download asked for failed. A dataset that is not there is
reported as MISSING, not as a failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from experiments import paths
from experiments.corpus import Corpus
from experiments.datasets import (
    DataFormatError,
    DataNotFoundError,
    fetch_all,
    load_20newsgroups,
    load_bbc,
    load_trump_market,
    load_twitter_sentiment,
)

#: (what is counted, documented value, how to count it on the loaded corpus)
Check = tuple[str, int, Callable[[Corpus], int]]

#: Rows in trump_tweets_spx/lstm/<N>.csv, header excluded: counted once in the files
#: of DavidYQY/Make-trading-great-again- @ bf70800b (data/lstm/), whose sha256 the
#: loader pins; docs/STUDIES.md only says "8.5k-9.6k rows each".
TRUMP_ROWS = {5: 9584, 10: 9446, 15: 9311, 20: 9189, 30: 8941, 40: 8689, 50: 8472}

#: dataset → (offline loader, checks). BBC, 20 Newsgroups and twitter counts are
#: the documented sizes of the canonical files (BBC: Greene & Cunningham; 20 Newsgroups: "bydate";
#: twitter: the Kaggle training CSV).
TARGETS: dict[str, tuple[Callable[..., Corpus], list[Check]]] = {
    "bbc": (
        load_bbc,
        [
            ("articles read", 2225, lambda c: c.notes["documents_read"]),
            ("after de-dup", 2127, len),
        ],
    ),
    "20newsgroups": (
        load_20newsgroups,
        [
            ("train", 11314, lambda c: c.notes["train"]),
            ("test", 7532, lambda c: c.notes["test"]),
        ],
    ),
    "twitter-sentiment": (
        load_twitter_sentiment,
        [
            ("rows before cleaning", 74682, lambda c: c.notes["rows_read"]),
            ("empty texts", 686, lambda c: c.notes["empty_dropped"]),
        ],
    ),
    **{
        f"trump-market N={n}": (
            partial(load_trump_market, interval=n),
            [("rows", rows, lambda c: c.notes["rows_read"])],
        )
        for n, rows in TRUMP_ROWS.items()
    },
}


def check(data_dir: Path) -> tuple[list[tuple[str, str, str, str]], list[str]]:
    """(dataset and count, expected, found, OK/FAIL/MISSING) rows, and the errors behind FAILs."""
    table, errors = [], []
    for target, (load, checks) in TARGETS.items():
        try:
            corpus = load(data_dir=data_dir, download_if_missing=False)
        except DataNotFoundError:
            table.append((target, "-", "not found", "MISSING"))
            continue
        except DataFormatError as err:
            table.append((target, "-", "unreadable", "FAIL"))
            errors.append(f"{target}: {err}")
            continue
        for what, expected, count in checks:
            found = count(corpus)
            status = "OK" if found == expected else "FAIL"
            table.append((f"{target}: {what}", str(expected), str(found), status))
    return table, errors


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Rows as left-aligned plain-text columns under a header."""
    rows = [("dataset", "expected", "found", "status"), *rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1] for row in rows
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="folder holding the datasets")
    parser.add_argument(
        "--download", action="store_true", help="first download what is missing (needs internet)"
    )
    args = parser.parse_args(argv)
    failed_downloads = []
    if args.download:
        for name, outcome in fetch_all(args.data_dir).items():
            print(f"{name}: {outcome}")
            if outcome.startswith("FAILED"):
                failed_downloads.append(name)
        print()
    table, errors = check(args.data_dir)
    print(format_table(table))
    for error in errors:
        print(f"\n{error}")
    if failed_downloads:
        print(f"\nerror: could not download {', '.join(failed_downloads)}; see above", file=sys.stderr)
    return 1 if failed_downloads or any(row[-1] == "FAIL" for row in table) else 0


if __name__ == "__main__":
    sys.exit(main())
