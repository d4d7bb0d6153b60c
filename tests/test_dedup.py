"""Fingerprints, shingles, MinHash and LSH band keys: pure functions, clear cases."""

import hashlib
import json
import struct
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from storywatch.store.text import dedup

WIRE = (
    "Mexico's president says US military will not come into Mexico to fight cartels",
    "Mexican President Claudia Sheinbaum said Friday that the United States will not send its military"
    " into Mexico to fight drug cartels, after reports that President Donald Trump had ordered the"
    " Pentagon to prepare options.",
)
REWRITE = (
    "Sheinbaum Says US Military Will Not Enter Mexico to Fight Cartels",
    "Mexican President Claudia Sheinbaum said on Friday the United States will not send its military"
    " into Mexico to fight drug cartels, following reports President Donald Trump ordered the Pentagon"
    " to prepare options.",
)
SAME_TOPIC = (
    "Sheinbaum rules out US military action on Mexican soil after Trump order",
    "Mexico's president said her government had been informed of the directive but that the"
    " participation of the US military in our territory was not on the table.",
)


def test_same_words_same_fingerprint_whatever_the_case_accents_and_outlet_suffix():
    a = dedup.text_fingerprint("Sheinbaum: México rejects US strikes - Reuters", "The president said no.")
    b = dedup.text_fingerprint("SHEINBAUM: MEXICO REJECTS US STRIKES", "The president said no!")
    assert a == b
    assert a != dedup.text_fingerprint("Sheinbaum: Mexico accepts US strikes", "The president said no.")


def test_a_light_rewrite_resembles_the_wire_story_and_a_same_topic_report_does_not():
    wire, rewrite, other = (dedup.item_shingles(*text) for text in (WIRE, REWRITE, SAME_TOPIC))
    assert dedup.resemblance(wire, rewrite) >= dedup.NEAR_DUPLICATE
    assert dedup.resemblance(wire, other) < dedup.NEAR_DUPLICATE


def test_minhash_estimates_resemblance():
    a = frozenset(range(0, 300))
    b = frozenset(range(100, 400))  # true resemblance 0.5
    estimate = dedup.estimated_resemblance(dedup.minhash(a), dedup.minhash(b))
    assert 0.3 <= estimate <= 0.7
    assert dedup.estimated_resemblance(dedup.minhash(a), dedup.minhash(a)) == 1.0


def test_copies_share_a_band_key_and_unrelated_items_do_not():
    wire, rewrite = (dedup.fingerprint(*text) for text in (WIRE, REWRITE))
    unrelated = dedup.fingerprint("Apple reports record iPhone revenue", "Sales rebounded in China, beating estimates.")
    assert set(dedup.band_keys(wire.signature)) & set(dedup.band_keys(rewrite.signature))
    assert not set(dedup.band_keys(wire.signature)) & set(dedup.band_keys(unrelated.signature))
    assert len(dedup.band_keys(wire.signature)) == dedup.BANDS


def test_signature_survives_storage():
    signature = dedup.fingerprint(*WIRE).signature
    assert dedup.signature_from_blob(dedup.signature_blob(signature)) == signature
    assert len(signature) == dedup.NUM_PERM


def test_a_teaser_copied_from_a_long_text_is_contained_in_it():
    long_text = dedup.shingles(dedup.comparable_words(WIRE[0], "", WIRE[1] + " " + SAME_TOPIC[1], lead=None))
    teaser = dedup.item_shingles(WIRE[0])
    assert dedup.containment(teaser, long_text) == 1.0
    assert dedup.containment(dedup.item_shingles("Apple reports record iPhone revenue"), long_text) == 0.0


def test_a_short_headline_sharing_a_few_word_pairs_with_a_seed_does_not_copy_it():
    """A real headline of a week of world news (bench/data/real_dev_week_nov.jsonl) was read as a
    copy of the bundled story's first seed: three of its five word pairs are the seed's too."""
    seed = dedup.shingles(dedup.comparable_words(
        "Mexico rejects unilateral US military intervention", "",
        "Sheinbaum rejects unilateral US military action. Any US military intervention is ruled out.", lead=None,
    ))
    nigeria = dedup.item_shingles("Nigeria rejects 'unilateral' US military intervention")
    assert dedup.containment(nigeria, seed) >= dedup.SEED_CONTAINMENT  # what once made it a copy
    assert dedup.copies_seed(nigeria, seed) == 0.0
    teaser = dedup.item_shingles("Mexico rejects unilateral US military intervention")
    assert dedup.copies_seed(teaser, seed) == 1.0


