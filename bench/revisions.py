"""Revisions stored versus updates shown, on a replay of a changing aggregator feed (issue 11).

    python bench/revisions.py              # 40 polls
    python bench/revisions.py --polls 100

A feed on 127.0.0.1 is polled `--polls` times. Between polls it does what a news-search feed
does: one headline swaps its outlet signature (" - Reuters" / " - reuters.com") every poll,
one flip-flops between two headlines, two items for one link take turns with different
headlines, one changes only case and punctuation, one leaves the feed now and then, and one
report gets a single real edit half way. Prints what the old rule (every content-hash change is
a revision) would have counted, what is stored now, and what is shown as an update.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from storywatch.feeds.fetch import FetchSettings
from storywatch.feeds.poller import poll_due
from storywatch.store.db import open_db
from storywatch.store.feeds import add_feed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test feed server (storywatch itself comes installed)

from feedserver import FeedServer, item, rss  # noqa: E402

SETTINGS = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, poll_interval=600)


def feed_at(poll: int, polls: int) -> list[dict]:
    """The feed's items at poll number `poll` (0-based)."""
    odd = poll % 2 == 1
    suffix = " - reuters.com" if odd else " - Reuters"
    items = [
        item(1, title="Pentagon drafts plans for strikes on cartels" + suffix, source="Reuters"),
        item(
            2,
            title="Sheinbaum rejects US troops" if odd else "Sheinbaum rejects US troops on Mexican soil",
            source="AP News",
        ),
        item(4, title="Hegseth: strikes within weeks" if odd else "HEGSETH — STRIKES WITHIN WEEKS!", source="BBC News"),
    ]
    twins = [
        item(3, title="Mexican troops head north", guid="twin-a"),
        item(3, title="Troops move toward the border, officials say", guid="twin-b"),
    ]
    items += twins[::-1] if odd else twins
    edited = poll >= polls // 2
    items.append(
        item(
            5,
            title=("Cartel labs hit in Sinaloa, 12 dead" if edited else "Cartel labs hit in Sinaloa") + suffix,
            summary="Drone strikes hit two labs overnight."
            + (" Twelve people died, officials said." if edited else ""),
            source="Reuters",
        )
    )
    if poll % 5 != 3:  # leaves the feed now and then, and comes back
        items.append(item(6, title="Congress debates the strikes", source="Politico"))
    items += [item(n, title=f"Steady report {n}") for n in range(7, 12)]
    return items


async def replay(polls: int) -> dict[str, int]:
    with FeedServer() as server, tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "replay.db")
        url = server.route("/aggregator.xml", rss(feed_at(0, polls)))
        add_feed(db, url)
        updates = new = 0
        for poll in range(polls):
            server.route("/aggregator.xml", rss(feed_at(poll, polls)))
            report = await poll_due(db, settings=SETTINGS, force=True)
            new += len(report.new_ids)
            updates += len(report.updated_ids)
        kinds = dict(db.execute("SELECT kind, count(*) FROM revisions GROUP BY kind").fetchall())
        counted = db.execute("SELECT sum(revision_count - 1) FROM articles").fetchone()[0]
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.close()
    stored = sum(kinds.values())
    return {
        "polls": polls,
        "articles": articles,
        "new reports announced": new,
        "versions stored (revisions rows)": stored,
        "old rule: revisions counted (every content-hash change)": stored - articles,
        "now: updates shown (poll's updated_ids)": updates,
        "now: revisions counted beyond the first (revision_count - 1)": counted,
        **{f"  kind {kind}": kinds.get(kind, 0) for kind in ("first", "edit", "minor", "return")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=40)
    args = parser.parse_args()
    for name, value in asyncio.run(replay(args.polls)).items():
        print(f"{name:64} {value:>6}")


if __name__ == "__main__":
    main()
