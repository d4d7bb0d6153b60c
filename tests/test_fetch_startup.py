"""What a warm `storywatch fetch --once` (every feed answering 304) loads before and while it
polls: the real command in a real process, its imports read from `python -X importtime`.

Start-up counts in a poll that has nothing new (issue 13), so the parsers, httpx's own command
line and sqlite-utils' plugin search stay out of it, and everything still works when needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from feedserver import rss

from storywatch.store.db import open_db

ROOT = Path(__file__).resolve().parents[1]
NOT_LOADED_WARM = ("feedparser", "selectolax", "storywatch.feeds.parse", "rich", "pygments", "importlib.metadata",
                   # the story check's code, while the story file is as the database holds it; dateutil's
                   # parser, which sqlite-utils imports and never calls for us; the dashboard
                   "storywatch.store.entities", "storywatch.store.scoring", "dateutil.parser._parser", "textual",
                   # what only a body to store, or --full-text, needs: the edit classifier and its word
                   # diff, the page fetcher
                   "storywatch.store.text.edits", "storywatch.store.text.worddiff", "storywatch.feeds.fulltext")


def fetch_once(db: Path, story: Path) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `storywatch --db DB --story STORY fetch --once`; its result and the modules it imported."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYWATCH_")}
    env["STORYWATCH_CONFIG"] = str(db.parent / "config.toml")
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "storywatch.tui.cli", "--db", str(db), "--story", str(story),
         "fetch", "--once"],
        cwd=ROOT, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
    )
    modules = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, modules


def test_a_warm_fetch_loads_no_parser_and_no_command_line_of_its_libraries(tmp_path, feed_server):
    (tmp_path / "seed.txt").write_text("Local Test Headline About Cartels\n\nBody of the seed.")
    story = tmp_path / "story.toml"
    story.write_text('[story]\nname = "local"\ntitle = "Local story"\nseeds = ["seed.txt"]\n')
    published = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
    url = feed_server.route(
        "/warm.xml",
        rss([{"title": "A [b]report[/b]", "link": "http://127.0.0.1/r/1", "guid": "r1", "summary": "Text.",
              "published": published}]),
        etag='"v1"',
    )
    db = tmp_path / "x.db"
    database = open_db(db)
    database.execute("INSERT INTO feeds (url, added_at) VALUES (?, '2026-11-20T00:00:00Z')", [url])
    database.conn.commit()
    database.close()

    cold, cold_modules = fetch_once(db, story)
    assert cold.returncode == 0 and "1 new" in cold.stdout, cold.stderr[-2000:]
    assert "storywatch.feeds.parse" in cold_modules and "feedparser" in cold_modules  # a body to parse: loaded

    warm, warm_modules = fetch_once(db, story)
    assert warm.returncode == 0 and "(1 not modified)" in warm.stdout, warm.stderr[-2000:]
    assert "httpx" in warm_modules and "sqlite_utils" in warm_modules  # the check reads the real imports
    assert sorted(warm_modules & set(NOT_LOADED_WARM)) == []


def test_httpx_command_line_still_imports_after_storywatch_feeds():
    """The block on `httpx._main` is lifted once httpx is in: nothing else is kept from it."""
    code = (
        "import sys, storywatch.feeds.poller, httpx\n"
        "assert 'httpx._main' not in sys.modules and 'rich' not in sys.modules\n"
        "import httpx._main\n"
        "print(type(httpx._main.main).__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "Command", done.stderr


def test_sqlite_utils_is_imported_without_numpy_or_pandas_which_still_import_after(tmp_path):
    """Where numpy and pandas are installed, sqlite-utils imports both to type their numbers;
    storywatch never hands it either, so its start goes without them (hundreds of ms). Stand-ins
    on the path say whether they were imported, and still import when asked for."""
    for name in ("numpy", "pandas"):
        package = tmp_path / name
        package.mkdir()
        # what sqlite-utils reads of each at its import, were they imported
        types = "int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64 Timestamp".split()
        package.joinpath("__init__.py").write_text("".join(f"class {t}: pass\n" for t in types))
    code = (
        "import sys, storywatch.store.db, sqlite_utils.db\n"
        "assert 'numpy' not in sys.modules and 'pandas' not in sys.modules, 'imported'\n"
        "assert sqlite_utils.db.np is None and sqlite_utils.db.pd is None\n"
        "import numpy, pandas\n"
        "print(numpy.__file__, pandas.__file__)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path / "numpy" / "__init__.py"), str(tmp_path / "pandas" / "__init__.py")]
