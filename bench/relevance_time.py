"""CPU of relevance alone per article, as the ingest path scores one: its terms, its opening's
terms, its score against the bundled story's model. Run it under two versions in turns:

    python bench/turns.py --old /tmp/old --turns 3 -- bench/relevance_time.py

"cold" is the first pass over every bench item in a fresh process (every word stemmed for the
first time, as in a first poll), "warm" a second pass over the same items. A version without
`relevance.article_terms` is timed through `item_terms` and `opening_terms`, as it scored.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from storywatch.store import story_model
from storywatch.store.db import open_db
from storywatch.store.story import ensure_story, load_story
from storywatch.store.text import relevance

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    items = [
        json.loads(line)
        for path in sorted((ROOT / "bench" / "data").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = [(i.get("title") or "", i.get("summary") or i.get("marked") or "", i.get("body") or "") for i in items]
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "time.db")
        model = story_model.story_state(db, ensure_story(db, load_story(ROOT / "seeds" / "story.toml"))).model
        db.close()
    both = getattr(relevance, "article_terms", None)

    def score(title: str, summary: str, body: str) -> relevance.Relevance:
        if both is not None:
            terms, opening = both(title, summary, body)
        else:
            terms, opening = relevance.item_terms(title, summary, body), relevance.opening_terms(title, summary, body)
        return relevance.score(model, terms, opening)

    passes = []
    for _ in range(2):
        start = time.process_time()
        for text in texts:
            score(*text)
        passes.append((time.process_time() - start) / len(texts) * 1e6)
    print(f"{len(texts):,} items: relevance CPU cold {passes[0]:.1f} us per item, warm {passes[1]:.1f} us per item")


if __name__ == "__main__":
    main()
