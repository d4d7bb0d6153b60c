"""The work on one feed item that needs no database: its text as it will be stored, and what
the analysis pass reads from that text (its names, its relevance terms, its fingerprint).

`store.ingest` and `store.analysis` call these functions themselves, or are handed their
results, computed by another process (the poller's workers, `feeds/pool.py`) and carried
across in plain tuples (`pack` / `unpack`). Either way the same functions compute the same
values, so the stored rows are the same; only the CPU that does the work changes. Pure: no
SQL, no I/O (it lives beside the SQL modules because the name rules are in `store.entities`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from storywatch.store.records import ArticleRecord
from storywatch.store.text.clean import clean_block, clean_line, content_hash
from storywatch.store.text.urls import canonical_url

if TYPE_CHECKING:
    from storywatch.store.entities import Mention
    from storywatch.store.text import dedup

# The analysis modules (the extractor, the stemmer) are imported where they are first used, as
# `store.analysis` does: a poll answered by 304s alone never loads them.


class StoredText(NamedTuple):
    """An item's keys and text as the store keeps them (`store.ingest`)."""

    canonical: str  # canonical URL, "" when the item has none
    guid: str
    title: str
    summary: str
    body: str
    digest: str  # content_hash of title, summary and body


def stored_text(item: ArticleRecord) -> StoredText:
    """What ingest stores of an item: cleaned, bounded, hashed; a headline without its outlet's
    signature, and no teaser that only repeats it (`edits.unsigned`: Google News' items)."""
    title = clean_line(item.title)
    summary = clean_block(item.summary, 20_000)
    if title:
        from storywatch.store.text.edits import unsigned  # with the first item: a poll of 304s has none

        title, summary = unsigned(title, summary, item.source, item.url)
    else:
        title = clean_line(item.summary, 120)
    body = clean_block(item.body)
    return StoredText(
        canonical_url(item.url), clean_line(item.guid, 2000), title, summary, body, content_hash(title, summary, body)
    )


class TextAnalysis(NamedTuple):
    """What the analysis pass reads from an article's text alone."""

    mentions: list[Mention]
    terms: frozenset[str]  # relevance terms before the entity names, which come from the database (`with_names`)
    opening: frozenset[str]
    fingerprint: dedup.Fingerprint
    band_keys: tuple[int, ...] = ()  # `dedup.band_keys` of the fingerprint, band by band; none when not comparable
    opening_keys: frozenset[str] | None = None  # `relevance.facet_keys` of the opening, for every story's facets

    def bands(self) -> list[tuple[int, int]]:
        """The (band, key) pairs `dedup.band_keys` gives."""
        return list(enumerate(self.band_keys))


def relevance_terms(title: str, summary: str, body: str) -> tuple[frozenset[str], frozenset[str]]:
    """`relevance.article_terms` without entity names: the article's words and its opening's."""
    from storywatch.store.text import relevance

    return relevance.article_terms(title, summary, body, ())


def opening_keys(opening: frozenset[str]) -> frozenset[str]:
    """What the stories' facets look for in an article's opening (`relevance.facet_keys`): the
    text alone decides it, so it is worked out with the rest of the text's analysis."""
    from storywatch.store.text import relevance

    return relevance.facet_keys(opening)


def with_names(terms: frozenset[str], names) -> frozenset[str]:
    """The terms `relevance.article_terms` gives with these entity names: the union it makes
    itself, of the words' terms and the names not already among them."""
    from storywatch.store.text import relevance

    extra = relevance._entity_terms(names, terms) if names else ()
    return terms.union(extra) if extra else terms  # no copy of the terms for nothing to add


def analyse_text(title: str, summary: str, body: str) -> TextAnalysis:
    """Everything `store.analysis` computes from the text alone, for text as stored."""
    from storywatch.store.entities import article_mentions
    from storywatch.store.text import dedup

    terms, opening = relevance_terms(title, summary, body)
    fp = dedup.fingerprint(title, summary, body)
    # The band keys too (21 hashes): computed here they are off the storing process's hands.
    keys = tuple(key for _, key in dedup.band_keys(fp.signature)) if fp.comparable else ()
    return TextAnalysis(article_mentions(title, summary, body), terms, opening, fp, keys, opening_keys(opening))


class Prepared(NamedTuple):
    """One item ready to store: its stored text and that text's analysis."""

    text: StoredText
    analysis: TextAnalysis


def prepare(item: ArticleRecord) -> Prepared:
    text = stored_text(item)
    return Prepared(text, analyse_text(text.title, text.summary, text.body))


def by_text(prepared: list[Prepared]) -> dict[tuple[str, str, str], TextAnalysis]:
    """The analyses keyed by the text they were computed from: the analysis pass uses one only
    for an article whose stored text is exactly that (not, say, a body its page replaced)."""
    return {(p.text.title, p.text.summary, p.text.body): p.analysis for p in prepared}


# -- across a process boundary: plain tuples, cheap to pickle -----------------------------------


def pack(prepared: Prepared) -> tuple:
    text, (mentions, terms, opening, fp, keys, facet_keys) = prepared
    return (
        tuple(text),
        list(map(tuple, mentions)),
        terms,
        opening,
        (fp.text_hash, fp.shingles, fp.signature, fp.headline_hash),
        keys,
        facet_keys,
    )


def unpack(packed: tuple) -> Prepared:
    from storywatch.store.entities import Mention
    from storywatch.store.text import dedup

    text, mentions, terms, opening, fp, keys, facet_keys = packed
    return Prepared(
        StoredText(*text),
        TextAnalysis(list(map(Mention._make, mentions)), terms, opening, dedup.Fingerprint(*fp), keys, facet_keys),
    )
