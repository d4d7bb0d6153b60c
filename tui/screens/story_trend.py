"""The story screen's coverage sparkline: per hour or per day, for the story or one entity.

A mixin of StoryScreen; the counting runs in a thread on its own connection.
"""

from __future__ import annotations

from textual import work

from storywatch.store.db import open_db
from storywatch.store.trends import coverage_trend
from storywatch.tui.widgets.coverage_sparkline import CoverageSparkline


class CoverageTrend:
    """`H` and the sparkline under the header."""

    def action_trend_span(self) -> None:
        self.trend_by = "day" if self.trend_by == "hour" else "hour"
        self.refresh_trend()

    def refresh_trend(self) -> None:
        self.load_trend(self.trend_by, self.filter.entity_id, self.filter.entity_name)

    @work(thread=True, exclusive=True, group="trend", exit_on_error=False)
    def load_trend(self, by: str, entity_id: int | None, entity_name: str | None) -> None:
        """Counting reads every on-story article of the window: its own thread and connection."""
        db = open_db(self.app.db_path, migrate=False)
        try:
            counts = coverage_trend(db, self.story_id, by, entity_id=entity_id)
        finally:
            db.conn.close()
        self.app.call_from_thread(self.query_one(CoverageSparkline).show_counts, counts, by, entity_name)