def test_short_text_is_not_comparable():
    assert not dedup.fingerprint("Breaking news").comparable
    assert dedup.fingerprint(*WIRE).comparable


@given(st.text(max_size=300), st.text(max_size=300))
def test_fingerprint_is_deterministic_and_total(title, summary):
    first = dedup.fingerprint(title, summary)
    assert first == dedup.fingerprint(title, summary)
    assert 0.0 <= dedup.resemblance(first.shingles, first.shingles) <= 1.0


def test_a_long_headline_hashes_alike_across_outlets_and_a_short_one_not_at_all():
    wire = dedup.headline_hash("Mexico's president says US military will not come into Mexico")
    assert wire == dedup.headline_hash("MEXICO'S PRESIDENT SAYS U.S. MILITARY WILL NOT COME INTO MÉXICO - Reuters")
    assert wire != dedup.headline_hash("Mexico's president says US military will come into Mexico soon")
    assert dedup.headline_hash("Live updates - CNN") is None

# Computed with the per-pair MinHash before it was replaced (commit 4d60aed).
PINNED_SIGNATURE_HEAD = (110183468, 77840573, 41244606, 44975878)
PINNED_SIGNATURE_SUM = 13345984594


def _minhash_per_pair(shingle_set):
    """MinHash as it was first written (one interpreted step per permutation and shingle): the
    stored signatures and band keys were computed with it, so the fast one must agree exactly."""
    if not shingle_set:
        return (dedup._MAX_HASH,) * dedup.NUM_PERM
    values = list(shingle_set)
    return tuple(
        min(((a * x + b) % dedup._MERSENNE) & dedup._MAX_HASH for x in values) for a, b in dedup.PERMUTATIONS
    )


@given(st.frozensets(st.integers(min_value=0, max_value=dedup._MAX_HASH), max_size=150))
def test_minhash_equals_the_per_pair_formula_on_any_32_bit_shingles(shingle_set):
    assert dedup.minhash(shingle_set) == _minhash_per_pair(shingle_set)


@given(st.frozensets(st.integers(min_value=-(2**70), max_value=2**70), max_size=20))
def test_minhash_equals_the_per_pair_formula_on_any_ints(shingle_set):
    assert dedup.minhash(shingle_set) == _minhash_per_pair(shingle_set)


@given(st.text(max_size=400), st.text(max_size=600))
def test_minhash_of_any_text_equals_the_per_pair_formula(title, summary):
    tokens = dedup.comparable_words(title, summary)
    for size in (1, 2):
        shingle_set = dedup.shingles(tokens, size)
        assert dedup.minhash(shingle_set) == _minhash_per_pair(shingle_set)


def _bench_items():
    data = Path(__file__).parent.parent / "bench" / "data"
    for name in ("real_wire.jsonl", "real_dev.jsonl", "real_test.jsonl", "eval_items.jsonl"):
        for line in (data / name).read_text().splitlines():
            yield json.loads(line)


def test_minhash_of_real_news_equals_the_per_pair_formula():
    checked = 0
    for item in _bench_items():
        text = (item.get("title") or "", item.get("summary") or "", item.get("body") or "")
        words_ = dedup.comparable_words(*text)
        for shingle_set in (dedup.shingles(words_, 1), dedup.item_shingles(*text)):
            signature = dedup.minhash(shingle_set)
            assert signature == _minhash_per_pair(shingle_set)
            assert dedup.band_keys(signature) == dedup.band_keys(_minhash_per_pair(shingle_set))
        checked += 1
    assert checked > 3000


