"""Teaching while reading: a user marks the mistakes they meet as reports arrive, on held-out news.

    python bench/teaching_live.py [--sets test,wire,top-heldout] [--marks 0,5,10,20] [--story PATH|new]

bench/teaching.py has a user mark reports of a set tuned on and then measures the held-out sets;
marks on those earlier months teach nothing the held-out misses need (they are of kinds the
earlier months do not hold). This is the other way a user meets a new kind of report: while
following the story. Each held-out set is replayed through the real ingest path into a fresh
SQLite file with the bundled story, report by report in the order the feed first showed them,
as bench/real_quality.py replays it. When a report arrives with the wrong verdict and the user
has marks left, they mark it through the store's own API (`scoring.mark_on_story`, as + and -
do in the dashboard, which rescores the story) before the next one arrives. Two users:

- "reads everything": sees every report (the dashboard's all-reports view) and marks both
  kinds of mistake, a report shown on the story but off it and one on it but not shown;
- "reads the story": sees only what the story's view shows, so marks only false positives.

Figures are the verdict each report got as it arrived (what the user saw then, before any mark
of theirs on it), over the whole set, and over the reports after the user's last mark (what
the marks did for later coverage). The labels stand in for the user's judgement; nothing in the
engine is chosen by this bench, and the sets stay held out for bench/real_quality.py.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_quality import SETS, STORY, STORY_HELP, _flag, counts, prf, read, story_path  # noqa: E402

from storywatch.store import scoring  # noqa: E402
from storywatch.store.db import open_db  # noqa: E402
from storywatch.store.ingest import ingest_items  # noqa: E402
from storywatch.store.records import ArticleRecord  # noqa: E402
from storywatch.store.story import ensure_story, load_story  # noqa: E402


def follow(items: list[dict], path: Path, marks: int, sees_misses: bool, story: Path = STORY) -> tuple[dict, list[dict]]:
    """Replay `items` in arrival order, the user marking the first `marks` mistakes they can see.
    Returns (verdict of each report as it arrived, the reports marked, in order)."""
    db = open_db(path)
    arrived: dict[str, bool] = {}
    marked: list[dict] = []
    try:
        story_id = ensure_story(db, load_story(story))
        order = sorted(items, key=lambda i: (i["first_seen_at"], i["id"]))
        for seen_at, poll in itertools.groupby(order, key=lambda i: i["first_seen_at"]):
            for item in poll:
                record = ArticleRecord(
                    title=item["title"], url=item["url"], guid=item["id"], summary=item["summary"],
                    source=item["source"], published_at=item["published_at"],
                )
                result = ingest_items(db, [record], seen_at=seen_at)
                ids = result.new_ids or result.updated_ids
                article = ids[0] if ids else None
                shown = arrived[item["id"]] = _flag(db, story_id, article)
                wrong = shown != item["on_story"]
                visible = shown or sees_misses
                if article is not None and wrong and visible and len(marked) < marks:
                    scoring.mark_on_story(db, article, item["on_story"], story_id=story_id)
                    marked.append(item)
    finally:
        db.conn.close()
    return arrived, marked


def figures(items: list[dict], arrived: dict[str, bool]) -> str:
    tp, fp, fn = counts(items, arrived)
    p, r, f = prf(tp, fp, fn)
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="test,wire,top-heldout", help="held-out sets, comma-separated")
    parser.add_argument("--marks", default="0,5,10,20", help="marks the user has, comma-separated")
    parser.add_argument("--story", type=story_path, default=STORY, help=STORY_HELP)
    args = parser.parse_args()
    started = time.perf_counter()
    budgets = [int(n) for n in args.marks.split(",")]
    print("Teaching while reading: the verdict each report got as it arrived; marks made as mistakes are met")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.sets.split(","):
            items = read(dict(SETS)[name])
            on = sum(i["on_story"] for i in items)
            print(f"\n{name}: {len(items)} reports, {on} on the story")
            baseline = None
            for user, sees_misses in (("reads everything", True), ("reads the story", False)):
                for n in budgets:
                    if n == 0 and not sees_misses:
                        continue  # the same as "reads everything" with no marks
                    path = Path(tmp) / f"{name}-{user[6:9]}-{n}.db"
                    arrived, marked = follow(items, path, n, sees_misses, args.story)
                    if n == 0:
                        baseline = arrived
                    label = "no marks" if n == 0 else f"{user}, up to {n}"
                    line = f"  {label:<28} all: {figures(items, arrived)}"
                    if marked:
                        order = sorted(items, key=lambda i: (i["first_seen_at"], i["id"]))
                        last = max(order.index(m) for m in marked)
                        later = order[last + 1 :]
                        on_story = sum(m["on_story"] for m in marked)
                        line += (f"\n  {'':<28} {len(marked)} marked ({on_story} on, {len(marked) - on_story} off),"
                                 f" the last at report {last + 1}; the {len(later)} after it: {figures(later, arrived)}")
                        if baseline is not None:
                            line += f"\n  {'':<28} the same {len(later)} with no marks: {figures(later, baseline)}"
                    print(line)
    print(f"\nteaching_live bench took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
