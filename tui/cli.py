"""The `storywatch` command line: global options on the group, one subcommand per job.

Bare `storywatch` opens the dashboard. Every error is one line on stderr and a non-zero exit.
This module imports only click and the standard library: the store, the fetcher and textual
load inside the command that needs them, so `--help` and `--version` answer at once.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from storywatch.tui import __version__, locations

if TYPE_CHECKING:  # for the annotations only: importing it would load the relevance engine
    from storywatch.store.story_model import FacetWords


@dataclass
class Context:
    db_arg: Path | None
    story_arg: str

    @property
    def db_path(self) -> Path:
        """`--db`, else $STORYWATCH_DB, else the story's own: a user story's in its folder, the
        bundled story's in the user data dir (resolved only when a command runs)."""
        return self.db_arg or locations.story_db_path(self.story_arg)

    def open(self, rescore: bool = True, write: bool = True):
        """Open the database and make sure the story and its seeds are in it.

        When the story's facets (or storywatch's relevance rules) changed, stored articles are
        rescored here (`rescore`), or by the dashboard in a worker. A command that must `write`
        refuses a read-only file."""
        from storywatch.store.db import StoreError, open_db
        from storywatch.store.story import ensure_story, rescore_waiting

        story = load_story_arg(self.story_arg)
        db = open_db(self.db_path)
        if write and db.read_only:
            raise StoreError(f"database {self.db_path} is read-only: this command would change it")
        story_id = ensure_story(db, story, remember=write)  # a writer may write down that it checked
        if rescore and not db.read_only and rescore_waiting(db, story_id):
            from storywatch.store.scoring import pending_rescore, rescoring_notice, resume_rescore

            pending = pending_rescore(db, story_id)
            if pending >= RESCORE_NOTICE:
                _echo(rescoring_notice(pending), err=True)
            if pending:
                resume_rescore(db, story_id)
        return db, story


RESCORE_NOTICE = 1000  # stored articles from which a rescore takes long enough to say so


def load_story_arg(story_arg: str):
    """`--story` is the bundled story's name, a user story's name (`storywatch new`), or the
    path of a story file, looked up in that order."""
    from storywatch import seeds
    from storywatch.store.story import StoryError, load_story

    if story_arg in ("", seeds.BUNDLED_STORY_NAME):
        return load_story(seeds.BUNDLED_STORY_FILE)
    if (own := locations.user_story_file(story_arg)) is not None:
        return load_story(own)
    path = Path(story_arg).expanduser()
    if path.suffix == ".toml" or path.exists():
        return load_story(path)
    raise StoryError(
        f"unknown story {story_arg!r}: give a story's name (`storywatch stories` lists them) or a story file path"
    )


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=locations.DB_ENV,
    default=None,
    help=f"Database file [env {locations.DB_ENV}; default: the user data dir].",
)
@click.option(
    "--story",
    "story_arg",
    envvar=locations.STORY_ENV,
    default="",
    metavar="NAME",
    help=f"A story's name (see `storywatch stories`) or a story file path [env {locations.STORY_ENV}].",
)
@click.version_option(__version__, prog_name="storywatch")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, story_arg: str) -> None:
    """Follow one developing news story in the terminal."""
    ctx.obj = Context(db_path, story_arg)
    if ctx.invoked_subcommand is None:
        ctx.invoke(dashboard)


_FULL_TEXT_HELP = "Also fetch on-story reports' pages for their full text (needs the 'fulltext' extra)."


@cli.command()
@click.option("--no-fetch", is_flag=True, help="Poll no feeds (read marks and teaching are still saved).")
@click.option("--full-text/--no-full-text", default=None, help=_FULL_TEXT_HELP)
@click.pass_obj
def dashboard(obj: Context, no_fetch: bool, full_text: bool | None = None) -> None:
    """Open the live dashboard (what bare `storywatch` does)."""
    # The app shows the config's problems; with nothing polled, full text is not checked either.
    config, settings = _configured_fetch(False if no_fetch else full_text)
    story_arg: str | None = obj.story_arg
    while story_arg is not None:  # the app ends naming another story when the user switches (S)
        story_arg = dashboard_app(
            replace(obj, story_arg=story_arg), fetch=not no_fetch, fetch_settings=settings, config=config
        ).run()


