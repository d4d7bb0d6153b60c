"""The text functions the worker processes and the analysis pass run, over every text in
bench/data and every item bench/poll.py serves, one digest line per function: run it under
two versions of storywatch and compare the output, to show a speed-up changed no value.

    python bench/text_same.py > /tmp/new.txt
    PYTHONPATH=/tmp/old python bench/text_same.py > /tmp/old.txt   # see bench/turns.py
    cmp /tmp/old.txt /tmp/new.txt

Each digest covers the exact values (repr) of: the parsed records of the served feeds (links
joined and checked), `novelty.read_sentences` of every field, `dedup.fingerprint` with its
MinHash signature and `band_keys`, `relevance.article_terms` (sorted: a set's order is no
value) and `relevance.facet_keys` of the opening, `is_web_url` of every link.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime
from pathlib import Path

from storywatch.feeds.parse import parse_feed
from storywatch.store.text import dedup, novelty, relevance
from storywatch.store.text.urls import canonical_url, is_web_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import poll  # noqa: E402

URL = "http://127.0.0.1:8000/feed/0.xml"
CONTENT_TYPE = "application/xml; charset=utf-8"


def texts() -> list[tuple[str, str, str]]:
    """(title, summary, body) of every bench/data row and every served item."""
    found = []
    for path in sorted((ROOT / "bench" / "data").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            found.append((row.get("title") or "", row.get("summary") or row.get("text") or "", row.get("body") or ""))
    return found


class _FixedClock(datetime):
    """The served items' times, the same in every run (bench/poll.py dates them from now)."""

    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 1, 5, 12, 0, tzinfo=tz)


def main() -> None:
    poll.datetime = _FixedClock
    digests = {name: hashlib.sha256() for name in ("records", "novelty", "fingerprint", "terms", "urls")}
    items = []
    for document in poll.documents(40):
        parsed = parse_feed(document.encode("utf-8"), url=URL, content_type=CONTENT_TYPE)
        digests["records"].update(repr(parsed.items).encode())
        items += [(item.title, item.summary, item.body) for item in parsed.items]
        for item in parsed.items:
            digests["urls"].update(repr((is_web_url(item.url), canonical_url(item.url))).encode())
    every = texts() + items
    for title, summary, body in every:
        for field, text in novelty.article_fields(title, summary, body):
            digests["novelty"].update(repr((field, novelty.read_sentences(text))).encode())
        fp = dedup.fingerprint(title, summary, body)
        digests["fingerprint"].update(repr((fp, dedup.band_keys(fp.signature))).encode())
        terms, opening = relevance.article_terms(title, summary, body)
        digests["terms"].update(repr((sorted(terms), sorted(opening), sorted(relevance.facet_keys(opening)))).encode())
    print(f"{len(every):,} texts")
    for name, digest in digests.items():
        print(f"{name:<12} {digest.hexdigest()}")


if __name__ == "__main__":
    main()
