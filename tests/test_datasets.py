"""The real-dataset loaders, specified on tiny files written in each dataset's real format.

Each fixture reproduces the quirks of the published file (a Latin-1 BBC article
and a duplicate, train/test tar members, CRLF and quoted newlines in the
twitter CSV, newest-first rows in the market files), so the tests run offline
in well under a second. Downloads are exercised with ``file://`` URLs.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import pickle
import tarfile
import zipfile
from pathlib import Path

import pytest
from sklearn.datasets import _twenty_newsgroups as sk20
from sklearn.datasets import load_files

from experiments import check_data, datasets
from experiments.datasets import (
    LOADERS,
    DataFormatError,
    DataNotFoundError,
    RemoteFile,
    fetch_all,
    load_20newsgroups,
    load_bbc,
    load_trump_market,
    load_twitter_sentiment,
)

# --- fixture writers: the real layouts, in miniature ------------------------------------

BBC_ARTICLES = {
    "business/001.txt": "Profits rise\n\nShares rose 5% to £2.10.".encode("utf-8"),
    "business/002.txt": b"Rates held\n\nThe bank kept rates on hold.",
    "sport/001.txt": "Caf\u00e9 owner wins\n\nHe scored twice.".encode("latin-1"),
    "tech/001.txt": b"Phones get faster\n\nChips double in speed.",
    "tech/002.txt": b"Phones get faster\n\nChips double in speed.",  # exact duplicate of tech/001
}


def write_bbc_zip(path: Path, articles: dict[str, bytes] = BBC_ARTICLES) -> Path:
    """A zip laid out like bbc-fulltext.zip: bbc/README.TXT and bbc/<class>/NNN.txt."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("bbc/README.TXT", "Consists of documents from the BBC news website.")
        for name, raw in articles.items():
            archive.writestr(f"bbc/{name}", raw)
    return path


POST = b"From: alice@example.com\nSubject: Re: orbits\nLines: 1\n\nLow orbit caf\xe9 talk.\n"
NEWSGROUPS_FILES = {
    "20news-bydate-train/sci.space/2": POST,
    "20news-bydate-train/sci.space/10": b"From: bob@example.com\n\nMoon.\n",
    "20news-bydate-train/rec.autos/5": b"From: carol@example.com\n\nV8.\n",
    "20news-bydate-test/rec.autos/7": b"From: dan@example.com\n\nTyres.\n",
    "20news-bydate-test/sci.space/12": b"From: eve@example.com\n\nMars.\n",
}


