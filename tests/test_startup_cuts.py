"""What a warm `fetch --once` no longer does at start and exit (issue 13), and that each thing
it skipped still happens when needed: dateutil's parser loads at its first use, and the
database is closed, its WAL checkpointed, when the command ends although the exit skips the
cyclic GC's last pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from feedserver import rss

from storywatch.store.db import open_db

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_sqlite_utils_loads_without_dateutils_parser_which_loads_at_its_first_use():
    done = run_python(
        "import sys\n"
        "import storywatch.store.db, sqlite_utils\n"
        "assert 'dateutil.parser._parser' not in sys.modules and 'dateutil.tz' not in sys.modules\n"
        "from sqlite_utils.recipes import parsedate, parsedatetime\n"
        "print(parsedate('5th October 2019'), parsedatetime('2019-10-05 12:00:01 +0100'))\n"
        "from dateutil import parser\n"
        "import dateutil.parser\n"
        "assert parser is dateutil.parser and parser.parse('2020-01-02').day == 2\n"
        "from dateutil.parser import isoparse\n"
        "print(isoparse('2021-03-04').month)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2019-10-05", "2019-10-05T12:00:01+01:00", "3"]


def test_dateutil_imported_first_is_left_as_it_is():
    done = run_python(
        "import sys, dateutil.parser\n"
        "loaded = dateutil.parser\n"
        "import storywatch.store.db\n"
        "assert sys.modules['dateutil.parser'] is loaded and type(loaded).__name__ == 'module'\n"
    )
    assert done.returncode == 0, done.stderr


def test_fetch_once_closes_the_database_so_no_wal_is_left(tmp_path, feed_server):
    (tmp_path / "seed.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    story = tmp_path / "story.toml"
    story.write_text('[story]\nname = "local"\ntitle = "Local story"\nseeds = ["seed.txt"]\n')
    url = feed_server.route("/wal.xml", rss([{"title": "A report", "link": "http://127.0.0.1/r/1", "guid": "r1"}]),
                            etag='"v1"')
    db = open_db(tmp_path / "x.db")
    db.execute("INSERT INTO feeds (url, added_at) VALUES (?, '2026-11-20T00:00:00Z')", [url])
    db.conn.commit()
    db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    env["STORYWATCH_CONFIG"] = str(tmp_path / "config.toml")
    for expected in ("1 new", "(1 not modified)"):
        done = subprocess.run(
            [sys.executable, "-m", "storywatch.tui.cli", "--db", str(tmp_path / "x.db"), "--story", str(story),
             "fetch", "--once"],
            capture_output=True, text=True, env=env, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=120,
        )
        assert done.returncode == 0 and expected in done.stdout, done.stderr[-2000:]
        assert not (tmp_path / "x.db-wal").exists()  # the last connection closed: checkpointed, removed


def test_the_settings_module_loads_sqlite_utils_without_dateutils_parser_too():
    """`tui.config` reads `store.tags` (which imports sqlite-utils) before anything opens the
    database: the deferral must already hold then."""
    done = run_python(
        "import sys\n"
        "import storywatch.tui.config\n"
        "assert 'sqlite_utils' in sys.modules\n"
        "assert 'dateutil.parser._parser' not in sys.modules and 'dateutil.tz' not in sys.modules\n"
    )
    assert done.returncode == 0, done.stderr
