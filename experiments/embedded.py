"""Generated stand-ins for the four datasets: what a fresh offline machine trains on.

Each corpus follows a short generative story, so that the report's findings on it
have known causes:

* Words are pseudo-words built from syllables plus a few real function and topic
  words. A topic is a Zipf distribution over its own words and over pools it
  shares with related topics, so some classes are confusable (tech with business).
* ``bbc``: long articles. The few decisive sentences come in the first ~12% of the
  article; the rest is filler shared by every class, plus a few words from one
  other topic. About 4% are exact duplicates (dropped, as the real loader drops
  them), and 3% are labelled with the wrong class.
* ``20newsgroups``: posts whose topical words are spread evenly, so that longer
  inputs help. The groups of one hierarchy share pools. 8% are cross-posts,
  2% have the wrong label, and a 60/40 split stands in for "bydate".
* ``twitter-sentiment``: a base tweet about one entity, paraphrased ~6 times under
  one id. Word order decides the label: "not really good" is Negative, "never bad"
  is Positive, and after "but" the second clause wins. 5% of ids have the wrong label.
* ``trump-market``: cleaned tweets in time order. The index is a random walk with a
  slowly drifting upward trend, and tweets on a few topics push it (tariffs down,
  deals up) over the following minutes, so the label for interval N is barely
  predictable: "up" is 51-56% of rows, and knowing each tweet's topic gives 0.56-0.60.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence, TypeVar

import numpy as np

from experiments.corpus import Corpus
# The class names of the real files, so that a generated stand-in reads like its dataset in every table.
from experiments.datasets import TRUMP_CLASSES, TWITTER_CLASSES
from experiments.paths import CACHE_DIR

Rng = np.random.Generator
T = TypeVar("T")

#: Bump whenever a change alters the generated texts or their notes; old cache files are then ignored.
GENERATOR_VERSION = 5
NAMES = ("bbc", "20newsgroups", "twitter-sentiment", "trump-market")
SIZES = ("quick", "full")
#: Minutes of simulated market after each tweet; ``interval`` may be 1 to this.
MAX_INTERVAL = 60

#: Labelled rows and unlabelled texts per size. "quick" trains every model in minutes
#: on two CPU cores; "full" is close to the real datasets.
ROWS = {
    "bbc": {"quick": 1200, "full": 2225},
    "20newsgroups": {"quick": 5000, "full": 18846},
    "twitter-sentiment": {"quick": 6000, "full": 60000},
    "trump-market": {"quick": 1500, "full": 9000},
}
UNLABELLED = {
    "bbc": {"quick": 1000, "full": 3000},
    "20newsgroups": {"quick": 2000, "full": 6000},
    "twitter-sentiment": {"quick": 5000, "full": 20000},
    "trump-market": {"quick": 3000, "full": 10000},
}


def make_corpus(
    name: str,
    *,
    seed: int = 0,
    size: str = "quick",
    interval: int = 5,
    cache_dir: Path | None = None,
) -> Corpus:
    """The generated corpus ``name``, the same for the same arguments.

    ``interval`` (minutes) matters only for ``trump-market``. The corpus is cached
    as JSON under ``cache_dir`` (default: ``CACHE_DIR / "embedded"``), so a second
    call reads it instead of generating it again.
    """
    _check_arguments(name, seed, size, interval)
    path = _cache_path(Path(cache_dir or CACHE_DIR / "embedded"), name, seed, size, interval)
    if path.exists():
        return _load(path)
    world, rows, unlabelled = (np.random.default_rng(s) for s in _seeds(name, seed))
    n, n_unlabelled = ROWS[name][size], UNLABELLED[name][size]
    if name == "bbc":
        fields = _bbc(world, rows, unlabelled, n, n_unlabelled, size)
    elif name == "20newsgroups":
        fields = _newsgroups(world, rows, unlabelled, n, n_unlabelled, size)
    elif name == "twitter-sentiment":
        fields = _twitter(world, rows, unlabelled, n, n_unlabelled)
    else:
        fields = _trump_market(world, rows, unlabelled, n, n_unlabelled, interval)
    provenance = {"generator": __name__, "version": GENERATOR_VERSION, "seed": int(seed), "size": size}
    corpus = Corpus(name=name, source="embedded", provenance=provenance, **fields)
    _save(corpus, path)
    return corpus


def _check_arguments(name: str, seed: int, size: str, interval: int) -> None:
    """Reject bad arguments before any work, naming the allowed values."""
    if name not in NAMES:
        raise ValueError(f"name={name!r} is not an embedded corpus; allowed: {', '.join(NAMES)}")
    if size not in SIZES:
        raise ValueError(f"size={size!r} is not allowed; use one of {', '.join(SIZES)}")
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r} must be a non-negative integer")
    if name == "trump-market" and not (isinstance(interval, (int, np.integer)) and 1 <= interval <= MAX_INTERVAL):
        raise ValueError(f"interval={interval!r} minutes is not allowed; use 1 to {MAX_INTERVAL}")


def _seeds(name: str, seed: int) -> list[np.random.SeedSequence]:
    """Independent streams for the vocabulary, the labelled rows and the unlabelled texts.

    Separate streams keep the labelled rows unchanged when the unlabelled count
    changes; crc32 (unlike ``hash``) names the dataset the same in every process.
    """
    return np.random.SeedSequence([seed, zlib.crc32(name.encode())]).spawn(3)


# --- cache ------------------------------------------------------------------------


def _cache_path(cache_dir: Path, name: str, seed: int, size: str, interval: int) -> Path:
    minutes = f"-{interval}min" if name == "trump-market" else ""
    return cache_dir / f"{name}{minutes}-seed{seed}-{size}-v{GENERATOR_VERSION}.json.gz"


def _save(corpus: Corpus, path: Path) -> None:
    """Write via a temporary file and a rename, so a reader never sees half a file."""
    as_list = lambda a: None if a is None else np.asarray(a).tolist()  # noqa: E731
    record = {
        "name": corpus.name,
        "texts": corpus.texts,
        "labels": as_list(corpus.labels),
        "class_names": list(corpus.class_names),
        "predefined": as_list(corpus.predefined),
        "groups": as_list(corpus.groups),
        "time_ordered": corpus.time_ordered,
        "provenance": corpus.provenance,
        "notes": corpus.notes,
        "unlabelled": corpus.unlabelled,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the cache from other users
        with os.fdopen(fd, "wb") as out:
            out.write(gzip.compress(json.dumps(record).encode("utf-8"), mtime=0))
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _load(path: Path) -> Corpus:
    record = json.loads(gzip.decompress(path.read_bytes()))
    as_array = lambda a, dtype: None if a is None else np.asarray(a, dtype=dtype)  # noqa: E731
    return Corpus(
        name=record["name"],
        texts=record["texts"],
        labels=as_array(record["labels"], np.int64),
        class_names=tuple(record["class_names"]),
        source="embedded",
        predefined=as_array(record["predefined"], str),
        groups=as_array(record["groups"], np.int64),
        time_ordered=record["time_ordered"],
        provenance=record["provenance"],
        notes=record["notes"],
        unlabelled=record["unlabelled"],
    )


# --- words and topics ----------------------------------------------------------------

_ONSETS = "b c d f g h j k l m n p r s t v w z br cr dr fl gr pl pr sh st th tr ch".split()
_VOWELS = "a e i o u ai ea ee oo ou".split()
# Open syllables are the commonest, hence the repeated empty coda.
_CODAS = ["", "", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "rt"]


def _pseudo_words(rng: Rng, n: int) -> list[str]:
    """``n`` distinct pronounceable non-words of one to three syllables."""
    real = _real_words()
    words: dict[str, None] = {}  # an ordered set, so the result depends only on rng
    while len(words) < n:
        syllables = rng.choice([1, 2, 3], size=n, p=[0.2, 0.55, 0.25])
        parts = [rng.integers(len(p), size=(n, 3)) for p in (_ONSETS, _VOWELS, _CODAS)]
        for i, k in enumerate(syllables):
            o, v, c = (p[i, :k] for p in parts)
            word = "".join(_ONSETS[a] + _VOWELS[b] + _CODAS[d] for a, b, d in zip(o, v, c))
            if word not in real:
                words.setdefault(word)
    return list(words)[:n]


def _real_words() -> set[str]:
    """Every real word the generators use; a pseudo-word equal to one ("never", "fun") would blur a story."""
    strings = [
        *_BBC_WORDS.values(), *_BBC_SHARED.values(), _BBC_FILLER,
        *(real for real, _, _ in _GROUPS.values()), *_POOLS.values(), _NEWSGROUPS_CHATTER,
        *(real for real, _, _ in _TRUMP_TOPICS.values()), _TRUMP_BACKGROUND, _CHAT, " ".join(ENTITIES),
    ]
    tuples = [_FUNCTION.words, POSITIVE, NEGATIVE, NEGATORS, MODIFIERS, _COPULAS, _NEUTRAL, *_CUES, _QUESTION, _CONTRAST]
    return {w.lower() for text in strings for w in text.split()} | {w for t in tuples for w in t}


class _Lexicon:
    """Hands out disjoint pools of pseudo-words, so topics share words only where a generator says so."""

    def __init__(self, rng: Rng, size: int) -> None:
        self._words = _pseudo_words(rng, size)
        self._next = 0

    def take(self, k: int, real: str = "") -> list[str]:
        """The real words, then ``k`` unused pseudo-words shortest first (frequent words are short)."""
        if self._next + k > len(self._words):
            raise RuntimeError(f"lexicon of {len(self._words)} pseudo-words exhausted; make it larger")
        pool = real.split() + sorted(self._words[self._next : self._next + k], key=len)
        self._next += k
        return pool


@dataclass(frozen=True)
class _Topic:
    """A distribution over words, sampled by inverting its cumulative sum."""

    words: np.ndarray
    cdf: np.ndarray

    @staticmethod
    def zipf(words: list[str], exponent: float = 1.0) -> _Topic:
        """Earlier words are more frequent, with the long tail of natural text."""
        weights = 1.0 / np.arange(2, len(words) + 2) ** exponent
        return _Topic(np.array(words, dtype=object), np.cumsum(weights / weights.sum()))

    @staticmethod
    def mix(parts: list[tuple[_Topic, float]]) -> _Topic:
        """The mixture that draws from each part with its weight."""
        total = sum(w for _, w in parts)
        probs = [np.diff(t.cdf, prepend=0.0) * w / total for t, w in parts]
        return _Topic(np.concatenate([t.words for t, _ in parts]), np.cumsum(np.concatenate(probs)))

    def sample(self, rng: Rng, n: int) -> np.ndarray:
        return self.words[np.searchsorted(self.cdf, rng.random(n) * self.cdf[-1], side="right")]


_FUNCTION = _Topic.zipf(
    "the of and to a in is that for it was on with as by at from he they this be are has "
    "have had or an will said its their which were".split()
)


def _prose(rng: Rng, content: np.ndarray) -> str:
    """Content words glued with function words and cut into sentences, to read like text."""
    n = len(content)
    glue = np.where(rng.random(n) < 0.45, _FUNCTION.sample(rng, n), "")
    content = np.where(rng.random(n) < 1 / 12, content + ".", content)
    tokens = np.empty(2 * n, dtype=object)
    tokens[0::2], tokens[1::2] = glue, content
    return " ".join(t for t in tokens if t)


def _lengths(rng: Rng, n: int, median: float, sigma: float, lo: int, hi: int) -> np.ndarray:
    """Content-word counts whose texts (with ~45% added function words) have this median length."""
    tokens = np.clip(median * np.exp(sigma * rng.standard_normal(n)), lo, hi)
    return np.maximum(1, np.round(tokens / 1.45)).astype(int)


def _mislabel(rng: Rng, labels: np.ndarray, n_classes: int, rate: float) -> np.ndarray:
    """Move a share ``rate`` of labels to another class, so no model can be perfect."""
    wrong = rng.random(len(labels)) < rate
    shift = rng.integers(1, n_classes, size=len(labels))
    return np.where(wrong, (labels + shift) % n_classes, labels).astype(np.int64)


def _drop_exact_duplicates(texts: list[str]) -> np.ndarray:
    """Row indices that keep the first copy of each text, as the real loaders do."""
    first: dict[str, int] = {}
    for i, text in enumerate(texts):
        first.setdefault(text, i)
    return np.array(sorted(first.values()))


# --- bbc -----------------------------------------------------------------------------

BBC_CLASSES = ("business", "entertainment", "politics", "sport", "tech")
_BBC_PRIOR = np.array([510, 386, 417, 511, 401]) / 2225  # real class counts
_BBC_WORDS = {
    "business": "market shares profit bank economy company sales growth firm prices investors oil",
    "entertainment": "film music band award actor album singer comedy festival chart show star",
    "politics": "labour minister election party tory government blair vote parliament mps campaign",
    "sport": "match cup win player coach season club injury champion team league game",
    "tech": "software users phone internet computer digital mobile network broadband online",
}
#: Pools two classes share; tech shares the most, as in the real data.
_BBC_SHARED = {
    ("business", "tech"): "firms market users digital services customers",
    ("business", "politics"): "economy tax budget rates",
    ("entertainment", "tech"): "games music online video",
    ("entertainment", "sport"): "star award fans",
}
_BBC_FILLER = "said year people new time last world week told"
_BBC_LENGTH = {"quick": (250, 0.3, 150, 400), "full": (340, 0.45, 90, 4400)}
_BBC_LEAD = 0.12  # share of the article that carries the decisive sentences
_BBC_DUPLICATES = 0.044  # the real share: 98 of 2225
_BBC_NOISE = 0.03


def _bbc(world: Rng, rows: Rng, unlabelled: Rng, n: int, n_unlabelled: int, size: str) -> dict:
    topics, filler = _bbc_topics(world)
    n_unique = n - round(n * _BBC_DUPLICATES)
    labels = rows.choice(len(BBC_CLASSES), size=n_unique, p=_BBC_PRIOR)
    texts = _bbc_articles(rows, topics, filler, labels, size)
    labels = _mislabel(rows, labels, len(BBC_CLASSES), _BBC_NOISE)
    copies = rows.choice(n_unique, size=n - n_unique, replace=False)  # same text, same class
    texts, labels = texts + [texts[i] for i in copies], np.concatenate([labels, labels[copies]])
    keep = _drop_exact_duplicates(texts)
    extra = unlabelled.choice(len(BBC_CLASSES), size=n_unlabelled, p=_BBC_PRIOR)
    return {
        "texts": [texts[i] for i in keep],
        "labels": labels[keep],
        "class_names": BBC_CLASSES,
        "notes": {"duplicates_removed": len(texts) - len(keep), "label_noise": _BBC_NOISE},
        "unlabelled": _bbc_articles(unlabelled, topics, filler, extra, size),
    }


def _bbc_articles(rng: Rng, topics: list[_Topic], filler: _Topic, labels: np.ndarray, size: str) -> list[str]:
    lengths = _lengths(rng, len(labels), *_BBC_LENGTH[size])
    return [_bbc_article(rng, topics, filler, y, k) for y, k in zip(labels, lengths)]


def _bbc_topics(rng: Rng) -> tuple[list[_Topic], _Topic]:
    """One topic per class (own words plus shared pools) and the filler every article uses."""
    lexicon = _Lexicon(rng, 5000)
    filler = _Topic.zipf(lexicon.take(3000, _BBC_FILLER))
    shared = {pair: _Topic.zipf(lexicon.take(100, real)) for pair, real in _BBC_SHARED.items()}
    topics = []
    for name in BBC_CLASSES:
        own = _Topic.zipf(lexicon.take(250, _BBC_WORDS[name]))
        mine = [topic for pair, topic in shared.items() if name in pair]
        topics.append(_Topic.mix([(own, 0.6)] + [(t, 0.4 / len(mine)) for t in mine]))
    return topics, filler


def _bbc_article(rng: Rng, topics: list[_Topic], filler: _Topic, label: int, n: int) -> str:
    """Decisive words dense in the lead and sparse later, where another topic also appears."""
    other = (label + rng.integers(1, len(topics))) % len(topics)
    lead = np.arange(n) < max(8, round(n * _BBC_LEAD))
    p_own = np.where(lead, 0.5, 0.03)
    p_other = np.where(lead, 0.0, 0.03)
    u = rng.random(n)
    own, foreign = u < p_own, (u >= p_own) & (u < p_own + p_other)
    words = filler.sample(rng, n)
    words[own] = topics[label].sample(rng, own.sum())
    words[foreign] = topics[other].sample(rng, foreign.sum())
    return _prose(rng, words)


# --- 20newsgroups --------------------------------------------------------------------

#: Each group's own real words, the pools it shares with its hierarchy, and its real
#: "bydate" training count (used as class weight).
_GROUPS = {
    "alt.atheism": ("atheism god belief morality evidence", ("religion",), 480),
    "comp.graphics": ("image graphics pixel render jpeg", ("comp",), 584),
    "comp.os.ms-windows.misc": ("windows dos driver win", ("comp", "windows"), 591),
    "comp.sys.ibm.pc.hardware": ("ide scsi controller motherboard bios", ("comp", "hardware"), 590),
    "comp.sys.mac.hardware": ("mac apple quadra powerbook monitor", ("comp", "hardware"), 578),
    "comp.windows.x": ("xterm motif widget server display", ("comp", "windows"), 593),
    "misc.forsale": ("sale offer shipping price condition", ("hardware", "vehicles"), 585),
    "rec.autos": ("car engine dealer ford tires", ("rec", "vehicles"), 594),
    "rec.motorcycles": ("bike ride helmet dod riding", ("rec", "vehicles"), 598),
    "rec.sport.baseball": ("baseball pitcher inning runs hitter", ("rec", "sport"), 597),
    "rec.sport.hockey": ("hockey nhl goal playoffs puck", ("rec", "sport"), 600),
    "sci.crypt": ("encryption key clipper nsa privacy", ("sci",), 595),
    "sci.electronics": ("circuit voltage amp resistor battery", ("sci", "hardware"), 591),
    "sci.med": ("doctor disease patients treatment medical", ("sci",), 594),
    "sci.space": ("space nasa orbit launch shuttle", ("sci",), 593),
    "soc.religion.christian": ("church jesus christ faith bible", ("religion",), 599),
    "talk.politics.guns": ("gun firearms weapons batf amendment", ("talk", "politics"), 546),
    "talk.politics.mideast": ("israel israeli arab armenian turkish", ("talk", "politics"), 564),
    "talk.politics.misc": ("tax clinton president congress", ("talk", "politics"), 465),
    "talk.religion.misc": ("religion moral koresh cult", ("talk", "religion"), 377),
}
NEWSGROUPS = tuple(sorted(_GROUPS))
_POOLS = {
    "comp": "computer software file program system",
    "hardware": "drive card memory board disk",
    "windows": "window application manager screen",
    "rec": "fun weekend club",
    "vehicles": "speed miles oil road",
    "sport": "team season game player league",
    "sci": "research science theory data",
    "politics": "government rights law state",
    "religion": "god believe faith truth",
    "talk": "people opinion question",
}
_NEWSGROUPS_PRIOR = np.array([_GROUPS[g][2] for g in NEWSGROUPS]) / 11314
_NEWSGROUPS_CHATTER = "writes article think know people like just does good time"
_NEWSGROUPS_TRAIN = 11314 / 18846  # the real split: train 11314 / test 7532
_NEWSGROUPS_LENGTH = {"quick": (90, 0.5, 40, 200), "full": (120, 0.8, 15, 3000)}
_NEWSGROUPS_TOPICAL = 0.13  # share of a post's content words that come from its group
_NEWSGROUPS_CROSSPOST = 0.08
_NEWSGROUPS_NOISE = 0.02


def _newsgroups(world: Rng, rows: Rng, unlabelled: Rng, n: int, n_unlabelled: int, size: str) -> dict:
    topics, chatter, neighbours = _newsgroup_topics(world)
    labels = _newsgroup_labels(rows, n)
    texts = _newsgroup_posts(rows, topics, chatter, neighbours, labels, _NEWSGROUPS_LENGTH[size])
    split = np.where(rows.permutation(n) < round(n * _NEWSGROUPS_TRAIN), "train", "test")
    extra = _newsgroup_labels(unlabelled, n_unlabelled)
    return {
        "texts": texts,
        "labels": _mislabel(rows, labels, len(NEWSGROUPS), _NEWSGROUPS_NOISE),
        "class_names": NEWSGROUPS,
        "predefined": split,
        "notes": {"label_noise": _NEWSGROUPS_NOISE, "crossposts": _NEWSGROUPS_CROSSPOST},
        "unlabelled": _newsgroup_posts(unlabelled, topics, chatter, neighbours, extra, _NEWSGROUPS_LENGTH[size]),
    }


def _newsgroup_labels(rng: Rng, n: int) -> np.ndarray:
    return rng.choice(len(NEWSGROUPS), size=n, p=_NEWSGROUPS_PRIOR)


def _newsgroup_topics(rng: Rng) -> tuple[list[_Topic], _Topic, list[np.ndarray]]:
    """Group topics (own words half, hierarchy pools half), the chatter, and each group's neighbours."""
    lexicon = _Lexicon(rng, 8000)
    chatter = _Topic.zipf(lexicon.take(3000, _NEWSGROUPS_CHATTER))
    pools = {name: _Topic.zipf(lexicon.take(150, real)) for name, real in _POOLS.items()}
    topics, neighbours = [], []
    for group in NEWSGROUPS:
        real, shared, _ = _GROUPS[group]
        own = _Topic.zipf(lexicon.take(120, real))
        topics.append(_Topic.mix([(own, 0.5)] + [(pools[p], 0.5 / len(shared)) for p in shared]))
        close = [i for i, g in enumerate(NEWSGROUPS) if g != group and set(_GROUPS[g][1]) & set(shared)]
        neighbours.append(np.array(close))
    return topics, chatter, neighbours


