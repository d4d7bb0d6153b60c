"""Where the sentences of a news text are: pure, no I/O.

Shared by novelty (a report's new sentences) and relevance (a report's first sentence, where it
says what it is about).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_SENTENCE = 600  # characters: a longer "sentence" is a list or a table, cut there

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


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of a news text is, as (start, end) offsets, spaces trimmed.

    A full stop ends a sentence only before a capital, a digit or an opening quote, and not
    after an abbreviation ("Gen.", "Jan.", "U.S."), an initial ("J. Smith") or a number; a
    wire dateline ("MEXICO CITY (Reuters) -") is not part of the first sentence; a blank line
    always ends one (a paragraph, a headline over its text)."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[tuple[int, int]]:
    """`sentences` one at a time, for a caller that wants only the first few (a report's lede)
    and should not pay for splitting the whole text."""
    text = text or ""
    for para_start, para_end in _paragraphs(text):
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
            yield from _spans(text, start, end)
            start = end
        yield from _spans(text, start, para_end)


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


def _spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The sentence from `start` to `end`, spaces trimmed; none if blank, several if too long."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE:  # no full stop for pages: cut at a space
        cut = text.rfind(" ", start, start + MAX_SENTENCE)
        cut = cut if cut > start else start + MAX_SENTENCE
        yield start, cut
        start = cut + 1
    if end > start:
        yield start, end
