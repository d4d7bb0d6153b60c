"""The story screen's tags and read marks: keys 1-9, t, m, n / N and A.

A mixin of StoryScreen (it uses the screen's feed, database and app): drawn at once, written
in a thread on its own connection, and never on a read-only database.
"""

from __future__ import annotations

from dataclasses import replace

from textual import work

from storywatch.store.coverage import StoryRow, group_of, mark_groups_read, revised_since, toggle_group_read
from storywatch.store.db import open_db
from storywatch.store.tags import add_group_tag, all_group_tags, tag_name, tags_in_use, toggle_group_tag
from storywatch.store.times import now_iso
from storywatch.tui.screens.tag_input import TagInputScreen
from storywatch.tui.widgets.story_feed import StoryFeed

READ_ONLY_NOTICE = "This database is read-only: nothing is polled, and read marks, tags and teaching are not saved."


class TagsAndReadMarks:
    """What the reader marks on reports: tags and read state."""

    def show_changed_marks(self) -> None:
        """Redraw the shown rows whose tags another connection changed, or that an outlet edited."""
        tags, seen = all_group_tags(self.db), self._tags_seen
        changed = {group for group in tags.keys() | seen.keys() if tags.get(group) != seen.get(group)}
        self._tags_seen = tags
        while True:
            edited, last = revised_since(self.db, self._last_revision)
            changed.update(group_of(self.db, article_id) for article_id in edited)
            if last == self._last_revision:
                break
            self._last_revision = last
        self._redraw_groups([group for group in changed if group in self.query_one(StoryFeed).shown])

    def _writable_row(self) -> StoryRow | None:
        """The report under the cursor, if the user may change it (else says why)."""
        row = self.report_at_cursor()
        if row is not None and self.app.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=4)
            return None
        return row

    def action_toggle_tag(self, key: int) -> None:
        name = tag_name(self.app.tag_names.get(key))
        if not name:
            self.notify(f"No tag on {key}: name one under [tags] in the story file.", timeout=3, markup=False)
            return
        if (row := self._writable_row()) is not None:
            self._retag(row, name, name not in row.tags)

    def action_add_tag(self) -> None:
        if (row := self._writable_row()) is None:
            return
        in_use = list(dict.fromkeys([*tags_in_use(self.db), *self.app.tag_names.values()]))

        def add(typed: str | None) -> None:
            name, now = tag_name(typed), self.query_one(StoryFeed).shown.get(row.id, row)
            if name and name not in now.tags:
                self._retag(now, name, True, toggle=False)
            elif name:
                self.notify(f"Already tagged {name}.", timeout=2, markup=False)

        self.app.push_screen(TagInputScreen(row.title, in_use), add)

    def _retag(self, row: StoryRow, name: str, on: bool, toggle: bool = True) -> None:
        """Draw the tag at once; the write follows in a thread."""
        tags = sorted({*row.tags, name} if on else set(row.tags) - {name}, key=str.casefold)
        self.query_one(StoryFeed).update_articles([replace(row, tags=tuple(tags))])
        self.notify(f"{'+' if on else '−'} {name}", timeout=1.5, markup=False)
        self.write_tag(row.id, name, toggle)

    @work(thread=True, group="tags", exit_on_error=False)
    def write_tag(self, group_id: int, name: str, toggle: bool) -> None:
        """Keys 1-9 toggle in the store (two quick presses cancel out, whichever thread commits
        first); `t` adds."""
        try:
            db = open_db(self.app.db_path, migrate=False)
            try:
                (toggle_group_tag if toggle else add_group_tag)(db, group_id, name)
            finally:
                db.conn.close()
        finally:
            self.app.call_from_thread(self._redraw_groups, [group_id])  # the store's word, also after a failure

    def action_toggle_read(self) -> None:
        if (row := self._writable_row()) is None:
            return
        unread = 0 if row.unread else row.outlets
        self.query_one(StoryFeed).update_articles([replace(row, unread=unread, revised_at=None)])
        self.write_read([row.id], toggle=True)

    def action_mark_all_read(self) -> None:
        feed = self.query_one(StoryFeed)
        rows = [row for row in feed.shown.values() if row.unread]
        if self.app.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=4)
        elif not rows:
            self.notify("Nothing unread in this view.", timeout=2)
        else:
            feed.update_articles([replace(row, unread=0, revised_at=None) for row in rows])
            self.notify(f"Marked {len(rows):,} report{'' if len(rows) == 1 else 's'} read.", timeout=3)
            self.write_read([row.id for row in rows], toggle=False)

    @work(thread=True, group="read", exit_on_error=False)
    def write_read(self, group_ids: list[int], toggle: bool) -> None:
        """`m` toggles one report in the store; `A` reads them all in one transaction."""
        saved = False
        try:
            db = open_db(self.app.db_path, migrate=False)
            try:
                if toggle:
                    toggle_group_read(db, group_ids[0], now_iso())
                else:
                    mark_groups_read(db, group_ids, now_iso())
                saved = True
            finally:
                db.conn.close()
        finally:
            if toggle or not saved:  # the store's word: an unread edit shows its marker again
                self.app.call_from_thread(self._redraw_groups, group_ids)

    def action_next_unread(self, forward: bool) -> None:
        feed = self.query_one(StoryFeed)
        index, wrapped = feed.next_unread(forward)
        if index is None:
            self.notify("No unread report in this view.", timeout=2)
            return
        feed.move_cursor(row=index, scroll=True)
        if wrapped:
            where, other_end = ("below", "top") if forward else ("above", "bottom")
            self.notify(f"No more unread {where}: went round to the {other_end}.", timeout=2)
