"""A new story's folder: its story file, written with a commented header, and its seed texts.

`storywatch new` gathers the seeds (feeds/article.py reads files and pages) and hands them here
as plain `SeedText`s; nothing is written until every seed has text, and the folder appears whole
or not at all, so a failed `new` never leaves half a story behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from storywatch.store.errors import UserError
from storywatch.store.text.clean import clean_block, clean_line

if TYPE_CHECKING:  # for the annotations only: importing it would load the relevance engine
    from storywatch.store.story_model import FacetWords


class StoryExists(UserError):
    """`new` was given a name that is taken; nothing is overwritten."""


@dataclass(frozen=True)
class SeedText:
    """One seed article as the user gave it, reduced to text."""

    text: str
    title: str  # the headline, from the page's metadata or the text's first line
    origin: str  # the file or URL it came from, said in messages and in the story file
    url: str | None = None  # the article's address, when it was fetched
    source: str | None = None  # the outlet, when the page names it


_HEADER = """\
# Story "{name}", made by `storywatch new`. Open it with: storywatch --story {name}
# Edit freely: the file is read again each time the story is opened.
#
# [story]
#   name       the key `--story NAME` uses; keep it the folder's name
#   title      shown in the dashboard's header. Without [[facets]] below, the two halves of the
#              title around "against", "on", "in", "over", ... are what the story is about
#              ("US strikes on Mexican cartels": a report must say something of both halves)
#   threshold  relevance from 0 to 1 above which a report counts as on the story
#              (lower lets more in; `+` and `-` in the dashboard teach it further)
# [[seeds]]    the articles that define the story: text files in seeds/, one per table, with
#              the headline and, for a page, its address and outlet. Add more the same way.
# [[feeds]]    feeds added the first time the story is opened (later: storywatch feeds add URL)
#
# Optional, see the README ("Story files"):
# [[facets]]   what the story is about, all at once: who acts, what they do, to whom. One table
#              per facet, with the words that show it; a report with no word of a facet in its
#              headline or first sentence scores far lower. For example:
#                [[facets]]
#                name = "Mexico or the drug cartels"
#                words = ["Mexico", "Mexican", "cartel", "Sinaloa"]
#                unless = ["New Mexico"]   # longer names that are not evidence
# [aliases]    names that are one entity: "Claudia Sheinbaum" = ["Sheinbaum"]
# [tags]       what keys 1-9 tag a report with: 1 = "key development", 2 = "follow up", ...
"""


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def seed_file_name(number: int, title: str) -> str:
    """seeds/NNN_slug.txt: numbered in the order given, named after the headline."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 48:
            break
        slug = f"{slug}-{word}" if slug else word
    return f"{number:03d}_{slug or 'seed'}.txt"


def story_file_text(name: str, title: str, threshold: float, seeds: list[tuple[str, SeedText]], feeds: list[str]) -> str:
    """The story file `new` writes: the header explaining each key, then the story, seeds, feeds.
    `seeds` pairs each seed with its file name under seeds/."""
    lines = [_HEADER.format(name=name), "[story]", f"name = {toml_string(name)}", f"title = {toml_string(title)}",
             f"threshold = {threshold:g}", ""]
    for file_name, seed in seeds:
        lines += ["[[seeds]]", f"file = {toml_string('seeds/' + file_name)}", f"title = {toml_string(clean_line(seed.title, 300))}"]
        if seed.url:
            lines.append(f"url = {toml_string(clean_line(seed.url, 2000))}")
        if seed.source:
            lines.append(f"source = {toml_string(clean_line(seed.source, 200))}")
        lines.append(f"# from {clean_line(seed.origin, 2000)}")
        lines.append("")
    for url in feeds:
        lines += ["[[feeds]]", f"url = {toml_string(url)}", ""]
    return "\n".join(lines)


def facets_comment(facets: list[FacetWords]) -> str:
    """The facets the engine read from the title and seeds, as commented-out [[facets]] tables:
    what the story looks for, to read and, uncommented, to edit in your own words."""
    if not facets:
        return ""
    lines = ["", "# What the story looks for, read from its title and seeds when it was made: a report must say",
             "# something of each in its headline or first sentence. While these lines stay comments, the",
             "# title and seeds decide; uncomment them (drop the \"# \") to say it in your own words instead.",
             "# A facet can also hold only in some places: `within = [\"Latin America and the Caribbean\"]`",
             "# (countries by name, or that region) makes its single words no evidence in a report set elsewhere,",
             "# and `only_within = [\"drug smuggling\"]` the phrases listed there too.",
             "#"]
    for name, words, unless, within in facets:
        lines += ["# [[facets]]", f"# name = {toml_string(clean_line(name, 200))}",
                  f"# words = [{', '.join(toml_string(clean_line(word, 200)) for word in words)}]"]
        if unless:  # the everyday other senses of its words ("drug prices"), not evidence of it
            lines.append(f"# unless = [{', '.join(toml_string(clean_line(phrase, 200)) for phrase in unless)}]")
        if within:  # the region of the country the title's place half names
            lines.append(f"# within = [{', '.join(toml_string(place) for place in within)}]")
        lines.append("#")
    return "\n".join(lines[:-1]) + "\n"


def add_facets_comment(story_file: Path, facets: list[FacetWords]) -> None:
    """Append `facets_comment` to a story file `new` wrote."""
    text = facets_comment(facets)
    if text:
        with story_file.open("a", encoding="utf-8") as out:
            out.write(text)


def write_story_folder(
    folder: Path, name: str, title: str, threshold: float, seeds: list[SeedText], feeds: list[str]
) -> Path:
    """Create `folder` with story.toml and seeds/NNN_slug.txt; returns the story file's path.

    Refuses (StoryExists) when the folder is there already. Everything is written into a
    hidden sibling first and renamed into place, so the folder is never seen half made."""
    if folder.exists():
        raise StoryExists(f"story {name!r} already exists in {folder}: pick another name")
    folder.parent.mkdir(parents=True, exist_ok=True)
    draft = folder.with_name(f".{folder.name}.new-{os.getpid()}")
    shutil.rmtree(draft, ignore_errors=True)
    try:
        (draft / "seeds").mkdir(parents=True)
        named = [(seed_file_name(n, seed.title), seed) for n, seed in enumerate(seeds, 1)]
        for file_name, seed in named:
            body = clean_block(seed.text)
            headline = clean_line(seed.title)
            text = body if body.startswith(headline) else f"{headline}\n\n{body}"  # the file reads alone
            (draft / "seeds" / file_name).write_text(text + "\n", encoding="utf-8")
        (draft / "story.toml").write_text(
            story_file_text(name, clean_line(title), threshold, named, feeds), encoding="utf-8"
        )
        try:
            draft.rename(folder)  # fails if the folder appeared meanwhile (a non-empty target)
        except OSError:
            if folder.exists():
                raise StoryExists(f"story {name!r} already exists in {folder}: pick another name") from None
            raise
    finally:
        shutil.rmtree(draft, ignore_errors=True)
    return folder / "story.toml"
