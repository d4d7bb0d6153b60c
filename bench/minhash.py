"""MinHash, shingling and lead words on real news (bench/data): before (4d60aed) and now.

    python bench/minhash.py
    python bench/minhash.py --turns 5

Median microseconds per item for the single-word signature `dedup.fingerprint` computes and
for the word-pair shingles, old and new in turns in the same run (the machine is shared), on
every item of the real data sets, and on the long ones alone (more than 30 distinct words: a
lead of 60 words is the usual feed item, the wire teasers are short); and `comparable_words`,
which read and unaccented the whole of a full story for its first 60 words. Checks on the way
that old and new give the same values. With numpy importable, a vectorised variant is timed too, for
comparison only (numpy is not a dependency).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import unicodedata
import zlib
from pathlib import Path

from storywatch.store.text import dedup

DATA = Path(__file__).resolve().parent / "data"
FILES = ("real_wire.jsonl", "real_wire_dev.jsonl", "real_dev.jsonl", "real_test.jsonl", "eval_items.jsonl")


def minhash_per_pair(shingle_set):
    """The MinHash before the lanes (commit 4d60aed)."""
    if not shingle_set:
        return (dedup._MAX_HASH,) * dedup.NUM_PERM
    values = list(shingle_set)
    return tuple(
        min(((a * x + b) % dedup._MERSENNE) & dedup._MAX_HASH for x in values) for a, b in dedup.PERMUTATIONS
    )


def shingles_per_run(tokens, size=dedup.SHINGLE_SIZE):
    """The shingling before (commit 4d60aed)."""
    if len(tokens) < size:
        return frozenset([zlib.crc32(" ".join(tokens).encode())]) if tokens else frozenset()
    return frozenset(zlib.crc32(" ".join(tokens[i : i + size]).encode()) for i in range(len(tokens) - size + 1))


def comparable_words_whole(title, summary="", body="", lead=dedup.LEAD_WORDS):
    """comparable_words before (4d60aed): every character of summary and body unaccented."""

    def words(text):
        text = unicodedata.normalize("NFKD", dedup._POSSESSIVE.sub("", dedup._US.sub(" usa ", text or "")))
        return dedup._WORD.findall("".join(c for c in text if not unicodedata.combining(c)).lower())

    text = words(summary)[:lead] or words(body)[:lead]
    if lead is None:
        text = words(summary) + words(body)
    return [w for w in words(dedup.headline(title)) + text if w not in dedup.STOPWORDS]


def numpy_minhash():
    try:
        import numpy as np
    except ImportError:
        return None
    u64 = np.uint64
    a = np.array([a for a, _ in dedup.PERMUTATIONS], dtype=u64)[:, None]
    a_high, a_low = a >> u64(32), a & u64(0xFFFFFFFF)
    b = np.array([b for _, b in dedup.PERMUTATIONS], dtype=u64)[:, None]
    p = u64(dedup._MERSENNE)

    def minhash(shingle_set):
        if not shingle_set:
            return (dedup._MAX_HASH,) * dedup.NUM_PERM
        x = np.fromiter(shingle_set, dtype=u64, count=len(shingle_set))
        low, high = a_low * x, a_high * x  # a*x = high * 2**32 + low, both below 2**64
        t = ((high & u64((1 << 29) - 1)) << u64(32)) + (high >> u64(29)) + (low & p) + (low >> u64(61)) + b
        t = (t & p) + (t >> u64(61))
        t = np.where(t >= p, t - p, t)
        return tuple((t & u64(dedup._MAX_HASH)).min(axis=1).tolist())

    return minhash


def timed(function, inputs, turns_out):
    for value in inputs:
        start = time.perf_counter()
        function(value)
        turns_out.append(time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    texts = []
    for name in FILES:
        for line in (DATA / name).read_text().splitlines():
            item = json.loads(line)
            texts.append((item.get("title") or "", item.get("summary") or "", item.get("body") or ""))
    tokens = [dedup.comparable_words(*text) for text in texts]
    assert tokens == [comparable_words_whole(*text) for text in texts]
    long_texts = [text for text in texts if len(text[1]) + len(text[2]) > 1_000]
    words = [dedup.shingles(t, 1) for t in tokens]
    long_words = [w for w in words if len(w) > 30]
    contenders = {"per-pair (old)": minhash_per_pair, "lanes (new)": dedup.minhash}
    vectorised = numpy_minhash()
    if vectorised:
        contenders["numpy"] = vectorised
    for function in contenders.values():
        assert all(function(w) == minhash_per_pair(w) for w in words)
    assert all(shingles_per_run(t, s) == dedup.shingles(t, s) for t in tokens for s in (1, 2))
    print(f"{len(words)} items, median {statistics.median(map(len, words))} distinct words, {len(long_words)} with more than 30")
    for label, inputs in (("minhash, all items", words), ("minhash, > 30 words", long_words)):
        times = {name: [] for name in contenders}
        for _ in range(args.turns):
            for name, function in contenders.items():
                timed(function, inputs, times[name])
        base = statistics.median(times["per-pair (old)"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{label:22} {name:16} {median * 1e6:8.1f} us/item  x{base / median:.2f}")
    times = {"per-run (old)": [], "map (new)": []}
    for _ in range(args.turns):
        timed(shingles_per_run, tokens, times["per-run (old)"])
        timed(dedup.shingles, tokens, times["map (new)"])
        timed(lambda t: shingles_per_run(t, 1), tokens, times["per-run (old)"])
        timed(lambda t: dedup.shingles(t, 1), tokens, times["map (new)"])
    base = statistics.median(times["per-run (old)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{'shingles (1 and 2)':22} {name:16} {median * 1e6:8.1f} us/item  x{base / median:.2f}")
    for label, inputs in (("lead words, all items", texts), ("lead words, > 1000 ch", long_texts)):
        times = {"whole text (old)": [], "prefix (new)": []}
        for _ in range(args.turns):
            timed(lambda text: comparable_words_whole(*text), inputs, times["whole text (old)"])
            timed(lambda text: dedup.comparable_words(*text), inputs, times["prefix (new)"])
        base = statistics.median(times["whole text (old)"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{label:22} {name:16} {median * 1e6:8.1f} us/item  x{base / median:.2f}")


if __name__ == "__main__":
    main()