def dashboard_app(obj: Context, **options):
    """The dashboard on `obj`'s story, its database made ready; the CLI and the tests both call
    this. The app's stories screen lists what `storywatch stories` lists, on the same --db."""
    from functools import partial

    db, story = obj.open(rescore=False, write=False)  # the dashboard rescores in a worker
    db.close()
    from storywatch.tui.app import StorywatchApp
    from storywatch.tui.story_list import story_summaries

    return StorywatchApp(
        obj.db_path, story.name, tags=_story_tags(story), list_stories=partial(story_summaries, obj.db_arg), **options
    )


def _configured_fetch(full_text: bool | None, **flags):
    """The config file read, and the fetcher's settings from it with the command line's flags
    winning. Full text asked for by a flag without its extra is an error; asked for by the file,
    it is one more of the config's problems, and stays off."""
    from dataclasses import replace

    from storywatch.tui.config import config_path, fetch_settings, load_config

    path = config_path()
    config = load_config(path)
    if full_text:
        _full_text_settings()  # the one-line error when the extra is missing
    elif full_text is None and config.full_text:
        from storywatch.feeds.fulltext import FullTextUnavailable

        try:
            _full_text_settings()
        except FullTextUnavailable as error:
            problem = f"{path}: full_text = true, but {error}; using false"
            config = replace(config, full_text=False, problems=config.problems + (problem,))
    on = config.full_text if full_text is None else full_text
    return config, fetch_settings(config, full_text=on, **{name: value for name, value in flags.items() if value is not None})


def _story_tags(story) -> dict[int, str] | None:
    """The story file's [tags]; None (the config's tags) when it names none of its own."""
    from storywatch.store.tags import DEFAULT_TAGS

    return None if story.tags == DEFAULT_TAGS else story.tags


@cli.command()
@click.option(
    "--speed",
    type=click.FloatRange(0.5, 20),
    default=1.0,
    show_default=True,
    help="Play the script this many times faster (2: the whole story in about a minute).",
)
@click.option(
    "--screenshot",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Play the whole script off screen (120x34), save the dashboard as an SVG to FILE and exit.",
)
def demo(speed: float, screenshot: Path | None = None) -> None:
    """Watch a made-up story develop over about two minutes, with no network needed.

    A feed server on 127.0.0.1 plays a scripted story (fiction: every place, person and
    outlet in it is invented) and the dashboard follows it in a temporary database,
    deleted when you quit. Your own database and settings are never touched, whatever
    --db, --story or the environment say.
    """
    from storywatch.tui.demo.session import demo_session

    with demo_session(speed=speed) as session:
        from storywatch.tui.demo.app import DemoApp

        if screenshot is None:
            DemoApp(session).run()
            return
        app = DemoApp(session, screenshot=screenshot.expanduser().resolve())
        app.run(headless=True, size=SCREENSHOT_SIZE)
        if not app.screenshot_saved:
            raise click.ClickException(f"no screenshot saved to {screenshot}")
        _echo(str(screenshot))


SCREENSHOT_SIZE = (120, 34)  # columns and rows of `demo --screenshot`: the README's picture


def _full_text_settings(**fields):
    """Fetch settings with full text on; a one-line error when the extra is not installed."""
    from storywatch.feeds.fetch import FetchSettings
    from storywatch.feeds.fulltext import require_extractor

    require_extractor()
    return FetchSettings(full_text=True, **fields)


@cli.command()
@click.option("--once", is_flag=True, help="Poll every feed once and exit (the default).")
@click.option("--watch", is_flag=True, help="Keep polling each feed when it is due, until Ctrl-C.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=None,
    help="Fetched feeds parsed and stored at once (up to 64 requests are in flight) [default: the config's, 8].",
)
@click.option("--full-text/--no-full-text", default=None, help=_FULL_TEXT_HELP)
@click.pass_obj
def fetch(obj: Context, once: bool, watch: bool, concurrency: int | None, full_text: bool | None) -> None:
    """Poll the feeds without the dashboard."""
    if once and watch:
        raise click.UsageError("--once and --watch exclude each other: give one")
    with _start_up():
        config, settings = _configured_fetch(full_text, concurrency=concurrency)
        for problem in config.problems:
            _echo(f"storywatch: {_clean(problem, 500)}", err=True)
        db, _story = obj.open()
        from storywatch.feeds.poller import poll_once
    try:
        if not watch:
            report = poll_once(db, settings=settings)
            _print_report(report)
            if report.polled and report.failed == report.polled:
                raise click.ClickException(f"all {report.polled} feeds failed")
            return
        _watch(db, settings)
    finally:
        db.close()  # the WAL checkpointed now, not left to whenever the exit frees the connection
        gc.freeze()  # the process ends next: its exit need not walk every object for garbage


