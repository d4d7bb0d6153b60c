"""The store's side of polls, without the network: the same items into a fresh SQLite file,
for checking that two versions of the store keep the same rows, and timing the store alone.

Builds the items from bench/poll.py's generated feeds (parsed by the real parser) and from the
real texts in bench/data (real_dev, real_wire_dev: one feed per source feed, then a second
poll where some items are edited, retitled, listed twice or given another's link, and a page
text arrives for a few), then saves every poll with `save_poll` at fixed poll times.

    python bench/store_compare.py ingest OUT.db [--feeds 40] [--generated-only]   # store CPU per item
    python bench/store_compare.py ingest OUT.db --statements   # statements per item (CPU includes the trace's)
    python bench/store_compare.py ingest OUT.db --profile [--profile-out FILE]   # the store's own CPU by module,
                                                                                 # and its statements
    python bench/store_compare.py ingest OUT.db --marks     # the user marked some articles half way: copies inherit
    python bench/store_compare.py ingest OUT.db --prepared    # each poll's analysis computed first, as the
                                                              # poller's worker processes send it
    python bench/store_compare.py compare A.db B.db           # every table, timestamps aside

To compare two versions, run `ingest` under each (e.g. PYTHONPATH=/path/to/old-copy, where
old-copy/storywatch holds the old tree) and `compare` the two files. Columns stamped with the
wall clock (relevance.scored_at, developments.found_at, stories.created_at, feeds.added_at)
are left out, and any time of today (seeds' times, generated items' publication) reads NOW;
everything else, ids included, must be equal.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import re
import sqlite3
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

WALL_CLOCK = {"scored_at", "found_at", "created_at", "added_at"}


def polls(feeds: int, real: bool = True) -> list[tuple[str, str, list]]:
    """(feed name, poll time, records) in the order they are saved; `real=False`: the generated
    feeds alone (what bench/poll.py serves)."""
    import poll as bench_poll

    from storywatch.feeds.parse import parse_feed
    from storywatch.store.records import ArticleRecord

    class FixedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 1, 5, 12, 0, tzinfo=tz)

    bench_poll.datetime = FixedClock  # the generated items' times, the same in every run
    result = []
    docs = bench_poll.documents(feeds)
    for number, doc in enumerate(docs):
        items = parse_feed(doc.encode() if isinstance(doc, str) else doc).items
        result.append((f"gen-{number}", "2026-01-05T12:00:00Z", items))
    if not real:
        return result
    real = []
    for name in ("real_dev.jsonl", "real_wire_dev.jsonl"):
        for line in (ROOT / "bench" / "data" / name).read_text().splitlines():
            real.append(json.loads(line))
    by_feed: dict[str, list] = {}
    for row in real:
        record = ArticleRecord(
            title=row.get("title") or "", url=row.get("url") or "", guid=row.get("id") or "",
            summary=row.get("summary") or "", body=row.get("body") or "", source=row.get("source") or "",
            published_at=row.get("published_at"),
        )
        by_feed.setdefault(row.get("feed") or "real", []).append(record)
    for name, records in by_feed.items():
        result.append((f"real-{name}", "2026-01-06T12:00:00Z", records))
    # A second poll: edits, retitles, repeats within the poll, another item's link, new items.
    rng = random.Random(13)
    for name, records in list(by_feed.items()):
        again = []
        for index, record in enumerate(records):
            roll = rng.random()
            if roll < 0.15:
                record = _replace(record, summary=record.summary + " Officials said more details would follow.")
            elif roll < 0.2:
                record = _replace(record, title=record.title + " (updated)")
            elif roll < 0.23 and index:
                record = _replace(record, url=records[index - 1].url)
            elif roll < 0.25:
                record = _replace(record, guid=record.guid + "-2")
            again.append(record)
            if rng.random() < 0.05:
                again.append(record)  # listed twice in one poll
        result.append((f"real-{name}", "2026-01-07T12:00:00Z", again))
    return result


def _replace(record, **changes):
    from dataclasses import replace

    return replace(record, **changes)


def ingest(
    path: Path, feeds: int, pragmas: list[str] = (), real: bool = True, profile: bool = False, trace: bool = False,
    marks: bool = False, prepared: bool = False, profile_out: Path | None = None,
) -> None:
    """Save every poll; `trace` counts the statements, with a callback that costs CPU of its own
    (SQLite expands each statement's values into its text for it: a body, a blob in hex)."""
    from storywatch.store.db import open_db
    from storywatch.store.feeds import add_feed, all_feeds, remove_feed
    from storywatch.store.ingest import save_poll
    from storywatch.store.records import PollOutcome
    from storywatch.store.scoring import mark_on_story
    from storywatch.store.story import ensure_story, load_story

    path.unlink(missing_ok=True)
    db = open_db(path)
    for pragma in pragmas:
        db.execute(f"PRAGMA {pragma}")
    ensure_story(db, load_story(ROOT / "seeds" / "story.toml"))
    for feed in all_feeds(db):
        remove_feed(db, str(feed.id))
    work = polls(feeds, real)
    feed_ids = {}
    for name, _, _ in work:
        if name not in feed_ids:
            feed_ids[name] = add_feed(db, f"http://127.0.0.1:9/{name}.xml")
    statements = [0]
    texts: Counter = Counter()

    def count(statement: str) -> None:
        statements[0] += 1
        if profile:
            texts[statement[:300]] += 1  # shaped after the run: no regex inside what is profiled

    trace = trace or profile
    db.conn.set_trace_callback(count if trace else None)
    profiler = cProfile.Profile() if profile else None
    seconds, new, items = 0.0, 0, 0
    for number, (name, polled_at, records) in enumerate(work):
        if number == len(work) // 2:
            # Some reports' own pages gave their text: a feed's teaser must not replace it.
            db.conn.set_trace_callback(None)
            for (article_id,) in db.execute("SELECT id FROM articles WHERE id % 7 = 0").fetchall():
                db.execute(
                    "INSERT INTO page_fetches (article_id, url, status, fetched_at, attempts, text_at)"
                    " VALUES (?, 'http://127.0.0.1:9/page', 'ok', ?, 0, ?)", [article_id, polled_at, polled_at])
                db.execute("UPDATE articles SET body = body || ' Full text from the page.' WHERE id = ?", [article_id])
            db.conn.commit()
            if marks:  # every 11th article marked (on, or off for every other), as a user teaches
                for (article_id,) in db.execute("SELECT id FROM articles WHERE id % 11 = 0").fetchall():
                    mark_on_story(db, article_id, article_id % 22 == 0, rescore=False)
            db.conn.set_trace_callback(count if trace else None)
        outcome = PollOutcome(polled_at=polled_at, ok=True, status=200, next_poll_at="2026-01-08T00:00:00Z")
        ready = None
        if prepared:  # computed apart, and through pack/unpack as they cross from a worker process
            from storywatch.store.prepared import pack, prepare, unpack

            ready = [unpack(pack(prepare(record))) for record in records]
        started = time.process_time()
        if profiler:
            profiler.enable()
        result = save_poll(db, feed_ids[name], outcome, records, *([ready] if prepared else []))
        if profiler:
            profiler.disable()
        seconds += time.process_time() - started
        new += len(result.new_ids)
        items += len(records)
    db.conn.set_trace_callback(None)
    db.close()
    counted = f", {statements[0] / items:.1f} SQL statements per item (CPU with the trace)" if trace else ""
    print(f"{items:,} items ({new:,} new) in {len(work)} polls: store CPU {seconds:.2f} s,"
          f" {seconds / items * 1000:.3f} ms per item{counted}")
    if profiler:
        _print_profile(profiler, texts, items)
        if profile_out:
            profiler.dump_stats(profile_out)


def _shape(statement: str) -> str:
    """A statement with its values taken out (the trace callback sees them bound), so that one
    statement run with many values counts as one."""
    shape = re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b|X'[0-9A-Fa-f]*'", "?", " ".join(statement.split()))
    return re.sub(r"\?(?:, \?)+", "?, ...", shape)[:160]


def _print_profile(profiler, texts: Counter, items: int) -> None:
    """Self time by module (C functions by name), then the statements most often run."""
    stats = pstats.Stats(profiler)
    by_module: Counter = Counter()
    for (file, _, function), (_, _, self_time, _, _) in stats.stats.items():
        by_module[function if file == "~" else file.replace(str(ROOT) + "/", "")] += self_time
    total = sum(by_module.values())
    print(f"profiled self time {total:.2f} s (profiler overhead included); by module:")
    for name, spent in by_module.most_common(20):
        print(f"  {spent / total:6.1%}  {spent / items * 1000:.3f} ms/item  {name[-80:]}")
    shapes: Counter = Counter()
    for text, times in texts.items():
        shapes[_shape(text)] += times
    print("statements per item, by text:")
    for text, times in shapes.most_common(40):
        print(f"  {times / items:6.2f}  {text}")


def _undated(value, today: str):
    """The clock's time (a seed's, the generated items' publication) is not the store's doing."""
    return "NOW" if isinstance(value, str) and value.startswith(today) else value


def dump(path: Path) -> dict[str, list]:
    today = datetime.now(timezone.utc).date().isoformat()
    conn = sqlite3.connect(path)
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " AND name NOT LIKE 'articles_fts_%' AND name != '_sqlite_migrations' ORDER BY name")]
    result = {}
    for table in tables:
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in WALL_CLOCK]
        if table == "articles_fts":
            columns = ["rowid", *columns]
        rows = [tuple(_undated(value, today) for value in row)
                for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")]
        result[table] = (columns, sorted(rows, key=repr))
    conn.close()
    return result


def compare(a: Path, b: Path) -> int:
    left, right = dump(a), dump(b)
    differences = 0
    for table in sorted(set(left) | set(right)):
        if table not in left or table not in right:
            rows = (left.get(table) or right.get(table))[1]
            print(f"{table}: only in {'the first' if table in left else 'the second'}, {len(rows):,} rows")
            differences += bool(rows)  # a table a version adds (a queue that must be empty) is no difference
            continue
        if left[table] == right[table]:
            print(f"{table}: {len(left[table][1]):,} rows, equal")
            continue
        differences += 1
        only_a = set(left[table][1]) - set(right[table][1])
        only_b = set(right[table][1]) - set(left[table][1])
        print(f"{table}: DIFFERENT ({len(left[table][1])} vs {len(right[table][1])} rows;"
              f" {len(only_a)} only in the first, {len(only_b)} only in the second)")
        for row in list(only_a)[:3]:
            print("   first: ", repr(row)[:300])
        for row in list(only_b)[:3]:
            print("   second:", repr(row)[:300])
    differences += not _same_search(a, b)
    return differences


def _same_search(a: Path, b: Path, words: int = 300) -> bool:
    """The compare above reads `articles_fts` through its external content, the articles
    themselves; this asks both search indexes for the commonest words of the first file's
    headlines and bodies, and checks every article is indexed once."""

    conns = [sqlite3.connect(path) for path in (a, b)]
    counts: Counter = Counter()
    for title, body in conns[0].execute("SELECT title, coalesce(body, '') FROM articles"):
        counts.update(set(re.findall(r"[a-z]{4,}", f"{title} {body[:2000]}".lower())))
    asked = [word for word, _ in counts.most_common(words)]
    answers = []
    for conn, path in zip(conns, (a, b)):
        indexed, stored = conn.execute("SELECT (SELECT count(*) FROM articles_fts_docsize), (SELECT count(*) FROM articles)").fetchone()
        answers.append([conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid", [word]).fetchall() for word in asked])
        print(f"{path}: {indexed:,} of {stored:,} articles in the search index")
        if indexed != stored:
            return False
    same = answers[0] == answers[1]
    print(f"search: {len(asked)} words asked, {'the same articles found' if same else 'DIFFERENT articles found'}"
          f" ({sum(map(len, answers[0])):,} hits)")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("ingest")
    run.add_argument("db", type=Path)
    run.add_argument("--feeds", type=int, default=40)
    run.add_argument("--generated-only", action="store_true", help="bench/poll.py's feeds alone, no real texts")
    run.add_argument("--pragma", action="append", default=[], metavar="NAME=VALUE", help="an extra PRAGMA to try")
    run.add_argument("--profile", action="store_true", help="self time by module, and statements by text")
    run.add_argument("--profile-out", type=Path, default=None, metavar="FILE",
                     help="with --profile: also write the profile to FILE (pstats), to read by function")
    run.add_argument("--statements", action="store_true", help="count the statements (a trace callback)")
    run.add_argument("--marks", action="store_true", help="mark every 11th article half way (copies inherit marks)")
    run.add_argument("--prepared", action="store_true",
                     help="hand save_poll each item's analysis computed beforehand (store CPU then leaves it out)")
    check = commands.add_parser("compare")
    check.add_argument("a", type=Path)
    check.add_argument("b", type=Path)
    args = parser.parse_args()
    if args.command == "ingest":
        ingest(args.db, args.feeds, args.pragma, real=not args.generated_only, profile=args.profile, trace=args.statements, marks=args.marks,
               prepared=args.prepared, profile_out=args.profile_out)
    else:
        sys.exit(1 if compare(args.a, args.b) else 0)


if __name__ == "__main__":
    main()
