"""Your own story: `storywatch new` from files and pages, `stories`, `--story NAME` on the story's
own database, and switching stories in the app. Every test has its own data dir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, storywatch
from tui_helpers import wait_until

from storywatch import seeds as bundled
from storywatch.feeds.article import article_of_html, decode_html
from storywatch.store.story import load_story
from storywatch.tui import cli, locations

WORDS = (
    " The port stayed shut on Tuesday as crews pumped water from the terminals, officials said, and"
    " the navy moved families from the hillside neighbourhoods above the bay."
)
TEXT_SEED = "Floods Close the Port of Valparaiso\n\nHeavy rain flooded the port of Valparaiso on Monday." + WORDS
PAGE = (
    "<!doctype html><html><head><title>Chile floods | The Wire</title>"
    '<meta property="og:site_name" content="The Wire"></head><body>'
    "<nav><a href='/'>Home</a> <a href='/world'>World menu</a></nav><header><h1>The Wire</h1></header>"
    "<article><h1>Chile sends troops to flooded Valparaiso</h1>"
    "<p>Chile sent soldiers to Valparaiso as floods kept the port shut. [b]Boric[/b] \x1b[31mspoke.</p>"
    f"<aside>Related: cookie recipes</aside><p>{WORDS}</p></article>"
    "<footer>Copyright footer</footer><script>var tracking = 1;</script></body></html>"
)


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A data dir of the test's own, for the subprocess (env) and in-process calls alike."""
    folder = tmp_path / "data"
    monkeypatch.setenv(locations.DATA_DIR_ENV, str(folder))
    return folder


def run(data_dir: Path, *args: str):
    return storywatch(*args, env={locations.DATA_DIR_ENV: str(data_dir)})


@pytest.fixture
def inputs(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT_SEED, encoding="utf-8")
    (folder / "b.html").write_text(PAGE, encoding="utf-8")
    return folder


