"""The settings file: every setting read and used, every kind of bad value named by key and file,
unknown keys reported, and the example `storywatch config --example` prints equal to the defaults."""

from __future__ import annotations

import sys
import tomllib

import pytest
from feedserver import item, rss
from test_cli import story_file, storywatch  # noqa: F401 - story_file is a fixture
from tui_helpers import ON_STORY, STORY_NAME, article, make_story, wait_until

from storywatch.feeds.fetch import FetchSettings
from storywatch.store.db import open_db
from storywatch.store.ingest import ingest_items
from storywatch.store.story import load_story
from storywatch.store.tags import DEFAULT_TAGS
from storywatch.tui.app import StorywatchApp
from storywatch.tui.cli import _configured_fetch, _story_tags
from storywatch.tui.config import (
    SETTINGS,
    Config,
    example_config,
    fetch_settings,
    load_config,
    save_theme,
    setting_docs,
)

EVERY_SETTING = """
theme = "nord"
bell = true
notify = false
full_text = true
poll_floor = 60
poll_ceiling = 7200.5
concurrency = 3
per_host = 1
timeout = 12.5
max_bytes = 1048576

[tags]
1 = "lead"
2 = "  check\\u001b[31m it "
"""
EVERY_VALUE = Config(
    theme="nord", bell=True, notify=False, full_text=True, poll_floor=60.0, poll_ceiling=7200.5, concurrency=3,
    per_host=1, timeout=12.5, max_bytes=1048576, tags={1: "lead", 2: "check it"},
)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "settings" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv("STORYWATCH_CONFIG", str(path))
    return path


def test_every_setting_is_read(config_file):
    config_file.write_text(EVERY_SETTING)
    config = load_config(config_file, {"nord"})
    assert config == EVERY_VALUE and config.problems == ()
    assert isinstance(config.poll_floor, float) and isinstance(config.concurrency, int)


def test_the_file_makes_the_fetchers_settings_and_flags_win(config_file):
    config_file.write_text(EVERY_SETTING)
    config, settings = _configured_fetch(None)
    assert settings == FetchSettings(
        poll_floor=60.0, poll_ceiling=7200.5, poll_interval=900.0, per_host=1, concurrency=3, total_timeout=12.5,
        connect_timeout=10.0, read_timeout=12.5, max_bytes=1048576, full_text=True,
    )
    _, flagged = _configured_fetch(False, concurrency=20)
    assert flagged.concurrency == 20 and flagged.full_text is False and flagged.max_bytes == 1048576
    assert fetch_settings(Config(poll_floor=1200.0)).poll_interval == 1200.0  # the one interval kept in bounds
    assert fetch_settings(Config(poll_ceiling=600.0, poll_floor=60.0)).poll_interval == 600.0
    assert fetch_settings(Config()) == FetchSettings()  # no file: exactly the fetcher's own defaults


def test_full_text_from_the_file_without_its_extra_is_a_problem_not_an_error(config_file, monkeypatch):
    config_file.write_text("full_text = true\n")
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # as if the extra were not installed
    config, settings = _configured_fetch(None)
    assert settings.full_text is False and config.full_text is False
    assert config.problems == (f"{config_file}: full_text = true, but full text needs the 'fulltext' extra: "
                               + config.problems[0].split("extra: ", 1)[1],)


