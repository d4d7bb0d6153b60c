"""The story screen's teaching: + and - mark a report on or off the story, and every stored
article is rescored in a thread; also the rescore a changed story file asks for.

A mixin of StoryScreen.
"""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from storywatch.store.coverage import StoryRow
from storywatch.store.db import open_db
from storywatch.store.scoring import mark_on_story, pending_rescore, rescoring_notice, resume_rescore, unmarked_on_story
from storywatch.store.taught import Taught, taught_by
from storywatch.store.text.clean import clean_line
from storywatch.tui.screens.story_marks import READ_ONLY_NOTICE
from storywatch.tui.widgets.story_feed import StoryFeed


class Teaching:
    """What + and - teach the story, and rescoring."""

    def action_teach(self, on_story: bool) -> None:
        row = self.report_at_cursor()
        if row is None:
            return
        if self.app.read_only:
            self.notify(READ_ONLY_NOTICE, severity="warning", timeout=4)
            return
        verdict = "on" if on_story else "off"
        self.notify(f"Teaching: {clean_line(row.title, 80)} is {verdict} the story…", timeout=2, markup=False)
        self.teach(row, on_story)

    @work(thread=True, group="teach", exit_on_error=False)
    def finish_rescore(self) -> None:
        """The story file's facets (or the relevance rules) changed: every stored article is
        scored again, in batches that let the fetcher and this screen go on (and resume next
        time if cut short)."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            notice = rescoring_notice(pending_rescore(db, self.story_id))
            self.app.call_from_thread(self.notify, notice[:1].upper() + notice[1:], timeout=4)
            worker = get_current_worker()  # quitting cancels it: the rescore stops after its batch
            rescored = resume_rescore(db, self.story_id, stop=lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
        finally:
            db.conn.close()
        self.app.call_from_thread(self._rescored, rescored)

    def _rescored(self, rescored: int) -> None:
        self.load_view()
        self._entities_stale = True
        self.notify(f"Rescored {rescored:,} articles: their verdicts are up to date.", timeout=4)

    @work(thread=True, group="teach", exit_on_error=False)
    def teach(self, row: StoryRow, on_story: bool) -> None:
        """The engine rescores every stored article: seconds on a big store, so its own thread."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            before, up_to = unmarked_on_story(db, self.story_id, row.id)
            rescored = mark_on_story(db, row.id, on_story, story_id=self.story_id)
            learned = taught_by(db, self.story_id, row.id, on_story)
            moved = unmarked_on_story(db, self.story_id, row.id, up_to)[0] - before
        finally:
            db.conn.close()
        self.app.call_from_thread(self._taught, row, on_story, rescored, learned, moved)

    def _taught(self, row: StoryRow, on_story: bool, rescored: int, learned: Taught, moved: int = 0) -> None:
        self.load_view()
        self._entities_stale = True
        verdict = "on the story" if on_story else "off the story"
        shown = "" if row.id in self.query_one(StoryFeed).shown else " It left this view: a shows the others."
        others = ""
        if moved:
            reports = "report" if abs(moved) == 1 else "reports"
            others = f" {abs(moved):,} other {reports} {'joined' if moved > 0 else 'left'} the story."
        self.notify(
            f"Marked {verdict}: {clean_line(row.title, 80)}.{shown} {learned.sentence()}{others}"
            f" {rescored:,} articles rescored.",
            timeout=6,
            markup=False,
        )
