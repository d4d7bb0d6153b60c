"""The per-item text work made cheaper (issue 13) gives the values it gave before: each check
holds the code as first written, or a plain formula, beside the faster one."""

from __future__ import annotations

import json
import sys
import zlib
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import pytest

from storywatch.store import story_model
from storywatch.store.text import dedup, novelty, relevance, urls
from storywatch.store.text.relevance import STOPWORDS, _snowball

DATA = Path(__file__).resolve().parent.parent / "bench" / "data"


def _texts(limit: int = 4000) -> list[str]:
    found = []
    for name in ("real_wire.jsonl", "real_dev.jsonl", "eval_items.jsonl", "real_top_heldout.jsonl"):
        for line in (DATA / name).read_text().splitlines():
            row = json.loads(line)
            found += [row.get(field) for field in ("title", "summary", "body") if row.get(field)]
    return found[:limit]


def _units_as_first_written(sentence: str) -> list[novelty.Unit]:
    """`novelty.units` before each token's reading was cached: every token read in place."""
    found: dict[int, novelty.Unit] = {}
    tokens = novelty._TOKEN.findall(novelty._US.sub(" usa ", sentence))
    words = [t for t in tokens if not t[0].isdigit() and dedup.fold(t) not in STOPWORDS]
    cased = sum(t[0].isupper() for t in words) <= 0.6 * len(words)
    for position, token in enumerate(tokens):
        if token[0].isdigit():
            number = token.replace(",", "").rstrip(".")
            if len(number) == 4 and number.startswith(("19", "20")):
                continue
            if position and tokens[position - 1].lower() in novelty.LABELS:
                continue
            key, kind, weight = "#" + number, "number", novelty.NUMBER_WEIGHT
        else:
            word = dedup.fold(novelty._POSSESSIVE.sub("", token)).replace("’", "'")
            if word in novelty.NUMBER_WORDS and word not in ("one", "zero"):
                hashed = zlib.crc32(("#" + novelty.NUMBER_WORDS[word]).encode())
                found[hashed] = novelty.Unit(hashed, novelty.NUMBER_WEIGHT, "number")
                continue
            if word in novelty._IGNORED or len(word) < 2:
                continue
            stem = _snowball(word.replace(".", ""))
            if stem in novelty._IGNORED:
                continue
            name = cased and position > 0 and token[0].isupper()
            key, kind, weight = stem, "name" if name else "word", novelty.NAME_WEIGHT if name else novelty.WORD_WEIGHT
        hashed = zlib.crc32(key.encode())
        if hashed not in found or found[hashed].weight < weight:
            found[hashed] = novelty.Unit(hashed, weight, kind)
    return list(found.values())


# One token in places that change what it is: a name after the first word of a cased sentence,
# a word first or in a Title Case headline; a number, or a label's after "Part"; a count in words.
PLACES = [
    "Sinaloa gunmen attacked a convoy near Culiacan on Monday.",
    "Gunmen attacked a convoy near Sinaloa and Culiacan on Monday.",
    "Gunmen Attack Convoy Near Sinaloa In Culiacan",
    "Part 3 of the series counts 14 dead and fourteen wounded in 2025.",
    "The toll rose to 3 as fourteen more were found, the U.S. said.",
    "SINALOA GUNMEN ATTACK CONVOY",
]


def test_units_depend_on_the_place_of_a_cached_token(monkeypatch):
    monkeypatch.setattr(novelty, "_TOKENS", {})
    for sentence in PLACES + PLACES:  # the second time every token comes from the cache
        assert novelty.units(sentence) == _units_as_first_written(sentence)
    kinds = {unit.kind for unit in novelty.units(PLACES[1])}
    assert kinds == {"word", "name"}


def test_units_are_those_first_written_on_real_news_also_when_the_cache_starts_over(monkeypatch):
    monkeypatch.setattr(novelty, "_TOKEN_CACHE", 50)
    monkeypatch.setattr(novelty, "_TOKENS", {})
    for text in _texts(1500):
        for start, end, found in novelty.read_sentences(text):
            assert found == _units_as_first_written(text[start:end])
    assert len(novelty._TOKENS) <= 50


