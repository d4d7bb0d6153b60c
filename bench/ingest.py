"""Items per second through the whole ingest path, and the near-duplicate lookup time, with
1k, 10k, 100k and 1M articles already stored.

    python bench/ingest.py                 # all sizes (1M takes a while to generate)
    python bench/ingest.py --sizes 1000,10000
    python bench/ingest.py --sizes 1000000 --db /tmp/sw/1m.db   # reuse a file generated before

One SQLite file under /tmp grows from size to size (never commit it); without --fresh an
existing file is reused and only grown where it is short of a size, so generating 1M once is
enough to measure it again after a change (each run's ingest adds 1,000 articles to it). Stored articles are
generated with bulk inserts straight into the tables, with the same fingerprints, band keys,
coverage and relevance rows the engine would store, from news-like text drawn from a Zipf
vocabulary; one in fifty is a light rewrite of an earlier one, so band keys collide as they do
in real feeds. Then, at each size:

- lookup: the engine's near-duplicate check for one new item (text fingerprint, the seeds,
  the LSH band query, verification of the candidates), for fresh items and for rewrites of
  stored ones; median and 95th percentile;
- ingest: RSS documents of 50 items each are parsed (feeds.parse) and stored
  (store.ingest.ingest_items: canonical URL, entities, fingerprint, lookup, relevance,
  groups, in one transaction per poll), items per second as the median of the polls.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

from storywatch.feeds.parse import parse_feed
from storywatch.store import grouping, story_model
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text import dedup, relevance

ROOT = Path(__file__).resolve().parent.parent

DB_PATH = Path("/tmp/storywatch-bench/ingest.db")
SIZES = (1_000, 10_000, 100_000, 1_000_000)
VOCABULARY = 40_000
POLLS = 20
ITEMS_PER_POLL = 50
PROBES = 200
CHUNK = 20_000

_SYLLABLES = ["ka", "lo", "mi", "ten", "ra", "su", "vel", "or", "an", "pre", "dis", "qua", "mon", "tri", "es", "ul"]
_COMMON = "the of to and in a for on that is with said by as at from was has will are it an be".split()


def vocabulary(size: int = VOCABULARY) -> tuple[list[str], list[float]]:
    """Made-up content words with Zipf-Mandelbrot frequencies (news text's most common content
    words are far less dominant than its function words), and real function words."""
    rng = random.Random(1)
    words: list[str] = []
    seen = set(_COMMON)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(size)))
    return words, weights


WORDS, CUMULATIVE = vocabulary()


def sentence(rng: random.Random, count: int) -> str:
    total = CUMULATIVE[-1]
    picks = [
        rng.choice(_COMMON) if rng.random() < 0.4 else WORDS[bisect.bisect(CUMULATIVE, rng.random() * total)]
        for _ in range(count)
    ]
    return " ".join(picks).capitalize()


def typical_overlap(rng: random.Random, pairs: int = 300) -> float:
    """Median word-set resemblance of two unrelated generated articles (real news: ~0.02)."""
    values = []
    for _ in range(pairs):
        a, b = (dedup.shingles(dedup.comparable_words(*article_text(rng)), 1) for _ in range(2))
        values.append(dedup.resemblance(a, b))
    return statistics.median(values)


def rewrite(rng: random.Random, text: str) -> str:
    """Another outlet's light edit: a few words changed or dropped."""
    words = text.split()
    for _ in range(max(1, len(words) // 12)):
        position = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[position] = WORDS[rng.randrange(200, 5000)]
        else:
            del words[position]
    return " ".join(words)


def article_text(rng: random.Random) -> tuple[str, str]:
    return sentence(rng, rng.randint(7, 12)), sentence(rng, rng.randint(20, 45)) + "."


def _compute(batch: list[tuple[int, str, str]]) -> list[tuple]:
    """Fingerprint, band keys and background terms of generated articles (in a worker)."""
    out = []
    for article_id, title, summary in batch:
        fp = dedup.fingerprint(title, summary)
        terms = [t for t in relevance.item_terms(title, summary) if " " not in t]
        bands = dedup.band_keys(fp.signature) if fp.comparable else []
        # Word pairs stored with the fingerprint (m018), where this version stores them.
        pairs = dedup.shingles_blob(fp.shingles) if fp.comparable and hasattr(dedup, "shingles_blob") else None
        out.append(
            (article_id, title, summary, fp.text_hash, dedup.signature_blob(fp.signature), bands, terms, fp.headline_hash,
             pairs)
        )
    return out


def grow(db, story_id: int, target: int, pool: ProcessPoolExecutor) -> None:
    """Add generated feed articles until `target` are stored."""
    have = db.execute("SELECT count(*) FROM articles WHERE kind = 'feed'").fetchone()[0]
    if have >= target:
        return
    rng = random.Random(have)
    next_id = db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0] + 1
    recent: list[tuple[str, str]] = []
    started = time.perf_counter()
    db.execute("CREATE TEMP TABLE IF NOT EXISTS new_bands (band INTEGER, key INTEGER, article_id INTEGER)")
    while have < target:
        count = min(CHUNK, target - have)
        batch = []
        for offset in range(count):
            if recent and rng.random() < 0.02:
                title, summary = rng.choice(recent)
                title, summary = rewrite(rng, title), rewrite(rng, summary)
            else:
                title, summary = article_text(rng)
                if len(recent) < 2000:
                    recent.append((title, summary))
                else:
                    recent[rng.randrange(2000)] = (title, summary)
            batch.append((next_id + offset, title, summary))
        parts = [batch[i : i + 2000] for i in range(0, len(batch), 2000)]
        computed = [row for part in pool.map(_compute, parts) for row in part]
        _bulk_insert(db, story_id, computed)
        next_id += count
        have += count
    with db.atomic():
        if "band" in {column[1] for column in db.execute("PRAGMA table_info(signature_bands)")}:  # before m015
            db.execute("INSERT OR IGNORE INTO signature_bands SELECT band, key, article_id FROM new_bands"
                       " ORDER BY band, key, article_id")
        else:  # one integer per band key (store.grouping.index_keys)
            db.execute("INSERT OR IGNORE INTO signature_bands (key, article_id)"
                       " SELECT (key & -32) | band, article_id FROM new_bands ORDER BY 1, 2")
        db.execute("DELETE FROM new_bands")
    print(f"  generated up to {target:,} stored articles in {time.perf_counter() - started:.0f} s", flush=True)


def _bulk_insert(db, story_id: int, rows: list[tuple]) -> None:
    stamp = "2025-01-01T00:00:00Z"
    conn = db.conn
    with db.atomic():
        conn.executemany(
            "INSERT INTO articles (id, kind, url, canonical_url, title, summary, body, first_seen_at, updated_at,"
            " sort_at, content_hash) VALUES (?, 'feed', ?, ?, ?, ?, '', ?, ?, ?, ?)",
            [
                (r[0], f"https://gen.example/a/{r[0]}", f"https://gen.example/a/{r[0]}", r[1], r[2], stamp, stamp, stamp, r[3])
                for r in rows
            ],
        )
        if "shingles" in {column[1] for column in db.execute("PRAGMA table_info(fingerprints)")}:
            conn.executemany("INSERT INTO fingerprints (article_id, text_hash, signature, headline_hash, shingles)"
                             " VALUES (?, ?, ?, ?, ?)", [(r[0], r[3], r[4], r[7], r[8]) for r in rows])
        else:
            conn.executemany("INSERT INTO fingerprints (article_id, text_hash, signature, headline_hash) VALUES (?, ?, ?, ?)",
                             [(r[0], r[3], r[4], r[7]) for r in rows])
        conn.executemany("INSERT INTO new_bands (band, key, article_id) VALUES (?, ?, ?)",
                         [(band, key, r[0]) for r in rows for band, key in r[5]])
        conn.executemany("INSERT INTO coverage (article_id, group_id, match) VALUES (?, ?, 'first')",
                         [(r[0], r[0]) for r in rows])
        conn.executemany(
            "INSERT INTO relevance (story_id, article_id, score, on_story, reasons, scored_at) VALUES (?, ?, 0.01, 0, '[]', ?)",
            [(story_id, r[0], stamp) for r in rows],
        )
        counts: dict[str, int] = {}
        for r in rows:
            for term in r[6]:
                counts[term] = counts.get(term, 0) + 1
        counts[story_model.TOTAL] = len(rows)
        conn.executemany(
            "INSERT INTO term_counts (term, articles) VALUES (?, ?)"
            " ON CONFLICT (term) DO UPDATE SET articles = articles + excluded.articles",
            list(counts.items()),
        )


def measure_lookup(db, story_id: int, rng: random.Random) -> tuple[list[float], list[float], int]:
    """Milliseconds per near-duplicate lookup, for fresh items and for rewrites of stored ones."""
    seed_shingles = story_model.story_state(db, story_id).seed_shingles
    top = db.execute("SELECT max(id) FROM articles").fetchone()[0]
    fresh, copies, found = [], [], 0
    for _ in range(PROBES):
        title, summary = article_text(rng)
        fp = dedup.fingerprint(title, summary)
        started = time.perf_counter()
        grouping.find_copy(db, 0, "feed", fp, seed_shingles)
        fresh.append((time.perf_counter() - started) * 1000)
    for _ in range(PROBES):
        row = db.execute("SELECT title, summary FROM articles WHERE id = ? AND kind = 'feed'", [rng.randint(1, top)]).fetchone()
        if row is None:
            continue
        fp = dedup.fingerprint(rewrite(rng, row[0]), rewrite(rng, row[1]))
        started = time.perf_counter()
        match = grouping.find_copy(db, 0, "feed", fp, seed_shingles)
        copies.append((time.perf_counter() - started) * 1000)
        found += match is not None
    return fresh, copies, found


def rss(rng: random.Random, poll: int) -> bytes:
    items = []
    for n in range(ITEMS_PER_POLL):
        title, summary = article_text(rng)
        link = f"https://news.example/{poll}/{n}/{rng.getrandbits(48):x}?utm_source=rss"
        items.append(
            f"<item><title>{escape(title)}</title><link>{link}</link><guid>{link}</guid>"
            f"<description>{escape(summary)}</description><pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title><link>https://news.example/</link>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def measure_ingest(db, rng: random.Random) -> list[float]:
    """Items per second of each poll: parse, then store with everything the engine does."""
    rates = []
    for poll in range(POLLS):
        body = rss(rng, poll)
        started = time.perf_counter()
        parsed = parse_feed(body, url="https://news.example/feed")
        result = ingest_items(db, parsed.items)
        elapsed = time.perf_counter() - started
        assert len(result.new_ids) == ITEMS_PER_POLL, result
        rates.append(ITEMS_PER_POLL / elapsed)
    return rates


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--fresh", action="store_true", help="start from an empty database")
    parser.add_argument("--pragma", action="append", default=[], metavar="NAME=VALUE",
                        help="an extra PRAGMA after open_db's own, to try a setting before changing store/db.py")
    parser.add_argument("--db", type=Path, default=DB_PATH, help=f"database file (default {DB_PATH})")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    db_path = args.db
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh:
        for path in db_path.parent.glob(db_path.name + "*"):
            path.unlink()
    db = open_db(db_path)
    for pragma in args.pragma:
        db.execute(f"PRAGMA {pragma}")
    story_id = ensure_story(db, load_story(ROOT / "seeds" / "story.toml"))
    print(
        f"database: {db_path} (cache_size {db.execute('PRAGMA cache_size').fetchone()[0]},"
        f" mmap_size {db.execute('PRAGMA mmap_size').fetchone()[0]:,}; LSH: {dedup.BANDS} bands x {dedup.BAND_ROWS} rows; generated articles'"
        f" median word overlap {typical_overlap(random.Random(3)):.3f})"
    )
    with ProcessPoolExecutor(max_workers=2) as pool:
        for size in sizes:
            grow(db, story_id, size, pool)
            stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            rng = random.Random(stored)  # the same probes on the same file; new links on a reused one
            fresh, copies, found = measure_lookup(db, story_id, rng)
            rates = measure_ingest(db, rng)
            print(
                f"{stored:>9,} stored | lookup ms: new item median {statistics.median(fresh):.3f} p95 {pct(fresh, 0.95):.3f},"
                f" rewrite median {statistics.median(copies):.3f} p95 {pct(copies, 0.95):.3f}"
                f" (rewrites found {found}/{len(copies)}) | ingest: {statistics.median(rates):,.0f} items/s"
                f" (median of {POLLS} polls of {ITEMS_PER_POLL})",
                flush=True,
            )
    # On Linux ru_maxrss is in KiB; memory-mapped database pages count in it, though the kernel
    # can drop them like any file cache.
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    db.conn.close()


if __name__ == "__main__":
    main()