BAD = [
    ('bell = "loud"', 'bell = "loud" must be true or false; using false'),
    ("notify = 1", "notify = 1 must be true or false; using true"),
    ('full_text = "yes"', 'full_text = "yes" must be true or false; using false'),
    ('poll_floor = "5m"', 'poll_floor = "5m" must be a number; using 300.0'),
    ("poll_floor = 1", "poll_floor = 1 must be between 10.0 and 86400.0; using 300.0"),
    ("poll_ceiling = nan", "poll_ceiling = nan must be between 60.0 and 604800.0; using 14400.0"),
    ("poll_floor = 7200\npoll_ceiling = 3600", "poll_floor = 7200.0 is above poll_ceiling = 3600.0; using the defaults of both"),
    ("concurrency = 2.5", "concurrency = 2.5 must be a whole number; using 8"),
    ("concurrency = 0", "concurrency = 0 must be between 1 and 64; using 8"),
    ("per_host = true", "per_host = True must be a number; using 2"),
    ("timeout = -1", "timeout = -1 must be between 1.0 and 3600.0; using 60.0"),
    ("max_bytes = 10", "max_bytes = 10 must be between 65536 and 1073741824; using 10485760"),
    ('theme = "[b]nope[/b]"', 'theme = "[b]nope[/b]" is not a known theme; using the default'),
    ('tags = "lead"', 'tags = "lead" must be a table ([tags]); using the default tags'),
    ('[tags]\n10 = "x"', '[tags] has a key "10": only 1 to 9 name tags; using the default tags'),
    ('[tags]\n1 = "\\u001b"', '[tags] 1 = "\\u001b" must be a name that prints; using the default tags'),
    ("[tags]\n1 = 5", "[tags] 1 = 5 must be a name that prints; using the default tags"),
    ('[tags]\n1 = "a"\n2 = " a "', '[tags] 2 = "a" is already the name of another key; using the default tags'),
    ('colour = "red"', 'unknown key "colour" ignored'),
    ("[polling]\nfloor = 60", 'unknown key "polling" ignored'),
]


@pytest.mark.parametrize(("text", "problem"), BAD)
def test_a_bad_value_is_one_line_naming_key_and_file_and_the_default_is_used(config_file, text, problem):
    config_file.write_text(text + "\n")
    config = load_config(config_file, {"nord"})
    assert config.problems == (f"{config_file}: {problem}",)
    assert config == Config()


def test_good_values_survive_beside_bad_ones_and_broken_files_are_one_line(config_file):
    config_file.write_text('concurrency = 4\nbell = "loud"\nmax_bytes = 1\nwhat = 1\n')
    config = load_config(config_file)
    assert config == Config(concurrency=4) and len(config.problems) == 3
    config_file.write_text("concurrency = ")
    assert load_config(config_file).problems[0].startswith(f"{config_file}: cannot read the config")


def test_the_example_parses_to_the_defaults_and_documents_every_setting(config_file):
    text = example_config()
    config_file.write_text(text)
    assert load_config(config_file, {"textual-light"}) == Config() and load_config(config_file).problems == ()
    assert set(setting_docs()) == set(SETTINGS) | {"problems"}
    for name in SETTINGS:  # each under its explanation
        assert f"\n# {setting_docs()[name].splitlines()[0]}" in text
    uncommented = text.replace("# theme =", "theme =")
    config_file.write_text(uncommented)
    assert load_config(config_file, {"textual-light"}) == Config(theme="textual-light")
    printed = storywatch("config", "--example")
    assert printed.returncode == 0 and printed.stdout == text
    assert tomllib.loads(printed.stdout)["tags"] == {str(key): name for key, name in DEFAULT_TAGS.items()}


def test_storywatch_config_prints_the_path_and_checks_the_file(tmp_path):
    path = tmp_path / "mine.toml"
    env = {"STORYWATCH_CONFIG": str(path)}
    missing = storywatch("config", env=env)
    assert missing.returncode == 0 and missing.stdout == f"{path}\n" and "no file there yet" in missing.stderr
    path = tmp_path / "new" / "mine.toml"
    env = {"STORYWATCH_CONFIG": str(path)}
    written = storywatch("config", "--init", env=env)
    assert written.returncode == 0 and written.stdout == f"{path}\n" and path.read_text() == example_config()
    assert storywatch("config", env=env).returncode == 0  # the example is a clean file
    again = storywatch("config", "--init", env=env)
    assert again.returncode == 1 and "exists already" in again.stderr
    path.write_text('theme = "nord"\nconcurrency = 0\nspeed = 1\n')
    checked = storywatch("config", env=env)
    assert checked.returncode == 1 and checked.stdout == f"{path}\n"
    assert checked.stderr.splitlines() == [
        f"storywatch: {path}: concurrency = 0 must be between 1 and 64; using 8",
        f'storywatch: {path}: unknown key "speed" ignored',
    ]
    path.write_text('theme = "no such theme"\n')
    assert "is not a known theme" in storywatch("config", env=env).stderr