def _newsgroup_posts(
    rng: Rng, topics: list[_Topic], chatter: _Topic, neighbours: list[np.ndarray], labels: np.ndarray, length: tuple
) -> list[str]:
    """Topical words spread evenly through chatter; a cross-post takes half of them from a neighbour."""
    posts = []
    for label, n in zip(labels, _lengths(rng, len(labels), *length)):
        words = chatter.sample(rng, n)
        topical = np.flatnonzero(rng.random(n) < _NEWSGROUPS_TOPICAL)
        words[topical] = topics[label].sample(rng, len(topical))
        if rng.random() < _NEWSGROUPS_CROSSPOST:
            half = topical[rng.random(len(topical)) < 0.5]
            words[half] = topics[rng.choice(neighbours[label])].sample(rng, len(half))
        posts.append(_prose(rng, words))
    return posts


# --- twitter-sentiment ---------------------------------------------------------------

_TWITTER_PRIOR = np.array([22542, 18318, 20832]) / 61692  # real counts without "Irrelevant"
ENTITIES = (
    "Borderlands Xbox PlayStation5 Nvidia Fortnite Overwatch Amazon Facebook Google Verizon "
    "FIFA CallOfDuty Microsoft Dota2 ApexLegends HomeDepot"
).split()
POSITIVE = tuple("good great love awesome amazing fun best".split())
NEGATIVE = tuple("bad terrible hate awful broken worst boring".split())
NEGATORS = tuple("not never hardly isnt".split())
MODIFIERS = tuple("really so that very too super even".split())
_COPULAS = tuple("is was looks feels seems".split())
_NEUTRAL = tuple("update patch stream today tonight playing watching new release trailer news event live".split())
#: Weak lexical hints per class (Negative, Neutral, Positive), as real tweets have.
_CUES = (
    ("ugh", "fix", "wtf", "refund", "why"),
    ("via", "watch", "link", "join", "check"),
    ("lol", "thanks", "yay", "wow", "finally"),
)
_QUESTION = ("anyone", "know", "if", "it")
_CONTRAST = ("was", "but", "now", "its")  # "was <unsaid> but now its <said>"
_CHAT = "i my the just got this with for and you game time get play me on"
#: How a polar base tweet carries its label: plainly, through negation, or after "but".
_FRAMES = {"plain": 0.65, "negated": 0.20, "contrast": 0.15}
_TWITTER_NOISE = 0.05


