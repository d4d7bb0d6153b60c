"""Every bench item scored against the bundled story's model, one line each: run it under two
versions of storywatch and compare the output, to show a speed-up changed no score.

    python bench/relevance_same.py > /tmp/new.txt
    PYTHONPATH=/tmp/old python bench/relevance_same.py > /tmp/old.txt   # see bench/turns.py
    cmp /tmp/old.txt /tmp/new.txt

Each line holds an item's score and raw score (repr: every bit), its reasons and its verdict at
the story's threshold, from the public functions the ingest path scores with: `item_terms`,
`opening_terms`, `score` (and, where the version has it, `article_terms`, checked here to
give the same terms as the two). Items are scored as a headline alone, as headline and
summary, and with the summary as the body too, against the model built from the seeds alone,
and again against one taught by marks (on- and off-story), so the marked words count.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

from storywatch.store import scoring, story_model
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.records import ArticleRecord
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text import relevance

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"


def items() -> list[tuple[str, dict]]:
    found = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append((path.name, json.loads(line)))
    return found


def shapes(item: dict) -> list[tuple[str, str, str]]:
    """(title, summary, body) as feeds carry an item: headline only, with a teaser, full text."""
    title = item.get("title") or ""
    summary = item.get("summary") or item.get("marked") or ""  # entities.jsonl: a marked-up text
    body = item.get("body") or ""
    return [(title, "", ""), (title, summary, body), (title, "", summary + "\n\n" + body)]


def terms_of(title: str, summary: str, body: str, entities: tuple[str, ...]):
    terms = relevance.item_terms(title, summary, body, entities)
    opening = relevance.opening_terms(title, summary, body)
    both = getattr(relevance, "article_terms", None)
    if both is not None and both(title, summary, body, entities) != (terms, opening):
        raise SystemExit(f"article_terms differs from item_terms, opening_terms on {title!r}")
    return terms, opening


def models(folder: Path) -> list[tuple[relevance.StoryModel, float]]:
    """The seeds' model, then one taught by a few marks on stored items."""
    db = open_db(folder / "same.db")
    story_id = ensure_story(db, load_story(ROOT / "seeds" / "story.toml"))
    state = story_model.story_state(db, story_id)
    found = [(state.model, state.threshold)]
    sample = [item for _, item in items() if item.get("title")][:400]
    ids = []
    for n, item in enumerate(sample):
        record = ArticleRecord(title=item["title"], url=f"https://example.org/{n}", summary=item.get("summary") or "")
        result = ingest_items(db, [record])
        ids.extend(result.new_ids)
    for n, article_id in enumerate(ids[:12]):
        scoring.mark_on_story(db, article_id, n % 2 == 0, story_id=story_id, rescore=False)
    state = story_model.story_state(db, story_id)
    found.append((state.model, state.threshold))
    db.close()
    return found


def main() -> None:
    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as folder:
        built = models(Path(folder))
    entities = ("Pentagon", "Sinaloa Cartel", "Claudia Sheinbaum", "[b]x[/b]")
    count = 0
    for name, item in items():
        for title, summary, body in shapes(item):
            for names in ((), entities):
                terms, opening = terms_of(title, summary, body, names)
                for number, (model, threshold) in enumerate(built):
                    verdict = relevance.score(model, terms, opening)
                    line = json.dumps(
                        [name, item.get("id"), number, repr(verdict.score), repr(verdict.raw), verdict.reasons,
                         verdict.score >= threshold]
                    )
                    digest.update(line.encode())
                    print(line)
                    count += 1
    print(f"{count} scores, sha256 {digest.hexdigest()}", file=sys.stderr)


if __name__ == "__main__":
    main()