def test_saving_a_theme_keeps_the_rest_of_the_file(config_file):
    save_theme(config_file, "nord")
    assert load_config(config_file) == Config(theme="nord")
    config_file.write_text("# mine\n[tags]\n1 = \"lead\"\n")
    save_theme(config_file, "nord")
    assert config_file.read_text() == 'theme = "nord"\n# mine\n[tags]\n1 = "lead"\n'  # before the table: top level
    config_file.write_text(example_config())
    save_theme(config_file, 'x"\x7f\u00e9\U0001f600')
    text = config_file.read_text()
    commented = '# theme = "textual-light"\n'
    assert text == example_config().replace(commented, commented + 'theme = "x\\"\\u007fé😀"\n')  # under the example's
    assert load_config(config_file) == Config(theme='x"\x7f\u00e9\U0001f600')
    save_theme(config_file, "textual-light")
    assert load_config(config_file) == Config(theme="textual-light")
    assert text.count("theme =") == config_file.read_text().count("theme =")  # replaced, not added


def test_fetch_uses_the_files_limits(feed_server, tmp_path, story_file):  # noqa: F811
    big = rss([item(n, summary="x" * 2000) for n in range(40)])  # about 80 KB
    urls = [feed_server.route("/big.xml", big), feed_server.route("/slow.xml", rss([item(1)]), delay=5),
            feed_server.route("/fine.xml", rss([item(2)]))]
    db = str(tmp_path / "x.db")
    for url in urls:
        assert storywatch("--db", db, "--story", str(story_file), "feeds", "add", url).returncode == 0
    path = tmp_path / "mine.toml"
    path.write_text("max_bytes = 65536\ntimeout = 1\nbogus = 1\n")
    result = storywatch("--db", db, "--story", str(story_file), "fetch", env={"STORYWATCH_CONFIG": str(path)})
    assert result.returncode == 0, result.stderr
    assert "polled 3 feeds: 1 ok" in result.stdout
    assert f'storywatch: {path}: unknown key "bogus" ignored' in result.stderr.splitlines()
    assert f"failed {urls[0]}: response too large" in result.stderr
    assert f"failed {urls[1]}: timed out" in result.stderr


async def test_the_app_uses_the_files_tags_and_notifications(tmp_path, config_file):
    db_path = make_story(tmp_path)
    config_file.write_text('notify = false\nbell = true\n[tags]\n1 = "lead"\n')
    app = StorywatchApp(db_path, STORY_NAME, fetch=False, refresh_interval=0.05)
    rung = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.bell = lambda: rung.append(1)
        await pilot.pause()
        assert app.tag_names == {1: "lead"}  # the test story has no [tags]
        header = app.screen.query_one("StoryHeader")
        db = open_db(db_path)
        ingest_items(db, [article(1, summary=ON_STORY, hours_ago=0.1)])
        db.close()
        assert await wait_until(pilot, lambda: header.new_reports == 1)
        await pilot.pause(0.2)
        assert not [n for n in app._notifications if "New report" in str(n.message)] and rung == []
    story = StorywatchApp(db_path, STORY_NAME, fetch=False, tags={1: "mine"})
    assert story.tag_names == {1: "mine"}  # a story's own [tags] win


def test_a_story_without_tags_takes_the_configs(tmp_path, story_file):  # noqa: F811
    assert _story_tags(load_story(story_file)) is None
    story_file.write_text(story_file.read_text() + '\n[tags]\n1 = "x"\n')
    assert _story_tags(load_story(story_file)) == {1: "x"}