def _band_keys_as_first_written(signature):
    """Band keys as the stored ones were computed: one pack and one unpack per band."""
    keys = []
    for band in range(dedup.BANDS):
        chunk = signature[band * dedup.BAND_ROWS : (band + 1) * dedup.BAND_ROWS]
        digest = hashlib.blake2b(struct.pack(f"<{dedup.BAND_ROWS}I", *chunk), digest_size=8).digest()
        keys.append((band, struct.unpack("<q", digest)[0]))
    return keys


@given(st.lists(st.integers(min_value=0, max_value=dedup._MAX_HASH), min_size=dedup.NUM_PERM, max_size=dedup.NUM_PERM))
def test_band_keys_are_those_already_stored(signature):
    assert dedup.band_keys(tuple(signature)) == _band_keys_as_first_written(signature)


def test_minhash_is_the_same_when_its_row_cache_starts_over(monkeypatch):
    """The cache of each word's hash values starts over when full, in the middle of a text too."""
    monkeypatch.setattr(dedup, "_ROW_CACHE", 40)
    monkeypatch.setattr(dedup, "_ROWS", {})
    checked = 0
    for item in _bench_items():
        shingle_set = dedup.shingles(dedup.comparable_words(item.get("title") or "", item.get("summary") or ""), 1)
        assert dedup.minhash(shingle_set) == _minhash_per_pair(shingle_set)
        assert dedup.minhash(shingle_set) == _minhash_per_pair(shingle_set)  # now from the cache
        assert len(dedup._ROWS) <= max(40, len(shingle_set))
        checked += 1
        if checked == 300:
            break


def test_minhash_signatures_stay_those_already_stored():
    """A pinned signature: a change of permutations or arithmetic would orphan every stored one."""
    signature = dedup.minhash(dedup.shingles(dedup.comparable_words(*WIRE), 1))
    assert signature[:4] == PINNED_SIGNATURE_HEAD
    assert sum(signature) == PINNED_SIGNATURE_SUM


# Values at and around the multiples of p, where the one conditional step of the reduction acts
# (random shingles reach it about once in 2**30 products).
_NEAR_MULTIPLES_OF_P = [k * dedup._MERSENNE + d for k in (1, 2, 3, 2**32, 2**32 + 7, 2**33 - 1) for d in (-2, -1, 0, 1, 2)]


@given(st.lists(st.integers(min_value=0, max_value=2**94 - 1) | st.sampled_from(_NEAR_MULTIPLES_OF_P), min_size=1, max_size=30))
def test_lane_reduction_is_mod_p_then_low_32_bits(values):
    lane = dedup._LANE_BITS
    packed = sum(v << (lane * i) for i, v in enumerate(values))
    reduced = dedup._lanes_mod_mersenne_low32(packed, len(values))
    assert [(reduced >> (lane * i)) & ((1 << lane) - 1) for i in range(len(values))] == [
        (v % dedup._MERSENNE) & dedup._MAX_HASH for v in values
    ]


@given(st.lists(st.tuples(st.integers(0, dedup._MAX_HASH) | st.sampled_from([0, 1, dedup._MAX_HASH]), st.integers(0, dedup._MAX_HASH) | st.sampled_from([0, 1, dedup._MAX_HASH])), min_size=1, max_size=30))
def test_lane_minimum_is_the_smaller_value_in_every_lane(pairs):
    lane = dedup._MIN_LANE_BITS
    x = sum(a << (lane * i) for i, (a, _) in enumerate(pairs))
    y = sum(b << (lane * i) for i, (_, b) in enumerate(pairs))
    smaller = dedup._lanes_min(x, y, len(pairs))
    assert [(smaller >> (lane * i)) & ((1 << lane) - 1) for i in range(len(pairs))] == [min(pair) for pair in pairs]


