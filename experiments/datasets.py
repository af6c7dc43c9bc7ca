"""Loaders for the four real datasets, each returning a :class:`~experiments.corpus.Corpus`.

Why a module of its own: every number in the report rests on what these
functions read, so each one records the files it read (with their sha256) and
the cleaning it did (duplicates, empty texts, dropped classes) in the corpus,
and fails with a message that says what to do instead of a parser's traceback.

Shaped like scikit-learn's fetchers: keyword-only ``data_dir=`` and
``download_if_missing=``, remote files pinned by name and URL (and sha256 where
the published bytes are known), :class:`DataNotFoundError` for a missing file and
:class:`DataFormatError` for a damaged one. ``fetch_all`` fills a data folder
for ``make data``.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from experiments.corpus import Corpus


class DataNotFoundError(FileNotFoundError):
    """A dataset file is missing and could not (or may not) be downloaded."""


class DataFormatError(ValueError):
    """A dataset file exists but is damaged or not in the documented format."""


@dataclass(frozen=True)
class RemoteFile:
    """Where a dataset file lives under ``data_dir`` and where it comes from."""

    filename: str  #: path relative to ``data_dir``
    url: str
    sha256: str | None = None  #: pinned only where the published bytes are known


#: The canonical archive from UCD (Greene & Cunningham, 2006); not pinned because
#: copies in circulation are re-zipped, so only the member files are comparable.
BBC_ARCHIVE = RemoteFile("bbc/bbc-fulltext.zip", "http://mlg.ucd.ie/files/datasets/bbc-fulltext.zip")
#: scikit-learn downloads (and checks) this archive itself; the URL is for people.
NEWSGROUPS_ARCHIVE = RemoteFile(
    "20newsgroups/20news-bydate.tar.gz", "http://qwone.com/~jason/20Newsgroups/20news-bydate.tar.gz"
)
KAGGLE_TWITTER = "jp797498e/twitter-entity-sentiment-analysis"
TWITTER_CSV = RemoteFile(
    "twitter_entity_sentiment/twitter_training.csv", f"https://www.kaggle.com/datasets/{KAGGLE_TWITTER}"
)
TRUMP_INTERVALS = (5, 10, 15, 20, 30, 40, 50)
_TRUMP_COMMIT = "bf70800bb42875db1a5f39a1d3c9ce99e8c05c1b"
_TRUMP_SHA256 = {
    5: "7fd2edda1059ff2f5a808e5cb49697e76da879c203f1471fb851ce7ed3293cc0",
    10: "e1c0fcff308856282c14d9ee4f085feabb2d25b1e67e244293b2ced457651abb",
    15: "1189b01a857b12df9957308a70ccc6defa552020e91c2d4a7d0fdf242e1330a7",
    20: "e2d5e93ff82b6f0329217b52057997496dcab634ffb00fc5707555d6b09001a3",
    30: "08a158efcd4ed166762d0113913429d468d80f07ba238b5490c1b245667e7765",
    40: "2545a04618eaa4119e440c4f4e644e3e027293db28a170cad27060aee13912a0",
    50: "368ad685e7326d0f6235c8610a5caad03374c55dd849f25d5036edacef446406",
}
DOWNLOAD_TIMEOUT_S = 60

#: What parsers raise on a truncated, empty or mis-encoded file.
_FORMAT_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    gzip.BadGzipFile,
    zlib.error,
    EOFError,
    UnicodeDecodeError,
    csv.Error,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
)


def trump_remote(interval: int) -> RemoteFile:
    """The ``lstm/<interval>.csv`` file of the Make-trading-great-again- repository."""
    if interval not in TRUMP_INTERVALS:
        allowed = ", ".join(map(str, TRUMP_INTERVALS))
        raise ValueError(f"interval must be one of {allowed} (minutes); got {interval!r}")
    return RemoteFile(
        f"trump_tweets_spx/lstm/{interval}.csv",
        "https://raw.githubusercontent.com/DavidYQY/Make-trading-great-again-/"
        f"{_TRUMP_COMMIT}/data/lstm/{interval}.csv",
        _TRUMP_SHA256[interval],
    )


# --- files: find, fetch, hash, read ---------------------------------------------------


def _not_found(path: Path, source: str, reason: str = "") -> DataNotFoundError:
    """The error for a missing file: which file, which folder, where to get it."""
    why = f" ({reason})" if reason else ""
    return DataNotFoundError(
        f"{path.name} was not found in {path.parent}/{why}. Get it from {source} and put it "
        "in that folder, or run `make data` on a machine with internet access."
    )


def _format_error(path: Path, detail: str, source: str) -> DataFormatError:
    """The error for a damaged file: which file, what is wrong, how to replace it."""
    return DataFormatError(
        f"{path}: {detail}. The file looks damaged or is not the published one; "
        f"delete it and download it again from {source} (or run `make data`)."
    )


@contextmanager
def _reading(path: Path, source: str, *, member: str = "") -> Iterator[None]:
    """Turn a parser's complaint about ``path`` (or its ``member``) into a DataFormatError."""
    try:
        yield
    except _FORMAT_ERRORS as err:
        where = f"member {member}: " if member else ""
        raise _format_error(path, f"{where}{type(err).__name__}: {err}", source) from err


