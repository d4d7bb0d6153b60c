"""`storywatch export` as a user runs it: a real process, stdout or a file, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess

import pytest
from test_cli import assert_one_line_error, storywatch
from test_export import HOSTILE_SOURCE, HOSTILE_TAG, HOSTILE_TITLE, Html, tag
from tui_helpers import article, make_story

from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.text.clean import clean_line


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
    """The tagged database made unwritable (0444 in a 0555 folder; chattr +i for root)."""
    db = open_db(tagged_db)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for leftover in (tagged_db.with_name("storywatch.db-wal"), tagged_db.with_name("storywatch.db-shm")):
        leftover.unlink(missing_ok=True)
    if os.geteuid() != 0:
        tagged_db.chmod(0o444)
        tagged_db.parent.chmod(0o555)
    elif shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(tagged_db)]).returncode != 0:
        pytest.skip("running as root on a file system without chattr +i: no file here is read-only to us")
    assert not os.access(tagged_db, os.W_OK)
    yield tagged_db
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(tagged_db)], check=True)
    else:
        tagged_db.parent.chmod(0o755)
        tagged_db.chmod(0o644)


def test_a_read_only_database_exports(read_only_db, tmp_path):
    out = tmp_path / "out.json"
    result = export(read_only_db, "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2