def test_words_of_a_remembered_text_are_the_words_read_afresh(monkeypatch):
    monkeypatch.setattr(dedup, "_WORDS_CACHE", 8)
    monkeypatch.setattr(dedup, "_WORDS_OF", {})

    def afresh(text):
        return dedup._WORD.findall(dedup.fold(dedup._POSSESSIVE.sub("", dedup._US.sub(" usa ", text or ""))))

    texts = _texts(600)
    for text in texts + texts[:50]:
        assert dedup.words(text) == afresh(text)
    assert len(dedup._WORDS_OF) <= 8
    assert all(len(text) <= dedup._WORDS_TEXT for text in dedup._WORDS_OF)


def test_web_url_rejects_exactly_whitespace_and_control_characters():
    """The one regex search stands for the test per character it replaced, on every code point."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(urls._NOT_IN_WEB_URL.search(char)) == (char.isspace() or code < 32 or 127 <= code < 160), hex(code)
    assert urls.is_web_url("https://example.com/a?b=1")
    assert not urls.is_web_url("https://example.com/a\u2028b")


def test_joined_is_urljoin_and_remembers_no_failure():
    for base, link in [("http://127.0.0.1:8000/feed/0.xml", "/story/1"), ("https://a.example/x/", "../y?z=1#f"),
                       ("https://a.example/", "https://b.example//c")]:
        assert urls.joined(base, link) == urljoin(base, link)
    for _ in range(2):
        with pytest.raises(ValueError):
            urls.joined("http://[::1", "x")


def _heaviest_first_as_first_written(weights, terms):
    return sorted(((weights[t], t) for t in weights.keys() & terms), key=lambda wt: (-wt[0], wt[1]))


def test_heaviest_first_orders_ties_by_term():
    weights = {"cartel": 2.0, "strike": 2.0, "army": 2.0, "navy": -1.5, "boat": 0.5, "drone": 1.0}
    terms = frozenset({"strike", "army", "navy", "boat", "mexico", "cartel", "unrelated"})
    assert relevance._heaviest_first(weights, terms) == _heaviest_first_as_first_written(weights, terms)
    assert [t for _, t in relevance._heaviest_first(weights, terms)] == ["army", "cartel", "strike", "boat", "navy"]
    assert relevance._heaviest_first({}, terms) == []


def test_count_terms_counts_as_before(db):
    """Single words always, pairs and entity names only in the story's vocabulary; the rows
    written are the counts the per-term filter gave."""
    entity = relevance.ENTITY_PREFIX + "sinaloa cartel"
    term_sets = [
        frozenset({"cartel", "strike", "drug cartel", entity, relevance.ENTITY_PREFIX + "hegseth", "navy"}),
        frozenset({"cartel", "boat", "drug cartel", "us navy"}),
        frozenset({"strike", "boat"}),
    ]
    vocabulary = frozenset({"drug cartel", entity})
    story_model.count_terms(db, term_sets, vocabulary)
    story_model.count_terms(db, term_sets[:1], vocabulary)
    expected = Counter()
    for terms in term_sets + term_sets[:1]:
        expected.update(t for t in terms if (" " not in t and not t.startswith(relevance.ENTITY_PREFIX)) or t in vocabulary)
    expected[story_model.TOTAL] = 4
    assert dict(db.execute("SELECT term, articles FROM term_counts").fetchall()) == dict(expected)


def test_band_keys_and_minhash_of_odd_and_even_row_counts():
    """Every row count from 1 to 70 (the halving pairs the middle row with itself when odd)."""
    for count in range(1, 71):
        shingle_set = frozenset(zlib.crc32(f"word{n}".encode()) for n in range(count))
        expected = tuple(
            min(((a * x + b) % dedup._MERSENNE) & dedup._MAX_HASH for x in shingle_set) for a, b in dedup.PERMUTATIONS
        )
        assert dedup.minhash(shingle_set) == expected, count
