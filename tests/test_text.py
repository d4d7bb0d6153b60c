"""Untrusted text made safe to keep and show."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from storywatch.store.text.clean import (
    _ESCAPES,
    _INVISIBLE,
    _SPACES,
    INVISIBLE_CATEGORIES,
    clean_block,
    clean_line,
    content_hash,
    strip_controls,
)


def test_escape_sequences_are_removed_whole():
    assert strip_controls("\x1b[31mred\x1b[0m \x1b]0;title\x07done \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == "red done link"


def test_the_regex_removes_exactly_the_invisible_categories():
    kept_visible = [
        cp for cp in range(sys.maxunicode + 1)
        if chr(cp) not in "\n\t\x1b\x9b" and strip_controls(chr(cp)) == "" and unicodedata.category(chr(cp)) not in INVISIBLE_CATEGORIES
    ]
    assert kept_visible == [], "the regex removes visible characters"
    if unicodedata.unidata_version == "14.0.0":  # the table was made from Unicode 14
        missed = [
            cp for cp in range(sys.maxunicode + 1)
            if chr(cp) not in "\n\t" and unicodedata.category(chr(cp)) in INVISIBLE_CATEGORIES and strip_controls(chr(cp))
        ]
        assert missed == []


def test_every_character_the_patterns_remove_is_unprintable():
    """What lets `strip_controls` hand back a text printable but for newlines and tabs untouched."""
    printable_yet_removed = [
        cp for cp in range(sys.maxunicode + 1)
        if chr(cp).isprintable() and (_INVISIBLE.match(chr(cp)) or _ESCAPES.match(chr(cp) + "[0m") or _ESCAPES.match(chr(cp) + "]0;x\x07"))
    ]
    assert printable_yet_removed == []


@given(st.text() | st.lists(st.sampled_from(["a", " ", "\n", "\t", "\r", "é", "\x1b[31m", "\x1b]0;t\x07", "\x9b2J", "\u200b", "\x00"])).map("".join))
def test_strip_controls_is_the_two_patterns_applied(text):
    assert strip_controls(text) == _INVISIBLE.sub("", _ESCAPES.sub("", text))


def test_str_split_splits_where_the_space_pattern_matches():
    """What lets whitespace be folded with `str.split()`: the same characters as `\\s`."""
    assert [cp for cp in range(sys.maxunicode + 1) if bool(_SPACES.match(chr(cp))) != chr(cp).isspace()] == []


_SPACEY = st.text() | st.lists(st.sampled_from(["a", "b", " ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u00a0", "\u2028", "\u3000", "\x1b[1m", "\u200b"])).map("".join)


@given(_SPACEY, _SPACEY, _SPACEY)
def test_whitespace_folds_as_the_regex_folded_it(title, summary, body):
    """The stored content hashes and cleaned texts stay those the regex made."""
    fold = [_SPACES.sub(" ", part).strip() for part in (title, summary, body)]
    assert content_hash(title, summary, body) == hashlib.sha1("\x1f".join(fold).encode()).hexdigest()
    lines = [_SPACES.sub(" ", line).strip() for line in strip_controls(body).splitlines()]
    assert clean_block(body) == re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    assert clean_line(title) == _SPACES.sub(" ", strip_controls(title)).strip()


@given(st.text())
def test_cleaned_text_has_no_invisible_characters(text):
    for cleaned in (clean_line(text), clean_block(text)):
        assert all(ch in "\n\t" or unicodedata.category(ch) not in INVISIBLE_CATEGORIES for ch in cleaned)
    assert "\n" not in clean_line(text)


def test_clean_line_folds_space_and_bounds_length():
    assert clean_line("  a \n\t b\u200b  ") == "a b"
    long = clean_line("x" * 5000, max_length=100)
    assert len(long) == 100 and long.endswith("…")


def test_clean_block_keeps_paragraphs():
    assert clean_block("one\n\n\n\n two  \x07\nthree") == "one\n\ntwo\nthree"


def test_content_hash_ignores_whitespace_only():
    assert content_hash("A  b", "", "") == content_hash("A b ", "", "")
    assert content_hash("A b", "", "") != content_hash("A c", "", "")