def _twitter(world: Rng, rows: Rng, unlabelled: Rng, n: int, n_unlabelled: int) -> dict:
    chat, jargon, leaning = _twitter_topics(world)
    texts, labels, copies = [], [], []
    while len(texts) < n:
        entity = rows.integers(len(ENTITIES))
        label = rows.choice(3, p=leaning[entity])
        tokens, roles = _tweet(rows, chat, jargon[entity], ENTITIES[entity], label)
        k = min(n - len(texts), _pick(rows, (5, 6, 6, 6, 7)))
        texts += [" ".join(tokens)] + [_paraphrase(rows, chat, tokens, roles) for _ in range(k - 1)]
        labels.append(label)
        copies.append(k)
    extra = []
    for entity in unlabelled.integers(len(ENTITIES), size=n_unlabelled):
        label = unlabelled.choice(3, p=leaning[entity])
        extra.append(" ".join(_tweet(unlabelled, chat, jargon[entity], ENTITIES[entity], label)[0]))
    return {
        "texts": texts,
        "labels": np.repeat(_mislabel(rows, np.array(labels), 3, _TWITTER_NOISE), copies),
        "class_names": TWITTER_CLASSES,
        "groups": np.repeat(np.arange(1, len(copies) + 1), copies),
        "notes": {"label_noise": _TWITTER_NOISE, "frames": _FRAMES, "entities": list(ENTITIES)},
        "unlabelled": extra,
    }