def _sha256(path: Path) -> str:
    """sha256 hex of a file, re-hashed only when its size or mtime changes."""
    stat = path.stat()
    return _sha256_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=64)
def _sha256_of(path: Path, size: int, mtime_ns: int) -> str:
    """sha256 hex of ``path``; ``size`` and ``mtime_ns`` are only part of the cache key."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@contextmanager
def _atomic(dest: Path) -> Iterator[Path]:
    """A temporary file beside ``dest`` that replaces it only if the block succeeds."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _fetch(url: str, dest: Path, *, sha256: str | None = None) -> Path:
    """Download ``url`` to ``dest`` atomically, checking ``sha256`` when pinned."""
    try:
        with _atomic(dest) as tmp:
            with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response, tmp.open("wb") as out:
                shutil.copyfileobj(response, out)
            if sha256 is not None and (got := _sha256(tmp)) != sha256:
                raise _format_error(dest, f"downloaded sha256 {got} differs from the pinned {sha256}", url)
    except (OSError, http.client.HTTPException) as err:
        raise _not_found(dest, url, f"download failed: {err}") from err
    return dest


def _locate(remote: RemoteFile, data_dir: Path, *, download: bool) -> Path:
    """``data_dir/remote.filename``, downloaded first if missing and allowed."""
    path = data_dir / remote.filename
    if path.is_file():
        return path
    if not download:
        raise _not_found(path, remote.url, "download_if_missing=False")
    return _fetch(remote.url, path, sha256=remote.sha256)