def _fold_whole(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def test_fold_drops_exactly_the_combining_marks_of_every_character(monkeypatch):
    """`fold` drops accents through a translate table filled as characters come (and started
    over when large): over every code point it must agree with the test per character it replaced."""
    monkeypatch.setattr(dedup, "_UNACCENT", dedup._Unaccent())  # this test's own, freed after
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert dedup.fold(everything) == _fold_whole(everything)
    assert dedup.fold("Culiacán, MÉXICO’s “ﬁnal”") == "culiacan, mexico’s “final”"


def _words_whole(text):
    return dedup._WORD.findall(_fold_whole(dedup._POSSESSIVE.sub("", dedup._US.sub(" usa ", text or ""))))


def _comparable_words_whole(title, summary="", body="", lead=dedup.LEAD_WORDS):
    """comparable_words as it was first written, reading the whole summary and body: the text
    hashes and shingles stored from it must not change."""
    text = _words_whole(summary)[:lead] or _words_whole(body)[:lead]
    if lead is None:
        text = _words_whole(summary) + _words_whole(body)
    return [w for w in _words_whole(dedup.headline(title)) + text if w not in dedup.STOPWORDS]


# Pieces that the steps of `words` treat specially, to meet them at the cut of a long text.
_TRICKY = st.sampled_from(
    ["U.S.", "U.S.A.", "US", "USA", "USSR", "Mexico's", "MEXICO’S", "'s", "’st", "é", "e\u0301", "\u0301", "ﬁ", "Ⅻ",
     "É", " ", " ", "  ", "-", ".", "word", "the", "said", "A.", "s", "S", "x" * 30, "\u200b", "日本"]
)
_LONG_TEXT = st.lists(_TRICKY, max_size=900).map("".join) | st.text(max_size=3000)


@given(_LONG_TEXT, _LONG_TEXT, _LONG_TEXT)
def test_comparable_words_of_any_long_text_are_those_of_the_whole_text(title, summary, body):
    for lead in (dedup.LEAD_WORDS, 5, None):
        assert dedup.comparable_words(title, summary, body, lead=lead) == _comparable_words_whole(title, summary, body, lead)


def test_comparable_words_of_real_news_are_those_of_the_whole_text():
    checked = 0
    for item in _bench_items():
        text = (item.get("title") or "", item.get("summary") or "", item.get("body") or "")
        assert dedup.comparable_words(*text) == _comparable_words_whole(*text)
        assert dedup.comparable_words(*text, lead=None) == _comparable_words_whole(*text, lead=None)
        checked += 1
    assert checked > 3000


@given(st.integers(min_value=0, max_value=12), st.lists(_TRICKY, min_size=1, max_size=12).map("".join), st.integers(0, 3))
def test_lead_words_are_those_of_the_whole_text_whatever_sits_at_the_cut(before_cut, tail, extra):
    """A long text cut where a word, a "U.S.", a possessive or an accent straddles the cut."""
    filler = "word " * 40
    text = filler + " " * (dedup._LEAD_CHARS - before_cut - len(filler)) + tail + " more words" * 10
    for lead in (40 + extra, 41 + extra):
        assert dedup.comparable_words("", text, lead=lead) == _comparable_words_whole("", text, lead=lead)


def test_a_word_split_by_the_cut_is_never_a_lead_word():
    text = ("b" * 200 + " ") * 4
    text += " " * (dedup._LEAD_CHARS - 3 - len(text)) + "splitword and more words after it"
    assert dedup.comparable_words("", text, lead=5)[-1] == "splitword"


_HEADLINES = st.text(max_size=200) | st.builds(
    "{}{}".format,
    st.lists(st.sampled_from(["Mexico", "cartel", "strikes", "the", "U.S.", "troops", "border", "Sinaloa's"]), max_size=12).map(" ".join),
    st.sampled_from(["", " - Reuters", " | AP News", " — El País"]),
)


@given(_HEADLINES, st.text(max_size=1500), st.text(max_size=1500))
def test_a_fingerprint_is_its_parts_computed_apart(title, summary, body):
    """`fingerprint` reads the headline once for the text and its hash: the same values."""
    fp = dedup.fingerprint(title, summary, body)
    tokens = dedup.comparable_words(title, summary, body)
    assert fp.text_hash == dedup.text_fingerprint(title, summary, body)
    assert fp.shingles == dedup.item_shingles(title, summary, body)
    assert fp.signature == dedup.minhash(dedup.shingles(tokens, 1))
    assert fp.headline_hash == dedup.headline_hash(title)
