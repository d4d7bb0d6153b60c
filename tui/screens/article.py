"""One article, read in full: title, where and when it came from, its summary and text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from store.queries import ArticleDetail
from store.text import clean_block, clean_line
from tui.widgets.story_header import poll_time

BODY_MAX = 20_000  # characters shown; a longer text is cut, the store keeps it whole


def article_meta(detail: ArticleDetail) -> Content:
    """The line under the title: kind, source, author, times, revisions."""
    row = detail.row
    parts: list[str | tuple[str, str]] = []
    if row.kind == "seed":
        parts.append(("◆ seed  ", "bold $accent"))
    source = clean_line(row.source, 200)
    if row.kind != "seed" or source not in ("", "seed"):
        parts.append((source or "unknown source", "bold"))
    if detail.author:
        parts.append(f"  ·  {clean_line(detail.author, 200)}")
    if row.published_at:
        parts.append(f"  ·  published {poll_time(row.published_at)}")
    parts.append(f"  ·  first seen {poll_time(detail.first_seen_at)}")
    if row.revision_count > 1:
        parts.append((f"  ·  {row.revision_count} revisions", "$warning"))
    return Content.assemble(*parts)


class ArticleScreen(ModalScreen):
    """Reading view over the story feed; escape goes back to the same place in the list."""

    BINDINGS = [
        Binding("escape,q,o", "app.pop_screen", "Back"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
    ]

    DEFAULT_CSS = """
    ArticleScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%;
            max-width: 110;
            height: 90%;
            border: round $primary;
            background: $surface;
            padding: 0 2;
        }
        & #article-title { text-style: bold; color: $text; margin: 1 0 0 0; }
        & #article-meta { color: $text-muted; margin: 0 0 1 0; }
        & #article-url { color: $text-secondary; margin: -1 0 1 0; }
        & #article-summary { text-style: italic; margin: 0 0 1 0; }
    }
    """

    def __init__(self, detail: ArticleDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        row = self.detail.row
        summary = clean_block(self.detail.summary, BODY_MAX)
        body = clean_block(self.detail.body, BODY_MAX)
        with VerticalScroll(id="article-view") as view:
            view.border_title = "Article"
            # Every string here came from a feed or a seed file: Static with markup off.
            yield Static(clean_line(row.title, 2000), id="article-title", markup=False)
            yield Static(article_meta(self.detail), id="article-meta")
            if row.url:
                yield Static(clean_line(row.url, 2000), id="article-url", markup=False)
            if summary and summary != body:
                yield Static(summary, id="article-summary", markup=False)
            yield Static(body or "(no text stored for this article)", id="article-body", markup=False)

    def action_scroll(self, direction: str) -> None:
        view = self.query_one(VerticalScroll)
        view.scroll_relative(y=1 if direction == "down" else -1, animate=False)