@contextlib.contextmanager
def _start_up():
    """Loading a command makes tens of thousands of objects that live as long as the process and
    no garbage, so the cyclic GC pauses while it loads (its passes over them were about 20 ms of
    a warm `fetch --once`), and what loaded is frozen out of the way of every later collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        import storywatch.store.db  # noqa: F401 - first: it defers what sqlite-utils loads and never uses

        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _watch(db, settings) -> None:
    import asyncio
    import threading

    from storywatch.feeds.poller import watch

    stop = threading.Event()

    def on_poll(report) -> None:
        if report.polled:
            _print_report(report)
        if report.store_error:  # another process held the database: the watcher tries again
            _echo(f"  waiting for the database: {_clean(report.store_error, 500)}", err=True)

    _echo(f"watching {len(_feeds(db))} feeds; Ctrl-C stops", err=True)
    try:
        asyncio.run(watch(db, stop=stop, on_poll=on_poll, settings=settings))
    except KeyboardInterrupt:
        stop.set()
        _echo("stopped", err=True)


def _feeds(db):
    from storywatch.store.feeds import all_feeds

    return all_feeds(db)


def _print_report(report) -> None:
    from storywatch.store.times import now_iso

    _echo(
        f"{now_iso()} polled {report.polled} feeds: {report.ok} ok ({report.not_modified} not modified),"
        f" {report.failed} failed; {len(report.new_ids)} new, {len(report.updated_ids)} updated articles"
    )
    for url, error in sorted(report.errors.items()):
        _echo(f"  failed {_clean(url, 2000)}: {_clean(error, 500)}", err=True)
    for old, new in sorted(report.moved.items()):
        _echo(f"  moved {_clean(old, 2000)} -> {_clean(new, 2000)} (for good: followed there from now on)")
    if pages := report.pages:
        _echo(
            f"  pages: {pages.checked} fetched, {pages.stored} with new text,"
            f" {pages.not_modified} not modified, {pages.failed} failed (retried later)"
            + (f", {pages.unfinished} left for the next round (out of time)" if pages.unfinished else "")
        )
        for url, error in sorted(pages.errors.items()):
            _echo(f"  page failed {_clean(url, 2000)}: {_clean(error, 500)}", err=True)


@cli.group()
def feeds() -> None:
    """Add, list and remove the feeds that are polled."""


@feeds.command("add")
@click.argument("url")
@click.option("--title", default=None, help="A name to show until the feed gives its own.")
@click.pass_obj
def feeds_add(obj: Context, url: str, title: str | None) -> None:
    """Follow the feed at URL."""
    from storywatch.store.feeds import add_feed
    from storywatch.store.text.urls import feed_url

    db, _story = obj.open()
    feed_id = add_feed(db, url, title)
    _echo(f"added feed {feed_id}: {_clean(feed_url(url), 2000)}")  # as stored: the spelling feeds list shows


@feeds.command("list")
@click.pass_obj
def feeds_list(obj: Context) -> None:
    """Every feed with its last success, last error, item count and how long it waits between
    polls (how often it publishes, or its ttl or max-age, or a failing feed's backoff)."""
    from storywatch.store.feeds import feed_statuses
    from storywatch.store.times import span_text

    db, _story = obj.open(write=False)
    statuses = feed_statuses(db)
    if not statuses:
        _echo("no feeds; add one with: storywatch feeds add URL")
        return
    _echo(f"{'id':>4}  {'state':<10} {'items':>5} {'every':>6}  {'last success':<20} {'last error':<20} url / error")
    for feed in statuses:
        state = f"failing x{feed.failure_count}" if feed.failing else ("ok" if feed.last_success_at else "not polled")
        _echo(
            f"{feed.id:>4}  {state:<10} {feed.item_count:>5} {span_text(feed.wait):>6}"
            f"  {feed.last_success_at or '-':<20} {feed.last_error_at or '-':<20} {_clean(feed.url)}"
        )
        if feed.failing and feed.last_error:
            _echo(f"{'':>51}error: {_clean(feed.last_error, 200)}")


@feeds.command("remove")
@click.argument("url_or_id")
@click.pass_obj
def feeds_remove(obj: Context, url_or_id: str) -> None:
    """Stop polling a feed (its articles stay in the story)."""
    from storywatch.store.feeds import remove_feed

    db, _story = obj.open()
    url = remove_feed(db, url_or_id)
    _echo(f"removed feed {_clean(url, 2000)}")


@feeds.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def feeds_import(obj: Context, file: Path) -> None:
    """Follow every feed of an OPML file (its folders become feed tags)."""
    from storywatch.store.feeds import FeedEntry, import_feeds

    opml = _read_opml(file)
    entries = [FeedEntry(feed.url, feed.title, feed.folders) for feed in opml.feeds]
    db, _story = obj.open()
    report = import_feeds(db, entries)
    skipped = [(skip.url, skip.reason) for skip in opml.skipped] + report.skipped
    _echo(
        f"imported {file.name}: {len(report.added)} added, {len(report.already)} already followed,"
        f" {len(skipped)} skipped"
    )
    for url, reason in skipped:
        _echo(f"  skipped {_clean(url, 300)}: {_clean(reason, 300)}")


def _read_opml(file: Path):
    """The OPML file parsed; a file that cannot be read or is not OPML is one line naming it."""
    from storywatch.feeds.opml import OpmlError, parse_opml

    try:
        return parse_opml(file.read_bytes())
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
    except OpmlError as error:
        raise click.ClickException(f"{file}: {error}") from None


@feeds.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE, not stdout.")
@click.pass_obj
def feeds_export(obj: Context, output: Path | None) -> None:
    """Write the followed feeds as OPML (their tags become folders), for any reader to import."""
    from storywatch.feeds.opml import OpmlFeed, write_opml
    from storywatch.store.feeds import feed_list

    db, _story = obj.open(rescore=False, write=False)
    try:
        entries = feed_list(db)
    finally:
        db.close()
    text = write_opml(OpmlFeed(entry.url, entry.title, entry.tags) for entry in entries)
    if output is None:
        click.echo(text, nl=False)  # XML-escaped throughout by write_opml
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    _echo(f"exported {len(entries)} feed{'' if len(entries) == 1 else 's'} to {output}", err=True)


@cli.command("config")
@click.option("--example", is_flag=True, help="Print a config file of every default, each setting explained.")
@click.option("--init", is_flag=True, help="Write that example where the settings file belongs, if there is none.")
def config_command(example: bool, init: bool) -> None:
    """Print where the settings file is, and on stderr what is wrong in it (exit 1 if anything)."""
    from storywatch.tui.config import config_path, example_config, load_config

    if example:
        click.echo(example_config(), nl=False)
        return
    path = config_path()
    _echo(str(path))
    if init:
        if path.exists():
            raise click.ClickException(f"{path} exists already: edit it, or move it away first")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example_config(), encoding="utf-8")
        _echo("written: every setting at its default, each explained; edit it to change one", err=True)
        return
    if not path.exists():
        _echo("no file there yet: every setting has its default (storywatch config --init writes one to edit)", err=True)
        return
    from textual.theme import BUILTIN_THEMES

    problems = load_config(path, set(BUILTIN_THEMES)).problems
    for problem in problems:
        _echo(f"storywatch: {_clean(problem, 500)}", err=True)
    if problems:
        sys.exit(1)


