"""What a report adds to the story: its sentences that say something the story did not know.

Pure functions, no I/O: `storywatch.store.novelty` stores what they find and what is known.

What the story knows is a set of *units*: the Snowball stems of content words, numbers and
names, each hashed to an integer. Function words, newsroom boilerplate ("said", "officials")
and the words common in any news text (`relevance.GENERIC_WORDS`) are no units: they say
nothing about what happened. A sentence's units are compared with the known set as a bag, so
a rewrite of a known report (same facts, the words in another order, other inflections) adds
nothing, while one new number or name (a death toll, a town, a person) marks its sentence.

A sentence is new when its new units weigh at least `MIN_NEW_WEIGHT` (a number weighs 3, a
name 2, a content word 1) and make up at least `MIN_NEW_SHARE` of its weight, or when it
brings a new number or at least two new names whatever its length (a long sentence with one
new toll is still news). Synonyms are the weak spot: "gangs" for "cartels" is a new unit.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Container, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from storywatch.store.text.dedup import fold
from storywatch.store.text.relevance import GENERIC_WORDS, STOPWORDS, _snowball
from storywatch.store.text.sentences import sentences

MIN_NEW_WEIGHT = 3.0  # one new number, a new name and a word, or three new words
MIN_NEW_SHARE = 0.25  # ... and this share of the sentence's weight
NUMBER_WEIGHT = 3.0
NAME_WEIGHT = 2.0
WORD_WEIGHT = 1.0
MIN_SENTENCE_UNITS = 2  # fewer content units than this: a fragment ("Watch:"), never new

# Words that report the telling, not the facts: any outlet's version of any story has them.
TELLING = frozenset(
    """accord according add added adds also announc announce announced another around ask asked
    comment comments confirm confirmed describ describe described despite did disclos
    disclosed explain explained familiar however including indicat indicated matter new news
    noted official officials outlet person people peopl per person persons publish published
    recent recently report reported reporter reporters reporting reports respond responded
    said say saying says sourc source sources speak speaking spokesman spokeswoman spokesperson
    statement stated stating story tell telling told updat update updated week wrote""".split()
)
_IGNORED = STOPWORDS | GENERIC_WORDS | TELLING

LABELS = frozenset("update updates part no episode chapter day week vol volume page".split())
# Counts written out are the same counts as digits: "fourteen killed" repeats "14 killed".
NUMBER_WORDS = {
    word: str(n)
    for n, word in enumerate(
        """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
        fifteen sixteen seventeen eighteen nineteen twenty""".split()
    )
} | {"dozen": "12", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[^\W\d_]+(?:['’.-][^\W\d_]+)*", re.UNICODE)
_US = re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@dataclass(frozen=True)
class Unit:
    """One thing a sentence says: a content word's stem, a number or a name, hashed."""

    key: int
    weight: float
    kind: str  # 'word' | 'name' | 'number'


def units(sentence: str) -> list[Unit]:
    """The content units of one sentence, each once: numbers, names (capitalised words after
    the first word), the stems of the other content words. Case and accents aside, "Culiacán"
    and "CULIACAN" are one unit; "U.S." is "usa"."""
    found: dict[int, Unit] = {}
    tokens = _TOKEN.findall(_US.sub(" usa ", sentence) if "US" in sentence or "U.S" in sentence else sentence)
    read = [_TOKENS.get(t) or _read_token(t) for t in tokens]
    # In a headline's Title Case or in capitals, a capital says nothing about a name.
    words = [r for r in read if r.counts]
    cased = sum(r.capital for r in words) <= 0.6 * len(words)
    for position, (token, reading) in enumerate(zip(tokens, read)):
        unit = reading.unit
        if unit is None:
            continue
        if reading.number:
            if position and tokens[position - 1].lower() in LABELS:  # "Update 2", "Part 3": a label
                continue
        elif reading.name is not None and cased and position > 0:
            unit = reading.name
        hashed = unit.key
        if hashed not in found or found[hashed].weight < unit.weight:
            found[hashed] = unit
    return list(found.values())


class _Token(NamedTuple):
    """What `units` reads from one token whatever its place: the unit it is (None: no unit),
    and what its place may change (a label's number, a capital's name)."""

    unit: Unit | None
    number: bool  # a number in digits: no unit after a label ("Part 3")
    name: Unit | None  # the unit as a name, when a capital after the first word makes it one
    counts: bool  # a word, not a stopword: it takes part in the sentence's share of capitals
    capital: bool


