"""What changed between two versions of a text, word by word, as data the screen only draws.

Pure: no I/O. Texts are cut into words, single punctuation marks and runs of whitespace, so the
runs put back together give both texts exactly; whitespace never anchors a match (it is junk to
the matcher), or two rewritten sentences would read as a comb of tiny edits between shared spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from storywatch.store.text.clean import clean_block, clean_line

TOKEN = re.compile(r"\w+|\s+|[^\w\s]")  # a word, a whitespace run, or one other character
WORD = re.compile(r"\w+")
CHUNK = re.compile(r"\S+")  # what context is counted in when folding: a word with its punctuation
SLIDE_MAX = 80  # characters a change may move to find a better place (repetitive text stays linear)
MIN_FOLD = 5  # a fold hides at least this many words; fewer read faster than the fold line itself
TEXT_MAX = 100_000  # characters of summary + text compared; a longer one is cut (a diff of it would not be read)


@dataclass(frozen=True)
class Run:
    """A stretch of text that both versions share ('equal'), or only the new one ('insert'), or
    only the old one ('delete')."""

    op: str
    text: str


@dataclass(frozen=True)
class Fold:
    """An unchanged stretch left out of a folded diff; `words` says how much it hides."""

    words: int
    text: str  # what it hides, for a screen that unfolds


def diff_words(old: str, new: str) -> list[Run]:
    """The runs that turn `old` into `new`: equal + delete runs rebuild `old`, equal + insert
    runs rebuild `new`. Where both changed, the deletion comes before the insertion.

    Lines (an article's paragraphs) are matched first and only the lines that differ are
    diffed word by word: an update touches a few paragraphs of many (5,000 words with a few
    edits: about 2 ms, not 57; see bench/diff.py)."""
    if old == new:
        return [Run("equal", old)] if old else []
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    runs: list[Run] = []
    lines = SequenceMatcher(lambda line: not line.strip(), a, b, autojunk=False)
    for op, i1, i2, j1, j2 in lines.get_opcodes():
        if op == "equal":
            _add(runs, "equal", a[i1:i2])
        else:
            for run in _diff_tokens("".join(a[i1:i2]), "".join(b[j1:j2])):
                _add(runs, run.op, [run.text])
    return _slide(_absorb_lone_spaces(runs))


def _diff_tokens(old: str, new: str) -> list[Run]:
    """The word-level diff of two stretches of text."""
    a, b = TOKEN.findall(old), TOKEN.findall(new)
    # The shared head and tail are cheap to find and often most of an edited paragraph.
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    runs: list[Run] = []
    _add(runs, "equal", a[:head])
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    matcher = SequenceMatcher(str.isspace, a_mid, b_mid, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _add(runs, "equal", a_mid[i1:i2])
        else:
            _add(runs, "delete", a_mid[i1:i2])
            _add(runs, "insert", b_mid[j1:j2])
    _add(runs, "equal", a[len(a) - tail :])
    return runs


def _add(runs: list[Run], op: str, tokens: list[str]) -> None:
    """Append tokens as a run, merged into the last run when it has the same op."""
    if not tokens:
        return
    text = "".join(tokens)
    if runs and runs[-1].op == op:
        runs[-1] = Run(op, runs[-1].text + text)
    else:
        runs.append(Run(op, text))


def _absorb_lone_spaces(runs: list[Run]) -> list[Run]:
    """A short stretch left equal between two larger changes joins them (into both the
    deletion and the insertion): "[-a b-]{+c d+}" reads as one change where the matcher found
    "[-a-]{+c+} [-b-]{+d+}", and a rewritten sentence does not keep a stray "said" in its
    middle. Repeated, as each join makes the change it grows larger."""
    while True:
        out: list[Run] = []
        for i, run in enumerate(runs):
            if run.op == "equal" and 0 < i < len(runs) - 1 and _lone(run, _size(runs, i, -1), _size(runs, i, 1)):
                _merge_change(out, Run("delete", run.text))
                _merge_change(out, Run("insert", run.text))
            elif run.op == "equal":
                out.append(run)
            else:
                _merge_change(out, run)
        if len(out) == len(runs):
            return out
        runs = out


def _size(runs: list[Run], i: int, step: int) -> int:
    """Characters of the larger side of the change next to run i (0 if none is)."""
    sizes = {"delete": 0, "insert": 0}
    i += step
    while 0 <= i < len(runs) and runs[i].op != "equal":
        sizes[runs[i].op] += len(runs[i].text)
        i += step
    return max(sizes.values())


def _lone(run: Run, before: int, after: int) -> bool:
    """Whether an equal run between changes is too slight to stand apart: only whitespace, or
    a word or two no longer than either change beside it."""
    if not before or not after:
        return False
    return run.text.isspace() or (len(WORD.findall(run.text)) <= 2 and len(run.text) <= min(before, after))


def _slide(runs: list[Run]) -> list[Run]:
    """A lone insertion or deletion that could sit a few characters earlier or later (the text
    around it repeats its ends) moves to where it reads best: "advance{+. More+}." becomes
    "advance.{+ More.+}", whole words and sentences rather than a stray full stop."""
    out = list(runs)
    for i, run in enumerate(out):
        if run.op == "equal" or (i and out[i - 1].op != "equal") or (i + 1 < len(out) and out[i + 1].op != "equal"):
            continue  # only a change of one kind between unchanged text
        before = out[i - 1].text if i else ""
        after = out[i + 1].text if i + 1 < len(out) else ""
        text = run.text
        for _ in range(SLIDE_MAX):  # as far left as it goes
            if not (before and text and before[-1] == text[-1]):
                break
            before, text, after = before[:-1], before[-1] + text[:-1], text[-1] + after
        best = (_boundary(before, text) + _boundary(text, after), before, text, after)
        for _ in range(2 * SLIDE_MAX):  # then each place to the right
            if not (after and text and after[0] == text[0]):
                break
            before, text, after = before + text[0], text[1:] + after[0], after[1:]
            score = _boundary(before, text) + _boundary(text, after)
            if score >= best[0]:
                best = (score, before, text, after)
        _, before, text, after = best
        if i:
            out[i - 1] = Run("equal", before)
        out[i] = Run(run.op, text)
        if i + 1 < len(out):
            out[i + 1] = Run("equal", after)
    return [run for run in out if run.text]


def _boundary(left: str, right: str) -> int:
    """How good a place the point between two texts is to start or end a change: the text's
    edge, a line break, after a sentence's end, at a space, at punctuation, mid-word (worst)."""
    if not left or not right:
        return 5
    a, b = left[-1], right[0]
    if a == "\n" or b == "\n":
        return 4
    if a.isspace() or b.isspace():
        return 3 if a in ".!?" or (a.isspace() and left[-2:-1] in (".", "!", "?")) else 2
    return 1 if not (a.isalnum() and b.isalnum()) else 0


def _merge_change(out: list[Run], run: Run) -> None:
    """Add a deletion or insertion to the change the list ends with (deletion first)."""
    change_start = len(out)
    while change_start and out[change_start - 1].op != "equal":
        change_start -= 1
    change = {r.op: r.text for r in out[change_start:]}
    change[run.op] = change.get(run.op, "") + run.text
    del out[change_start:]
    out.extend(Run(op, change[op]) for op in ("delete", "insert") if change.get(op))


def fold(runs: list[Run], context: int = 12) -> list[Run | Fold]:
    """The runs with long unchanged stretches folded, keeping `context` words on each side of a
    change. Texts with no change at all fold whole."""
    changed = any(run.op != "equal" for run in runs)
    out: list[Run | Fold] = []
    for i, run in enumerate(runs):
        if run.op != "equal":
            out.append(run)
            continue
        if not changed:
            out.append(Fold(len(WORD.findall(run.text)), run.text))
            continue
        chunks = list(CHUNK.finditer(run.text))
        keep_head = context if i > 0 else 0  # after a change
        keep_tail = context if i < len(runs) - 1 else 0  # before a change
        if len(chunks) - keep_head - keep_tail <= 0:
            out.append(run)
            continue
        start = chunks[keep_head - 1].end() if keep_head else 0
        end = chunks[len(chunks) - keep_tail].start() if keep_tail else len(run.text)
        hidden = run.text[start:end]
        words = len(WORD.findall(hidden))
        if words < MIN_FOLD:
            out.append(run)
            continue
        if start:
            out.append(Run("equal", run.text[:start]))
        out.append(Fold(words, hidden))
        if end < len(run.text):
            out.append(Run("equal", run.text[end:]))
    return out


def summary(runs: list[Run | Fold]) -> tuple[int, int]:
    """(words added, words removed)."""
    added = sum(len(WORD.findall(run.text)) for run in runs if isinstance(run, Run) and run.op == "insert")
    removed = sum(len(WORD.findall(run.text)) for run in runs if isinstance(run, Run) and run.op == "delete")
    return added, removed


def rebuild(runs: list[Run | Fold], side: str) -> str:
    """The old ('old') or new ('new') text the runs describe (folds count as unchanged)."""
    skip = "insert" if side == "old" else "delete"
    return "".join(run.text for run in runs if isinstance(run, Fold) or run.op != skip)


def reader_text(summary_: str | None, body: str | None) -> str:
    """What a reader reads under the headline: the summary, then the text (once, when a feed
    gives the same words as both)."""
    short, full = clean_block(summary_, TEXT_MAX), clean_block(body, TEXT_MAX)
    parts = [short] if short == full else [part for part in (short, full) if part]
    return "\n\n".join(parts)[:TEXT_MAX]


def diff_versions(
    old: tuple[str, str, str], new: tuple[str, str, str]
) -> tuple[list[Run], list[Run], int, int]:
    """Two versions (title, summary, body): the headline's runs, the text's runs, and the words
    added and removed in the text, as the diff view shows them and an edit's label counts them
    (a headline's change is named, not counted: "headline changed, +40 words")."""
    title = diff_words(clean_line(old[0], 2000), clean_line(new[0], 2000))
    text = diff_words(reader_text(old[1], old[2]), reader_text(new[1], new[2]))
    added, removed = summary(text)
    return title, text, added, removed
