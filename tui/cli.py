"""The `storywatch` command line: global options on the group, one subcommand per job.

Bare `storywatch` opens the dashboard. Every error is one line on stderr and a non-zero exit.
This module imports only click and the standard library: the store, the fetcher and textual
load inside the command that needs them, so `--help` and `--version` answer at once.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from storywatch.tui import __version__, locations


@dataclass
class Context:
    db_arg: Path | None
    story_arg: str

    @property
    def db_path(self) -> Path:
        """`--db`, else $STORYWATCH_DB, else the user data dir (resolved only when a command runs)."""
        return self.db_arg or locations.default_db_path()

    def open(self, rescore: bool = True, write: bool = True):
        """Open the database and make sure the story and its seeds are in it.

        When the story's facets changed, stored articles are rescored here (`rescore`), or by
        the dashboard in a worker. A command that must `write` refuses a read-only file."""
        from storywatch.store.db import StoreError, open_db
        from storywatch.store.scoring import pending_rescore, resume_rescore
        from storywatch.store.story import ensure_story

        story = load_story_arg(self.story_arg)
        db = open_db(self.db_path)
        if write and db.read_only:
            raise StoreError(f"database {self.db_path} is read-only: this command would change it")
        story_id = ensure_story(db, story)
        pending = pending_rescore(db, story_id) if rescore and not db.read_only else 0
        if pending >= RESCORE_NOTICE:
            _echo(f"the story's facets changed: rescoring {pending:,} stored articles…", err=True)
        if pending:
            resume_rescore(db, story_id)
        return db, story


RESCORE_NOTICE = 1000  # stored articles from which a rescore takes long enough to say so


def load_story_arg(story_arg: str):
    """`--story` is the bundled story's name or the path of a story file."""
    from storywatch import seeds
    from storywatch.store.story import StoryError, load_story

    if story_arg in ("", seeds.BUNDLED_STORY_NAME):
        return load_story(seeds.BUNDLED_STORY_FILE)
    path = Path(story_arg).expanduser()
    if path.suffix == ".toml" or path.exists():
        return load_story(path)
    raise StoryError(f"unknown story {story_arg!r}: give {seeds.BUNDLED_STORY_NAME!r} or a story file path")


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
    help=f"Bundled story name or story file path [env {locations.STORY_ENV}].",
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
@click.option("--full-text", is_flag=True, help=_FULL_TEXT_HELP)
@click.pass_obj
def dashboard(obj: Context, no_fetch: bool, full_text: bool = False) -> None:
    """Open the live dashboard (what bare `storywatch` does)."""
    settings = _full_text_settings() if full_text and not no_fetch else None
    db, story = obj.open(rescore=False, write=False)  # the dashboard rescores in a worker
    db.close()
    from storywatch.tui.app import StorywatchApp

    StorywatchApp(obj.db_path, story.name, fetch=not no_fetch, tags=story.tags, fetch_settings=settings).run()


def _full_text_settings(**fields):
    """Fetch settings with full text on; a one-line error when the extra is not installed."""
    from storywatch.feeds.fetch import FetchSettings
    from storywatch.feeds.fulltext import require_extractor

    require_extractor()
    return FetchSettings(full_text=True, **fields)


@cli.command()
@click.option("--once", is_flag=True, help="Poll every feed once and exit (the default).")
@click.option("--watch", is_flag=True, help="Keep polling each feed when it is due, until Ctrl-C.")
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Fetched feeds parsed and stored at once (up to 64 requests are in flight).")
@click.option("--full-text", is_flag=True, help=_FULL_TEXT_HELP)
@click.pass_obj
def fetch(obj: Context, once: bool, watch: bool, concurrency: int, full_text: bool) -> None:
    """Poll the feeds without the dashboard."""
    if once and watch:
        raise click.UsageError("--once and --watch exclude each other: give one")
    from storywatch.feeds.fetch import FetchSettings

    settings = _full_text_settings(concurrency=concurrency) if full_text else FetchSettings(concurrency=concurrency)
    db, _story = obj.open()
    if not watch:
        from storywatch.feeds.poller import poll_once

        report = poll_once(db, settings=settings)
        _print_report(report)
        if report.polled and report.failed == report.polled:
            raise click.ClickException(f"all {report.polled} feeds failed")
        return
    _watch(db, settings)


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
    """Every feed with its last success, last error and item count."""
    from storywatch.store.feeds import feed_statuses

    db, _story = obj.open(write=False)
    statuses = feed_statuses(db)
    if not statuses:
        _echo("no feeds; add one with: storywatch feeds add URL")
        return
    _echo(f"{'id':>4}  {'state':<10} {'items':>5}  {'last success':<20} {'last error':<20} url / error")
    for feed in statuses:
        state = f"failing x{feed.failure_count}" if feed.failing else ("ok" if feed.last_success_at else "not polled")
        _echo(
            f"{feed.id:>4}  {state:<10} {feed.item_count:>5}  {feed.last_success_at or '-':<20}"
            f" {feed.last_error_at or '-':<20} {_clean(feed.url)}"
        )
        if feed.failing and feed.last_error:
            _echo(f"{'':>44}error: {_clean(feed.last_error, 200)}")


@feeds.command("remove")
@click.argument("url_or_id")
@click.pass_obj
def feeds_remove(obj: Context, url_or_id: str) -> None:
    """Stop polling a feed (its articles stay in the story)."""
    from storywatch.store.feeds import remove_feed

    db, _story = obj.open()
    url = remove_feed(db, url_or_id)
    _echo(f"removed feed {_clean(url, 2000)}")


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