def _twitter_topics(rng: Rng) -> tuple[_Topic, list[_Topic], np.ndarray]:
    """Chat words, each entity's jargon, and each entity's leaning (class probabilities)."""
    lexicon = _Lexicon(rng, 4000)
    chat = _Topic.zipf(lexicon.take(1500, _CHAT))
    jargon = [_Topic.zipf(lexicon.take(40)) for _ in ENTITIES]
    leaning = _TWITTER_PRIOR * np.exp(0.4 * rng.standard_normal((len(ENTITIES), 3)))
    return chat, jargon, leaning / leaning.sum(axis=1, keepdims=True)


def _tweet(rng: Rng, chat: _Topic, jargon: _Topic, entity: str, label: int) -> tuple[list[str], list[str]]:
    """A base tweet as tokens and their roles; the roles say what a paraphrase may change."""
    frame, frame_roles = _frame(rng, label)
    before, after = _filler(rng, chat, jargon), _filler(rng, chat, jargon)
    if rng.random() < 0.6:
        hint = label if rng.random() < 0.75 else (label + rng.integers(1, 3)) % 3
        after.append(_pick(rng, _CUES[hint]))
    tokens = before + [_pick(rng, ("", "@")) + entity] + frame + after
    return tokens, ["filler"] * len(before) + ["entity"] + frame_roles + ["filler"] * len(after)


