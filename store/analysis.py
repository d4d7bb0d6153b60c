"""The pass over newly stored articles: entities, then fingerprints and coverage groups, then
relevance to every story, then what each on-story report adds to its story (novelty).

The ingest path calls `analyse_articles` inside the poll's transaction, so the dashboard only
ever reads finished results. Each step owns its own module and tables.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlite_utils import Database


def analyse_articles(
    db: Database, article_ids: list[int], prepared: Mapping[tuple[str, str, str], object] | None = None
) -> None:
    """Analyse articles that were just added or changed (seeds included).

    `prepared` maps (title, summary, body) to that text's `store.prepared.TextAnalysis`,
    computed beforehand (in the poller's worker processes); an article whose stored text is
    not among its keys is analysed here, by the same functions."""
    if not article_ids:
        return
    # Loaded on first use: the extractor's gazetteer and the stemmer cost start-up time.
    from storywatch.store import entities, grouping, scoring, story_model
    from storywatch.store.prepared import opening_keys, relevance_terms, with_names
    from storywatch.store.text import dedup, relevance
    from storywatch.store.times import now_iso

    known = prepared or {}

    def mentions_of(title, summary, body):
        found = known.get((title, summary, body))
        return found.mentions if found is not None else entities.article_mentions(title, summary, body)

    # Entities first: relevance uses the entities an article shares with the seeds.
    entities.index_articles(db, article_ids, mentions_of if known else None)
    with db.atomic():
        articles = story_model.load_articles(db, article_ids)
        names = story_model.entity_names(db, [a[0] for a in articles])
        stories = [(story_id, story_model.story_state(db, story_id)) for story_id in story_model.story_ids(db)]
        seed_shingles = {seed: shingles for _, state in stories for seed, shingles in state.seed_shingles.items()}
        vocabulary = frozenset().union(*(state.vocabulary for _, state in stories))
        new_background = []
        scored, inheriting = [], []  # written for all the articles at once (`scoring.write_relevance`)
        now = now_iso()
        # What is stored of each article's grouping, for all of them at once (a revision has a
        # fingerprint; an article already grouped keeps its group).
        stored = grouping.stored_groupings(db, [a[0] for a in articles])
        for article_id, kind, seed_story, title, summary, body in articles:
            before = stored[article_id]
            found = known.get((title, summary, body))
            words, opening = (found.terms, found.opening) if found is not None else relevance_terms(title, summary, body)
            keys_of_opening = found.opening_keys if found is not None else None
            if keys_of_opening is None:
                keys_of_opening = opening_keys(opening)  # once, for every story's facets
            terms = with_names(words, names.get(article_id, ()))
            if kind == "feed" and before.signature is None:
                new_background.append(terms)
            fingerprint = found.fingerprint if found is not None else dedup.fingerprint(title, summary, body)
            keys = found.bands() if found is not None else None
            seed_id = grouping.group_article(db, article_id, kind, fingerprint, seed_shingles, before, keys)
            for story_id, state in stories:
                scored.append(scoring.relevance_row(
                    story_id, article_id, relevance.score(state.model, terms, opening, keys_of_opening), state.threshold,
                    seed_id is not None and seed_id in state.seed_shingles, kind == "seed" and seed_story == story_id, now,
                ))
                if state.has_marks:
                    inheriting.append((story_id, article_id))
        scoring.write_relevance(db, scored, inheriting)
        # Novelty reads only verdicts and groups, which are all stored now: one query for them,
        # then the reports in the same order as ever (what one teaches the story, the next knows).
        verdicts = _verdicts(db, [a[0] for a in articles])
        for article_id, kind, seed_story, title, summary, body in articles:
            for story_id, _ in stories:
                on_story, match = verdicts.get((story_id, article_id), (None, None))
                _note_novelty(
                    db, story_id, article_id, kind == "seed" and seed_story == story_id, (title, summary, body),
                    on_story, match,
                )
        story_model.count_terms(db, new_background, vocabulary)


def _verdicts(db: Database, article_ids: list[int]) -> dict[tuple[int, int], tuple[int | None, str | None]]:
    """(story, article) -> (on_story, coverage match) for these articles."""
    found = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start : start + 500]
        found.update(
            ((story_id, article_id), (on_story, match))
            for story_id, article_id, on_story, match in db.execute(
                "SELECT r.story_id, r.article_id, r.on_story, c.match FROM relevance r"
                " LEFT JOIN coverage c ON c.article_id = r.article_id"
                f" WHERE r.article_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


def _note_novelty(
    db: Database, story_id: int, article_id: int, is_seed: bool, text: tuple[str, str, str],
    on_story: int | None, match: str | None,
) -> None:
    """Seeds make what the story knows; an on-story report's new sentences are marked, then
    known too. A copy of another report (same or near text, a seed's text) adds nothing."""
    from storywatch.store import novelty

    if is_seed:
        novelty.learn(db, story_id, *text)
        return
    if not on_story:
        return
    novelty.note_article(db, story_id, article_id, *text, copy=bool(match) and match != "first")
