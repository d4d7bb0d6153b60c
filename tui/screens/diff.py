"""`d`: what an outlet changed in a report, revision by revision, word by word.

Deletions read `[-like this-]` and insertions `{+like this+}` (as `git diff --word-diff` and
wdiff print them): the marks say what changed without colour, on a monochrome terminal or
pasted into a note, and colour only makes them quicker to spot.
"""

from __future__ import annotations

from sqlite_utils import Database
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from storywatch.store.revisions import Revision, RevisionDiff, diff_revisions, revisions_of
from storywatch.store.text.clean import clean_line
from storywatch.store.text.worddiff import Fold, Run, fold, summary
from storywatch.tui.screens.reading_box import ReadingBox
from storywatch.tui.widgets.story_header import poll_time

CONTEXT = 12  # unchanged words kept on each side of a change
DELETED = "strike $text-error on $error-muted"
INSERTED = "bold $text-success on $success-muted"
MARKS = {"delete": ("[-", "-]", DELETED), "insert": ("{+", "+}", INSERTED)}


def runs_content(runs: list[Run | Fold]) -> Content:
    """A diff drawn: changes marked and coloured, folds as one muted line. Built from
    (text, style) pieces, so no revision's text is ever read as markup."""
    parts: list[str | tuple[str, str]] = []
    for i, run in enumerate(runs):
        if isinstance(run, Fold):
            words = f"{run.words:,} word{'s' if run.words != 1 else ''}"
            before, after = "\n" if i else "", "\n" if i < len(runs) - 1 else ""
            parts.append((f"{before}  … {words} unchanged …{after}", "italic $text-muted"))
        elif run.op == "equal":
            parts.append(run.text)
        else:
            opening, closing, style = MARKS[run.op]
            parts += [(opening, style), (run.text, style), (closing, style)]
    return Content.assemble(*parts)


def pair_line(old: Revision, new: Revision, count: int) -> Content:
    """Which two revisions are compared, and when each was seen."""
    line: list[str | tuple[str, str]] = [
        (f"revision {old.revision} of {count}", "bold"),
        f" · seen {poll_time(old.seen_at)} → ",
        (f"revision {new.revision}", "bold"),
        f" · seen {poll_time(new.seen_at)}",
    ]
    # The classifier's verdict, where the database has one (migration m008).
    if new.kind == "return" and new.same_as:
        line.append((f"  ·  back to revision {new.same_as}", "$warning"))
    elif new.kind == "minor":
        line.append(("  ·  minor", "$text-muted"))
    if new.changes:
        line.append((f"  ·  {clean_line(new.changes, 80)}", "$text-muted"))
    return Content.assemble(*line)


def summary_line(diff: RevisionDiff) -> Content:
    """+N / -M words of the text (as the edit's label counts them), or what changed when no word did."""
    if not diff.added and not diff.removed:
        if summary(diff.title) != (0, 0):
            return Content.assemble(("the headline only", "$text-muted"))
        same = all(run.op == "equal" for run in diff.title + diff.text)
        return Content.assemble(("no change in the words" if same else "punctuation or spacing only", "$text-muted"))
    return Content.assemble(
        (f"+{diff.added:,}", "bold $text-success"), " / ", (f"-{diff.removed:,}", "bold $text-error"), " words"
    )