EXPORT_FORMATS = ("md", "json", "csv")  # as storywatch.store.text.export_formats.FORMATS, without importing it


@cli.command()
@click.option("--tag", default=None, metavar="NAME", help="Only reports carrying this tag [default: every tagged report].")
@click.option("--since", default=None, metavar="WHEN", help="Only reports from then on: an age (24h, 7d) or an ISO date or time.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default=None,
    help="md (a Markdown dossier), json or csv [default: the -o file's extension, else md].",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write to FILE, not stdout.")
@click.pass_obj
def export(obj: Context, tag: str | None, since: str | None, fmt: str | None, output: Path | None) -> None:
    """Write the tagged reports, oldest first, as Markdown, JSON or CSV."""
    from storywatch.store.export import export_text, since_to_iso

    since_iso = since_to_iso(since) if since else None
    fmt = fmt or export_format_of(output)
    db, story = obj.open(rescore=False, write=False)
    try:
        text, count = export_text(db, fmt, story_title=story.title, tag=tag, since=since_iso)
    finally:
        db.close()
    if output is None:
        click.echo(text, nl=False)  # every field was made inert by the format
    else:
        try:
            output.write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
        _echo(f"exported {count} report{'' if count == 1 else 's'} to {output}", err=True)
    if not count:
        what = f"carries the tag {tag!r}" if tag else "carries a tag"
        _echo(f"no report {what}{' since ' + since_iso if since_iso else ''}: tag reports in the dashboard", err=True)


def export_format_of(path: Path | None) -> str:
    """The format a file name asks for (.json, .csv; .md or anything else is Markdown)."""
    suffix = path.suffix.lower().lstrip(".") if path is not None else ""
    return suffix if suffix in ("json", "csv") else "md"


@cli.command("new")
@click.argument("name")
@click.option("--seed", "seed_args", multiple=True, required=True, metavar="FILE_OR_URL",
              help="A seed article: a text or HTML file, or an http(s) URL fetched once. Repeat for more.")
@click.option("--feed", "feed_args", multiple=True, metavar="URL", help="A feed that covers the story. Repeat for more.")
@click.option("--title", default=None, help="The story's title [default: the first seed's headline].")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Relevance from 0 to 1 above which a report is on the story.")
@click.pass_obj
def new(obj: Context, name: str, seed_args: tuple[str, ...], feed_args: tuple[str, ...], title: str | None,
        threshold: float) -> None:
    """Make your own story NAME from seed articles, in its own folder with its own database."""
    folder = _new_story_folder(name)
    from storywatch.feeds.article import read_seed
    from storywatch.store.story_folder import add_facets_comment, write_story_folder
    from storywatch.store.text.clean import clean_line
    from storywatch.store.text.urls import FeedUrlError, feed_url

    try:  # checked before any seed is fetched
        feed_urls = list(dict.fromkeys(feed_url(url) for url in feed_args))
    except FeedUrlError as error:
        raise click.ClickException(f"--feed: {error}") from None
    if title is not None and not clean_line(title):
        raise click.ClickException("--title must have something printable in it")
    seeds = [read_seed(given) for given in seed_args]  # every seed read before anything is written
    story_file = write_story_folder(folder, name, title or seeds[0].title, threshold, seeds, feed_urls)
    db, story = replace(obj, story_arg=name).open()
    try:
        facets = _facets_in_words(db, story)
    finally:
        db.close()
    add_facets_comment(story_file, facets)  # comments: the story reads the same
    looks_for = _looks_for(facets)
    _echo(f"made story {name}: \"{story.title}\", {_count(len(story.seeds), 'seed')}, {_count(len(feed_urls), 'feed')}")
    for line in looks_for:
        _echo(line)
    _echo(f"  its files: {story_file.parent} (edit {story_file.name} to tune it)")
    _echo(f"  open it:   storywatch {f'--db {obj.db_arg} ' if obj.db_arg else ''}--story {name}")


def _facets_in_words(db, story) -> list[FacetWords]:
    from storywatch.store.story import ensure_story
    from storywatch.store.story_model import facets_in_words

    return facets_in_words(db, ensure_story(db, story))  # already in: this finds its id


def _looks_for(facets: list[FacetWords]) -> list[str]:
    """What a new story's reports must say, read from its title and seeds, so the user can
    judge it before the first poll (and declare [[facets]] when it is not what they meant)."""
    if not facets:
        return ["  it looks for: the seeds' key words anywhere (a title like \"X against Y\", or [[facets]]"
                " in the story file, makes it ask for both sides)"]
    lines = ["  a report is on it when its headline or first sentence says something of each of:"]
    for number, (_, words, _unless, within) in enumerate(facets, 1):
        shown = ", ".join(_clean(word, 40) for word in words[:8]) + (", ..." if len(words) > 8 else "")
        lines.append(f"    {number}. {shown}" + (f" (in {', '.join(within)})" if within else ""))
    lines.append("  (read from the title and seeds; story.toml holds them as comments to edit in your own words)")
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _new_story_folder(name: str) -> Path:
    """The folder `new` makes for NAME; a one-line error for a bad or taken name."""
    from storywatch import seeds

    if not locations.is_story_name(name):
        raise click.ClickException(f"bad story name {_clean(name, 80)!r}: use {locations.SLUG_RULE}")
    folder = locations.story_dir(name)
    if name == seeds.BUNDLED_STORY_NAME:
        raise click.ClickException(f"{name!r} is the bundled story's name: pick another")
    if folder.exists():
        raise click.ClickException(f"story {name!r} already exists in {folder}: pick another name")
    return folder


@cli.command("stories")
@click.pass_obj
def stories(obj: Context) -> None:
    """The stories you can open with --story NAME: the bundled one and your own."""
    from storywatch.tui.story_list import story_summaries

    _echo(f"  {'name':<24} {'seeds':>5} {'feeds':>5} {'articles':>8}  title / files")
    for story in story_summaries(obj.db_arg):
        current = obj.story_arg == story.name or (story.bundled and not obj.story_arg)
        seeds = "?" if story.seeds is None else str(story.seeds)
        feeds = "-" if story.feeds is None else str(story.feeds)
        articles = "-" if story.articles is None else f"{story.articles:,}"
        what = story.title if story.problem is None else f"(cannot read: {story.problem})"
        _echo(f"{'*' if current else ' '} {story.name:<24} {seeds:>5} {feeds:>5} {articles:>8}  {_clean(what, 200)}")
        _echo(f"  {'':<24} {'':>5} {'':>5} {'':>8}  {'bundled, ' if story.bundled else ''}{story.folder}"
              f"  (database {story.db_path})")
    if len(locations.user_story_names()) == 0:
        _echo("make your own: storywatch new NAME --seed FILE_OR_URL ... [--feed URL ...]")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI, turning every error into one line on stderr and a non-zero exit."""
    try:
        cli.main(args=argv, prog_name="storywatch", standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as error:
        _fail(error.format_message(), error.exit_code)
    except OSError as error:
        _fail(str(error), 1)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as error:  # noqa: BLE001 - a bug still gets one line; STORYWATCH_DEBUG=1 shows it whole
        if _is_instance(error, "storywatch.store.errors", "UserError"):
            _fail(str(error), 1)
        if _is_instance(error, "sqlite3", "Error"):
            _fail(f"database error: {error}", 1)
        if os.environ.get("STORYWATCH_DEBUG"):
            raise
        _fail(f"internal error: {type(error).__name__}: {error} (STORYWATCH_DEBUG=1 shows the traceback)", 70)


def _is_instance(error: Exception, module: str, name: str) -> bool:
    """isinstance against a class of a module that is not imported here: if the module never
    loaded, it cannot have raised (this keeps the store and sqlite3 out of `--help`)."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(error, getattr(loaded, name))


def _fail(message: str, code: int) -> None:
    _echo(f"storywatch: {_clean(message, 500)}", err=True)
    sys.exit(code)


def _clean(text: str | None, max_length: int = 1000) -> str:
    """Untrusted text (a URL, an error) as one inert line: controls gone, whitespace folded."""
    from storywatch.store.text.clean import clean_line

    return clean_line(text, max_length)


def _echo(line: str, err: bool = False) -> None:
    """Print one line, every character of it inert: the one way this module writes to the terminal.

    Escapes and controls are removed and line breaks become spaces, while runs of spaces
    (the column layout of `feeds list`) are kept."""
    from storywatch.store.text.clean import strip_controls

    click.echo(" ".join(strip_controls(line).splitlines()).replace("\t", " "), err=err)


if __name__ == "__main__":
    main()