# Each token's reading, cached: the same few thousand words make up every report. The cache
# starts over past `_TOKEN_CACHE` (names, numbers, typos).
_TOKENS: dict[str, _Token] = {}
_TOKEN_CACHE = 100_000


def _read_token(token: str) -> _Token:
    if len(_TOKENS) >= _TOKEN_CACHE:
        _TOKENS.clear()
    reading = _TOKENS[token] = _reading(token)
    return reading


def _reading(token: str) -> _Token:
    if token[0].isdigit():
        number = token.replace(",", "").rstrip(".")
        if len(number) == 4 and number.startswith(("19", "20")):  # a year: a date, not a count
            return _Token(None, True, None, False, False)
        return _Token(_unit("#" + number, NUMBER_WEIGHT, "number"), True, None, False, False)
    counts, capital = fold(token) not in STOPWORDS, token[0].isupper()
    word = fold(_POSSESSIVE.sub("", token)).replace("’", "'")
    if word in NUMBER_WORDS and word not in ("one", "zero"):  # "one of them" is no count
        return _Token(_unit("#" + NUMBER_WORDS[word], NUMBER_WEIGHT, "number"), False, None, counts, capital)
    if word in _IGNORED or len(word) < 2:
        return _Token(None, False, None, counts, capital)
    stem = _snowball(word.replace(".", ""))
    if stem in _IGNORED:
        return _Token(None, False, None, counts, capital)
    name = _unit(stem, NAME_WEIGHT, "name") if capital else None
    return _Token(_unit(stem, WORD_WEIGHT, "word"), False, name, counts, capital)


def _unit(key: str, weight: float, kind: str) -> Unit:
    return Unit(zlib.crc32(key.encode()), weight, kind)


def read_sentences(text: str) -> list[tuple[int, int, list[Unit]]]:
    """Each sentence of a text, (start, end, its units): read once, for `text_units` and
    `novel_sentences` both."""
    return [(start, end, units(text[start:end])) for start, end in sentences(text)]


def text_units(text: str, read: list[tuple[int, int, list[Unit]]] | None = None) -> frozenset[int]:
    """Every unit of a text: what a report adds to what the story knows. `read` is the text's
    `read_sentences`, when the caller has it."""
    read = read_sentences(text) if read is None else read
    return frozenset(u.key for _, _, sentence_units in read for u in sentence_units)


@dataclass(frozen=True)
class Verdict:
    """How much of a sentence is new: the share of its weight, and whether that makes it news."""

    score: float
    new: bool


def judge(sentence_units: list[Unit], known: Container[int]) -> Verdict:
    """Whether a sentence with these units says something `known` does not hold."""
    total = sum(u.weight for u in sentence_units)
    if len(sentence_units) < MIN_SENTENCE_UNITS or total == 0:
        return Verdict(0.0, False)
    fresh = [u for u in sentence_units if u.key not in known]
    weight = sum(u.weight for u in fresh)
    share = weight / total
    hard = any(u.kind == "number" for u in fresh) or sum(u.kind == "name" for u in fresh) >= 2
    new = weight >= MIN_NEW_WEIGHT and (share >= MIN_NEW_SHARE or hard)
    return Verdict(round(share, 3), new)


def novel_sentences(
    text: str, known: Container[int], learned: set[int] | None = None,
    read: list[tuple[int, int, list[Unit]]] | None = None,
) -> list[tuple[int, int, float]]:
    """The sentences of `text` that say something not in `known`, as (start, end, score).

    A fact the text repeats (a summary's lead again in the body) is new once: each sentence's
    units count as known for the sentences after it. They are added to `learned`, when given,
    which is how a caller passes them on to the next field of the same report. `read` is the
    text's `read_sentences`, when the caller has it."""
    learned = set() if learned is None else learned
    found = []
    for start, end, sentence_units in read_sentences(text) if read is None else read:
        verdict = judge(sentence_units, _Both(known, learned))
        if verdict.new:
            found.append((start, end, verdict.score))
        learned.update(u.key for u in sentence_units)
    return found


def article_fields(title: str, summary: str, body: str) -> Iterable[tuple[str, str]]:
    """The fields of a report in reading order; a summary that is the body's start is read once."""
    yield "title", title or ""
    if summary and not (body and body.startswith(summary[:200])):
        yield "summary", summary
    if body:
        yield "body", body


@dataclass(frozen=True)
class _Both:
    """Known to the story or learned from this report: membership in either set."""

    known: Container[int]
    learned: set[int]

    def __contains__(self, key: object) -> bool:
        return key in self.learned or key in self.known
