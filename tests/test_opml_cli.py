"""`feeds import` and `feeds export`: OPML files in and out, folders kept as feed tags."""

from __future__ import annotations

from test_cli import assert_one_line_error, story_file, storywatch  # noqa: F401 - story_file is a fixture

from storywatch.feeds.opml import OpmlFeed, parse_opml, read_opml, write_opml
from storywatch.store.db import open_db
from storywatch.store.feeds import FeedEntry, feed_list, import_feeds, remove_feed

NESTED = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="1.0"><head><title>mine</title></head><body>
  <outline text="Wires">
    <outline text="Mexico">
      <outline type="rss" text="Wire MX" xmlUrl="http://127.0.0.1:9/mx.xml"/>
    </outline>
    <outline type="rss" text="Wire World" title="Wire World &amp; Co" xmlUrl="http://127.0.0.1:9/world.xml"/>
  </outline>
  <outline text="Blogs / Analysis"><outline text="Same MX again" xmlUrl="HTTP://127.0.0.1:9/mx.xml"/></outline>
  <outline text="Loose" xmlUrl="http://127.0.0.1:9/loose.xml"/>
  <outline text="Local file" xmlUrl="file:///etc/passwd"/>
  <outline text="Spaced" xmlUrl="http://127.0.0.1:9/a b.xml"/>
</body></opml>
"""


def _run(tmp_path, story_file, *args):  # noqa: F811 - the fixture
    return storywatch("--db", str(tmp_path / "x.db"), "--story", str(story_file), "feeds", *args)


def test_import_keeps_titles_and_folders_and_reports_counts(tmp_path, story_file):  # noqa: F811
    (tmp_path / "mine.opml").write_bytes(NESTED)
    result = _run(tmp_path, story_file, "import", str(tmp_path / "mine.opml"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # "HTTP://127.0.0.1:9/mx.xml" is the same feed in another spelling: it counts as already followed
    assert lines[0] == "imported mine.opml: 3 added, 1 already followed, 2 skipped"
    assert lines[1] == "  skipped file:///etc/passwd: not an http(s) address"
    assert lines[2].startswith("  skipped http://127.0.0.1:9/a b.xml: a URL cannot hold spaces")
    db = open_db(tmp_path / "x.db")
    assert feed_list(db) == [
        FeedEntry("http://127.0.0.1:9/mx.xml", "Wire MX", ("Blogs - Analysis", "Wires/Mexico")),
        FeedEntry("http://127.0.0.1:9/world.xml", "Wire World & Co", ("Wires",)),
        FeedEntry("http://127.0.0.1:9/loose.xml", "Loose", ()),
    ]
    db.close()
    again = _run(tmp_path, story_file, "import", str(tmp_path / "mine.opml"))
    assert again.stdout.splitlines()[0] == "imported mine.opml: 0 added, 4 already followed, 2 skipped"


def test_export_then_import_elsewhere_is_the_same_list(tmp_path, story_file):  # noqa: F811
    (tmp_path / "mine.opml").write_bytes(NESTED)
    assert _run(tmp_path, story_file, "import", str(tmp_path / "mine.opml")).returncode == 0
    exported = _run(tmp_path, story_file, "export", "-o", str(tmp_path / "out.opml"))
    assert exported.returncode == 0 and exported.stderr == "exported 3 feeds to " + str(tmp_path / "out.opml") + "\n"
    to_stdout = _run(tmp_path, story_file, "export")
    assert to_stdout.stdout == (tmp_path / "out.opml").read_text()
    other = storywatch("--db", str(tmp_path / "y.db"), "--story", str(story_file), "feeds", "import", str(tmp_path / "out.opml"))
    assert other.stdout.startswith("imported out.opml: 3 added, 0 already followed, 0 skipped"), other.stdout
    first, second = open_db(tmp_path / "x.db"), open_db(tmp_path / "y.db")
    assert sorted(feed_list(first), key=str) == sorted(feed_list(second), key=str)
    first.close()
    second.close()
    assert '<outline text="Wires" title="Wires">' in to_stdout.stdout  # folders, nested, not flattened
    assert '      <outline text="Mexico" title="Mexico">' in to_stdout.stdout


def test_bad_files_are_one_line_and_change_nothing(tmp_path, story_file):  # noqa: F811
    cases = {
        "broken.opml": (b"<opml><body><outline", "not valid XML"),
        "rss.opml": (b"<rss version='2.0'/>", "not an OPML file"),
        "bomb.opml": (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body><outline xmlUrl="http://127.0.0.1:9/&a;"/></body></opml>', "DOCTYPE"),
    }
    for name, (data, fragment) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = _run(tmp_path, story_file, "import", str(tmp_path / name))
        assert_one_line_error(result, fragment)
        assert str(tmp_path / name) in result.stderr
    assert_one_line_error(_run(tmp_path, story_file, "import", str(tmp_path / "missing.opml")), "does not exist")
    assert "no feeds" in _run(tmp_path, story_file, "list").stdout


def test_import_on_the_store_tags_feeds_already_followed_and_removal_drops_tags(tmp_path):
    db = open_db(tmp_path / "x.db")
    first = import_feeds(db, [FeedEntry("http://127.0.0.1:9/a.xml", None, ("News",))])
    assert first.added == ["http://127.0.0.1:9/a.xml"] and not first.already
    second = import_feeds(db, [FeedEntry("http://127.0.0.1:9/a.xml", "  A\x1b[31m title ", ("World", "", "News"))])
    assert second.already == ["http://127.0.0.1:9/a.xml"] and not second.added
    assert feed_list(db) == [FeedEntry("http://127.0.0.1:9/a.xml", "A title", ("News", "World"))]  # escape gone, a title once
    remove_feed(db, "http://127.0.0.1:9/a.xml")
    assert db.execute("SELECT count(*) FROM feed_tags").fetchone()[0] == 0
    db.close()


def test_written_opml_drops_what_xml_and_terminals_cannot_hold():
    text = write_opml([OpmlFeed("http://127.0.0.1:9/x", "Bad\x1b]0;owned\x07 <b>title</b>\n", ("A/B", "A"))])
    assert "\x1b" not in text and "\x07" not in text
    again = parse_opml(text.encode())
    assert again.feeds == [OpmlFeed("http://127.0.0.1:9/x", "Bad]0;owned <b>title</b>", ("A", "A/B"))]
    assert read_opml(text.encode()) == again.feeds