def stored(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_new_from_a_text_file_and_an_html_file(data_dir, inputs):
    result = run(data_dir, "new", "chile-floods", "--seed", str(inputs / "a.txt"), "--seed", str(inputs / "b.html"),
                 "--feed", "http://127.0.0.1:9/floods.xml", "--threshold", "0.4")
    assert result.returncode == 0, result.stderr
    assert "storywatch --story chile-floods" in result.stdout
    assert "it looks for: the seeds' key words anywhere" in result.stdout  # a title with no two sides
    folder = data_dir / "stories" / "chile-floods"
    story = load_story(folder / "story.toml")  # the file written reads back as a story file
    assert story.name == "chile-floods" and story.threshold == 0.4
    assert story.title == "Floods Close the Port of Valparaiso"  # no --title: the first seed's headline
    assert [seed.path.name for seed in story.seeds] == [
        "001_floods-close-the-port-of-valparaiso.txt", "002_chile-sends-troops-to-flooded-valparaiso.txt"]
    assert story.seeds[1].title == "Chile sends troops to flooded Valparaiso" and story.seeds[1].source == "The Wire"
    page_text = story.seeds[1].path.read_text()
    assert "Chile sent soldiers" in page_text and "[b]Boric[/b] spoke." in page_text  # kept as plain text
    for furniture in ("World menu", "cookie recipes", "Copyright footer", "tracking", "\x1b", "[31m"):
        assert furniture not in page_text
    assert [feed.url for feed in story.feeds] == ["http://127.0.0.1:9/floods.xml"]
    assert "# [[facets]]" in (folder / "story.toml").read_text()  # the header explains what to add
    db = folder / "storywatch.db"  # its own database, made with its seeds and feeds
    assert stored(db, "SELECT count(*) FROM articles WHERE kind = 'seed'") == [(2,)]
    assert stored(db, "SELECT url FROM feeds") == [("http://127.0.0.1:9/floods.xml",)]
    assert not (data_dir / "storywatch.db").exists()  # the bundled story's database is not touched


def test_new_from_a_url_on_a_local_server(data_dir, feed_server):
    feed_server.route("/news/floods", PAGE.encode(), content_type="text/html; charset=utf-8")
    feed_server.route("/gone", b"not here", status=404)
    url = feed_server.url("/news/floods")
    result = run(data_dir, "new", "from-web", "--seed", url, "--title", "Floods in Chile")
    assert result.returncode == 0, result.stderr
    assert len(feed_server.requests("/news/floods")) == 1  # fetched once
    story = load_story(data_dir / "stories" / "from-web" / "story.toml")
    assert story.title == "Floods in Chile"
    # what it will look for, read from the title's two sides and the seed, said before any poll
    said = result.stdout.splitlines()
    start = said.index("  a report is on it when its headline or first sentence says something of each of:")
    assert said[start + 1].startswith("    1. flood") and said[start + 2].startswith("    2. chile")
    # the place the title names holds its half in that place's region, and it says so
    assert said[start + 2].endswith("(in Latin America and the Caribbean)") and "(in " not in said[start + 1]
    # ... and the story file holds them as comments that, uncommented, declare the same facets
    story_file = data_dir / "stories" / "from-web" / "story.toml"
    text = story_file.read_text()
    assert "# [[facets]]" in text.split("[[seeds]]")[-1]
    assert [facet.words for facet in load_story(story_file).facets] == []  # comments: nothing declared
    head, block = text.split("# What the story looks for")
    uncommented = "\n".join(line[2:] if line.startswith(("# [[facets]]", "# name = ", "# words = ", "# within = ")) else line
                             for line in block.splitlines())
    story_file.write_text(head + "# What the story looks for" + uncommented)
    declared = load_story(story_file).facets
    assert len(declared) == 2 and declared[0].words[0].startswith("flood") and "chile" in declared[1].words
    assert declared[0].within == () and declared[1].within == ("Latin America and the Caribbean",)
    assert story.seeds[0].url == url and story.seeds[0].source == "The Wire"
    assert "Chile sent soldiers" in story.seeds[0].path.read_text()
    dead = run(data_dir, "new", "dead", "--seed", feed_server.url("/gone"))
    assert_one_line_error(dead, "cannot fetch seed")
    assert "HTTP 404" in dead.stderr
    assert not (data_dir / "stories" / "dead").exists()


def test_new_refuses_a_taken_name_a_bad_name_and_empty_or_missing_seeds(data_dir, inputs):
    assert run(data_dir, "new", "mine", "--seed", str(inputs / "a.txt")).returncode == 0
    story_file = data_dir / "stories" / "mine" / "story.toml"
    before = story_file.read_text()
    assert_one_line_error(run(data_dir, "new", "mine", "--seed", str(inputs / "b.html")), "already exists")
    assert story_file.read_text() == before
    assert_one_line_error(run(data_dir, "new", bundled.BUNDLED_STORY_NAME, "--seed", str(inputs / "a.txt")),
                          "bundled story")
    for bad in ("Mine", "../up", "a b", "x-", "x" * 65, ""):
        assert_one_line_error(run(data_dir, "new", bad, "--seed", str(inputs / "a.txt")), "bad story name")
    (inputs / "empty.html").write_text("<html><body><nav>Home</nav></body></html>")
    assert_one_line_error(run(data_dir, "new", "empty", "--seed", str(inputs / "empty.html")), "has no text")
    assert_one_line_error(run(data_dir, "new", "missing", "--seed", str(inputs / "nope.txt")), "cannot read seed")
    assert_one_line_error(run(data_dir, "new", "badfeed", "--seed", str(inputs / "a.txt"), "--feed", "ftp://x/y"),
                          "--feed")
    assert sorted(p.name for p in (data_dir / "stories").iterdir()) == ["mine"]  # nothing half made


def test_stories_lists_the_bundled_story_and_yours(data_dir, inputs):
    assert run(data_dir, "new", "mine", "--seed", str(inputs / "a.txt"), "--seed", str(inputs / "b.html"),
               "--feed", "http://127.0.0.1:9/a.xml", "--title", "My [b]own[/b] story").returncode == 0
    listed = run(data_dir, "stories")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    bundled_line = next(line for line in lines if bundled.BUNDLED_STORY_NAME in line)
    assert bundled_line.startswith("*") and "US military action" in bundled_line  # the story --story opens
    mine = lines.index(next(line for line in lines if " mine " in line))
    assert lines[mine].split()[1:5] == ["2", "1", "0", "My"] and "My [b]own[/b] story" in lines[mine]
    assert str(data_dir / "stories" / "mine") in lines[mine + 1]
    assert str(data_dir / "stories" / "mine" / "storywatch.db") in lines[mine + 1]
    marked = run(data_dir, "--story", "mine", "stories").stdout.splitlines()
    assert next(line for line in marked if " mine " in line).startswith("*")


def test_story_name_opens_its_own_database_and_leaves_the_bundled_one_alone(data_dir, inputs):
    assert run(data_dir, "feeds", "list").returncode == 0  # the bundled story's database, as a user has it
    bundled_db = data_dir / "storywatch.db"
    bundled_feeds = stored(bundled_db, "SELECT url FROM feeds ORDER BY id")
    assert len(bundled_feeds) == 12
    assert run(data_dir, "new", "mine", "--seed", str(inputs / "a.txt"), "--feed", "http://127.0.0.1:9/a.xml").returncode == 0
    added = run(data_dir, "--story", "mine", "feeds", "add", "http://127.0.0.1:9/b.xml")
    assert added.returncode == 0, added.stderr
    listed = run(data_dir, "--story", "mine", "feeds", "list").stdout
    assert "http://127.0.0.1:9/a.xml" in listed and "http://127.0.0.1:9/b.xml" in listed and "bbci" not in listed
    own_db = data_dir / "stories" / "mine" / "storywatch.db"
    assert stored(own_db, "SELECT name FROM stories") == [("mine",)]
    assert stored(own_db, "SELECT title FROM articles WHERE kind = 'seed'") == [("Floods Close the Port of Valparaiso",)]
    assert stored(bundled_db, "SELECT url FROM feeds ORDER BY id") == bundled_feeds
    assert stored(bundled_db, "SELECT name FROM stories") == [(bundled.BUNDLED_STORY_NAME,)]
    assert_one_line_error(run(data_dir, "--story", "nobody", "feeds", "list"), "storywatch stories")


def test_article_of_html_reads_the_article_not_the_page():
    title, source, text = article_of_html(PAGE)
    assert title == "Chile sends troops to flooded Valparaiso" and source == "The Wire"
    assert text.startswith("Chile sends troops") and "Related" not in text and "Home" not in text
    og = '<html><head><meta property="og:title" content="The real headline"></head><body><main><p>x</p></main></body></html>'
    assert article_of_html(og)[0] == "The real headline"
    latin = '<html><head><meta charset="iso-8859-1"></head><body><p>Michoac\xe1n</p></body></html>'.encode("latin-1")
    assert "Michoacán" in decode_html(latin)
    assert decode_html("<p>é</p>".encode("utf-8"), "text/html; charset=utf-8") == "<p>é</p>"


async def test_switching_stories_in_the_app_lands_on_the_other_story(data_dir, inputs, feed_server):
    feed_server.route("/feed.xml", b"<rss version='2.0'><channel><title>t</title></channel></rss>")
    for name, title in (("first", "The first story"), ("second", "The second [b]story[/b] \x1b[31m")):
        cli.cli.main(args=["new", name, "--seed", str(inputs / "a.txt"), "--title", title,
                           "--feed", feed_server.url("/feed.xml")], standalone_mode=False)
    app = cli.dashboard_app(cli.Context(None, "first"), refresh_interval=0.05)
    async with app.run_test() as pilot:
        assert app.db_path == data_dir / "stories" / "first" / "storywatch.db"
        assert app.fetcher is not None
        await pilot.press("S")
        options = app.screen.query_one("#stories-list")
        assert await wait_until(pilot, lambda: options.option_count == 3)
        assert options.highlighted == 1  # the open story, under the bundled one
        assert "● first" in str(options.get_option_at_index(1).prompt)
        assert "The second [b]story[/b]" in options.get_option_at_index(2).prompt.plain  # inert, as written
        assert "\x1b" not in options.get_option_at_index(2).prompt.plain
        await pilot.press("down", "enter")
        assert await wait_until(pilot, lambda: app.return_value is not None)
    assert app.return_value == "second"
    assert app.fetcher.stopped
    assert not [worker for worker in app.workers if worker.is_running]
    reopened = cli.dashboard_app(cli.Context(None, app.return_value), fetch=False)
    async with reopened.run_test() as pilot:
        assert reopened.db_path == data_dir / "stories" / "second" / "storywatch.db"
        assert reopened.screen.story_title == "The second [b]story[/b]"
        await pilot.press("S")
        await pilot.press("escape")  # back, no switch
        assert reopened.return_value is None and reopened.screen.story_title == "The second [b]story[/b]"


def test_new_writes_the_other_senses_it_reads_into_the_facets_it_offers(data_dir, tmp_path):
    """A title's facets know "drug prices" is not a drug cartel's news; the commented [[facets]]
    `new` writes say so as `unless`, so uncommenting them keeps what the story did."""
    seed = tmp_path / "seed.txt"
    seed.write_text("Cartels move drugs north\n\n" + "Drug cartels smuggle drugs across the border. " * 5, encoding="utf-8")
    result = run(data_dir, "new", "cartels", "--seed", str(seed), "--title", "Raids against drug cartels")
    assert result.returncode == 0, result.stderr
    story_file = data_dir / "stories" / "cartels" / "story.toml"
    head, block = story_file.read_text().split("# What the story looks for")
    offered = [line for line in block.splitlines() if line.startswith("# unless = ")]
    assert offered and "drug price" in offered[-1] and "trade war" not in offered[-1]
    assert '`within = ["Latin America and the Caribbean"]`' in block  # where a facet may be held, told
    uncommented = "\n".join(line[2:] if line.startswith(("# [[facets]]", "# name = ", "# words = ", "# unless = ")) else line
                            for line in block.splitlines())
    story_file.write_text(head + "# What the story looks for" + uncommented)
    declared = load_story(story_file).facets
    assert "drug price" in declared[-1].unless
