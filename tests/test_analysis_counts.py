"""The background counts and the packed mentions, as the faster analysis pass keeps them."""

from __future__ import annotations

import pickle

from storywatch.store import story_model
from storywatch.store.prepared import pack, prepare, unpack
from storywatch.store.records import ArticleRecord
from storywatch.store.text.relevance import ENTITY_PREFIX


def counts(db) -> dict[str, int]:
    return dict(db.execute("SELECT term, articles FROM term_counts").fetchall())


def test_background_counts_words_always_pairs_and_names_only_in_the_vocabulary(db):
    before = counts(db)
    first = frozenset({"boat", "strike", "boat strike", "navy base", ENTITY_PREFIX + "hegseth", ENTITY_PREFIX + "trump"})
    second = frozenset({"boat", "cartel", "boat strike", ENTITY_PREFIX + "trump"})
    vocabulary = frozenset({"boat strike", ENTITY_PREFIX + "trump"})
    with db.atomic():
        story_model.count_terms(db, [first, second], vocabulary)
    after = counts(db)
    added = {term: n - before.get(term, 0) for term, n in after.items() if n != before.get(term, 0)}
    assert added == {
        "boat": 2, "strike": 1, "cartel": 1, "boat strike": 2, ENTITY_PREFIX + "trump": 2, story_model.TOTAL: 2,
    }
    with db.atomic():
        story_model.count_terms(db, [], vocabulary)  # nothing new: not even the total moves
    assert counts(db) == after


def test_mentions_cross_the_process_boundary_as_plain_tuples_and_come_back_equal():
    item = ArticleRecord(
        title="Sheinbaum answers Trump", url="http://127.0.0.1/a", guid="a",
        summary="", body="President Trump spoke to Claudia Sheinbaum about the Pentagon.",
    )
    prepared = prepare(item)
    assert prepared.analysis.mentions
    packed = pack(prepared)
    assert all(type(m) is tuple for m in packed[1])  # no class to import on the other side
    back = unpack(pickle.loads(pickle.dumps(packed)))
    assert back.analysis.mentions == prepared.analysis.mentions
    assert [(m.field, m.kind, m.text) for m in back.analysis.mentions] == [
        (m.field, m.kind, m.text) for m in prepared.analysis.mentions
    ]