def _filler(rng: Rng, chat: _Topic, jargon: _Topic) -> list[str]:
    """Chat and the entity's jargon; its rare words make each base tweet recognisable."""
    k = rng.integers(2, 10)
    return list(np.where(rng.random(k) < 0.3, jargon.sample(rng, k), chat.sample(rng, k)))


def _frame(rng: Rng, label: int) -> tuple[list[str], list[str]]:
    """The clause that carries the label: negation flips a word's polarity, "but" overrides."""
    if label == 1 and rng.random() < 0.25:  # a question names a sentiment word but takes no side
        tokens = [*_QUESTION, _pick(rng, _COPULAS), _pick(rng, POSITIVE + NEGATIVE)]
        return tokens, ["frame"] * (len(tokens) - 1) + ["sentiment"]
    if label == 1:
        words = [_pick(rng, _NEUTRAL) for _ in range(rng.integers(2, 5))]
        return [_pick(rng, _COPULAS)] + words, ["frame"] * (len(words) + 1)
    said, unsaid = (POSITIVE, NEGATIVE) if label == 2 else (NEGATIVE, POSITIVE)
    kind = rng.choice(list(_FRAMES), p=list(_FRAMES.values()))
    mod = [_pick(rng, MODIFIERS)] if rng.random() < 0.5 else []
    if kind == "plain":
        return [_pick(rng, _COPULAS)] + mod + [_pick(rng, said)], ["frame"] + ["mod"] * len(mod) + ["sentiment"]
    if kind == "negated":
        tokens = [_pick(rng, _COPULAS), _pick(rng, NEGATORS)] + mod + [_pick(rng, unsaid)]
        return tokens, ["frame", "negator"] + ["mod"] * len(mod) + ["sentiment"]
    tokens = [_CONTRAST[0], _pick(rng, unsaid), *_CONTRAST[1:]] + mod + [_pick(rng, said)]
    return tokens, ["frame", "sentiment", "frame", "frame", "frame"] + ["mod"] * len(mod) + ["sentiment"]