def _relative(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def _provenance(source: Path, data_dir: Path) -> dict[str, str]:
    """{path relative to ``data_dir``: sha256} of what a loader reads.

    A folder (an extracted archive) gets one entry, ``<path>/``: the sha256 of
    its ``sha256sum``-style manifest, equal for any copy with the same files.
    """
    if source.is_file():
        return {_relative(source, data_dir): _sha256(source)}
    files = sorted(path for path in source.rglob("*") if path.is_file())
    manifest = "".join(
        f"{hashlib.sha256(file.read_bytes()).hexdigest()}  {_relative(file, source)}\n" for file in files
    )
    return {_relative(source, data_dir) + "/": hashlib.sha256(manifest.encode()).hexdigest()}


# --- BBC News -------------------------------------------------------------------------


def _bbc_source(data_dir: Path, *, download: bool) -> Path:
    """The BBC zip, or the folder it extracts to (``bbc/bbc/<class>/*.txt``)."""
    folder = data_dir / "bbc" / "bbc"
    if not (data_dir / BBC_ARCHIVE.filename).is_file() and folder.is_dir():
        return folder
    return _locate(BBC_ARCHIVE, data_dir, download=download)


def _bbc_articles(source: Path) -> Iterator[tuple[str, bytes]]:
    """(``bbc/<class>/<file>.txt``, bytes) of every article, in sorted path order."""
    if source.is_dir():
        for path in sorted(source.glob("*/*.txt")):
            yield _relative(path, source.parent), path.read_bytes()
        return
    with _reading(source, BBC_ARCHIVE.url), zipfile.ZipFile(source) as archive:
        for name in sorted(archive.namelist()):
            parts = PurePosixPath(name).parts
            if len(parts) == 3 and parts[0] == "bbc" and name.endswith(".txt"):
                with _reading(source, BBC_ARCHIVE.url, member=name):
                    yield name, archive.read(name)


def load_bbc(*, data_dir: Path, download_if_missing: bool = True) -> Corpus:
    """BBC News, 5 topics, with the 98 exact duplicate articles dropped before any split.

    Files are UTF-8 except one Latin-1 article; the first copy of a duplicate
    (in sorted path order) is kept. ``notes`` has ``documents_read``,
    ``duplicates_removed`` and ``latin1_files``.
    """
    data_dir = Path(data_dir)
    source = _bbc_source(data_dir, download=download_if_missing)
    seen: set[str] = set()
    texts, topics, latin1 = [], [], []
    read = 0
    for name, raw in _bbc_articles(source):
        read += 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            latin1.append(name)
        if text not in seen:
            seen.add(text)
            texts.append(text)
            topics.append(PurePosixPath(name).parts[1])
    if not texts:
        raise _format_error(source, "no articles found (expected bbc/<class>/NNN.txt)", BBC_ARCHIVE.url)
    labels, class_names = _encode_labels(topics)
    return Corpus(
        name="bbc",
        texts=texts,
        labels=labels,
        class_names=class_names,
        source="real",
        provenance=_provenance(source, data_dir),
        notes={"documents_read": read, "duplicates_removed": read - len(texts), "latin1_files": latin1},
    )


def _encode_labels(names: list[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer labels and the sorted class names they index, for loaders whose files name the class."""
    classes, labels = np.unique(names, return_inverse=True)
    return labels, tuple(str(c) for c in classes)


# --- 20 Newsgroups ("bydate") -----------------------------------------------------------

#: The archive's top folders, as scikit-learn names them.
_NEWSGROUPS_SPLITS = {"20news-bydate-train": "train", "20news-bydate-test": "test"}
#: The ``remove`` options, each naming one of scikit-learn's strippers.
_STRIPPERS = {"headers": "strip_newsgroup_header", "footers": "strip_newsgroup_footer", "quotes": "strip_newsgroup_quoting"}


def _sk20():
    """scikit-learn's 20 Newsgroups module, imported on first use: it costs half a second of every start."""
    from sklearn.datasets import _twenty_newsgroups

    return _twenty_newsgroups


#: The cache file that ``fetch_20newsgroups(data_home=…)`` writes (checked against scikit-learn in the tests).
NEWSGROUPS_CACHE = "20news-bydate_py3.pkz"


def _newsgroups_cache(data_dir: Path) -> Path:
    """Where ``fetch_20newsgroups(data_home=data_dir/'20newsgroups')`` keeps its cache."""
    return data_dir / "20newsgroups" / NEWSGROUPS_CACHE


def _newsgroups_source(data_dir: Path, *, download: bool) -> Path:
    """scikit-learn's cache if present, else the local archive, else let scikit-learn download."""
    cache, archive = _newsgroups_cache(data_dir), data_dir / NEWSGROUPS_ARCHIVE.filename
    if cache.is_file():
        return cache
    if archive.is_file():
        return archive
    if not download:
        raise _not_found(archive, NEWSGROUPS_ARCHIVE.url, "download_if_missing=False")
    try:
        _sk20().fetch_20newsgroups(data_home=cache.parent, subset="train", download_if_missing=True)
    except OSError as err:
        raise _not_found(archive, NEWSGROUPS_ARCHIVE.url, f"scikit-learn's download failed: {err}") from err
    return cache


def _newsgroups_from_cache(cache: Path) -> list[tuple[str, str, str, str]]:
    """(split, group, file name, text) rows as scikit-learn's loader serves them."""
    rows = []
    for split in ("train", "test"):
        try:
            bunch = _sk20().fetch_20newsgroups(data_home=cache.parent, subset=split, download_if_missing=False)
        except OSError as err:  # the cache exists, so "not found" means it could not be read
            raise _format_error(
                cache, f"scikit-learn could not read its cache ({err})", NEWSGROUPS_ARCHIVE.url
            ) from err
        names = [bunch.target_names[t] for t in bunch.target]
        files = [PurePosixPath(f).name for f in bunch.filenames]
        rows += [(split, group, file, text) for group, file, text in zip(names, files, bunch.data)]
    return rows


def _newsgroups_from_archive(archive: Path) -> list[tuple[str, str, str, str]]:
    """(split, group, file name, text) rows of the bydate tarball (Latin-1 text)."""
    rows = []
    with _reading(archive, NEWSGROUPS_ARCHIVE.url), tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            parts = PurePosixPath(member.name).parts
            if member.isfile() and len(parts) == 3 and parts[0] in _NEWSGROUPS_SPLITS:
                with _reading(archive, NEWSGROUPS_ARCHIVE.url, member=member.name):
                    raw = tar.extractfile(member).read()
                rows.append((_NEWSGROUPS_SPLITS[parts[0]], parts[1], parts[2], raw.decode("latin-1")))
    if {row[0] for row in rows} != {"train", "test"}:
        raise _format_error(
            archive,
            "expected members 20news-bydate-train/<group>/<id> and 20news-bydate-test/<group>/<id>",
            NEWSGROUPS_ARCHIVE.url,
        )
    return rows


def load_20newsgroups(
    *, data_dir: Path, remove: tuple[str, ...] = (), download_if_missing: bool = True
) -> Corpus:
    """20 Newsgroups, "bydate" split (train 11,314 / test 7,532) in ``predefined``.

    ``remove`` takes "headers", "footers" and "quotes" as in scikit-learn.
    ``notes`` has ``remove``, ``train`` and ``test`` (row counts).
    """
    unknown = set(remove) - set(_STRIPPERS)
    if unknown:
        raise ValueError(f"remove may contain only {', '.join(_STRIPPERS)}; got {sorted(unknown)}")
    data_dir = Path(data_dir)
    source = _newsgroups_source(data_dir, download=download_if_missing)
    read = _newsgroups_from_cache if source == _newsgroups_cache(data_dir) else _newsgroups_from_archive
    # scikit-learn's cache holds the files shuffled; sorting makes both sources agree.
    rows = sorted(read(source), key=lambda row: (row[0] != "train", row[1], row[2]))
    splits, groups, _, texts = map(list, zip(*rows))
    removed = [option for option in _STRIPPERS if option in remove]
    for option in removed:
        texts = [getattr(_sk20(), _STRIPPERS[option])(text) for text in texts]
    labels, class_names = _encode_labels(groups)
    return Corpus(
        name="20newsgroups",
        texts=texts,
        labels=labels,
        class_names=class_names,
        source="real",
        predefined=np.array(splits),
        provenance=_provenance(source, data_dir),
        notes={"remove": removed, "train": splits.count("train"), "test": splits.count("test")},
    )


# --- Twitter entity sentiment ------------------------------------------------------------

TWITTER_CLASSES = ("Negative", "Neutral", "Positive")
_TWITTER_COLUMNS = ("id", "entity", "sentiment", "text")


def _download_from_kaggle(dest: Path) -> Path:
    """Copy ``twitter_training.csv`` from the Kaggle dataset (through kagglehub) to ``dest``."""
    try:
        import kagglehub
    except ImportError as err:
        reason = "kagglehub is not installed: pip install kagglehub"
        raise _not_found(dest, TWITTER_CSV.url, reason) from err
    try:
        folder = Path(kagglehub.dataset_download(KAGGLE_TWITTER))
    # kagglehub raises its own classes as well as requests' ones, and they change
    # between versions; whatever it raises, the file did not arrive.
    except Exception as err:
        raise _not_found(dest, TWITTER_CSV.url, f"kagglehub download failed: {err}") from err
    if not (folder / dest.name).is_file():
        raise _not_found(dest, TWITTER_CSV.url, f"the Kaggle download has no {dest.name}")
    with _atomic(dest) as tmp:
        shutil.copyfile(folder / dest.name, tmp)
    return dest


def _twitter_source(data_dir: Path, *, download: bool) -> Path:
    """``twitter_training.csv`` or its ``.csv.gz``; else download it from Kaggle."""
    plain = data_dir / TWITTER_CSV.filename
    for path in (plain, plain.with_name(plain.name + ".gz")):
        if path.is_file():
            return path
    if not download:
        raise _not_found(plain, f"{TWITTER_CSV.url} (or the .csv.gz of it)", "download_if_missing=False")
    return _download_from_kaggle(plain)


def _twitter_rows(path: Path) -> Iterator[tuple[int, str, str]]:
    """(id, sentiment, text) per record; quoted newlines stay inside the text."""
    opener = gzip.open if path.suffix == ".gz" else open
    with _reading(path, TWITTER_CSV.url), opener(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        for row in reader:
            if len(row) != len(_TWITTER_COLUMNS) or not row[0].isdigit():
                problem = f"expected 4 fields {_TWITTER_COLUMNS} with a numeric id, got {row!r}"
            elif row[2] not in (*TWITTER_CLASSES, "Irrelevant"):
                problem = f"unknown sentiment {row[2]!r}"
            else:
                yield int(row[0]), row[2], row[3]
                continue
            raise _format_error(path, f"line {reader.line_num}: {problem}", TWITTER_CSV.url)


def load_twitter_sentiment(*, data_dir: Path, download_if_missing: bool = True, keep_duplicates: bool = False) -> Corpus:
    """Entity sentiment tweets: 3 classes, ``groups`` = tweet id (about 6 paraphrases each).

    Empty and whitespace-only texts and the ``Irrelevant`` class are dropped,
    then exact duplicate texts (the first copy is kept), before any split, so
    that no text is both trained on and tested on. ``keep_duplicates`` keeps
    them, as the original study did (for its ladder). ``notes`` counts
    ``rows_read``, ``empty_dropped``, ``whitespace_only_dropped``,
    ``irrelevant_dropped`` and ``duplicates_removed``.
    """
    data_dir = Path(data_dir)
    path = _twitter_source(data_dir, download=download_if_missing)
    rows = list(_twitter_rows(path))
    if not rows:
        raise _format_error(path, "the file has no rows", TWITTER_CSV.url)
    empty = sum(1 for _, _, text in rows if text == "")
    filled = [r for r in rows if r[2].strip()]
    relevant = [r for r in filled if r[1] != "Irrelevant"]
    seen: set[str] = set()
    kept = []
    for row in relevant:
        if keep_duplicates or row[2] not in seen:
            seen.add(row[2])
            kept.append(row)
    texts = [text for _, _, text in kept]
    return Corpus(
        name="twitter-sentiment",
        texts=texts,
        labels=np.array([TWITTER_CLASSES.index(sentiment) for _, sentiment, _ in kept]),
        class_names=TWITTER_CLASSES,
        source="real",
        groups=np.array([tweet_id for tweet_id, _, _ in kept]),
        provenance=_provenance(path, data_dir),
        notes={
            "rows_read": len(rows),
            "empty_dropped": empty,
            "whitespace_only_dropped": len(rows) - len(filled) - empty,
            "irrelevant_dropped": len(filled) - len(relevant),
            "duplicates_removed": len(relevant) - len(kept),
        },
    )


# --- Tweets and the S&P 500 ----------------------------------------------------------------

TRUMP_CLASSES = ("down or flat", "up")


def _trump_source(data_dir: Path, *, download: bool, interval: int) -> Path:
    """``trump_tweets_spx/lstm/<interval>.csv``, downloaded from GitHub if missing and allowed."""
    return _locate(trump_remote(interval), data_dir, download=download)


def load_trump_market(*, data_dir: Path, interval: int = 5, download_if_missing: bool = True) -> Corpus:
    """Tweets labelled 1 if the S&P 500 was higher ``interval`` minutes later, oldest first.

    The files list tweets newest first (their rows follow ``baseline_data.csv``,
    whose ``created_time`` falls monotonically from 2019-11 to 2013-01), so the
    rows are reversed to make ``time_ordered`` true. Rows whose cleaned text is
    empty are dropped; exact duplicate rows (the same tweet repeated, adjacent in
    time) are kept and counted. ``notes``: ``interval``, ``rows_read``,
    ``empty_dropped``, ``duplicate_rows``, ``row_order``.
    """
    remote = trump_remote(interval)
    data_dir = Path(data_dir)
    path = _trump_source(data_dir, download=download_if_missing, interval=interval)
    with _reading(path, remote.url):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = {"texts", "label"} - set(frame.columns)
    if missing:
        problem = f"missing column(s) {sorted(missing)}; found {list(frame.columns)}"
        raise _format_error(path, problem, remote.url)
    bad = frame.index[~frame["label"].isin(["0", "1"])]
    if len(bad):
        row = bad[0]
        problem = f"line {row + 2}: label {frame.at[row, 'label']!r} is not 0 or 1"
        raise _format_error(path, problem, remote.url)
    kept = frame[frame["texts"].str.strip() != ""].iloc[::-1]
    return Corpus(
        name="trump-market",
        texts=kept["texts"].tolist(),
        labels=kept["label"].astype(int).to_numpy(),
        class_names=TRUMP_CLASSES,
        source="real",
        time_ordered=True,
        provenance=_provenance(path, data_dir),
        notes={
            "interval": interval,
            "rows_read": len(frame),
            "empty_dropped": len(frame) - len(kept),
            "duplicate_rows": int(frame.duplicated().sum()),
            "row_order": "reversed: the file lists tweets newest first",
        },
    )


# --- all datasets ----------------------------------------------------------------------------

LOADERS: dict[str, Callable[..., Corpus]] = {
    "bbc": load_bbc,
    "20newsgroups": load_20newsgroups,
    "twitter-sentiment": load_twitter_sentiment,
    "trump-market": load_trump_market,
}

#: What ``fetch_all`` fetches: every dataset, and every interval of the market one.
_FETCHED = {
    **{name: (name, {}) for name in ("bbc", "20newsgroups", "twitter-sentiment")},
    **{f"trump-market/{n}": ("trump-market", {"interval": n}) for n in TRUMP_INTERVALS},
}


def _source(name: str, data_dir: Path, *, download: bool, options: dict) -> Path:
    """The file (or folder) that ``LOADERS[name]`` reads with ``options``, without parsing it."""
    if name == "trump-market":
        return _trump_source(data_dir, download=download, interval=options.get("interval", 5))
    sources = {"bbc": _bbc_source, "20newsgroups": _newsgroups_source, "twitter-sentiment": _twitter_source}
    if name not in sources:
        raise ValueError(f"unknown dataset {name!r}; allowed: {', '.join(LOADERS)}")
    return sources[name](data_dir, download=download)


def available(name: str, *, data_dir: Path, **options) -> bool:
    """Whether the files of dataset ``name`` (with loader ``options``) are under ``data_dir``."""
    try:
        _source(name, Path(data_dir), download=False, options=options)
    except DataNotFoundError:
        return False
    return True


def fingerprint(name: str, *, data_dir: Path, **options) -> str:
    """What identifies the corpus a loader would return, without parsing: file hashes and options."""
    data_dir = Path(data_dir)
    files = _provenance(_source(name, data_dir, download=False, options=options), data_dir)
    return f"real:{name}:{sorted(files.items())}:{sorted(options.items())}"


def fetch_all(data_dir: Path) -> dict[str, str]:
    """Download every dataset file missing under ``data_dir``; what happened, per dataset."""
    data_dir = Path(data_dir)
    report = {}
    for label, (name, options) in _FETCHED.items():
        locate = partial(_source, name, data_dir, options=options)
        try:
            report[label] = f"already there: {_relative(locate(download=False), data_dir)}"
        except DataNotFoundError:
            try:
                report[label] = f"downloaded: {_relative(locate(download=True), data_dir)}"
            except (DataNotFoundError, DataFormatError) as err:
                report[label] = f"FAILED: {err}"
    return report
