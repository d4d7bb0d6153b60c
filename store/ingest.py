"""Writing what a poll found: articles, their revisions and the feed's state, a batch per transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError

from storywatch.store.db import insert_row
from storywatch.store.feeds import move_feed
from storywatch.store.known import KnownItems
from storywatch.store.pages import page_body
from storywatch.store.prepared import Prepared, StoredText, by_text, stored_text
from storywatch.store.records import ArticleRecord, IngestResult, PollOutcome
from storywatch.store.text.clean import clean_line, content_hash
from storywatch.store.times import now_iso

if TYPE_CHECKING:
    from storywatch.store.text.edits import Verdict

# The analysis and the edit classifier load when a poll brings items: a round of 304s, a warm
# `fetch --once`, never needs them (bench/startup.py).

POLL_BATCH = 200  # items stored per transaction: a huge feed holds the write lock for one batch at a time


def save_poll(
    db: Database, feed_id: int, outcome: PollOutcome, items: list[ArticleRecord] = (),
    prepared: list[Prepared] | None = None, *, index_search: bool = True,
) -> IngestResult:
    """Record a poll and store its items, `POLL_BATCH` items per transaction, so a feed of
    thousands of items never keeps the dashboard or another fetcher waiting for long.

    `prepared`, one per item, is `store.prepared.prepare` of each, computed beforehand (by the
    poller's worker processes): the rows stored are the same with it or without.

    The feed's new state (validators, success) is written with the last batch: a crash part
    way leaves whole batches stored and the feed due with its old ETag, so the next poll
    fetches it again and stores the rest (storing is idempotent).

    `index_search=False` leaves the new articles in `search_queue` for the caller, who saves
    more polls in the same transaction and indexes them all at once before it commits.
    """
    result = IngestResult()
    seen = SeenInPoll()  # what this poll has stored, across its batches
    for start in range(0, max(len(items), 1), POLL_BATCH):
        with db.atomic():
            chunk = items[start : start + POLL_BATCH]
            ready = prepared[start : start + POLL_BATCH] if prepared is not None else None
            batch = ingest_items(
                db, chunk, feed_id=feed_id, seen_at=outcome.polled_at, seen=seen, prepared=ready,
                index_search=index_search or start + POLL_BATCH < len(items),  # a batch that commits alone
            )
            if start + POLL_BATCH >= len(items):
                result.moved = _record_outcome(db, feed_id, outcome)
        result.new_ids += batch.new_ids
        result.updated_ids += batch.updated_ids
        result.unchanged += batch.unchanged
        result.skipped += batch.skipped
    return result


def ingest_items(
    db: Database,
    items: list[ArticleRecord],
    *,
    feed_id: int | None = None,
    seen_at: str | None = None,
    seen: SeenInPoll | None = None,
    prepared: list[Prepared] | None = None,
    index_search: bool = True,
) -> IngestResult:
    """Store items idempotently, in one transaction: the same item twice adds nothing.

    `seen` is what this poll already stored (it grows), so that one poll's batches agree on
    which item came first. `prepared`, `index_search`: see `save_poll`."""
    seen_at = seen_at or now_iso()
    result = IngestResult()
    seen_in_batch = SeenInPoll() if seen is None else seen
    quiet: list[int] = []
    texts = [p.text for p in prepared] if prepared is not None else [stored_text(item) for item in items]
    with db.atomic():
        known = KnownItems(db, feed_id, [text.guid for text in texts], [text.canonical for text in texts])
        for item, text in zip(items, texts):
            outcome = _ingest_one(db, item, text, feed_id, seen_at, seen_in_batch, known)
            if outcome is None:
                result.skipped += 1
            elif outcome[1] == "new":
                result.new_ids.append(outcome[0])
            elif outcome[1] == "updated":
                result.updated_ids.append(outcome[0])
            else:
                result.unchanged += 1
                if outcome[1] == "quiet":  # its text changed, though no reader would call it an edit
                    quiet.append(outcome[0])
        if result.new_ids and index_search:  # only a new article is queued: a poll of 304s runs no statement for it
            index_queued_articles(db)
        from storywatch.store.analysis import analyse_articles

        analyse_articles(db, result.new_ids + result.updated_ids + quiet, by_text(prepared) if prepared else None)
    return result


def index_queued_articles(db: Database) -> None:
    """Put the feed articles queued since the last batch into the search index, in one statement
    (see schema.m013_ingest_speed); call it inside the transaction that inserted them. One that is
    indexed already (a manual FTS 'rebuild' meanwhile) is not indexed twice."""
    db.execute(
        "INSERT INTO articles_fts (rowid, title, summary, body, source)"
        " SELECT a.id, a.title, a.summary, a.body, a.source FROM search_queue q JOIN articles a ON a.id = q.article_id"
        " WHERE q.article_id NOT IN (SELECT id FROM articles_fts_docsize) ORDER BY q.article_id"
    )
    db.execute("DELETE FROM search_queue")


@dataclass
class SeenInPoll:
    """What one poll has stored so far: the articles, and the article each GUID went to. Items
    resolve against it before the database, so a feed's second poll finds every item where the
    first put it (a GUID the feed gives twice is one article, whatever links come with it)."""

    articles: set[int] = field(default_factory=set)
    guids: dict[str, int] = field(default_factory=dict)

    def add(self, article_id: int, guid: str) -> None:
        self.articles.add(article_id)
        if guid:
            self.guids.setdefault(guid, article_id)


def _ingest_one(
    db: Database, item: ArticleRecord, text: StoredText, feed_id: int | None, seen_at: str,
    seen_in_batch: SeenInPoll, known: KnownItems,
):
    """Store one item (`text` is what is stored of it: its keys and clean text); an article
    an earlier item of the poll already stored is left as that item had it (one article listed
    twice, or two items found by one GUID but with different links), so a repeated poll is not
    a new revision each time."""
    canonical, guid, title, summary, body, digest = text
    if not title or not (canonical or guid):
        return None  # nothing to show or nothing to know it by again
    url = clean_line(item.url, 2000)
    if guid in seen_in_batch.guids:  # the feed gave this GUID to an earlier item of this poll
        return seen_in_batch.guids[guid], "unchanged"
    existing, kept_apart = _find_existing(db, canonical, guid, feed_id, url, digest, known)
    if existing is not None and existing["id"] in seen_in_batch.articles:
        # A feed listing one article twice must not make it flip between two versions.
        seen_in_batch.add(existing["id"], guid)
        return existing["id"], "unchanged"
    if existing is None:
        published = item.published_at
        sort_at = min(published, seen_at) if published else seen_at
        article_id = insert_row(
            db,
            "articles",
            {
                "kind": "feed",
                "url": url or None,
                # A second article behind the same canonical URL has none: it is known by its GUID.
                "canonical_url": None if kept_apart else canonical or None,
                "guid": guid or None,
                "title": title,
                "source": clean_line(item.source, 200) or None,
                "author": clean_line(item.author, 200) or None,
                "summary": summary,
                "body": body,
                "published_at": published,
                "first_seen_at": seen_at,
                "updated_at": seen_at,
                "sort_at": sort_at,
                "content_hash": digest,
                "revision_count": 1,
            },
        )
        add_revision(db, article_id, 1, seen_at, title, summary, body, digest)
        state = "new"
    else:
        article_id = existing["id"]
        state = "unchanged"
        # Once the report's own page gave its text, that is the body: the feed's teaser (or its
        # cut-down body) must not replace it each poll, only to come back with the next page check.
        page = page_body(db, article_id) if known.has_page(article_id) is not False else None
        if page:
            body = page
            digest = content_hash(title, summary, body)
        if existing["content_hash"] != digest and existing["kind"] == "feed":
            verdict = _record(db, article_id, title, summary, body, seen_at, source=clean_line(item.source, 200) or None)
            state = "updated" if verdict == "edit" else "quiet" if verdict else "unchanged"
    if feed_id is not None and state == "new":
        # Not found by its GUID in this feed (`_find_existing` asks that first), so no other
        # article of the feed has it, and a new article has no row: a plain insert.
        db.execute(
            "INSERT INTO feed_articles (feed_id, article_id, guid, first_seen_at) VALUES (?, ?, ?, ?)",
            [feed_id, article_id, guid or None, seen_at],
        )
    elif feed_id is not None:
        # A GUID names one article in a feed. An item found by its link whose GUID the feed
        # already gave another article keeps no GUID here, or the next poll's lookup by that
        # GUID would find two articles and rewrite one with the other's text.
        db.execute(
            "INSERT OR IGNORE INTO feed_articles (feed_id, article_id, guid, first_seen_at)"
            " SELECT ?1, ?2, CASE WHEN EXISTS (SELECT 1 FROM feed_articles WHERE feed_id = ?1 AND guid = ?3"
            " AND article_id != ?2) THEN NULL ELSE ?3 END, ?4",
            [feed_id, article_id, guid or None, seen_at],
        )
    if state != "unchanged" or feed_id is not None:
        known.touch(article_id, guid, canonical)
    seen_in_batch.add(article_id, guid)
    return article_id, state


def _find_existing(
    db: Database, canonical: str, guid: str, feed_id: int | None, url: str, digest: str, known: KnownItems
) -> tuple[dict | None, bool]:
    """An article is known first by its GUID in the same feed (the feed's own name for it, which
    stays put however its links move), then by its canonical URL, then by a GUID elsewhere.

    Also says whether the article holding the canonical URL is a different one that the same
    feed keeps apart (see `_kept_apart`): the new article is then stored without a canonical URL
    (the column is unique) and is found again by its feed and GUID, so neither item ever lands on
    the other's row. A later item from elsewhere with that URL joins the first article.
    """
    lookups = []
    if guid and feed_id is not None:
        # Before the URL: an item found by its GUID in one poll must not be found by another
        # article's URL in the next (a flip-flop the property tests found).
        lookups.append(
            (
                "feed_guid",
                guid,
                "id = (SELECT min(article_id) FROM feed_articles INDEXED BY feed_articles_by_guid"
                " WHERE feed_id = ? AND guid = ?)",
                [feed_id, guid],
            )
        )
    if canonical:
        lookups.append(("canonical", canonical, "canonical_url = ?", [canonical]))
    if guid and not canonical:
        lookups.append(("bare_guid", guid, "guid = ? AND canonical_url IS NULL", [guid]))
    kept_apart = False
    for kind, key, condition, params in lookups:
        row = known.article(kind, key, condition, params)
        if row and kind == "canonical" and _kept_apart(db, row["id"], feed_id, guid, url, digest):
            kept_apart = True
        elif row:
            return row, False
    return None, kept_apart


def _kept_apart(db: Database, article_id: int, feed_id: int | None, guid: str, url: str, digest: str) -> bool:
    """Whether a feed item is another article than the stored one its canonical URL leads to.

    The feed already gave that article under another GUID and a different link, so the feed
    itself says they are two (canonicalisation can map two pages together); unless the item's
    text is one the article has had, which says they are the same report.
    """
    if feed_id is None or not guid:
        return False
    other_guid = db.execute(
        "SELECT 1 FROM feed_articles fa JOIN articles a ON a.id = fa.article_id"
        " WHERE fa.article_id = ? AND fa.feed_id = ? AND fa.guid IS NOT NULL AND fa.guid != ?"
        " AND a.url IS NOT ?",
        [article_id, feed_id, guid, url or None],
    ).fetchone()
    if other_guid is None:
        return False
    same_text = db.execute(
        "SELECT 1 FROM revisions WHERE article_id = ? AND content_hash = ?", [article_id, digest]
    ).fetchone()
    return same_text is None


def record_version(
    db: Database, article_id: int, title: str, summary: str, body: str, seen_at: str, *,
    source: str | None = None, news: bool = True, changes: str = "",
) -> str:
    """Keep what an article now says: "updated" when a reader would call it an edit, "quiet"
    when its text changed but is no news (stored all the same), else "unchanged". Only an edit
    makes the report unread, counts in its revisions and moves its coverage group to the top.

    `news=False` stores even an edit quietly, labelled `changes` (a report's first full text:
    its page was fetched, the outlet edited nothing). For any stored article, in the caller's
    transaction; the caller re-analyses an updated or quiet one."""
    kind = _record(db, article_id, title, summary, body, seen_at, source=source, news=news, changes=changes)
    return "updated" if kind == "edit" else "quiet" if kind else "unchanged"


def _record(
    db: Database, article_id: int, title: str, summary: str, body: str, seen_at: str, *,
    source: str | None = None, news: bool = True, changes: str = "",
) -> str | None:
    """Store a new version of an article and say what it is ('edit', 'minor', 'return'), or
    None when its text is exactly what is stored."""
    row = db.execute(
        "SELECT content_hash, title, summary, body, source, url FROM articles WHERE id = ?", [article_id]
    ).fetchone()
    digest = content_hash(title, summary, body)
    if row is None or row[0] == digest:
        return None
    source = source or row[4]
    # Every version reads like its first one or an edit (a minor change or a return repeats
    # one), so those and the current text are all there is to compare: never the whole history.
    counted = db.execute(
        "SELECT revision, title, summary, body FROM revisions WHERE article_id = ? AND kind IN ('first', 'edit')"
        " ORDER BY revision",
        [article_id],
    ).fetchall()
    last = db.execute("SELECT max(revision) FROM revisions WHERE article_id = ?", [article_id]).fetchone()[0] or 0
    from storywatch.store.text.edits import Verdict, Version, classify, edit_key

    now_shown, url = Version(*(row[1:4])), row[5]
    keys = [(revision, edit_key(t, s, b, source, url)) for revision, t, s, b in counted]
    keys.append((last, edit_key(now_shown.title, now_shown.summary, now_shown.body, source, url)))
    new = Version(title, summary, body)
    verdict = classify(keys, edit_key(title, summary, body, source, url), new, now_shown, source)
    if verdict.kind == "edit" and not news:
        verdict = Verdict("minor", changes=changes or verdict.changes)
    revision = last + 1
    db.execute(
        "UPDATE articles SET title = ?, summary = ?, body = ?, content_hash = ? WHERE id = ?",
        [title, summary, body, digest, article_id],
    )
    if verdict.kind == "edit":
        # News again: unread, counted, and its group rises to the top of the feed (see README).
        db.execute(
            "UPDATE articles SET updated_at = ?1, revision_count = revision_count + 1, read_at = NULL,"
            " sort_at = max(sort_at, ?1) WHERE id = ?2",
            [seen_at, article_id],
        )
        db.execute(
            "UPDATE articles SET sort_at = max(sort_at, ?) WHERE id = (SELECT group_id FROM coverage WHERE article_id = ?)",
            [seen_at, article_id],
        )
    add_revision(db, article_id, revision, seen_at, title, summary, body, digest, verdict)
    return verdict.kind


def add_revision(
    db: Database,
    article_id: int,
    revision: int,
    seen_at: str,
    title: str,
    summary: str,
    body: str,
    digest: str,
    verdict: Verdict | None = None,
) -> None:
    """Keep one version of an article, with what it is to a reader (every version is kept,
    even one that is no edit: what is shown is decided from `kind`)."""
    if verdict is None:
        from storywatch.store.text.edits import Verdict

        verdict = Verdict("first" if revision == 1 else "edit")
    insert_row(
        db,
        "revisions",
        {
            "article_id": article_id,
            "revision": revision,
            "seen_at": seen_at,
            "title": title,
            "summary": summary,
            "body": body,
            "content_hash": digest,
            "kind": verdict.kind,
            "changes": verdict.changes or None,
            "same_as": verdict.same_as,
        },
    )


def _record_outcome(db: Database, feed_id: int, outcome: PollOutcome) -> tuple[str, str] | None:
    """Write a poll's outcome to the feed's row; returns (old address, new one) when the feed
    moved for good, so the user is told where it is followed now."""
    changes: dict = {"last_polled_at": outcome.polled_at, "next_poll_at": outcome.next_poll_at}
    if outcome.status is not None:
        changes["last_status"] = outcome.status
    if outcome.ok:
        changes.update(last_success_at=outcome.polled_at, failure_count=0)
        if not outcome.not_modified:
            changes.update(etag=outcome.etag, last_modified=outcome.last_modified)
        if outcome.feed_title:
            changes["title"] = clean_line(outcome.feed_title, 200)
        if outcome.site_url:
            changes["site_url"] = clean_line(outcome.site_url, 2000)
        changes["max_age"] = outcome.max_age
        if not outcome.not_modified:
            changes["ttl"] = outcome.ttl  # a 304 says nothing about the document's ttl
        if outcome.poll_interval is not None:
            changes["poll_interval"] = outcome.poll_interval
        _update_feed(db, feed_id, changes)
        if outcome.moved_to:
            return _moved(db, feed_id, outcome.moved_to)
    else:
        changes.update(last_error=clean_line(outcome.error, 500) or "unknown error", last_error_at=outcome.polled_at)
        _update_feed(db, feed_id, changes)
        db.execute("UPDATE feeds SET failure_count = failure_count + 1 WHERE id = ?", [feed_id])
    return None


def _moved(db: Database, feed_id: int, moved_to: str) -> tuple[str, str] | None:
    (before,) = db.execute("SELECT url FROM feeds WHERE id = ?", [feed_id]).fetchone()
    followed_as = move_feed(db, feed_id, moved_to)
    if followed_as is None:
        return None
    (after,) = db.execute("SELECT url FROM feeds WHERE id = ?", [followed_as]).fetchone()
    return (before, after) if after != before else None


def _update_feed(db: Database, feed_id: int, changes: dict) -> None:
    """One plain UPDATE of a feed's row: `Table.update` re-reads the table's columns and keys on
    every call: recording a 304 took 104 us of CPU with it, 19 us without. A feed removed meanwhile
    raises `NotFoundError` as `Table.update` did, so the poll's transaction is rolled back."""
    columns = ", ".join(f"{column} = ?" for column in changes)
    if db.execute(f"UPDATE feeds SET {columns} WHERE id = ?", [*changes.values(), feed_id]).rowcount == 0:
        raise NotFoundError(f"feed {feed_id} is no longer followed")
