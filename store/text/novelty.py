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
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass

from storywatch.store.text.dedup import fold
from storywatch.store.text.relevance import GENERIC_WORDS, STOPWORDS, _snowball

MIN_NEW_WEIGHT = 3.0  # one new number, a new name and a word, or three new words
MIN_NEW_SHARE = 0.25  # ... and this share of the sentence's weight
NUMBER_WEIGHT = 3.0
NAME_WEIGHT = 2.0
WORD_WEIGHT = 1.0
MIN_SENTENCE_UNITS = 2  # fewer content units than this: a fragment ("Watch:"), never new
MAX_SENTENCE = 600  # characters: a longer "sentence" is a list or a table, cut there

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

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof gen lt col maj capt cpt sgt adm cmdr gov sen rep reps sens pres supt
    insp det st jr sr no nos vs etc inc ltd corp co bros dept est fig approx
    jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u d.c a.m p.m u.s.a i.e e.g""".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9¿¡]")
# "MEXICO CITY (Reuters) -", "WASHINGTON —", "CULIACÁN, Mexico, Jan 5 (AP) --": where a wire
# report's text begins.
_DATELINE = re.compile(
    r"^\s*[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{1,40}(?:,\s*[A-Za-zÀ-ÿ .'’]{2,30}){0,2}(?:,?\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^()\n]{1,40}\))?\s*(?:--|[-–—])\s+"
)
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


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of a news text is, as (start, end) offsets, spaces trimmed.

    A full stop ends a sentence only before a capital, a digit or an opening quote, and not
    after an abbreviation ("Gen.", "Jan.", "U.S."), an initial ("J. Smith") or a number; a
    wire dateline ("MEXICO CITY (Reuters) -") is not part of the first sentence; a blank line
    always ends one (a paragraph, a headline over its text)."""
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text or ""):
        start = para_start
        dateline = _DATELINE.match(text, para_start, para_end) if para_start == _first_text(text) else None
        if dateline and dateline.end() < para_end:
            start = dateline.end()
        for match in _SENTENCE_END.finditer(text, start, para_end):
            end = match.end()
            if end < para_end and not _NEXT_START.match(text, end, para_end):
                continue
            if match.group().startswith(".") and _abbreviation_before(text, start, match.start()):
                continue
            _add(spans, text, start, end)
            start = end
        _add(spans, text, start, para_end)
    return spans


def _first_text(text: str) -> int:
    return len(text) - len(text.lstrip())


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"\n\s*\n|\r\n\s*\r\n", text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def _abbreviation_before(text: str, start: int, dot: int) -> bool:
    """Whether the word ending at `dot` is an abbreviation or an initial, not a sentence's end."""
    word_start = dot
    while word_start > start and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“'":
        word_start -= 1
    word = text[word_start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in ABBREVIATIONS or word.rstrip(".") in ABBREVIATIONS


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:  # no full stop for pages: cut at a space
        cut = text.rfind(" ", start, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        spans.append((start, cut))
        start = cut + 1
    if end > start:
        spans.append((start, end))


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
    tokens = _TOKEN.findall(_US.sub(" usa ", sentence))
    words = [t for t in tokens if not t[0].isdigit() and fold(t) not in STOPWORDS]
    # In a headline's Title Case or in capitals, a capital says nothing about a name.
    cased = sum(t[0].isupper() for t in words) <= 0.6 * len(words)
    for position, token in enumerate(tokens):
        if token[0].isdigit():
            number = token.replace(",", "").rstrip(".")
            if len(number) == 4 and number.startswith(("19", "20")):  # a year: a date, not a count
                continue
            if position and tokens[position - 1].lower() in LABELS:  # "Update 2", "Part 3": a label
                continue
            key, kind, weight = "#" + number, "number", NUMBER_WEIGHT
        else:
            word = fold(_POSSESSIVE.sub("", token)).replace("’", "'")
            if word in NUMBER_WORDS and word not in ("one", "zero"):  # "one of them" is no count
                hashed = zlib.crc32(("#" + NUMBER_WORDS[word]).encode())
                found[hashed] = Unit(hashed, NUMBER_WEIGHT, "number")
                continue
            if word in _IGNORED or len(word) < 2:
                continue
            stem = _snowball(word.replace(".", ""))
            if stem in _IGNORED:
                continue
            name = cased and position > 0 and token[0].isupper()
            key, kind, weight = stem, "name" if name else "word", NAME_WEIGHT if name else WORD_WEIGHT
        hashed = zlib.crc32(key.encode())
        if hashed not in found or found[hashed].weight < weight:
            found[hashed] = Unit(hashed, weight, kind)
    return list(found.values())


def text_units(text: str) -> frozenset[int]:
    """Every unit of a text: what a report adds to what the story knows."""
    return frozenset(u.key for start, end in sentences(text) for u in units(text[start:end]))


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


def novel_sentences(text: str, known: Container[int], learned: set[int] | None = None) -> list[tuple[int, int, float]]:
    """The sentences of `text` that say something not in `known`, as (start, end, score).

    A fact the text repeats (a summary's lead again in the body) is new once: each sentence's
    units count as known for the sentences after it. They are added to `learned`, when given,
    which is how a caller passes them on to the next field of the same report."""
    learned = set() if learned is None else learned
    found = []
    for start, end in sentences(text):
        sentence_units = units(text[start:end])
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