class DiffScreen(ReadingBox):
    """The changes between two revisions of a report: the previous and the latest at first."""

    HELP_TITLE = "Changes"
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        # Priority: the scrolling view would take left and right for itself.
        Binding("left,left_square_bracket", "step(-1)", "Older", key_display="←/[", priority=True,
                tooltip="Compare the revision before with the one before it"),
        Binding("right,right_square_bracket", "step(1)", "Newer", key_display="→/]", priority=True,
                tooltip="Compare the next revision with the one before it"),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("space", "page", "Page down", show=False),
        Binding("z", "toggle_fold", "Unfold", tooltip="Show the unchanged text too, or fold it again"),
    ]

    DEFAULT_CSS = """
    DiffScreen {
        & #diff-pair { margin: 1 0 0 0; }
        & #diff-summary { margin: 0 0 1 0; }
        & .diff-label { color: $text-muted; text-style: bold; }
        & #diff-title { text-style: bold; margin: 0 0 1 0; }
        & #diff-text { margin: 0 0 1 0; }
    }
    """

    def __init__(self, db: Database, article_id: int) -> None:
        super().__init__()
        self.revisions = revisions_of(db, article_id)  # one article's versions: a bounded read
        self.newer = len(self.revisions) - 1  # index of the newer revision compared
        self.folded = True
        self.diff: RevisionDiff | None = None  # the pair shown, once computed

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="diff-view"):
            yield Static(id="diff-pair")
            yield Static(id="diff-summary")
            yield Static(Content("Headline"), id="diff-title-label", classes="diff-label")
            yield Static(id="diff-title")
            yield Static(Content("Text"), id="diff-text-label", classes="diff-label")
            yield Static(id="diff-text")

    def on_mount(self) -> None:
        view = self.query_one("#diff-view")
        view.border_title = Content("Changes")
        view.border_subtitle = Content("← older · newer →  ·  z unfold  ·  esc back")
        if len(self.revisions) < 2:
            self._show_single()
            return
        self._show_pair()

    def _show_single(self) -> None:
        for name in ("#diff-title-label", "#diff-title", "#diff-text-label", "#diff-text"):
            self.query_one(name).display = False
        if not self.revisions:
            message = "No revision of this report is stored."
        else:
            only = self.revisions[0]
            message = f"Only one revision: this report has not changed since it was first seen, {poll_time(only.seen_at)}."
        self.query_one("#diff-pair", Static).update(Content(message))
        self.query_one("#diff-summary", Static).update(Content(""))

    def _show_pair(self) -> None:
        """Say which pair is shown at once; the diff follows from a worker."""
        old, new = self.revisions[self.newer - 1], self.revisions[self.newer]
        self.query_one("#diff-pair", Static).update(pair_line(old, new, len(self.revisions)))
        self.query_one("#diff-summary", Static).update(Content.assemble(("comparing…", "$text-muted")))
        self.compare(old, new)

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def compare(self, old: Revision, new: Revision) -> None:
        """A long article rewritten whole takes a while to diff: off the UI thread."""
        self.app.call_from_thread(self._show_diff, diff_revisions(old, new))

    def _show_diff(self, diff: RevisionDiff) -> None:
        if (diff.old, diff.new) != (self.revisions[self.newer - 1], self.revisions[self.newer]):
            return  # the reader has stepped on since
        self.diff = diff
        title, text = diff.title, diff.text
        if self.folded:
            title, text = fold(title, CONTEXT * 4), fold(text, CONTEXT)
        self.query_one("#diff-summary", Static).update(summary_line(diff))
        title_changed = any(isinstance(run, Run) and run.op != "equal" for run in title)
        self.query_one("#diff-title-label", Static).update(
            Content("Headline" if title_changed else "Headline (unchanged)")
        )
        self.query_one("#diff-title", Static).update(
            runs_content(title) if title_changed else Content(clean_line(diff.new.title, 2000))
        )
        self.query_one("#diff-text", Static).update(runs_content(text) if text else Content("(no text stored)"))
        self.query_one("#diff-view", VerticalScroll).scroll_home(animate=False)

    def action_step(self, by: int) -> None:
        wanted = self.newer + by
        if len(self.revisions) < 2 or not 1 <= wanted < len(self.revisions):
            self.app.bell()
            return
        self.newer = wanted
        self.diff = None
        self._show_pair()

    def action_toggle_fold(self) -> None:
        self.folded = not self.folded
        if self.diff is not None:
            self._show_diff(self.diff)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#diff-view", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self) -> None:
        self.query_one("#diff-view", VerticalScroll).scroll_page_down(animate=False)
