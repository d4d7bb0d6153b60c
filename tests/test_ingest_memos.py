"""The ingest's remembered answers give what the plain functions give: a stored article's word
pairs are those of its text now, a name is cleaned and keyed as ever; the signature agreement
is the estimate."""

from __future__ import annotations

import random

from storywatch.store import grouping
from storywatch.store.text import dedup

WIRE = ("Mexico and US agree on border talks", "",
        "Officials from both countries met in Mexico City on Tuesday to discuss security at the border.")
EDITED = (WIRE[0], "", WIRE[2].replace("Tuesday", "Wednesday") + " A second round is planned for next month.")


def test_remembered_word_pairs_follow_the_article_s_text():
    grouping._SHINGLES.clear()
    assert grouping._stored_shingles(1, WIRE) == dedup.item_shingles(*WIRE)
    # The same article edited (or article 1 of another database): never the old text's pairs.
    assert grouping._stored_shingles(1, EDITED) == dedup.item_shingles(*EDITED)
    assert grouping._stored_shingles(1, EDITED) != dedup.item_shingles(*WIRE)
    assert grouping._stored_shingles(1, WIRE) == dedup.item_shingles(*WIRE)


def test_the_memory_of_word_pairs_is_bounded(monkeypatch):
    grouping._SHINGLES.clear()
    monkeypatch.setattr(grouping, "_SHINGLES_KEPT", 3)
    for article_id in range(10):
        grouping._stored_shingles(article_id, WIRE)
    assert list(grouping._SHINGLES) == [7, 8, 9]


def test_the_estimated_resemblance_is_the_share_of_values_that_agree():
    rng = random.Random(4)
    for _ in range(200):
        a = tuple(rng.randrange(5) for _ in range(dedup.NUM_PERM))
        b = dedup.signature_from_blob(dedup.signature_blob(tuple(rng.randrange(5) for _ in range(dedup.NUM_PERM))))
        assert dedup.estimated_resemblance(a, b) == sum(x == y for x, y in zip(a, b)) / len(a)


def test_remembered_names_are_cleaned_and_keyed_as_ever():
    from storywatch.store import entities
    from storywatch.store.text.gazetteer import name_key

    for kind, text in [("org", "the Pentagon"), ("person", "Trump's"), ("place", "U.S."), ("person", "Donald J. Trump"),
                       ("org", "The Hague"), ("place", "México")]:
        for _ in range(2):  # the second answer is the remembered one
            written, alias = entities._written(text)
            assert (written, alias) == (entities.clean_name(text), name_key(entities.clean_name(text)))
            name = entities.canonical_name(kind, written)
            assert entities._canonical(kind, written) == (name, entities.entity_key(kind, name))
