"""The export as a user runs it: `storywatch export` in a real process (stdout or a file, one-line
errors), and `x` in the dashboard (a dialog, a file written by a worker, a notice)."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from test_cli import assert_one_line_error, storywatch
from test_export import HOSTILE_SOURCE, HOSTILE_TAG, HOSTILE_TITLE, Html, tag
from tui_helpers import STORY_NAME, article, make_story, unwritable, wait_until

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.text.clean import clean_line
from storywatch.tui.app import StorywatchApp
from storywatch.tui.screens.export import ExportScreen, default_export_name
from storywatch.tui.screens.story import StoryScreen


@pytest.fixture
def tagged_db(tmp_path):
    """A story database in its own folder with three reports, two of them tagged."""
    folder = tmp_path / "story"
    folder.mkdir()
    db_path = make_story(folder)
    db = open_db(db_path)
    ingest_items(db, [
        article(1, title="Pentagon readies drone plans", source="Wire A", hours_ago=50),
        article(2, title="US strikes hit cartel labs", source="Wire B", hours_ago=3),
        article(3, title="Untagged report", source="Wire C", hours_ago=1),
    ])
    for number, name in ((1, "plans"), (2, "strikes"), (2, "labs")):
        article_id = db.execute("SELECT id FROM articles WHERE url = ?", [f"http://127.0.0.1:9/story/{number}"]).fetchone()[0]
        tag(db, article_id, name)
    db.close()
    return db_path


def export(db_path, *args: str) -> subprocess.CompletedProcess:
    return storywatch("--db", str(db_path), "--story", str(db_path.parent / "story.toml"), "export", *args)


def test_markdown_to_stdout_by_default(tagged_db):
    result = export(tagged_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Cartel strikes: a test story\n")
    assert Html.of(result.stdout).texts("h2") == ["Pentagon readies drone plans", "US strikes hit cartel labs"]
    assert "Untagged report" not in result.stdout
    assert result.stderr == ""


def test_json_and_csv_with_tag_and_since(tagged_db):
    result = export(tagged_db, "--format", "json")
    assert [r["title"] for r in json.loads(result.stdout)] == ["Pentagon readies drone plans", "US strikes hit cartel labs"]
    result = export(tagged_db, "--format", "json", "--tag", "labs")
    assert [(r["title"], r["tags"]) for r in json.loads(result.stdout)] == [("US strikes hit cartel labs", ["labs", "strikes"])]
    result = export(tagged_db, "--format", "csv", "--since", "24h")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0][:3] == ["time", "title", "outlet"] and [row[1] for row in rows[1:]] == ["US strikes hit cartel labs"]


def test_output_file_takes_its_format_from_the_extension(tagged_db, tmp_path):
    out = tmp_path / "dossier.csv"
    result = export(tagged_db, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == f"exported 2 reports to {out}"
    assert out.read_bytes().startswith(b"time,title,outlet,link,tags,also_ran\r\n")  # CSV lines end in CRLF
    md = tmp_path / "notes.txt"
    assert export(tagged_db, "--format", "md", "--output", str(md)).returncode == 0
    assert md.read_text(encoding="utf-8").startswith("# ")


def test_nothing_tagged_is_an_empty_export_and_a_note(tagged_db):
    result = export(tagged_db, "--format", "json", "--tag", "none-such")
    assert result.returncode == 0
    assert json.loads(result.stdout) == []
    assert result.stderr.strip() == "no report carries the tag 'none-such': tag reports in the dashboard"


def test_errors_are_one_line(tagged_db, tmp_path):
    assert_one_line_error(export(tagged_db, "--since", "last tuesday"), "is no time")
    assert_one_line_error(export(tagged_db, "--format", "xml"), "'xml' is not one of")
    assert_one_line_error(export(tagged_db, "-o", str(tmp_path / "missing" / "x.md")), "cannot write")


def test_hostile_text_in_the_database_stays_inert_on_stdout(tagged_db):
    db = open_db(tagged_db)
    with db.atomic():
        db.execute("UPDATE articles SET title = ?, source = ? WHERE url = 'http://127.0.0.1:9/story/2'",
                   [HOSTILE_TITLE, HOSTILE_SOURCE])
        db.execute("UPDATE tags SET tag = ? WHERE tag = 'labs'", [HOSTILE_TAG])
    db.close()
    for fmt in ("md", "json", "csv"):
        result = export(tagged_db, "--format", fmt)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u200b" not in result.stdout
    md = export(tagged_db).stdout
    assert Html.of(md).texts("h2")[1] == clean_line(HOSTILE_TITLE)
    assert Html.of(md).links == ["http://127.0.0.1:9/story/1", "http://127.0.0.1:9/story/2"]
    rows = list(csv.reader(io.StringIO(export(tagged_db, "--format", "csv").stdout, newline="")))
    assert rows[2][1] == "'" + clean_line(HOSTILE_TITLE) and rows[2][2] == "'" + clean_line(HOSTILE_SOURCE)


@pytest.fixture
def read_only_db(tagged_db):
    """The tagged database made unwritable."""
    with unwritable(tagged_db) as db_path:
        yield db_path


def test_a_read_only_database_exports(read_only_db, tmp_path):
    out = tmp_path / "out.json"
    result = export(read_only_db, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2


# -- `x` in the dashboard ---------------------------------------------------------------------


def notices(app) -> list:
    return list(app._notifications)


async def test_x_writes_the_chosen_format_to_the_chosen_file(tagged_db, tmp_path, monkeypatch):
    db = open_db(tagged_db)
    with db.atomic():
        db.execute("UPDATE articles SET title = ? WHERE url = 'http://127.0.0.1:9/story/2'", [HOSTILE_TITLE])
        db.execute("UPDATE tags SET tag = ? WHERE tag = 'labs'", [HOSTILE_TAG])
    db.close()
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)  # the dialog's default file lands in the folder storywatch started in
    app = StorywatchApp(tagged_db, STORY_NAME, fetch=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("x")
        assert isinstance(app.screen, ExportScreen)
        path = app.screen.query_one("#export-path")
        assert path.value == default_export_name(STORY_NAME) and path.value.endswith(".md")
        await pilot.click("#format-json", offset=(4, 0))
        await pilot.pause(0.2)
        assert path.value == default_export_name(STORY_NAME, "json")
        await pilot.press("tab", "enter")  # from the formats back to the file, and go
        written = out / default_export_name(STORY_NAME, "json")
        assert await wait_until(pilot, lambda: isinstance(app.screen, StoryScreen) and written.exists())
        reports = json.loads(written.read_text(encoding="utf-8"))
        assert [r["title"] for r in reports] == ["Pentagon readies drone plans", clean_line(HOSTILE_TITLE)]
        assert reports[1]["tags"] == [clean_line(HOSTILE_TAG), "strikes"]
        notice = notices(app)[-1]
        assert notice.message == f"Exported 2 reports to {written}" and not notice.markup


async def test_x_asks_before_replacing_a_file_and_escape_writes_nothing(tagged_db, tmp_path):
    target = tmp_path / "[b]x[b] [link=http:127.0.0.1]y\u200b\x1b[2J.csv"  # markup and controls, shown inert
    target.write_text("keep me", encoding="utf-8")
    app = StorywatchApp(tagged_db, STORY_NAME, fetch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("x")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause(0.2)
        status = app.screen.query_one("#export-status")
        assert str(status.render()) == "[b]x[b] [link=http:127.0.0.1]y.csv exists: press enter again to replace it."
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: target.read_text(encoding="utf-8").startswith("time,title"))  # .csv: CSV
        assert notices(app)[-1].message == f"Exported 2 reports to {clean_line(str(target))}"
        assert not notices(app)[-1].markup
        await pilot.press("x")
        app.screen.query_one("#export-path").value = str(tmp_path / "never.md")
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert isinstance(app.screen, StoryScreen) and not (tmp_path / "never.md").exists()


async def test_x_says_why_a_file_cannot_be_written(tagged_db, tmp_path):
    app = StorywatchApp(tagged_db, STORY_NAME, fetch=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("x")
        app.screen.query_one("#export-path").value = str(tmp_path / "no such folder" / "x.md")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: any(n.severity == "error" for n in notices(app)))
        error = [n for n in notices(app) if n.severity == "error"][-1]
        assert "Could not export to" in error.message and "No such file or directory" in error.message
        assert isinstance(app.screen, ExportScreen)  # still open: give another file


async def test_x_exports_from_a_read_only_database(read_only_db, tmp_path):
    written = tmp_path / "dossier.md"
    app = StorywatchApp(read_only_db, STORY_NAME, fetch=False)
    async with app.run_test(size=(120, 35)) as pilot:
        assert app.read_only
        await pilot.press("x")
        app.screen.query_one("#export-path").value = str(written)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: written.exists() and isinstance(app.screen, StoryScreen))
    assert Html.of(written.read_text(encoding="utf-8")).texts("h2") == [
        "Pentagon readies drone plans", "US strikes hit cartel labs"]
    assert not [n for n in notices(app) if n.severity == "error"]
