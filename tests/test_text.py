"""Untrusted text made safe to keep and show."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from storywatch.store.text.clean import INVISIBLE_CATEGORIES, clean_block, clean_line, content_hash, strip_controls


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
