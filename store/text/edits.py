"""What counts as an edit a reader would notice: pure functions, no I/O.

A feed changes an item's text for many reasons that are no news: an aggregator swaps the
outlet's name at the end of the headline ("- Reuters", "- reuters.com"), markup, case or
punctuation shift, or two versions take turns. `edit_key` folds all of that away, so two versions
with one key read the same; `classify` names each stored version against the ones before it.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from storywatch.store.text.worddiff import diff_versions

_TAGS = re.compile(r"<[^>]{0,2000}>")
_NOT_WORD = re.compile(r"[\W_]+")
# A headline's last part after a separator: " - Reuters", " | reuters.com", " — AP News".
_SEPARATOR = re.compile(r"\s[-–—|·•]\s+|\s*::\s*")
_DOMAIN = re.compile(r"^(?:www\.)?(?:[a-z0-9-]+\.)+[a-z]{2,24}$", re.IGNORECASE)
# Aggregators that sign every headline they pass on, whoever wrote it.
AGGREGATORS = frozenset({"googlenews", "yahoonews", "msn", "applenews", "newsbreak", "flipboard"})
_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/:?#]+)", re.IGNORECASE)

KINDS = ("first", "edit", "minor", "return")  # what a stored version is to a reader
COUNTED = ("first", "edit")  # the versions the row's "N revisions" counts


@dataclass(frozen=True)
class Version:
    """One version's text as stored: headline, summary, full text."""

    title: str = ""
    summary: str = ""
    body: str = ""


@dataclass(frozen=True)
class Verdict:
    """What a new version is: `kind` one of KINDS; `changes` a short label for the reader
    ("headline changed, +40 words") on an edit; `same_as` the revision a 'return' equals."""

    kind: str
    changes: str = ""
    same_as: int | None = None


def fold(text: str | None) -> str:
    """Text as a reader compares it: no markup, no case, no punctuation, no spacing."""
    if not text:
        return ""
    if "<" in text or "&" in text:  # most text holds neither: no markup to take out
        text = html.unescape(_TAGS.sub(" ", text))
    if not text.isascii():  # NFKC leaves ASCII as it is
        text = unicodedata.normalize("NFKC", text)
    return _NOT_WORD.sub("", text.casefold())


def outlet_names(source: str | None, url: str | None = None) -> frozenset[str]:
    """The folded names an outlet may sign a headline with: its name, without a leading "The",
    and the name and first label of its web domain (from `url`, or the name when it is one)."""
    return _names_of(source or "", _host(url))


@lru_cache(maxsize=4096)  # a feed's items share their source and site: worked out once per feed
def _names_of(source: str, host: str) -> frozenset[str]:
    names = set()
    for name in (source, host):
        name = name.strip()
        if not name:
            continue
        names.add(fold(name))
        if name.casefold().startswith("the "):
            names.add(fold(name[4:]))
        if _DOMAIN.match(name):
            labels = name.casefold().removeprefix("www.").split(".")
            names.add(fold(labels[0]))
    names.discard("")
    return frozenset(names)


def headline(title: str | None, source: str | None = None, url: str | None = None) -> str:
    """The headline without an outlet's signature at its end: a tail after a separator that is
    the item's own outlet (by name or domain) or any web domain ("- Something.com")."""
    return _without_signature((title or "").strip(), outlet_names(source, url))


def _without_signature(text: str, names: frozenset[str]) -> str:
    """`headline`, the outlet's `outlet_names` given."""
    for _ in range(2):  # "Headline - Reuters - Google News" sheds both, one at a time
        found = [match for match in _SEPARATOR.finditer(text) if match.start() > 0]
        if not found:
            break
        tail = text[found[-1].end() :].strip()
        folded = {fold(tail), fold(tail[4:]) if tail.casefold().startswith("the ") else ""}
        if len(tail) > 80 or not (_DOMAIN.match(tail) or folded & names or folded & AGGREGATORS):
            break
        text = text[: found[-1].start()].rstrip()
    return text


def unsigned(title: str, summary: str, source: str | None = None, url: str | None = None) -> tuple[str, str]:
    """The headline without its outlet's signature (`headline`), and the teaser, or "" when it
    says nothing but the headline again, perhaps signed too: what Google News and the feeds made
    from it send ("Headline - Reuters", a teaser "Headline  Reuters"), where the outlet is the
    item's source and the headline's words are all there is."""
    title = title.strip()
    short = bool(summary) and len(summary) <= len(title) + _SIGNATURE_CHARS
    if not short and _SEPARATOR.search(title) is None:  # most items: nothing signed, a teaser that says more
        return title, summary
    names = outlet_names(source, url)
    head = _without_signature(title, names) or title
    return head, "" if short and _repeats(summary, head, names) else summary


_SIGNATURE_CHARS = 120  # a teaser longer than the headline by more than an outlet's name says more


def _repeats(teaser: str, head: str, names: frozenset[str]) -> bool:
    """Whether a teaser is the headline again, or the headline and then an outlet's name."""
    if teaser.startswith(head):  # as the feed wrote it: only the rest is compared
        rest = fold(teaser[len(head):])
    else:
        said, heading = fold(teaser), fold(head)
        if not said or not heading or not said.startswith(heading):
            return False
        rest = said[len(heading):]
    return not rest or rest in names or rest in AGGREGATORS


def edit_key(
    title: str | None, summary: str | None, body: str | None, source: str | None = None, url: str | None = None,
) -> str:
    """Equal for two versions exactly when a reader would see no edit between them (a signed
    headline and a teaser that repeats it read as the bare headline: see `unsigned`)."""
    title, summary = unsigned((title or "").strip(), summary or "", source, url)
    parts = (fold(title), fold(summary), fold(body))
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


def classify(
    earlier: list[tuple[int, str]],
    current_key: str,
    new: Version,
    previous: Version | None = None,
    source: str | None = None,
) -> Verdict:
    """Name a new version against the article's stored ones.

    `earlier` is (revision, edit_key) of the stored versions, oldest first, the one the article
    showed until now last (`previous`); the first version and the edits are enough, as every
    other version repeats one of them. Same key as the latest: 'minor'; same key as an older
    one: 'return' to the first revision with it (a flip-flop is news once); else an 'edit'.
    """
    if not earlier:
        return Verdict("first")
    if current_key == earlier[-1][1]:
        return Verdict("minor")
    for revision, key in earlier:
        if key == current_key:
            return Verdict("return", same_as=revision)
    return Verdict("edit", changes=describe(previous or Version(), new, source))


def describe(previous: Version, new: Version, source: str | None = None) -> str:
    """A short label of an edit: which parts changed, and words added or taken out."""
    parts = []
    if fold(headline(previous.title, source)) != fold(headline(new.title, source)):
        parts.append("headline changed")
    if fold(previous.summary) != fold(new.summary):
        parts.append("summary changed")
    if fold(previous.body) != fold(new.body):
        parts.append("text changed")
    # Counted as the diff view (`d`) counts them, so the notice and the diff agree.
    *_, added, removed = diff_versions((previous.title, previous.summary, previous.body),
                                       (new.title, new.summary, new.body))
    if added or removed:
        words = " ".join(part for part in (f"+{added}" if added else "", f"−{removed}" if removed else "") if part)
        parts.append(f"{words} words")
    return ", ".join(parts) or "edited"


def _host(url: str | None) -> str:
    found = _HOST.match(url or "")
    return found.group(1) if found else ""