def _folder(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    return info


def write_newsgroups_tar(path: Path, files: dict[str, bytes] = NEWSGROUPS_FILES) -> Path:
    """A 20news-bydate.tar.gz with folder members and <split>/<group>/<id> files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        folders = {name.split("/")[0] for name in files} | {str(Path(name).parent) for name in files}
        for folder in sorted(folders):
            tar.addfile(_folder(folder))
        for name, raw in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return path


def write_sklearn_cache(data_dir: Path, tar_path: Path, tmp_path: Path) -> Path:
    """The zipped pickle that fetch_20newsgroups(data_home=data_dir/'20newsgroups') reads."""
    with tarfile.open(tar_path) as tar:
        tar.extractall(tmp_path / "extracted", filter="data")
    cache = {
        split: load_files(tmp_path / "extracted" / folder, encoding="latin1")
        for split, folder in (("train", sk20.TRAIN_FOLDER), ("test", sk20.TEST_FOLDER))
    }
    path = Path(sk20._pkl_filepath(data_dir / "20newsgroups", sk20.CACHE_NAME))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(codecs.encode(pickle.dumps(cache), "zlib_codec"))
    return path


#: No header; id, entity, sentiment, text; CRLF line ends; the second record has a
#: quoted newline, then an empty text, a blank one, an Irrelevant row, a repeated text.
TWITTER_CSV = (
    b'2401,Borderlands,Positive,"im getting on borderlands and i will murder you all ,"\r\n'
    b'2401,Borderlands,Positive,"I am coming to the borders\nand I will kill you all,"\r\n'
    b"2402,Borderlands,Negative,\r\n"
    b'2403,Borderlands,Neutral," "\r\n'
    b'2404,Nvidia,Irrelevant,"whatever"\r\n'
    b'2405,Nvidia,Neutral,"caf\xc3\xa9 chat about #RTX"\r\n'
    b'2406,Nvidia,Negative,"im getting on borderlands and i will murder you all ,"\r\n'
)


def write_twitter_csv(data_dir: Path, raw: bytes = TWITTER_CSV, *, gzipped: bool = False) -> Path:
    """twitter_training.csv (or .csv.gz) in data_dir/twitter_entity_sentiment/."""
    path = data_dir / "twitter_entity_sentiment" / ("twitter_training.csv" + (".gz" if gzipped else ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(raw) if gzipped else raw)
    return path


#: lstm/<N>.csv as published: newest tweet first, one text empty after cleaning.
TRUMP_CSV = (
    "favorite_count,retweet_count,texts,china,positive_count,negative_count,label\n"
    "114187,20211,stock market big today new record enjoy,0,1,0,1\n"
    "72619,18328,radical left dems trying make hard,0,1,3,0\n"
    "41511,14162,,0,0,0,1\n"
    "65540,14962,thank #MAGA,0,0,0,1\n"
)


def write_trump_csv(data_dir: Path, text: str = TRUMP_CSV, *, interval: int = 5) -> Path:
    """trump_tweets_spx/lstm/<interval>.csv under data_dir."""
    path = data_dir / "trump_tweets_spx" / "lstm" / f"{interval}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- BBC ----------------------------------------------------------------------------------


def test_bbc_decodes_latin1_and_drops_exact_duplicates_keeping_the_first(tmp_path):
    archive = write_bbc_zip(tmp_path / "bbc" / "bbc-fulltext.zip")

    corpus = load_bbc(data_dir=tmp_path, download_if_missing=False)

    assert corpus.source == "real" and corpus.name == "bbc"
    assert corpus.class_names == ("business", "sport", "tech")
    assert corpus.texts == [
        "Profits rise\n\nShares rose 5% to £2.10.",
        "Rates held\n\nThe bank kept rates on hold.",
        "Café owner wins\n\nHe scored twice.",
        "Phones get faster\n\nChips double in speed.",
    ]
    assert corpus.labels.tolist() == [0, 0, 1, 2]
    assert corpus.notes == {
        "documents_read": 5,
        "duplicates_removed": 1,
        "latin1_files": ["bbc/sport/001.txt"],
    }
    assert corpus.provenance == {"bbc/bbc-fulltext.zip": sha256(archive)}


def test_bbc_reads_the_extracted_folder_like_the_zip(tmp_path):
    write_bbc_zip(tmp_path / "zipped" / "bbc" / "bbc-fulltext.zip")
    for name, raw in BBC_ARTICLES.items():
        path = tmp_path / "folder" / "bbc" / "bbc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)

    zipped = load_bbc(data_dir=tmp_path / "zipped", download_if_missing=False)
    folder = load_bbc(data_dir=tmp_path / "folder", download_if_missing=False)

    assert folder.texts == zipped.texts
    assert folder.labels.tolist() == zipped.labels.tolist()
    assert folder.notes == zipped.notes
    assert list(folder.provenance) == ["bbc/bbc/"]


def test_bbc_downloads_a_missing_archive_from_its_url(tmp_path, monkeypatch):
    published = write_bbc_zip(tmp_path / "server" / "bbc-fulltext.zip")
    monkeypatch.setattr(datasets, "BBC_ARCHIVE", RemoteFile("bbc/bbc-fulltext.zip", published.as_uri()))

    corpus = load_bbc(data_dir=tmp_path / "data")

    assert len(corpus) == 4
    assert sorted(p.name for p in (tmp_path / "data" / "bbc").iterdir()) == ["bbc-fulltext.zip"]


# --- 20 Newsgroups ----------------------------------------------------------------------


def test_20newsgroups_keeps_the_bydate_split_in_sorted_order(tmp_path):
    archive = write_newsgroups_tar(tmp_path / "20newsgroups" / "20news-bydate.tar.gz")

    corpus = load_20newsgroups(data_dir=tmp_path, download_if_missing=False)

    assert corpus.class_names == ("rec.autos", "sci.space")
    assert corpus.predefined.tolist() == ["train", "train", "train", "test", "test"]
    # groups sorted, files sorted by name within a group (as scikit-learn's load_files)
    assert corpus.texts[:3] == [
        "From: carol@example.com\n\nV8.\n",
        "From: bob@example.com\n\nMoon.\n",
        POST.decode("latin-1"),
    ]
    assert corpus.labels.tolist() == [0, 1, 1, 0, 1]
    assert "café" in corpus.texts[2]
    assert corpus.notes == {"remove": [], "train": 3, "test": 2}
    assert corpus.provenance == {"20newsgroups/20news-bydate.tar.gz": sha256(archive)}


def test_20newsgroups_remove_headers_strips_headers_and_is_recorded(tmp_path):
    write_newsgroups_tar(tmp_path / "20newsgroups" / "20news-bydate.tar.gz")

    corpus = load_20newsgroups(data_dir=tmp_path, remove=("headers",), download_if_missing=False)

    assert corpus.texts[2] == "Low orbit café talk.\n"
    assert not any("From:" in text for text in corpus.texts)
    assert corpus.notes["remove"] == ["headers"]


def test_20newsgroups_prefers_scikit_learns_cache_and_agrees_with_the_archive(tmp_path):
    archive = write_newsgroups_tar(tmp_path / "archive" / "20newsgroups" / "20news-bydate.tar.gz")
    cache = write_sklearn_cache(tmp_path / "cached", archive, tmp_path)

    from_archive = load_20newsgroups(data_dir=tmp_path / "archive", download_if_missing=False)
    from_cache = load_20newsgroups(data_dir=tmp_path / "cached", download_if_missing=False)

    assert from_cache.provenance == {f"20newsgroups/{cache.name}": sha256(cache)}
    assert from_cache.texts == from_archive.texts
    assert from_cache.labels.tolist() == from_archive.labels.tolist()
    assert from_cache.predefined.tolist() == from_archive.predefined.tolist()


def test_20newsgroups_lets_scikit_learn_download_when_nothing_is_local(tmp_path, monkeypatch):
    published = write_newsgroups_tar(tmp_path / "server" / "20news-bydate.tar.gz")
    remote = sk20.ARCHIVE._replace(url=published.as_uri(), checksum=sha256(published))
    monkeypatch.setattr(sk20, "ARCHIVE", remote)

    corpus = load_20newsgroups(data_dir=tmp_path / "data")

    assert corpus.notes["train"] == 3 and corpus.notes["test"] == 2
    assert list(corpus.provenance) == ["20newsgroups/20news-bydate_py3.pkz"]


def test_20newsgroups_rejects_unknown_remove_option_naming_the_allowed_ones(tmp_path):
    with pytest.raises(ValueError, match="headers, footers, quotes.*signature"):
        load_20newsgroups(data_dir=tmp_path, remove=("signature",))


# --- Twitter entity sentiment ---------------------------------------------------------------


def test_twitter_handles_crlf_quoted_newlines_empty_texts_irrelevant_and_duplicates(tmp_path):
    path = write_twitter_csv(tmp_path)

    corpus = load_twitter_sentiment(data_dir=tmp_path, download_if_missing=False)

    assert corpus.class_names == ("Negative", "Neutral", "Positive")
    assert corpus.texts == [
        "im getting on borderlands and i will murder you all ,",
        "I am coming to the borders\nand I will kill you all,",
        "café chat about #RTX",
    ]
    assert corpus.labels.tolist() == [2, 2, 1]
    assert corpus.groups.tolist() == [2401, 2401, 2405]
    assert corpus.notes == {
        "rows_read": 7,
        "empty_dropped": 1,
        "whitespace_only_dropped": 1,
        "irrelevant_dropped": 1,
        "duplicates_removed": 1,
    }
    assert corpus.provenance == {"twitter_entity_sentiment/twitter_training.csv": sha256(path)}


def test_twitter_reads_the_gzipped_copy_the_same_way(tmp_path):
    write_twitter_csv(tmp_path / "plain")
    write_twitter_csv(tmp_path / "gz", gzipped=True)

    plain = load_twitter_sentiment(data_dir=tmp_path / "plain", download_if_missing=False)
    gz = load_twitter_sentiment(data_dir=tmp_path / "gz", download_if_missing=False)

    assert gz.texts == plain.texts and gz.notes == plain.notes
    assert list(gz.provenance) == ["twitter_entity_sentiment/twitter_training.csv.gz"]


# --- Tweets and the S&P 500 ----------------------------------------------------------------


def test_trump_market_reverses_newest_first_rows_into_time_order(tmp_path):
    path = write_trump_csv(tmp_path, interval=10)

    corpus = load_trump_market(data_dir=tmp_path, interval=10, download_if_missing=False)

    assert corpus.time_ordered
    assert corpus.texts == [
        "thank #MAGA",
        "radical left dems trying make hard",
        "stock market big today new record enjoy",
    ]
    assert corpus.labels.tolist() == [1, 0, 1]
    assert corpus.class_names == ("down or flat", "up")
    assert corpus.notes["rows_read"] == 4 and corpus.notes["empty_dropped"] == 1
    assert corpus.notes["interval"] == 10
    assert corpus.provenance == {"trump_tweets_spx/lstm/10.csv": sha256(path)}


def test_trump_market_names_the_allowed_intervals(tmp_path):
    with pytest.raises(ValueError, match="5, 10, 15, 20, 30, 40, 50.*got 7"):
        load_trump_market(data_dir=tmp_path, interval=7)


def test_trump_market_rejects_a_download_whose_sha256_differs_from_the_pin(tmp_path, monkeypatch):
    served = write_trump_csv(tmp_path / "server")
    pinned = RemoteFile("trump_tweets_spx/lstm/5.csv", served.as_uri(), sha256="0" * 64)
    monkeypatch.setattr(datasets, "trump_remote", lambda interval: pinned)

    with pytest.raises(DataFormatError, match="sha256"):
        load_trump_market(data_dir=tmp_path / "data")
    assert list((tmp_path / "data" / "trump_tweets_spx" / "lstm").iterdir()) == []


# --- errors ---------------------------------------------------------------------------------------

MISSING = [
    (load_bbc, "bbc-fulltext.zip", "bbc", "mlg.ucd.ie"),
    (load_20newsgroups, "20news-bydate.tar.gz", "20newsgroups", "20news-bydate.tar.gz"),
    (load_twitter_sentiment, "twitter_training.csv", "twitter_entity_sentiment", "kaggle.com/datasets/"),
    (load_trump_market, "5.csv", "trump_tweets_spx/lstm", "github"),
]


@pytest.mark.parametrize(("load", "filename", "folder", "source"), MISSING)
def test_missing_file_names_the_file_its_folder_and_where_to_get_it(
    tmp_path, load, filename, folder, source
):
    with pytest.raises(DataNotFoundError) as caught:
        load(data_dir=tmp_path, download_if_missing=False)

    message = str(caught.value)
    assert isinstance(caught.value, FileNotFoundError)
    assert filename in message and str(tmp_path / folder) in message and source in message
    assert "make data" in message


def test_failed_download_is_data_not_found_and_leaves_no_partial_file(tmp_path, monkeypatch):
    url = (tmp_path / "nowhere.zip").as_uri()
    monkeypatch.setattr(datasets, "BBC_ARCHIVE", RemoteFile("bbc/bbc-fulltext.zip", url))

    with pytest.raises(DataNotFoundError, match="bbc-fulltext.zip.*download failed"):
        load_bbc(data_dir=tmp_path)
    assert list((tmp_path / "bbc").iterdir()) == []


def truncated(path: Path) -> Path:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


@pytest.mark.parametrize(
    ("write", "load"),
    [
        (lambda d: write_bbc_zip(d / "bbc" / "bbc-fulltext.zip"), load_bbc),
        (lambda d: write_newsgroups_tar(d / "20newsgroups" / "20news-bydate.tar.gz"), load_20newsgroups),
        (lambda d: write_twitter_csv(d, gzipped=True), load_twitter_sentiment),
    ],
    ids=["zip", "tar.gz", "csv.gz"],
)
def test_truncated_archive_is_a_format_error_naming_the_file(tmp_path, write, load):
    path = truncated(write(tmp_path))

    with pytest.raises(DataFormatError, match=f"{path}.*download it again"):
        load(data_dir=tmp_path, download_if_missing=False)


@pytest.mark.parametrize(
    ("relative", "load"),
    [
        ("bbc/bbc-fulltext.zip", load_bbc),
        ("20newsgroups/20news-bydate.tar.gz", load_20newsgroups),
        ("twitter_entity_sentiment/twitter_training.csv", load_twitter_sentiment),
        ("trump_tweets_spx/lstm/5.csv", load_trump_market),
    ],
)
def test_empty_file_is_a_format_error_naming_the_file(tmp_path, relative, load):
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    path.touch()

    with pytest.raises(DataFormatError, match=str(path)):
        load(data_dir=tmp_path, download_if_missing=False)


def test_twitter_row_with_a_missing_column_names_the_line(tmp_path):
    write_twitter_csv(tmp_path, TWITTER_CSV + b"2407,Nvidia,Positive\r\n")

    # the 8th record is on line 9 of the file: the 2nd record spans two lines
    with pytest.raises(DataFormatError, match="line 9: expected 4 fields"):
        load_twitter_sentiment(data_dir=tmp_path, download_if_missing=False)


def test_twitter_undecodable_bytes_are_a_format_error(tmp_path):
    write_twitter_csv(tmp_path, b'2401,Borderlands,Positive,"caf\xe9"\r\n')

    with pytest.raises(DataFormatError, match="UnicodeDecodeError"):
        load_twitter_sentiment(data_dir=tmp_path, download_if_missing=False)


def test_trump_market_without_a_label_column_names_the_column(tmp_path):
    write_trump_csv(tmp_path, "texts,retweet_count\nthank you,3\n")

    with pytest.raises(DataFormatError, match=r"missing column\(s\) \['label'\]"):
        load_trump_market(data_dir=tmp_path, download_if_missing=False)


def test_trump_market_with_a_bad_label_names_the_line(tmp_path):
    write_trump_csv(tmp_path, "texts,label\nthank you,1\ngreat day,up\n")

    with pytest.raises(DataFormatError, match="line 3: label 'up'"):
        load_trump_market(data_dir=tmp_path, download_if_missing=False)


# --- all datasets ------------------------------------------------------------------------------------


def test_loaders_are_registered_under_the_dataset_names():
    assert LOADERS == {
        "bbc": load_bbc,
        "20newsgroups": load_20newsgroups,
        "twitter-sentiment": load_twitter_sentiment,
        "trump-market": load_trump_market,
    }


def test_available_and_fingerprint_look_at_the_files_without_parsing_them(tmp_path):
    assert not datasets.available("trump-market", data_dir=tmp_path, interval=10)
    path = write_trump_csv(tmp_path, interval=10)
    assert datasets.available("trump-market", data_dir=tmp_path, interval=10)
    assert not datasets.available("trump-market", data_dir=tmp_path, interval=5)

    old = datasets.fingerprint("trump-market", data_dir=tmp_path, interval=10)
    files = [("trump_tweets_spx/lstm/10.csv", sha256(path))]
    assert old == f"real:trump-market:{files}:[('interval', 10)]"

    write_trump_csv(tmp_path, TRUMP_CSV + "1,2,thank you,0,0,0,1\n", interval=10)

    assert datasets.fingerprint("trump-market", data_dir=tmp_path, interval=10) != old


def test_available_names_the_known_datasets_for_an_unknown_one(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset 'imdb'; allowed: bbc, 20newsgroups"):
        datasets.available("imdb", data_dir=tmp_path)


def test_fetch_all_reports_what_happened_per_dataset(tmp_path, monkeypatch):
    published = write_bbc_zip(tmp_path / "server" / "bbc-fulltext.zip")
    monkeypatch.setattr(datasets, "BBC_ARCHIVE", RemoteFile("bbc/bbc-fulltext.zip", published.as_uri()))
    gone = (tmp_path / "server" / "gone.csv").as_uri()
    unreachable = lambda n: RemoteFile(f"trump_tweets_spx/lstm/{n}.csv", gone)  # noqa: E731
    monkeypatch.setattr(datasets, "trump_remote", unreachable)
    data = tmp_path / "data"
    write_newsgroups_tar(data / "20newsgroups" / "20news-bydate.tar.gz")
    write_twitter_csv(data)
    write_trump_csv(data, interval=5)

    report = fetch_all(data)

    assert report["bbc"] == "downloaded: bbc/bbc-fulltext.zip"
    assert report["20newsgroups"] == "already there: 20newsgroups/20news-bydate.tar.gz"
    assert report["twitter-sentiment"] == "already there: twitter_entity_sentiment/twitter_training.csv"
    assert report["trump-market/5"] == "already there: trump_tweets_spx/lstm/5.csv"
    assert report["trump-market/50"].startswith("FAILED: 50.csv was not found")


def test_check_data_fails_on_counts_that_differ_from_the_documented_ones(tmp_path, capsys):
    write_bbc_zip(tmp_path / "bbc" / "bbc-fulltext.zip")

    status = check_data.main(["--data-dir", str(tmp_path)])

    out = capsys.readouterr().out
    assert status == 1
    assert "bbc: articles read" in out and "FAIL" in out
    assert "20newsgroups" in out and "MISSING" in out
    assert all(line.split()[-1] in {"status", "OK", "FAIL", "MISSING"} for line in out.splitlines() if line)


def test_twitter_keeps_duplicate_texts_when_asked_as_the_original_study_did(tmp_path):
    write_twitter_csv(tmp_path)

    deduplicated = load_twitter_sentiment(data_dir=tmp_path, download_if_missing=False)
    kept = load_twitter_sentiment(data_dir=tmp_path, download_if_missing=False, keep_duplicates=True)

    assert len(kept) == len(deduplicated) + deduplicated.notes["duplicates_removed"] == 4
    assert len(set(kept.texts)) == len(deduplicated.texts)
    assert kept.notes["duplicates_removed"] == 0
