"""The entity linker's cost as the store's most-named people pile up mentions (issue 13).

    python bench/linking.py [--mentions 0,10000,100000,300000] [--runs 5]

Linking a name may ask which of several people of one surname is mentioned most (rules 5 and
6 in store/entities.py). A store kept for months holds hundreds of thousands of mentions of
its leading names, and counting them is a walk of the index, once per such question.

Each size is a fresh SQLite file: the first 200 reports of the real dev set
(bench/data/real_dev.jsonl) are stored through the real ingest path, then the people named
most there are given that many more mentions in all (bulk inserted, spread in proportion to
what they had, on filler articles). Then the next 100 reports are stored in batches of 20
(each batch is one `entities.index_articles`, as a poll's is) and the linker's CPU is
timed: median over the runs of the CPU per report of `index_articles`, which is nothing
but linking and writing mentions here (the reports' names are found beforehand). Prints one
line per size. Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from storywatch.store import entities
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord

DATA = Path(__file__).resolve().parent / "data" / "real_dev.jsonl"
PRELOADED = 200
TIMED = 100
BATCH = 20
LEADING = 10  # people given the extra mentions


def records(rows: list[dict], tag: str) -> list[ArticleRecord]:
    return [
        ArticleRecord(title=row["title"], url=f"https://bench.test/{tag}/{n}", summary=row.get("summary") or "",
                      source=row.get("source") or None)
        for n, row in enumerate(rows)
    ]


def linking_cpu(rows: list[dict], extra: int, folder: Path) -> float:
    """CPU seconds per report of linking the timed reports, with `extra` more mentions stored."""
    db = open_db(folder / f"linking-{extra}.db")
    ingest_items(db, records(rows[:PRELOADED], "pre"))
    leading = db.execute(
        "SELECT e.id, count(*) AS n FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE e.kind = 'person'"
        " GROUP BY e.id ORDER BY n DESC LIMIT ?", [LEADING]
    ).fetchall()
    total = sum(n for _, n in leading) or 1
    with db.atomic():
        filler = [
            db.execute("INSERT INTO articles (kind, title, first_seen_at, updated_at, sort_at, content_hash) VALUES"
                       " ('feed', 'filler', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '')").lastrowid
            for _ in range(100)
        ]
        for entity_id, n in leading:
            share = extra * n // total
            db.conn.executemany(
                "INSERT INTO mentions (article_id, entity_id, field, char_start, char_end, text) VALUES (?, ?, 'body', ?, ?, 'x')",
                ((filler[i % len(filler)], entity_id, i, i + 1) for i in range(share)),
            )
    db.execute("ANALYZE")
    timed = records(rows[PRELOADED : PRELOADED + TIMED], "timed")
    spent = 0.0
    for start in range(0, len(timed), BATCH):
        batch = timed[start : start + BATCH]
        with db.atomic():
            # Stored without their entities first (as if found elsewhere), then linked alone.
            ids = [
                db.execute(
                    "INSERT INTO articles (kind, url, title, summary, first_seen_at, updated_at, sort_at, content_hash) VALUES"
                    " ('feed', ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '')",
                    [item.url, item.title, item.summary],
                ).lastrowid
                for item in batch
            ]
            found = {(item.title, item.summary, ""): entities.article_mentions(item.title, item.summary, "") for item in batch}
            began = time.thread_time()
            entities.index_articles(db, ids, lambda title, summary, body: found[(title, summary or "", body or "")])
            spent += time.thread_time() - began
    db.conn.close()
    return spent / len(timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", default="0,10000,100000,300000", help="extra mentions of the leading people")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if len(rows) < PRELOADED + TIMED:
        sys.exit(f"{DATA} holds {len(rows)} reports; {PRELOADED + TIMED} are needed")
    print(f"entity linking of {TIMED} real reports in batches of {BATCH}, CPU per report (median of {args.runs} runs)")
    with tempfile.TemporaryDirectory() as folder:
        for extra in (int(size) for size in args.mentions.split(",")):
            times = []
            for run in range(args.runs):
                path = Path(folder) / f"linking-{extra}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                times.append(linking_cpu(rows, extra, Path(folder)))
            print(f"  {extra:>9,} more mentions of the {LEADING} people named most: {statistics.median(times) * 1000:7.3f} ms"
                  f"  (min {min(times) * 1000:.3f}, max {max(times) * 1000:.3f})")


if __name__ == "__main__":
    main()
