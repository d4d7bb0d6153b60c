"""One report, read in full: title, where and when, why it is on the story, every outlet's copy,
its summary and text."""

from __future__ import annotations

from rich.text import Text
from sqlite_utils import Database
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from storywatch.store.coverage import Member, group_members, group_of, relevance_of
from storywatch.store.novelty import novel_of
from storywatch.store.queries import ArticleDetail, article_detail
from storywatch.store.text.clean import clean_block, clean_line
from storywatch.store.text.relevance import as_written
from storywatch.tui.links import copy_link, open_link
from storywatch.tui.screens.article_novelty import marked_text, new_count
from storywatch.tui.screens.diff import DiffScreen
from storywatch.tui.screens.reading_box import ReadingBox
from storywatch.tui.widgets.story_feed import short_time
from storywatch.tui.widgets.story_header import poll_time

BODY_MAX = 20_000  # characters shown; a longer text is cut, the store keeps it whole
REASONS_SHOWN = 8
REASON_CHARS = 100  # "nothing on <facet> (<the word in another sense>)" runs long
NARROW_LIST = 70  # below this width the coverage list drops its "how found" column
HOW_FOUND = {"first": "first", "text": "same text", "near": "near copy", "seed": "copies a seed"}


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
        parts.append((f"  ·  {row.revision_count} revisions (d: the changes)", "$warning"))
    return Content.assemble(*parts)


def why_line(
    verdict: tuple[float, bool, list[str], bool | None] | None, kind: str, known_from_seeds: bool,
    texts: tuple[str, ...] = (),
) -> Content:
    """Why the report is (or is not) on the story: the verdict (the user's own mark, when they
    made one), the score and the engine's reasons, their words as the report's `texts` (its
    headline, summary, body) write them."""
    if verdict is None:
        return Content.assemble(("Not scored yet", "$text-muted"))
    score, on_story, reasons, taught = verdict
    if kind == "seed":
        head = ("◆ a seed of the story", "bold $accent")
    elif on_story:
        head = ("● on the story", "bold $success")
    else:
        head = ("○ off the story", "bold $text-muted")
    parts: list[str | tuple[str, str]] = [head]
    if taught is not None and kind != "seed":
        parts.append(("  · your mark", "$text-muted"))
        # The report a mark was made on is like itself: that says nothing here.
        reasons = [reason for reason in reasons if not str(reason).startswith("like a report marked off the story")]
    parts.append((f"  score {score:.2f}", ""))
    if known_from_seeds and kind != "seed":
        parts.append(("  ·  ◇ known from the seeds", "$accent"))
    shown = [clean_line(str(reason), REASON_CHARS) for reason in as_written(map(str, reasons[:REASONS_SHOWN]), *texts)]
    if shown:
        parts += [("\nwhy: ", "$text-muted"), ", ".join(shown)]
    elif kind != "seed":
        parts += [("\nwhy: none of the story's key terms or names", "$text-muted")]
    return Content.assemble(*parts)


def member_line(member: Member, current: bool, width: int = 100) -> Text:
    """One outlet's copy in the coverage list: time, source, how it was matched, title (cut to fit)."""
    narrow = width < NARROW_LIST  # an 80-column terminal: no "how found" column, a shorter source
    line = Text("▸ " if current else "  ", style="bold", end="", no_wrap=True, overflow="ellipsis")
    line.append(f"{short_time(member.sort_at):>6}  ", style="dim")
    source = clean_line(member.source, 60) or "—"
    if member.kind == "seed":
        source = "◆ seed"
    room = 12 if narrow else 18
    line.append(f"{source[:room]:<{room}}  ", style="bold" if current else "")
    if not narrow:
        line.append(f"{HOW_FOUND.get(member.match, member.match):<13}  ", style="dim")
    line.append(clean_line(member.title, 300))
    line.truncate(max(20, width), overflow="ellipsis")  # one line each: a wrapped copy reads as two
    return line


