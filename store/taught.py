"""What a mark taught the story, in words a user can check: after + or -, the dashboard says
which of the marked report's words now count for or against the story (issue 12: teaching
must say what it learned, not only move scores).

Read from the story's rebuilt model (`story_model.story_state`), so it is what the engine will
use, not a guess: a word the seeds use, a facet's word, or one too common in the feeds is never
learned against, and the note says so when nothing was.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storywatch.store import story_model
from storywatch.store.text import relevance

SHOWN = 5  # words named in the note; the rest are counted


@dataclass(frozen=True)
class Taught:
    """The marked report's words the story's model now weighs, heaviest first."""

    on_story: bool
    words: tuple[str, ...]  # for the story (an on-story mark) or against it (off-story)
    marks: int  # the story's marks in all, this one included
    # its words that marks made a facet's evidence, as (facet name, words) pairs
    facets: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # its words one more report like it, marked on the story, would make a facet's evidence
    one_short: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # its pairs of words that off-story marks now hold off (a report naming one lacks a facet),
    # and those one more such mark would
    held_off: tuple[str, ...] = ()
    held_off_short: tuple[str, ...] = ()

    def sentence(self, shown: int = SHOWN) -> str:
        """One line for the user: "Learned against the story: tariff, screwworm (+3 more)."."""
        side = "for" if self.on_story else "against"
        held = f" Reports naming {_either(self.held_off)} are now held off the story." if self.held_off else ""
        if self.held_off_short:
            held += f" One more report naming {_either(self.held_off_short)} marked off holds off the rest."
        if not self.words:
            return (
                f"No word of it learned {side} the story (its words are the seeds' own, a facet's,"
                " or common in the feeds); the mark holds for this report and its copies." + held
            )
        named = ", ".join(self.words[:shown])
        more = f" (+{len(self.words) - shown} more)" if len(self.words) > shown else ""
        widened = "".join(f" Now evidence of {name}: {', '.join(words)}." for name, words in self.facets)
        widened += "".join(
            f" One more report like it marked on the story makes {', '.join(words[:shown])} evidence of {name}."
            for name, words in self.one_short
        )
        return f"Learned {side} the story: {named}{more}.{widened}{held}"


def _either(pairs: tuple[str, ...]) -> str:
    """'"ryan wedding"' or '"ryan wedding" or "olympic snowboarder"' (the first SHOWN)."""
    return " or ".join(f'"{pair}"' for pair in pairs[:SHOWN])


def taught_by(db: Database, story_id: int, article_id: int, on_story: bool) -> Taught:
    """What marking this article on (or off) the story made the model weigh, read after the mark."""
    model = story_model.story_state(db, story_id).model
    rows = story_model.load_articles(db, [article_id])
    marks = db.execute(
        "SELECT count(*) FROM relevance WHERE story_id = ? AND taught IS NOT NULL", [story_id]
    ).fetchone()[0]
    if not rows:
        return Taught(on_story, (), marks)
    _, _, _, title, summary, body = rows[0]
    names = story_model.entity_names(db, [article_id]).get(article_id, ())
    terms = relevance.item_terms(title, summary, body, names)
    weights = model.learned if on_story else model.against
    found = sorted((term for term in terms if term in weights), key=lambda term: (-weights[term], term))
    held = () if on_story else tuple(sorted(term for term in terms if term in model.held_off))
    short = () if on_story else tuple(sorted(term for term in terms if term in model.held_off_short))
    return Taught(
        on_story, tuple(found), marks, _by_facet(found, model.widened if on_story else {}),
        _by_facet(found, model.one_short if on_story else {}), held, short,
    )


def _by_facet(words: list[str], facet_of: dict[str, str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(facet name, its words) for the words `facet_of` names a facet for, in the words' order."""
    facets: dict[str, list[str]] = {}
    for word in words:
        if word in facet_of:
            facets.setdefault(facet_of[word], []).append(word)
    return tuple((name, tuple(found)) for name, found in facets.items())
