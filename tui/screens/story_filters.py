"""The story screen's search and filters: one FeedFilter, set by /, F, a, the sidebar and esc.

A mixin of StoryScreen. The search's own events (typing, enter, cancel) stay on the screen,
where Textual finds @on handlers; the query runs in StoryScreen.search_page.
"""

from __future__ import annotations

from storywatch.store.filters import FeedFilter
from storywatch.store.search import Highlighter
from storywatch.tui.screens.filters import FilterChoice, FilterScreen
from storywatch.tui.widgets.entity_sidebar import EntitySidebar
from storywatch.tui.widgets.search_bar import SearchBar
from storywatch.tui.widgets.story_feed import StoryFeed

FILTER_SCREEN = "storywatch-filters"  # the installed filter screen's name


class SearchAndFilters:
    """Changing what the feed is narrowed to."""

    def set_filter(self, flt: FeedFilter, *, now: bool = False) -> None:
        """Show the feed through another filter, from the top (a search's page `now`, not in a worker)."""
        entity_changed = flt.entity_id != self.filter.entity_id
        self.filter = flt
        self.query_one(EntitySidebar).set_active(flt.entity_id)
        self.load_view(now=now)
        self.refresh_bindings()
        if entity_changed:  # the sparkline follows the entity only: a search or a tag leaves it be
            self.refresh_trend()

    def _highlight_search(self, feed: StoryFeed) -> None:
        """Give the feed a highlighter for the search shown (closing the last one's index)."""
        if self._highlighter is not None and self._highlighter.text == self.filter.search and self.filter.searching:
            return
        if self._highlighter is not None:
            self._highlighter.close()
        self._highlighter = feed.highlighter = Highlighter(self.filter.search) if self.filter.searching else None

    def action_search(self) -> None:
        self.query_one(SearchBar).open()
        self.refresh_bindings()

    def _search_for(self, text: str, *, now: bool = False) -> None:
        if text != self.filter.search:
            self.set_filter(self.filter.with_(search=text), now=now)
        elif now and self.showing != self.filter:  # the typed search's page is still on its way
            self.load_view(now=True)

    def action_filters(self) -> None:
        """The filter screen is built once and kept (installed): F again only repaints it."""
        screen = self.app.get_screen(FILTER_SCREEN) if self.app.is_screen_installed(FILTER_SCREEN) else None
        if screen is None:
            screen = FilterScreen(self.filter, self.time_range)
            self.app.install_screen(screen, FILTER_SCREEN)
        else:
            screen.reset(self.filter, self.time_range)
        self.app.push_screen(screen, self._filters_chosen)

    def _filters_chosen(self, choice: FilterChoice | None) -> None:
        if choice is None:
            return
        self.time_range = choice.time_range
        self.set_filter(choice.filter)
