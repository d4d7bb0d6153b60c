"""The story engine's and the entity extractor's pass over newly stored articles.

The ingest path calls `analyse_articles` inside the poll's transaction, so the dashboard only
ever reads finished results. Each analyser owns its own module and tables.
"""

from __future__ import annotations

from sqlite_utils import Database


def analyse_articles(db: Database, article_ids: list[int]) -> None:
    """Analyse articles that were just added or changed (seeds included)."""
    if not article_ids:
        return
    # Entities first: relevance uses the entities an article shares with the seeds.
    from store import entities  # people, organisations and places (issue 4)

    entities.index_articles(db, article_ids)
    from store import engine  # relevance, duplicates and coverage groups (issue 3)

    engine.analyse(db, article_ids)
