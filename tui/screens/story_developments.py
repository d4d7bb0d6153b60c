"""The story screen's latest developments panel (`L`): under the feed, across its full width,
the newest sentences that told the story something new; enter reads the report.

A mixin of StoryScreen. Under the feed rather than beside it: a sentence needs the width, and
at 80 columns the entity sidebar's 30 columns would hold four words of it.
"""

from __future__ import annotations

from storywatch.store.coverage import StoryRow, group_of, story_rows
from storywatch.store.novelty import latest_developments
from storywatch.tui.widgets.developments import DevelopmentsPanel
from storywatch.tui.widgets.story_feed import StoryFeed

DEVELOPMENTS_SHOWN = 50


class LatestDevelopments:
    """`L` and the panel it shows; kept current as polls bring reports."""

    def action_toggle_developments(self) -> None:
        panel = self.query_one(DevelopmentsPanel)
        panel.display = not panel.display
        if panel.display:
            self.refresh_developments()
            panel.focus()
        else:
            self.query_one("#story-feed").focus()

    def report_at_cursor(self) -> StoryRow | None:
        """The report the keys for one report act on (+/-, tags, read, d, o, y): the highlighted
        development's while the panel has the focus, as enter there reads it; else the feed's
        row under the cursor. Before, they took the feed's row, hidden behind the panel's own
        highlight, and tagged or taught a report the user was not looking at."""
        panel = self.query_one(DevelopmentsPanel)
        if panel.display and panel.has_focus:
            article_id = panel.highlighted_article
            if article_id is None:
                return None
            rows = story_rows(self.db, self.story_id, [group_of(self.db, article_id)])
            return rows[0] if rows else None
        return self.query_one(StoryFeed).article_at_cursor()

    def refresh_developments(self) -> None:
        """One indexed query, newest first with a limit: it costs the same however big the story."""
        panel = self.query_one(DevelopmentsPanel)
        if panel.display:
            panel.show_developments(latest_developments(self.db, self.story_id, DEVELOPMENTS_SHOWN))

    # By its name, not @on: Textual collects @on handlers only from the screen's own class.
    def on_developments_panel_chosen(self, event: DevelopmentsPanel.Chosen) -> None:
        """Read the report the way the feed opens one (and reading it marks it read)."""
        from storywatch.tui.screens.article import ArticleScreen

        self.app.push_screen(ArticleScreen(self.db, self.story_id, event.article_id))
        if not self.app.read_only:
            self.mark_read(group_of(self.db, event.article_id))  # as the feed's rows: by coverage group
