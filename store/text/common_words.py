"""Everyday English words, for telling a name from the words around it: "Embattled" in
"Embattled Petro" is a headline's opener, not a first name, and "Waffle House" is a firm's name
made of everyday words, not a person's. Loaded on first use (a few milliseconds).

The list (store/text/common_words.txt.gz, built by bench/build_common_words.py) holds the entries
written in lower case of SCOWL size 50, as Debian's `wamerican` package ships it:

    The collective work is Copyright 2000-2011 by Kevin Atkinson as well as any of the
    copyrights mentioned below:

      Copyright 2000-2011 by Kevin Atkinson

      Permission to use, copy, modify, distribute and sell these word lists, the associated
      scripts, the output created from the scripts, and its documentation for any purpose is
      hereby granted without fee, provided that the above copyright notice appears in all
      copies and that both that copyright notice and this permission notice appear in
      supporting documentation. Kevin Atkinson makes no representations about the suitability
      of this array for any purpose. It is provided "as is" without express or implied
      warranty.

    (The sources SCOWL draws on, public domain or under similar notices, are listed in
    /usr/share/doc/wamerican/copyright on a Debian system and in SCOWL's own Copyright file.)
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("common_words.txt.gz")


@cache
def common_words() -> frozenset[str]:
    """The list's words, in lower case."""
    return frozenset(gzip.decompress(WORDS_FILE.read_bytes()).decode("ascii").split())


def everyday(word: str) -> bool:
    """Whether a word, in any case, is an everyday English word ("Embattled", "house")."""
    return word.lower() in common_words()