class ArticleScreen(ReadingBox):
    """Reading view over the story feed; escape goes back to the same place in the list.

    Enter on another outlet's copy in the coverage list shows that copy here instead.
    """

    HELP_TITLE = "Reading view"  # what ? calls this screen
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("o", "open_link", "Browser", tooltip="Open the link in your browser (the copy highlighted in the list, else this one)"),
        Binding("y", "copy_link", "Copy link", tooltip="Copy the link (the copy highlighted in the list, else this one)"),
        Binding("d", "diff", "Changes", tooltip="What the outlet changed in the copy shown, revision by revision"),
        # The text pages whatever has focus here: the coverage list would take these keys for itself.
        Binding("space,pagedown", "page(1)", "Page down", priority=True),
        Binding("shift+space,pageup", "page(-1)", "Page up", priority=True),
        Binding("home", "page(0)", "Top", priority=True, show=False),
        Binding("end", "page(2)", "End", priority=True, show=False),
    ]

    DEFAULT_CSS = """
    ArticleScreen {
        & #article-title { text-style: bold; color: $text; margin: 1 0 0 0; }
        & #article-meta { color: $text-muted; margin: 0 0 1 0; }
        & #article-url { color: $text-secondary; margin: -1 0 1 0; }
        & #article-why { margin: 0 0 1 0; padding: 0 1; border-left: wide $accent; }
        & #article-coverage-title { color: $text-muted; text-style: bold; }
        & #article-members { height: auto; max-height: 8; border: none; margin: 0 0 1 0; padding: 0; background: $surface; }
        & #article-summary { text-style: italic; margin: 0 0 1 0; }
    }
    """

    def __init__(self, db: Database, story_id: int, article_id: int) -> None:
        super().__init__()
        self.db = db
        self.story_id = story_id
        self.article_id = article_id
        self.group_id = group_of(db, article_id)
        self.members = group_members(db, self.group_id)
        self.shown_link: tuple[str | None, str] = (None, "feed")  # the shown copy's url and kind

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="article-view"):
            # Every string here came from a feed or a seed file: Static with markup off, or Content.
            yield Static(id="article-title", markup=False)
            yield Static(id="article-meta")
            yield Static(id="article-url", markup=False)
            yield Static(id="article-why")
            yield Static(id="article-coverage-title")
            yield OptionList(id="article-members", markup=False)
            yield Static(id="article-summary", markup=False)
            yield Static(id="article-body", markup=False)

    def on_mount(self) -> None:
        self.show_article(self.article_id)
        self.call_after_refresh(self._show_members)  # again at the list's real width, once laid out
        if len(self.members) > 1:
            self.query_one("#article-members").focus()

    def show_article(self, article_id: int) -> None:
        """Fill the view with one member of the group (the one opened, or a copy chosen below)."""
        detail = article_detail(self.db, article_id)
        if detail is None:
            return
        self.article_id = article_id
        row = detail.row
        self.shown_link = (row.url, row.kind)
        summary = clean_block(detail.summary, BODY_MAX)
        body = clean_block(detail.body, BODY_MAX)
        self.query_one("#article-view").border_title = Content(
            f"Report · {len(self.members)} outlets" if len(self.members) > 1 else "Report"
        )
        marks = novel_of(self.db, article_id, self.story_id)  # what this report adds to the story
        title_text = clean_line(row.title, 2000)
        # A new headline keeps its words as they were (the count below says so) and takes the colour.
        new_title = any(m.field == "title" for m in marks)
        self.query_one("#article-title", Static).update(Content.styled(title_text, "$success" if new_title else ""))
        self.query_one("#article-meta", Static).update(article_meta(detail))
        url = self.query_one("#article-url", Static)
        url.update(clean_line(row.url, 2000))
        url.display = bool(row.url)
        known = any(member.match == "seed" or member.kind == "seed" for member in self.members)
        verdict = relevance_of(self.db, self.story_id, article_id)
        why = why_line(verdict, row.kind, known, (row.title, detail.summary, detail.body))
        if row.kind != "seed" and verdict is not None and verdict[1]:
            why = Content.assemble(why, new_count(len(marks), new_title))
        self.query_one("#article-why", Static).update(why)
        self._show_members()
        body_marks = [m for m in marks if m.field == "body"]
        summary_marks = [m for m in marks if m.field == "summary"]
        if not body:  # many feeds carry a summary only: it is the text
            body, summary, body_marks = summary, "", summary_marks
        summary_widget = self.query_one("#article-summary", Static)
        summary_widget.update(marked_text(summary, summary_marks))
        summary_widget.display = bool(summary and summary != body)
        self.query_one("#article-body", Static).update(
            marked_text(body, body_marks) if body else "(no text stored for this article)"
        )
        self.query_one(VerticalScroll).scroll_home(animate=False)

    def _show_members(self) -> None:
        members = self.query_one("#article-members", OptionList)
        title = self.query_one("#article-coverage-title", Static)
        several = len(self.members) > 1
        members.display = title.display = several
        if not several:
            return
        title.update(Content.assemble(
            (f"Coverage · {len(self.members)} outlets, earliest first", "bold"),
            ("  (enter reads that copy)", "$text-muted"),
        ))
        highlighted = members.highlighted
        width = members.scrollable_content_region.width or min(120, int(self.app.size.width * 0.9)) - 8
        members.set_options(
            [Option(member_line(m, m.id == self.article_id, width - 1), id=str(m.id)) for m in self.members]
        )
        current = next(i for i, m in enumerate(self.members) if m.id == self.article_id) if any(
            m.id == self.article_id for m in self.members) else 0
        members.highlighted = highlighted if highlighted is not None else current

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_members)

    @on(OptionList.OptionSelected, "#article-members")
    def read_member(self, event: OptionList.OptionSelected) -> None:
        self.show_article(int(event.option.id))

    def link_target(self) -> tuple[str | None, str]:
        """The link a key means, with its article's kind: the copy highlighted in the coverage
        list while it has focus and is in sight (not paged away), else the one shown."""
        members = self.query_one("#article-members", OptionList)
        view = self.query_one(VerticalScroll)
        in_sight = Region(0, round(view.scroll_y), view.size.width, view.scrollable_content_region.height)
        if members.has_focus and members.highlighted is not None and members.virtual_region.overlaps(in_sight):
            wanted = int(members.get_option_at_index(members.highlighted).id)
            for member in self.members:
                if member.id == wanted:
                    return member.url, member.kind
        return self.shown_link

    def action_open_link(self) -> None:
        open_link(self.app, *self.link_target())

    def action_copy_link(self) -> None:
        copy_link(self.app, *self.link_target())

    def action_diff(self) -> None:
        self.app.push_screen(DiffScreen(self.db, self.article_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page" and isinstance(self.focused, Input):
            return False  # a field typed into here keeps its space and its Home/End
        return True

    def action_page(self, where: int) -> None:
        """1 a page down, -1 a page up, 0 the top, 2 the end: of the text, not the coverage list."""
        view = self.query_one(VerticalScroll)
        if where == 1:
            view.scroll_page_down(animate=False)
        elif where == -1:
            view.scroll_page_up(animate=False)
        elif where == 0:
            view.scroll_home(animate=False)
        else:
            view.scroll_end(animate=False)

    def action_scroll(self, direction: str) -> None:
        view = self.query_one(VerticalScroll)
        view.scroll_relative(y=1 if direction == "down" else -1, animate=False)
