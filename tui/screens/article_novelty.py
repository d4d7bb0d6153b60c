"""The reading view's marks for what a report adds to the story: each new sentence gets a
"✚" before it and the success colour, so it reads with colour or without."""

from __future__ import annotations

from textual.content import Content

from storywatch.store.novelty import Development

NEW_MARK = "✚ "
NEW_STYLE = "bold $success"


def place(text: str, marks: list[Development]) -> list[tuple[int, int]]:
    """Where each marked sentence is in the text as shown (the store's offsets, or the sentence
    found again when the shown text was cut or cleaned differently); earliest first, no overlaps."""
    spans = []
    for mark in marks:
        start = mark.char_start if text[mark.char_start : mark.char_end] == mark.sentence else text.find(mark.sentence)
        if start >= 0 and mark.sentence:
            spans.append((start, start + len(mark.sentence)))
    placed: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if not placed or start >= placed[-1][1]:
            placed.append((start, end))
    return placed


def marked_text(text: str, marks: list[Development]) -> Content:
    """The text with its new sentences marked; the text itself is never parsed as markup."""
    parts: list[str | tuple[str, str]] = []
    at = 0
    for start, end in place(text, marks):
        parts += [text[at:start], (NEW_MARK, NEW_STYLE), (text[start:end], "$success")]
        at = end
    parts.append(text[at:])
    return Content.assemble(*parts)


def new_count(count: int, headline: bool = False) -> Content:
    """The reading view's line of news: how many sentences this report adds, and whether its
    headline is one (the headline is shown as written, in the colour only)."""
    if not count:
        return Content.assemble(("  ·  nothing new for the story", "$text-muted"))
    said = f"  ·  {NEW_MARK}{count} new sentence{'s' if count != 1 else ''}"
    if headline:
        said += ", the headline among them" if count > 1 else ": the headline"
    return Content.assemble((said, NEW_STYLE))