def _paraphrase(rng: Rng, chat: _Topic, tokens: list[str], roles: list[str]) -> str:
    """One to three edits that keep the label: a synonym swap, a dropped or added word, a typo."""
    tokens, roles = list(tokens), list(roles)
    for _ in range(1 + min(2, rng.poisson(0.8))):
        edit = rng.integers(4)
        filler = [i for i, r in enumerate(roles) if r == "filler"]
        swappable = [i for i, r in enumerate(roles) if r in ("sentiment", "negator", "mod")]
        if edit == 0 and swappable:
            i = _pick(rng, swappable)
            tokens[i] = _pick(rng, _synonyms(tokens[i]))
        elif edit == 1 and len(filler) > 1:
            i = _pick(rng, filler)
            del tokens[i], roles[i]
        elif edit == 2:
            i = _pick(rng, [0, len(tokens)])
            tokens.insert(i, chat.sample(rng, 1)[0])
            roles.insert(i, "filler")
        elif filler:
            i = _pick(rng, filler)
            tokens[i] = _typo(rng, tokens[i])
    return " ".join(tokens)


def _synonyms(word: str) -> tuple[str, ...]:
    """Words that may replace ``word`` without changing the label."""
    return next(group for group in (POSITIVE, NEGATIVE, NEGATORS, MODIFIERS) if word in group)


