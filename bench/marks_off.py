"""How far `-` marks carry: a user marks off, one by one, the reports of a recurring off-story
subject that the bundled story puts on, and we count how many of that subject's other reports
leave the story, and how many on-story reports go with them.

    python bench/marks_off.py [--pattern 'ryan wedding|snowboard|olympian'] [--marks 5] [--control dev-week-nov17]

The subject's reports are the distinct off-story titles of the tuning sets (bench/data/real_dev*.jsonl,
labelled by hand; LABELS.md) matching --pattern; the control, every distinct on-story title of the
--control set. All are ingested as one poll into a fresh SQLite file with the bundled story, then
the first subject report still on the story is marked off through the store's own API
(`scoring.mark_on_story`, which rescores the store), --marks times.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from pathlib import Path

from storywatch import seeds
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.scoring import mark_on_story
from storywatch.store.story import ensure_story, load_story
from storywatch.store.story_model import story_state

DATA = Path(__file__).parent / "data"


def titles(files: list[Path], keep) -> list[str]:
    found: dict[str, None] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            if keep(item):
                found.setdefault(item["title"])
    return list(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pattern", default=r"ryan wedding|snowboard|olympian")
    parser.add_argument("--marks", type=int, default=5)
    parser.add_argument("--control", default="dev-week-nov17")
    args = parser.parse_args()
    pattern = re.compile(args.pattern, re.IGNORECASE)
    subject = titles(sorted(DATA.glob("real_dev*.jsonl")),
                     lambda item: not item["on_story"] and pattern.search(item["title"]))
    control_file = DATA / f"real_{args.control.replace('-', '_')}.jsonl"
    control = [t for t in titles([control_file], lambda item: item["on_story"]) if t not in subject]

    db = open_db(Path(tempfile.mkdtemp()) / "marks.db")
    story = ensure_story(db, load_story(seeds.BUNDLED_STORY_FILE))
    records = [ArticleRecord(title=t, url=f"https://marks.example/{n}", guid=f"m{n}", summary="")
               for n, t in enumerate(subject + control)]
    ids = ingest_items(db, records, seen_at="2026-03-01T00:00:00Z").new_ids

    def verdicts() -> list[int]:
        return [db.execute("SELECT on_story FROM relevance WHERE story_id = ? AND article_id = ?",
                           [story, article]).fetchone()[0] for article in ids]

    n = len(subject)
    now = verdicts()
    print(f"{n} off-story titles match {args.pattern!r}; {len(control)} on-story titles of {args.control} as control")
    print(f"  0 marks: {sum(now[:n])} of the subject's on the story, control on {sum(now[n:])} of {len(control)}")
    marked: set[int] = set()
    for k in range(1, args.marks + 1):
        left = [i for i in range(n) if now[i] and i not in marked]
        if not left:
            break
        marked.add(left[0])
        mark_on_story(db, ids[left[0]], False, story_id=story)
        now = verdicts()
        still = sum(now[i] for i in range(n) if i not in marked)
        print(f"  {k} marks: {still} of the subject's unmarked titles still on, control on {sum(now[n:])}"
              f" of {len(control)}  (marked: {subject[left[0]][:80]})")
        held = story_state(db, story).model.held_off
        if held:
            print(f"           held off: {', '.join(sorted(held))}")


if __name__ == "__main__":
    main()
