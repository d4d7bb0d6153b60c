"""The stories a user can open: the bundled one and their own, with what each holds and where.

Shared by `storywatch stories` and the app's stories screen. Reads story files and counts rows
read-only (store/census.py): listing never creates, migrates or locks a story's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storywatch.tui import locations


@dataclass(frozen=True)
class StorySummary:
    name: str  # what --story takes
    title: str
    seeds: int | None  # None: the story file could not be read (see `problem`)
    feeds: int | None  # in its database; before it is first opened, in its file
    articles: int | None  # reports stored; None: no database yet
    folder: Path  # where its story file and seeds are
    db_path: Path
    bundled: bool = False
    problem: str | None = None  # why the story file could not be read, one line


def story_summaries(db_arg: Path | None = None) -> list[StorySummary]:
    """The bundled story, then the user's stories by name. `db_arg` (--db) holds every story's rows."""
    from storywatch import seeds

    summaries = [_summary(seeds.BUNDLED_STORY_NAME, seeds.BUNDLED_STORY_FILE, db_arg or locations.default_db_path(), True)]
    for name in locations.user_story_names():
        folder = locations.story_dir(name)
        summaries.append(_summary(name, folder / locations.STORY_FILE, db_arg or folder / locations.STORY_DB, False))
    return summaries


def _summary(name: str, story_file: Path, db_path: Path, bundled: bool) -> StorySummary:
    from storywatch.store.census import census
    from storywatch.store.errors import UserError
    from storywatch.store.story import load_story
    from storywatch.store.text.clean import clean_line

    counts = census(db_path)
    articles = counts.articles if counts else None
    try:
        story = load_story(story_file)
    except UserError as error:  # a story file the user broke: listed, with why
        return StorySummary(name, "", None, counts.feeds if counts else None, articles, story_file.parent, db_path,
                            bundled, clean_line(str(error), 300))
    feeds = counts.feeds if counts else len(story.feeds)
    return StorySummary(name, clean_line(story.title, 200), len(story.seeds), feeds, articles, story_file.parent,
                        db_path, bundled)