def _typo(rng: Rng, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.integers(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _pick(rng: Rng, options: Sequence[T]) -> T:
    """One element of a sequence (``rng.choice`` would turn strings into numpy strings)."""
    return options[rng.integers(len(options))]


# --- trump-market --------------------------------------------------------------------

#: Topic words, the direction a tweet on the topic pushes the index, and the topic's share of tweets.
_TRUMP_TOPICS = {
    "tariffs": ("china tariffs billion dollars trade products pay beijing tariff", -1.0, 0.14),
    "deal": ("deal trade china agreement talks progress signed phase", 1.0, 0.08),
    "fed": ("fed rates interest powell cut dollar federal reserve", 0.5, 0.05),
    "economy": ("stock market record jobs economy high unemployment numbers", 0.3, 0.08),
    "politics": ("democrats impeachment hoax witch hunt mueller fake news media radical left", 0.0, 0.33),
    "border": ("border wall immigration mexico security crime illegal", 0.0, 0.12),
    "rally": ("thank great maga rally crowd america tonight", 0.0, 0.20),
}
_TRUMP_DIRECTION = np.array([direction for _, direction, _ in _TRUMP_TOPICS.values()])
_TRUMP_SHARE = np.array([share for _, _, share in _TRUMP_TOPICS.values()])
_TRUMP_BACKGROUND = "people country president big today new many never going years"
_TRUMP_PUSH = 4.5  # a topic tweet moves the odds of "up" from ~0.53 to ~0.7 or ~0.3
_TRUMP_DRIFT = 0.02  # mean trend per minute; makes "up" the majority, more so for long N
_TRUMP_LAG = 15  # minutes until half of a tweet's push has reached the index


def _trump_market(world: Rng, rows: Rng, unlabelled: Rng, n: int, n_unlabelled: int, interval: int) -> dict:
    topics, background = _trump_topics(world)
    topic = rows.choice(len(topics), size=n, p=_TRUMP_SHARE)
    texts = _trump_tweets(rows, topics, background, topic)
    moves = _index_moves(rows, _TRUMP_DIRECTION[topic] * _TRUMP_PUSH * rows.uniform(0.5, 1.5, n))
    extra = unlabelled.choice(len(topics), size=n_unlabelled, p=_TRUMP_SHARE)
    labels = (moves[:, interval - 1] > 0).astype(np.int64)
    return {
        "texts": texts,
        "labels": labels,
        "class_names": TRUMP_CLASSES,
        "time_ordered": True,
        "notes": {"interval_minutes": interval, **_trump_planted(topic, labels)},
        "unlabelled": _trump_tweets(unlabelled, topics, background, extra),
    }


def _trump_planted(topic: np.ndarray, labels: np.ndarray) -> dict:
    """What the generator planted, so a report can say whether a model found it: the share of tweets on a
    topic that moves the index, and the accuracy of a rule that knows each tweet's topic and predicts its
    topic's more frequent move (in-sample, so a ceiling for text models, not a score), beside the majority
    class of the same rows."""
    hits = sum(max(np.sum(labels[topic == t]), np.sum(1 - labels[topic == t])) for t in np.unique(topic))
    return {"moving_topic_share": float(np.mean(_TRUMP_DIRECTION[topic] != 0)),
            "topic_rule_accuracy": float(hits / len(labels)),
            "majority_accuracy": float(max(labels.mean(), 1 - labels.mean()))}


def _trump_topics(rng: Rng) -> tuple[list[_Topic], _Topic]:
    lexicon = _Lexicon(rng, 2500)
    background = _Topic.zipf(lexicon.take(1500, _TRUMP_BACKGROUND))
    return [_Topic.zipf(lexicon.take(80, real)) for real, _, _ in _TRUMP_TOPICS.values()], background


def _trump_tweets(rng: Rng, topics: list[_Topic], background: _Topic, topic: np.ndarray) -> list[str]:
    """Cleaned tweets (lower case, no stop words), median 11 words like the real ``texts``."""
    lengths = np.clip(np.round(11 * np.exp(0.6 * rng.standard_normal(len(topic)))), 2, 45).astype(int)
    tweets = []
    for t, n in zip(topic, lengths):
        words = background.sample(rng, n)
        on_topic = rng.random(n) < 0.6
        words[on_topic] = topics[t].sample(rng, on_topic.sum())
        tweets.append(" ".join(words))
    return tweets


def _index_moves(rng: Rng, push: np.ndarray) -> np.ndarray:
    """Index change 1..MAX_INTERVAL minutes after each tweet (rows: tweets in time order).

    A random walk with a trend that drifts slowly over time, plus each tweet's push,
    which arrives gradually. Every interval reads the same walk, so the labels of
    nearby intervals agree as they do in the real data.
    """
    n = len(push)
    minutes = np.arange(1, MAX_INTERVAL + 1)
    regime = np.zeros(n)
    shocks = rng.standard_normal(n)
    for t in range(1, n):  # AR(1) with unit variance: the trend wanders over weeks, not minutes
        regime[t] = 0.995 * regime[t - 1] + 0.1 * shocks[t]
    trend = _TRUMP_DRIFT * (1 + 0.5 * regime)
    walk = np.cumsum(rng.standard_normal((n, MAX_INTERVAL)), axis=1)
    return trend[:, None] * minutes + push[:, None] * minutes / (minutes + _TRUMP_LAG) + walk
