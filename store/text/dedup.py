"""Telling one report from its copies: text fingerprints, word shingles, MinHash and LSH bands.

Pure functions, no I/O: `storywatch.store.grouping` stores what they compute and looks the band keys up.

Layers, cheapest first:
1. the same URL in disguise (`store.text.urls.canonical_url`, applied at ingest);
2. the same text: `text_fingerprint`, a hash of the normalised headline and lead;
   the same headline (`headline_hash`, long headlines only): an aggregator's "Headline -
   Outlet" item with no summary is the outlet's own item, though their words barely overlap;
3. near-duplicates: MinHash over the words of the headline and lead, with LSH band keys so a
   new item meets only the few stored articles that share a band, then an exact check of the
   overlap of word pairs (`resemblance` of `item_shingles`).

Only the headline and the lead (the first `LEAD_WORDS` words of summary or body) are compared:
feeds differ in how much text they carry (a teaser, the full story), and what stays the same
across outlets that reuse a wire story is the headline's words and its first paragraph.
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zlib
from array import array
from dataclasses import dataclass
from functools import lru_cache
from operator import eq

LEAD_WORDS = 60  # words of summary/body compared after the headline
SHINGLE_SIZE = 2  # words per shingle for the exact check
BAND_ROWS = 4  # MinHash values per LSH band
# With 21 bands of 4, a copy whose word sets overlap 0.6 shares a band 95% of the time (0.7:
# 99%); same-topic reports (overlap ~0.15) 1%, unrelated ones (~0.02) one in 300,000.
BANDS = 21
NUM_PERM = BANDS * BAND_ROWS  # MinHash values per signature
NEAR_DUPLICATE = 0.25  # resemblance of word pairs from which two items are one report (bench/quality.py)
# Candidates whose stored MinHash estimates word resemblance below this are not read at all:
# unrelated items sharing one band estimate ~0.07; every labelled copy estimates 0.45 or more,
# but for headline-only aggregator items, which the headline hash finds instead.
CANDIDATE_MIN_ESTIMATE = 0.2
SEED_CONTAINMENT = 0.6  # share of an item's shingles found in a seed for it to copy that seed
MIN_SHINGLES = 5  # fewer than this and a text is too short to call anything its copy
# Headlines of at least this many words (stopwords aside) name one report: two outlets rarely
# write the same six words in the same order about different events ("Live updates" is short).
HEADLINE_MIN_WORDS = 6

_MERSENNE = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1


def _permutations(count: int) -> list[tuple[int, int]]:
    """Fixed (a, b) pairs for the hash family a*x+b mod p; derived, not random, so every
    process and every stored signature agree."""
    pairs = []
    for i in range(count):
        digest = hashlib.sha256(f"storywatch-minhash-{i}".encode()).digest()
        a, b = struct.unpack("<QQ", digest[:16])
        pairs.append((a % (_MERSENNE - 1) + 1, b % _MERSENNE))
    return pairs


PERMUTATIONS = _permutations(NUM_PERM)

# Words that carry no report's identity: dropped before shingling so "said on Tuesday that"
# and "said Tuesday" still shingle alike.
STOPWORDS = frozenset(
    """a an and are as at be been but by for from has had have he her his i in into is it its
    of on or our she that the their them they this to was were which who will with would
    said says say told tuesday monday wednesday thursday friday saturday sunday""".split()
)

_WORD = re.compile(r"[a-z0-9]+")
_US = re.compile(r"\bU\.S\.(?:A\.)?|\bUS\b|\bUSA\b")
_POSSESSIVE = re.compile(r"['’]s\b", re.IGNORECASE)  # "Mexico's", "MEXICO'S": the name alone
# "Headline - Outlet" or "Headline | Outlet" as news aggregators write it.
_OUTLET_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,40}$")


class _Unaccent(dict):
    """A `str.translate` table that drops combining marks (accents once decomposed), filled one
    character the first time it is met: a news text is seldom pure ASCII (curly quotes, dashes),
    and a test per character in Python cost more than the decomposing."""

    def __missing__(self, code: int) -> int | None:
        if len(self) >= 20_000:  # a feed in a script of thousands of characters: start over
            self.clear()
        kept = self[code] = None if unicodedata.combining(chr(code)) else code
        return kept


_UNACCENT = _Unaccent()


def fold(text: str) -> str:
    """Lower case without accents, so "México" and "Mexico" are one word."""
    if text.isascii():  # nothing to decompose, no accents: the common case, at C speed
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_UNACCENT).lower()


def words(text: str) -> list[str]:
    """The words of a text, lower-cased and unaccented; "U.S." becomes "usa" (not the pronoun).
    The list is shared with later callers asking for the same text: read it, never change it."""
    found = _WORDS_OF.get(text)
    if found is None:
        found = _WORD.findall(fold(_without_us_and_possessives(text or "")))
        if len(text or "") <= _WORDS_TEXT:
            if len(_WORDS_OF) >= _WORDS_CACHE:
                _WORDS_OF.clear()
            _WORDS_OF[text] = found
    return found


def _without_us_and_possessives(text: str) -> str:
    """"U.S." as "usa", and no "'s": each regex runs only on a text holding what it replaces
    (most texts hold neither; a search for one string is a C loop, a regex's scan is not)."""
    if "US" in text or "U.S" in text:
        text = _US.sub(" usa ", text)
    if "'" in text or "’" in text:
        text = _POSSESSIVE.sub("", text)
    return text


# The words of the last few short texts: an item's headline and teaser are read by relevance and
# then by the fingerprint (and the lede often is the teaser), one after the other.
_WORDS_OF: dict[str | None, list[str]] = {}
_WORDS_CACHE = 64  # texts; the cache starts over past this
_WORDS_TEXT = 2_000  # characters: longer texts are read each time (the fingerprint reads only their start)


def headline(title: str) -> str:
    """The headline without an aggregator's " - Outlet" suffix."""
    title = (title or "").strip()
    stripped = _OUTLET_SUFFIX.sub("", title)
    return stripped if len(stripped.split()) >= 4 else title


# Characters of a summary or body read for its lead when they hold enough words: a full story
# of thousands of words need not be unaccented and split for its first sixty.
_LEAD_CHARS = 1_000
_CUT_MARGIN = 3  # words at the end of a cut text not trusted (two at most can differ)


def _lead_words(text: str, lead: int) -> list[str]:
    """`words(text)[:lead]`, reading only the start of a long text when that is enough. Every
    step of `words` looks only at a word and its neighbours, so the words of a prefix are those
    of the whole text but for the last few, which the cut may have changed (a word split, a
    "U.S." cut to "U.S", two words "u" and "s", where the whole text has "usa"): a margin of
    words past the lead is never used."""
    if len(text) > _LEAD_CHARS:
        head = words(text[:_LEAD_CHARS])
        if len(head) > lead + _CUT_MARGIN:
            return head[:lead]
    return words(text)[:lead]


def comparable_words(title: str, summary: str = "", body: str = "", lead: int | None = LEAD_WORDS) -> list[str]:
    """The words a copy shares with its original: headline plus lead (`lead=None`: the whole
    text, as for a seed a teaser may quote from anywhere), stopwords removed."""
    if lead is None:
        text = words(summary) + words(body)
    else:
        text = _lead_words(summary, lead) or _lead_words(body, lead)
    return [w for w in words(headline(title)) + text if w not in STOPWORDS]


def text_fingerprint(title: str, summary: str = "", body: str = "") -> str:
    """Equal exactly when two items say the same words in the same order (case, accents,
    punctuation and an outlet suffix aside)."""
    joined = " ".join(comparable_words(title, summary, body))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def shingles(tokens: list[str], size: int = SHINGLE_SIZE) -> frozenset[int]:
    """Hashed runs of `size` words (one run for a shorter text)."""
    if len(tokens) < size:
        return frozenset([zlib.crc32(" ".join(tokens).encode())]) if tokens else frozenset()
    runs = tokens if size == 1 else map(" ".join, zip(*(tokens[i:] for i in range(size))))
    return frozenset(map(zlib.crc32, map(str.encode, runs)))


def item_shingles(title: str, summary: str = "", body: str = "") -> frozenset[int]:
    """Word pairs: what the exact near-duplicate check compares."""
    return shingles(comparable_words(title, summary, body))


# MinHash computes ((a*x + b) mod p) & _MAX_HASH for every permutation and every shingle.
# Rather than ~NUM_PERM * len(shingles) interpreted steps, all of them run in "lanes" of one big
# Python int: lane i of `_LANE_A * x + _LANE_B` holds a_i*x + b_i (< 2**94 for a 32-bit
# shingle, so 96-bit lanes never carry into each other); a handful of whole-int operations then
# reduce every lane mod p at once, and halving the rows (first half against second, lane by
# lane) leaves each permutation's minimum. The values are exactly those of the per-pair formula
# (tests/test_dedup.py compares them with it); only the time changes (3.3x less on real news,
# bench/minhash.py).
_LANE_BITS = 96
_LANE_BYTES = _LANE_BITS // 8
_WORDS_PER_LANE = _LANE_BITS // 32
_ROW_BYTES = NUM_PERM * _LANE_BYTES  # one shingle's lanes, one per permutation
_ROW_BITS = _ROW_BYTES * 8
_LANE_A = sum(a << (_LANE_BITS * i) for i, (a, _) in enumerate(PERMUTATIONS))
_LANE_B = sum(b << (_LANE_BITS * i) for i, (_, b) in enumerate(PERMUTATIONS))


def _lanes_of(value: int, count: int) -> int:
    """`value` in each of `count` lanes."""
    return int.from_bytes(value.to_bytes(_LANE_BYTES, "little") * count, "little")


@lru_cache(maxsize=256)
def _lane_masks(lanes: int) -> tuple[int, int, int, int]:
    return (
        _lanes_of(_MERSENNE, lanes),  # the low 61 bits of a lane
        _lanes_of((1 << (_LANE_BITS - 61)) - 1, lanes),  # what sits above them, shifted down
        _lanes_of(1, lanes),
        _lanes_of(_MAX_HASH, lanes),
    )


@lru_cache(maxsize=256)
def _low_bits(bits: int) -> int:
    return (1 << bits) - 1


def _lanes_mod_mersenne_low32(y: int, lanes: int) -> int:
    """(v mod p) & _MAX_HASH in each of `lanes` lanes of `y`, each lane's v below 2**94."""
    low61, high, one, max_hash = _lane_masks(lanes)
    # p = 2**61 - 1: v = h * 2**61 + l is congruent to s = h + l < 2**61 + 2**33, and s mod p
    # is s, or s - p when s >= p (then s + 1 has bit 61 set); s - p and s + 1 agree in their
    # low 32 bits, all that is kept.
    s = (y & low61) + ((y >> 61) & high)
    return (s + (((s + one) >> 61) & one)) & max_hash


# The minimum over shingles runs on narrower lanes: values below 2**32 need 33 bits for the
# borrow-free subtraction below, so 40 bits each, the fewest whole bytes (less than half the
# integer to halve of 96-bit lanes, 5/8 of 64-bit ones).
_MIN_LANE_BITS = 40
_MIN_LANE_BYTES = _MIN_LANE_BITS // 8
_MIN_ROW_BYTES = NUM_PERM * _MIN_LANE_BYTES
_MIN_ROW_BITS = _MIN_ROW_BYTES * 8


@lru_cache(maxsize=256)
def _min_masks(lanes: int) -> tuple[int, int]:
    one = int.from_bytes((1).to_bytes(_MIN_LANE_BYTES, "little") * lanes, "little")
    return one, one << 32


def _lanes_min(x: int, y: int, lanes: int) -> int:
    """The smaller of x's and y's value in each of `lanes` 40-bit lanes, values below 2**32."""
    one, two_to_32 = _min_masks(lanes)
    # x - y + 2**32 is positive in every lane (no borrow between lanes); bit 32 says x >= y.
    take_y = (((x + two_to_32 - y) >> 32) & one) * _MAX_HASH
    return x ^ ((x ^ y) & take_y)


# A shingle's hash values, one per permutation, as `_MIN_LANE_BITS` lanes: single words are the
# shingles MinHash sees, and the same few thousand make up every report, so each is hashed once
# (real news: 42,020 words in 2,941 reports, 8,456 distinct). About 0.4 KB a word.
_ROWS: dict[int, bytes] = {}
_ROW_CACHE = 8_192  # shingles; the cache starts over past this (names, numbers, typos)


def _hash_rows(shingles: list[int]) -> list[bytes]:
    """Each 32-bit shingle's row, from the cache or computed for all the missing ones at once."""
    rows = _ROWS
    missing = [x for x in shingles if x not in rows]
    if missing:
        if len(rows) + len(missing) > _ROW_CACHE:
            rows.clear()
            missing = shingles
        lane_a, lane_b = _LANE_A, _LANE_B
        # Row j, lane i: a_i * x_j + b_i, then mod p (see `_lanes_mod_mersenne_low32`).
        y = int.from_bytes(b"".join([(lane_a * x + lane_b).to_bytes(_ROW_BYTES, "little") for x in missing]), "little")
        values = array("I")
        values.frombytes(_lanes_mod_mersenne_low32(y, len(missing) * NUM_PERM).to_bytes(len(missing) * _ROW_BYTES, "little"))
        packed = _widened(values[::_WORDS_PER_LANE].tobytes(), len(missing) * NUM_PERM)  # each value's low word
        for j, x in enumerate(missing):
            rows[x] = packed[j * _MIN_ROW_BYTES : (j + 1) * _MIN_ROW_BYTES]
    return [rows[x] for x in shingles]


def minhash(shingle_set: frozenset[int] | set[int]) -> tuple[int, ...]:
    """MinHash signature: the chance two signatures agree at a position is the resemblance
    (Jaccard) of the two shingle sets. Shingles are 32-bit (`zlib.crc32`)."""
    if not shingle_set:
        return (_MAX_HASH,) * NUM_PERM
    if min(shingle_set) < 0 or max(shingle_set) > _MAX_HASH:  # not 32-bit: lanes would overlap
        return tuple(min(((a * x + b) % _MERSENNE) & _MAX_HASH for x in shingle_set) for a, b in PERMUTATIONS)
    rows = len(shingle_set)
    values = int.from_bytes(b"".join(_hash_rows(list(shingle_set))), "little")
    # The minimum over rows, lane by lane: the first half of the rows against the second. Of an
    # odd number, the middle row is in both halves (against itself), so no row is left over.
    while rows > 1:
        half = rows >> 1
        kept = rows - half
        values = _lanes_min(values & _low_bits(kept * _MIN_ROW_BITS), values >> (half * _MIN_ROW_BITS), kept * NUM_PERM)
        rows = kept
    words32 = array("I")
    words32.frombytes(_narrowed(values.to_bytes(_MIN_ROW_BYTES, "little")))
    return tuple(words32)


def _widened(values32: bytes, count: int) -> bytes:
    """`count` 4-byte values as `_MIN_LANE_BYTES`-byte lanes, the bytes above them 0."""
    lanes = bytearray(count * _MIN_LANE_BYTES)
    for k in range(4):
        lanes[k::_MIN_LANE_BYTES] = values32[k::4]
    return bytes(lanes)


def _narrowed(lanes: bytes) -> bytes:
    """The low 4 bytes of each `_MIN_LANE_BYTES`-byte lane, as 4-byte values."""
    values32 = bytearray(len(lanes) // _MIN_LANE_BYTES * 4)
    for k in range(4):
        values32[k::4] = lanes[k::_MIN_LANE_BYTES]
    return bytes(values32)


_SIGNATURE = struct.Struct(f"<{NUM_PERM}I")
_BAND_BYTES = BAND_ROWS * 4
_BAND_STARTS = range(0, BANDS * _BAND_BYTES, _BAND_BYTES)
_BAND_KEYS = struct.Struct(f"<{BANDS}q")  # every band's 8-byte digest, read as signed at once
_BAND_HASH = hashlib.blake2b(digest_size=8)  # copied for each band: cheaper than a new one with its arguments


def band_keys(signature: tuple[int, ...]) -> list[tuple[int, int]]:
    """(band, key) pairs: two items share a band key when their signatures agree on every
    value of that band. Keys are signed 64-bit so SQLite stores them as plain integers."""
    packed = _SIGNATURE.pack(*signature)  # once: each band's values are a slice of it
    copy = _BAND_HASH.copy
    digests = []
    for start in _BAND_STARTS:
        band = copy()
        band.update(packed[start : start + _BAND_BYTES])
        digests.append(band.digest())
    return list(enumerate(_BAND_KEYS.unpack(b"".join(digests))))


def signature_blob(signature: tuple[int, ...]) -> bytes:
    return array("I", signature).tobytes()


def signature_from_blob(blob: bytes) -> tuple[int, ...]:
    values = array("I")
    values.frombytes(blob)
    return tuple(values)


def shingles_blob(shingles: frozenset[int]) -> bytes:
    """Word pairs as stored with a fingerprint: their 32-bit hashes, sorted."""
    return array("I", sorted(shingles)).tobytes()


def shingles_from_blob(blob: bytes) -> frozenset[int]:
    values = array("I")
    values.frombytes(blob)
    return frozenset(values)


def estimated_resemblance(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The share of the signatures' values that agree (a C loop: it runs for up to 20
    candidates per item)."""
    return sum(map(eq, a, b)) / len(a)


def resemblance(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def containment(part: frozenset[int], whole: frozenset[int]) -> float:
    """How much of `part` appears in `whole`: a teaser copied from a long seed scores high."""
    if not part:
        return 0.0
    return len(part & whole) / len(part)


def copies_seed(part: frozenset[int], seed: frozenset[int]) -> float:
    """`containment` of an item in a seed, or 0.0 when they share fewer than MIN_SHINGLES word
    pairs: three of a short headline's five ("Nigeria rejects 'unilateral' US military
    intervention") are found in any long report on the story, which it does not copy."""
    shared = len(part & seed)
    return shared / len(part) if part and shared >= MIN_SHINGLES else 0.0


@dataclass(frozen=True)
class Fingerprint:
    """Everything the store keeps about an item's text for finding its copies."""

    text_hash: str
    shingles: frozenset[int]  # word pairs, for the exact check
    signature: tuple[int, ...]  # MinHash of the single words, for finding candidates
    headline_hash: str | None = None  # long headlines only (`headline_hash`)

    @property
    def comparable(self) -> bool:
        return len(self.shingles) >= MIN_SHINGLES


def fingerprint(title: str, summary: str = "", body: str = "") -> Fingerprint:
    """Single words find candidates (a light rewrite keeps most of them, so recall is high);
    word pairs then decide (they keep word order, so same-topic reports fall away)."""
    head = [w for w in words(headline(title)) if w not in STOPWORDS]  # once: the text's start and its own hash
    lead = _lead_words(summary, LEAD_WORDS) or _lead_words(body, LEAD_WORDS)
    tokens = head + [w for w in lead if w not in STOPWORDS]  # comparable_words(title, summary, body)
    return Fingerprint(
        text_hash=hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest(),
        shingles=shingles(tokens),
        signature=minhash(shingles(tokens, 1)),
        headline_hash=_hash_of_headline(head),
    )


def headline_hash(title: str) -> str | None:
    """A hash of the headline's words (outlet suffix, case, accents and stopwords aside), for
    headlines long enough to name one report; None for short ones."""
    return _hash_of_headline([w for w in words(headline(title)) if w not in STOPWORDS])


def _hash_of_headline(tokens: list[str]) -> str | None:
    if len(tokens) < HEADLINE_MIN_WORDS:
        return None
    return hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()
