"""The export dialog: pick a format and a file, and the tagged reports are written there."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet
from textual.worker import Worker, WorkerState

from storywatch.store.db import open_db
from storywatch.store.export import export_text
from storywatch.store.text.clean import clean_line
from storywatch.store.text.export_formats import FORMATS

FORMAT_LABELS = {"md": "Markdown dossier", "json": "JSON", "csv": "CSV (for a spreadsheet)"}


def default_export_name(story_name: str, fmt: str = "md", today: date | None = None) -> str:
    """`storywatch-<story>-<date>.<fmt>`, the story's name cut down to what every file system takes."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", story_name).strip("-.") or "story"
    return f"storywatch-{slug[:60]}-{(today or date.today()).isoformat()}.{fmt}"


class ExportScreen(ModalScreen[Path | None]):
    """Choose md/json/csv, a file and optionally one tag; dismissed with the path written, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
        & > Vertical {
            width: 72;
            max-width: 96%;
            height: auto;
            border: round $primary;
            background: $surface;
            padding: 0 1;
        }
        & RadioSet { width: 100%; border: none; padding: 0; }
        & Label { color: $text-muted; margin-top: 1; }
        & Input { margin: 0 1; width: 1fr; }
        & #export-status { color: $warning; margin: 0 1; }
        & #export-status.error { color: $error; }
        & Button { margin: 0 1 1 1; }
    }
    """

    def __init__(self, db_path: Path, story_title: str, story_name: str) -> None:
        super().__init__()
        self.db_path = db_path
        self.story_title = story_title
        self.story_name = story_name
        self._overwrite: Path | None = None  # the existing file the user was warned about

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Export the tagged reports"
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == "md", id=f"format-{fmt}")
            yield Label("File (in the folder storywatch started in, unless you give a path)", markup=False)
            yield Input(default_export_name(self.story_name), id="export-path", select_on_focus=False, compact=True)
            yield Label("Only reports tagged (empty: every tagged report)", markup=False)
            yield Input(placeholder="tag", id="export-tag", compact=True)
            yield Label("", id="export-status", markup=False)
            yield Button("Export", variant="primary", id="export-go", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def fmt(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id.removeprefix("format-") if pressed is not None and pressed.id else "md"

    @on(RadioSet.Changed)
    def follow_format(self) -> None:
        """The file's extension follows the format, unless the user typed another one."""
        path = self.query_one("#export-path", Input)
        stem, dot, suffix = path.value.rpartition(".")
        if dot and suffix.lower() in FORMATS:
            path.value = f"{stem}.{self.fmt}"

    @on(Input.Changed, "#export-path")
    def follow_extension(self, event: Input.Changed) -> None:
        """A file typed as .json or .csv picks that format (as `-o` does on the command line)."""
        suffix = event.value.rpartition(".")[2].lower() if "." in event.value else ""
        if suffix in FORMATS and suffix != self.fmt:
            self.query_one(f"#format-{suffix}", RadioButton).value = True

    @on(Input.Submitted)
    @on(Button.Pressed, "#export-go")
    def start(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._status("Give a file name.")
            return
        path = Path(raw).expanduser().absolute()
        if path.is_dir():
            self._status(f"{clean_line(str(path), 200)} is a folder: give a file name.")
            return
        if path.exists() and self._overwrite != path:
            self._overwrite = path
            self._status(f"{clean_line(path.name, 100)} exists: press enter again to replace it.")
            return
        tag = self.query_one("#export-tag", Input).value.strip() or None
        self._status("Exporting…")
        self.write_export(self.fmt, path, tag)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def write_export(self, fmt: str, path: Path, tag: str | None) -> tuple[Path, int]:
        """Reads every tagged report, however many: off the UI thread, on its own read connection."""
        db = open_db(self.db_path, migrate=False)
        try:
            text, count = export_text(db, fmt, story_title=self.story_title, tag=tag)
        finally:
            db.conn.close()
        path.write_text(text, encoding="utf-8", newline="")
        return path, count

    @on(Worker.StateChanged)
    def export_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export":
            return
        if event.state == WorkerState.SUCCESS:
            path, count = event.worker.result
            where = clean_line(str(path), 300)
            self.app.notify(f"Exported {count} report{'' if count == 1 else 's'} to {where}", timeout=6, markup=False)
            self.dismiss(path)
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            reason = getattr(error, "strerror", None) or str(error)
            where = f" to {clean_line(str(error.filename), 300)}" if getattr(error, "filename", None) else ""
            self._status("Could not export: give another file.", error=True)
            self.app.notify(f"Could not export{where}: {clean_line(reason, 200)}", severity="error", markup=False)

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#export-status", Label)
        status.update(text)
        status.set_class(error, "error")

    def action_cancel(self) -> None:
        self.dismiss(None)
