"""How close an article is to the story the seeds tell, and why: pure functions, no I/O.

The method is the classic probabilistic relevance-feedback weighting (Robertson & Sparck Jones):
the seeds are the known relevant documents, every stored article is the background. A term's
weight is how much likelier it is in the story than in the background, so "cartel", "Pentagon"
and "drone strikes" weigh a lot, "Trump" or "Mexico" less (the feeds are full of other Trump and
Mexico news), and words the seeds use once carry nothing.

The story is several things at once: who acts, what they do, and to whom. The story file can
declare these facets as lists of words and phrases ("the United States": US, Pentagon, Hegseth,
...); without them, the title's halves are the facets: "US military action | against | Mexican
drug cartels", each gathering the key words that share a stem with its words or that the seeds
write next to them ("military strikes", "cartels in Mexico"). An article with no evidence for a
facet in its headline and first sentence (`opening_terms`: where a report says what it is
about; background further down does not count) keeps only `MISSING_FACET`
of its score for each facet it lacks, and its reasons say what it lacks; one with evidence for
every facet gains `FACET_BONUS` per facet, as if each were a key word (facet words the seeds
never use, like "JSOC", still count). Facet words match in any inflection (Snowball stems),
not in the other words their stem makes ("direct" is no "directive": `_inflected_key`).

The user teaches by marking articles. Marks never change the seeds' own terms; the other words
of marked articles become evidence for (on-story) or against (off-story), weighed the same way
against the background (Rocchio's feedback), so an article like a marked one moves and a
seed-like one does not.

An article's raw score is the sum of the weights of the terms it contains, divided by the square
root of how many terms it has, so a one-line headline and a three-sentence summary are
comparable. A logistic curve turns it into 0..1, 0.5 at `MIDPOINT`, which is the story file's
default threshold. `MIDPOINT` and `FACET_EVIDENCE` were chosen on the tuning half of
bench/data/eval_items.jsonl (see bench/quality.py); `FACET_BONUS`, on which that half is
indifferent between 0.5 and 1.5, is the middle of that range. `MISSING_FACET` was chosen on real
coverage (bench/data/real_dev.jsonl and the July wire month real_wire_dev.jsonl, see
bench/real_quality.py): 0.2 let a headline-only "US strikes on Iran" through on a wire feed.
The real test months and the August wire month report the figures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Container, Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from itertools import chain

from storywatch.store.text.dedup import words
from storywatch.store.text.sentences import iter_sentences

MIDPOINT = 0.5  # raw score that maps to relevance 0.5 (chosen on the tune half with the facets)
WIDTH = 0.25  # how quickly relevance rises around the midpoint
MIN_SEED_SHARE = 0.4  # a key term appears in at least this share of the relevant documents
MIN_STORY_RATE = 0.004  # ... and makes up at least this share of their words (about 1 in 250)
MIN_STORY_COUNT = 3
MAX_WEIGHT = 6.0  # no single term decides on its own
BACKGROUND_PRIOR = 50  # pseudo-articles of background before any feed item is stored
WORD_PRIOR = 0.02  # share of background articles assumed to hold a word never counted yet
GENERIC_PRIOR = 0.1  # the same for a word of GENERIC_WORDS
PAIR_PRIOR = 0.004  # the same for a pair of words
MAX_REASONS = 6
CORE_TERMS = 5  # the story's core: its most used key words
CORE_NEEDED = 2  # core words an article needs to score in full
ENTITY_PREFIX = "@"  # terms for named entities shared through the entity tables
FACET_BONUS = 1.0  # raw score added per facet when an article shows them all, as a key word would (tune half)
MISSING_FACET = 0.1  # (real dev and wire-dev) an article keeps this share of its score for each facet it has no evidence for
FACET_MARGIN = 2  # a seed word joins a facet it is written next to this many times more than the other
FACET_BESIDE = 3  # ... and at least this many times
# A facet's word is evidence for it when it weighs at least this share of the facet's heaviest
# word: "US" is in every other headline, and names the actor, not the action.
FACET_EVIDENCE = 0.3
NESTED_SHARE = 0.75  # a word the seeds use mostly inside one key pair counts only as that pair
STEM_PREFIX = 5  # words sharing this many first letters are one word for facets (mexico, mexican)
# How hard a word of the articles marked off-story counts against an article. A report is off
# the story for any reason, so its words are weak evidence (Rocchio's negative feedback is
# usually a fifth of the positive): at 0.7, five random dev marks hid on-story reports (dev
# unmarked F1 .81 -> .67); at 0.25 they leave it at .82, and five of the engine's mistakes
# marked lift it to .88 (bench/teaching.py, median of 5 seeds for the random marks).
OFF_STORY_SCALE = 0.25
ON_STORY_SCALE = 0.5  # ... and a word of the articles marked on-story for it
MAX_MARKED_WEIGHT = 3.0
# A report much like one the user marked off the story is held off too: the share of the
# marked report's rarer words (weighed by how rare) it holds, from NEAR_MARK up, lowers its raw
# score by NEAR_WEIGHT times that share. Another outlet's take on the same off-story event (a
# marijuana order, a tariff) has every facet, and the weak words an off-story mark teaches
# (`marked_weights`) never moved it (bench/teaching_live.py). Marks on the story do not do this:
# on dev, reports like a Venezuela report marked on were other Venezuela news, off the story.
NEAR_MARK = 0.5
NEAR_WEIGHT = 2.0
NEAR_RARE = 2.0  # a word in more than e**-2 (about 1 in 7) of the stored articles says little
MARKS_KEPT = 200  # off-story marks compared with each new report, the latest
WIDEN_WEIGHT = 0.4  # a learned word's weight (see marked_weights) before it may widen a facet
# On-story marks lacking a facet that must share a learned word before it is that facet's
# evidence. Two reports of one event share its everyday words: with 2, five marks in order on
# dev-top2 made "kill" and "order" evidence of the cartel side of a story made with `new`, and
# wire-dev showed 22 false positives (Russian strikes, US court orders); with 3, only "boat"
# (bench/teaching.py --tuning --story new --marks-on dev-top2).
FACET_MARKS = 3
# Off-story marks on reports that show every facet that must share a pair of words of their own
# (neither the story's nor a place's: "ryan wedding", "olympic snowboarder") before a report
# holding it counts as lacking a facet. Such reports score near 1.0 on the facets, so the
# "like a report marked off" penalty moved none of the others: five marks on one recurring
# off-story subject took 1 of its 5 other reports off (bench/marks_off.py). A pair, not a word:
# three marks on one man's plea share "guilty" as well as his name.
HELD_OFF_MARKS = 3
MARKS_PRIOR = 3  # a marked word's share is taken over at least this many marks (see marked_weights)
# Words that join the two halves of a story title: "US military action | against | Mexican cartels".
RELATION_WORDS = frozenset("against on over in into with versus vs toward towards for by from between".split())

# Function words and newsroom boilerplate: frequent everywhere, evidence of nothing.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up us very was we were what when where which while
    who whom why will with would you your yours yourself one two three first last next year
    years day days week weeks month months time may might must said says say saying told tell
    according reported report reports news read original article here monday tuesday wednesday
    thursday friday saturday sunday mr ms s t would like get got make made many much even still
    well back since however although though another around across amid among via per within
    without""".split()
)


# Words common in any news text whatever its subject. They may still count, but until the
# feeds have shown how common they are, they are assumed to be in one article in ten.
GENERIC_WORDS = frozenset(
    """able accept access act action add address administration affect ahead aim allow already
    announce announced approach area ask attempt authority become begin believe big broad broader
    call called campaign case caution cause center challenge change claim clear close come
    comment community concern condition consequence consider continue control country course
    critic current deal decision decline deep demand despite development difficult direct
    director discuss draw early effect effort end ensure especially event expect expert face fact
    fail far fear feel field follow following force full future general give go going good great
    group grow growing hand happen hard head help high hold hope idea immediate impact important
    include including increase individual issue keep key known lack large late later lead leader
    leading least leave level likely limit line little long look looking lose low main major make
    making mean measure meet member mind minister move national near need nation nearly number
    offer office official open order part party past people place plan play point policy
    political position possible potential potentially power press pressure problem process
    public push put question raise range rather reach real reason recent remain remark response
    result return right rise risk role rule run saying see seek seem seen serious set several
    shift show side sign signal significant since situation small social source speak stage stance
    start state statement step strain strategy strong suggest support sure take talk term thing
    think threat today top toward track turn understand unfold unintended use view want way wider
    wide work world worry""".split()
)


def _stem(word: str) -> str:
    """Plural to singular, the only inflection that splits the story's words ("cartels")."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


# A word's content form ("" when it is dropped), cached: the same few thousand words make up
# every article, and stemming each occurrence again was a tenth of a cold poll's relevance work.
_CONTENT: dict[str, str] = {}
_CONTENT_CACHE = 200_000  # words; the cache starts over past this (numbers, names, typos)


def _content_word(word: str) -> str:
    if word in STOPWORDS or word.isdigit():
        return ""
    return _stem(word)


def content_words(text: str) -> list[str]:
    tokens = words(text)
    found = list(map(_CONTENT.get, tokens))  # one C loop over the cache; a word not met yet is None
    if None in found:
        for index, content in enumerate(found):
            if content is None:
                if len(_CONTENT) >= _CONTENT_CACHE:
                    _CONTENT.clear()
                found[index] = _CONTENT[tokens[index]] = _content_word(tokens[index])
    return list(filter(None, found))  # "" for a dropped word


# Where a pair of words stops being one phrase: "buzz about US strike; video sparks ..." holds no
# "strike video", "Mexico - US talks" no "mexico usa". A full stop is no break ("U.S.", "Gen." end
# no sentence), nor a comma (tried: one more false positive over the fifteen tuning sets). A word
# that opens a clause is one ("attack as Venezuela tension spirals" is no attack on Venezuela):
# over the twenty-seven tuning sets that found one more and moved nothing else.
# Only headlines and ledes are cut: a body, longer than CLAUSE_TEXT, keeps its pairs across
# breaks, since one stray pair among its hundreds weighs little and reading it clause by clause
# would miss the word cache the fingerprint fills.
CLAUSE_TEXT = 400  # characters
_CLAUSE_WORDS = "as after amid while when despite before because but though although until whereas"
_CLAUSE_BREAK = re.compile(
    r"[;:|?!]+(?:\s|$)|\s[-\u2013\u2014|]+\s|\s(?i:%s)\s" % "|".join(_CLAUSE_WORDS.split())
)


def words_and_pairs(text: str) -> tuple[list[str], Iterable[str]]:
    """A text's content words, and the pairs of adjacent ones within a clause."""
    if len(text) > CLAUSE_TEXT or not _CLAUSE_BREAK.search(text):
        tokens = content_words(text)
        return tokens, map(" ".join, zip(tokens, tokens[1:]))
    tokens, pairs = [], []
    for clause in _CLAUSE_BREAK.split(text):
        clause_tokens = content_words(clause)
        tokens += clause_tokens
        pairs += map(" ".join, zip(clause_tokens, clause_tokens[1:]))
    return tokens, pairs


def term_counts(title: str, summary: str = "", body: str = "", entities: Iterable[str] = ()) -> Counter[str]:
    """Single words, adjacent word pairs ("drug cartel", "military force") and entity names,
    with how often each occurs. A headline the body repeats (as in a seed file) counts once.

    An entity counts only when its name is not already among the words: the entity tables
    add evidence through the other names a thing goes by ("CJNG", "AMLO"), not twice over."""
    counts: Counter[str] = Counter()
    for part in _counted_parts(title, summary, body):
        tokens, pairs = words_and_pairs(part)
        counts.update(tokens)
        counts.update(pairs)
    counts.update(_entity_terms(entities, counts))
    return counts


def _counted_parts(title: str, summary: str, body: str) -> list[str]:
    """The texts whose words count: all three, but a headline the body repeats."""
    if title and title.lower() in body[:2000].lower():
        return [part for part in (title, summary, body) if part is not title]
    return [title, summary, body]


def _entity_terms(entities: Iterable[str], words_found: Container[str]) -> list[str]:
    """Terms for the entity names that are not already among an article's words."""
    found = []
    for name in entities:
        named = _NAMED.get(name)
        if named is None:
            if len(_NAMED) >= _CONTENT_CACHE:
                _NAMED.clear()
            named = _NAMED[name] = " ".join(content_words(name or ""))
        if named and named not in words_found:
            found.append(ENTITY_PREFIX + named)
    return found


# An entity name's words as one term, cached like `_CONTENT`: an article names a handful of
# entities, and the same ones ("Trump", "Mexico") come back in most articles of a story.
_NAMED: dict[str | None, str] = {}


def item_terms(title: str, summary: str = "", body: str = "", entities: Iterable[str] = ()) -> frozenset[str]:
    """The distinct terms of an article (see `term_counts`)."""
    return frozenset(term_counts(title, summary, body, entities))


LEDE_MIN = 80  # characters: a first sentence shorter than this (a label, a dateline) takes the next too


def opening_terms(title: str, summary: str = "", body: str = "") -> frozenset[str]:
    """The terms of what a report says it is about: its headline and first sentence (the lede).

    A facet's evidence is looked for here: background further down ("Washington accuses Maduro
    of running a drug cartel") does not make a report about Venezuela's politics one about
    US action against the cartels."""
    return item_terms(title, lede(summary or body or ""))


def lede(text: str) -> str:
    """The first sentence of a text, with the next ones while it is shorter than `LEDE_MIN`."""
    end = 0
    for _start, end in iter_sentences(text):
        if end >= LEDE_MIN:
            break
    return text[:end]


def article_terms(
    title: str, summary: str = "", body: str = "", entities: Iterable[str] = ()
) -> tuple[frozenset[str], frozenset[str]]:
    """`item_terms` and `opening_terms` of one article at once, as scoring needs both: each
    text's terms are found once, so the headline's, and the lede's when it is the whole
    summary (a feed's one-sentence teaser), serve both; and nothing is counted."""
    found: dict[str, frozenset[str]] = {}

    def terms_of(text: str) -> frozenset[str]:
        terms = found.get(text)
        if terms is None:
            terms = found[text] = frozenset(chain(*words_and_pairs(text)))
        return terms

    terms = frozenset().union(*map(terms_of, _counted_parts(title, summary, body)))
    terms = terms.union(_entity_terms(entities, terms))
    return terms, terms_of(title) | terms_of(lede(summary or body or ""))


_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Facet:
    """One of the things the story is about at once (who acts, what they do, to whom, where):
    an on-story article gives evidence for every facet. Evidence is any of its phrases, each a
    set of terms that must all be present; a term of `unless` cancels the words inside it, alone
    or in a phrase ("new mexico" is not evidence of Mexico). An `unless` phrase with parts joined
    by "+" is context (`unless_with`): where all its parts are, its first part is no evidence on
    its own ("drug + marijuana": the drug is a pastime), nor are the "+" phrases holding it ("fight
    + drug"), though word pairs holding it still are ("drug trafficking" is the trade whatever
    else the report says)."""

    name: str
    phrases: tuple[frozenset[str], ...]  # in `facet_keys` form
    unless: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()  # the phrases as people write them, for saying what the story looks for
    unless_words: tuple[str, ...] = ()  # `unless` as people write it (a facet read from the title's)
    # Countries and regions (`regions.REGIONS`) the facet holds in: an opening that names a country
    # elsewhere and no place within shows it only by words written side by side ("drug
    # trafficking"), not by a single word ("drugs" seized in China) or words merely all there.
    within: tuple[str, ...] = ()
    beside: tuple[str, ...] = ()  # countries the story's other facets name: neither within nor elsewhere
    # Phrases that, like single words, show the facet only within its places ("drug smuggling"
    # is another story in Japan), in `facet_keys` form; `words` holds them as people write them.
    only_within: tuple[frozenset[str], ...] = ()

    def found_in(self, keys: frozenset[str]) -> bool:
        """Whether an article whose terms have these `facet_keys` gives evidence of the facet."""
        if self.evidence.isdisjoint(keys):  # no term of any phrase: most openings, for some facet
            return False
        return bool(self.shown_by(keys))

    def shown_by(self, keys: frozenset[str]) -> str:
        """The word or phrase ("strike + drug boat") that shows the facet in these keys, or "":
        what `found_in` found, for the reasons when no weighted term of the facet is there."""
        # The few `unless` terms present, found by one C-level intersection (most articles have none).
        present = self.unless.intersection(keys) if self.unless else None
        cancelled = {word for term in present for word in term.split()} if present else _NOTHING
        alone = cancelled  # words that are no evidence on their own here
        if self.unless_with and not self._context.isdisjoint(keys):
            context = [first for first, terms in self.unless_with if terms <= keys]
            if context:
                alone = set(cancelled).union(*context)
        found = (self._words & keys) - alone
        if found and self.within and self.elsewhere(keys):  # "drugs" in China: only a phrase shows it
            found = {term for term in found if " " in term} - self._only_within_pairs
        if found:
            return min(found)
        # a context cancels the "+" phrases holding its first part as a word, not the pairs: "Trump +
        # drug + Petro" is no evidence beside "Petro + tariff", "drug trafficking" is beside "drug + marijuana"
        phrase = _phrase_in(self._phrases, keys, alone)
        if phrase is None:
            return ""
        if self.within and self.elsewhere(keys):
            # Set elsewhere, words that are merely all there are no evidence either: "strike + boat" is
            # Iran's boats in "US strikes Iranian fast boats"; "strike + drug boat" still shows it.
            phrase = _phrase_in(self._together_elsewhere, keys, alone)
        return " + ".join(sorted(phrase)) if phrase is not None else ""

    def elsewhere(self, keys: frozenset[str]) -> str | None:
        """The country elsewhere these keys name, when they name one and no place `within`."""
        inside, elsewhere = self._places
        if elsewhere.keys().isdisjoint(keys) or not inside.isdisjoint(keys):
            return None
        return min(elsewhere[key] for key in keys if key in elsewhere)

    @cached_property
    def _places(self) -> tuple[frozenset[str], dict[str, str]]:
        return places_within(self.within, self.beside) if self.within else (frozenset(), {})

    def other_sense(self, keys: frozenset[str]) -> str | None:
        """Why a word of the facet in these keys did not show it, as a reader would put it
        (`"strike" as in "labor strike"`, `"drug" beside "marijuana"`); None when none did."""
        if self.unless_any.isdisjoint(keys):  # the usual case: no unless phrase's term at all
            return None
        for phrase, terms, first in self._unless_read:
            kept = first & self.evidence
            if kept and terms <= keys:
                # the word as the phrase writes it ("Mexico" in "New Mexico")
                word = next(w for w in phrase.split("+")[0].split() if facet_keys(content_words(w)) & kept)
                if "+" in phrase:
                    context = " ".join(phrase.split("+")[1:]).split()
                    return f'"{word}" beside "{" ".join(context)}"'
                return f'"{word}" as in "{phrase}"'
        return None

    @cached_property
    def unless_with(self) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
        """The `unless` phrases whose parts are joined by "+" ("drug + marijuana"), as the words
        of their first part (no evidence on their own where all the phrase's terms are) and
        those terms."""
        return tuple((first, terms) for phrase, terms, first in self._unless_read if "+" in phrase)

    @cached_property
    def _context(self) -> frozenset[str]:
        """The terms of the "+" `unless` phrases besides their first part ("marijuana"): an
        opening with none of them is as if they were not there (one set test)."""
        return frozenset(term for first, terms in self.unless_with for term in terms if term not in first)

    @cached_property
    def unless_any(self) -> frozenset[str]:
        """Terms one of which an opening must hold for `other_sense` to find anything."""
        pairs = frozenset(term for _, terms, _ in self._unless_read for term in terms if " " in term)
        return pairs | self._context | frozenset(self._places[1])

    @cached_property
    def _unless_read(self) -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
        """Each `unless` phrase as written, its terms, and the words it keeps from showing the
        facet (a pair's two, the first part of a "+" phrase)."""
        return tuple((phrase, *read) for phrase in self.unless_words if (read := _unless_phrase(phrase)))

    @cached_property
    def _words(self) -> frozenset[str]:
        """The one-term phrases, as one set: most phrases are a single word, and one set
        lookup per article term beats a subset test per phrase."""
        return frozenset(term for phrase in self.phrases if len(phrase) == 1 for term in phrase)

    @cached_property
    def _phrases(self) -> tuple[frozenset[str], ...]:
        """The other phrases, whose terms must all be there."""
        return tuple(phrase for phrase in self.phrases if len(phrase) != 1)

    @cached_property
    def _written_together(self) -> tuple[frozenset[str], ...]:
        """The "+" phrases with a part of several words side by side ("strike + drug boat"): where
        the opening names a country elsewhere, only these of them show the facet."""
        return tuple(phrase for phrase in self._phrases if any(" " in term for term in phrase))

    @cached_property
    def _only_within_pairs(self) -> frozenset[str]:
        """The `only_within` phrases that are one term (a word pair: "drug smuggling")."""
        return frozenset(term for phrase in self.only_within if len(phrase) == 1 for term in phrase)

    @cached_property
    def _together_elsewhere(self) -> tuple[frozenset[str], ...]:
        """The phrases written together (`_written_together`) that still show the facet set elsewhere."""
        return tuple(phrase for phrase in self._written_together if phrase not in self.only_within)

    @cached_property
    def evidence(self) -> frozenset[str]:
        """Every term of the facet's phrases (`facet_keys` form)."""
        return frozenset(term for phrase in self.phrases for term in phrase)


def _phrase_in(phrases: tuple[frozenset[str], ...], keys: frozenset[str], cancelled) -> frozenset[str] | None:
    """The first of these phrases whose terms are all in `keys`, none of them `cancelled`."""
    if not cancelled:  # the usual case: a subset test per phrase, looped in C
        return next(filter(keys.issuperset, phrases), None)
    # "strike + Caribbean" is no boat strike in "carrier strike group to Caribbean"
    return next((phrase for phrase in phrases if phrase <= keys and not phrase & cancelled), None)


def declared_facet(
    name: str, phrases: Iterable[str], unless: Iterable[str] = (), within: Iterable[str] = (),
    only_within: Iterable[str] = (),
) -> Facet:
    """A facet as a story file declares it: plain words and phrases ("Northern Command"),
    matched in any case, without accents, and in any inflection ("ordered", "targets").
    `only_within` phrases are evidence too, but like single words only where the opening is not
    set elsewhere (a country named and no place `within`)."""
    phrases, unless, only_within = tuple(phrases), tuple(unless), tuple(only_within)
    return Facet(
        name=name,
        phrases=tuple(dict.fromkeys(terms for terms in map(_phrase_terms, phrases + only_within) if terms)),
        unless=_unless_terms(unless),
        words=phrases + tuple(phrase for phrase in only_within if phrase not in phrases),
        unless_words=unless,
        within=tuple(within),
        only_within=tuple(dict.fromkeys(terms for terms in map(_phrase_terms, only_within) if terms)),
    )


def _unless_terms(phrases: Iterable[str]) -> frozenset[str]:
    """The word pairs of `unless` phrases, in `facet_keys` form (a phrase with "+" is context,
    `Facet.unless_with`, not pairs)."""
    return frozenset(term for phrase in phrases if "+" not in phrase for term in _phrase_terms(phrase) if " " in term)


def _unless_phrase(phrase: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """An `unless` phrase's terms (its word pairs; all its terms when parts are joined by "+")
    and the words it keeps from showing the facet (a pair's two, a "+" phrase's first part);
    None for a phrase with no such terms."""
    if "+" in phrase:
        terms = _phrase_terms(phrase)
        first = frozenset(w for t in _phrase_terms(phrase.split("+")[0]) for w in t.split())
    else:
        terms = frozenset(t for t in _phrase_terms(phrase) if " " in t)
        first = frozenset(w for t in terms for w in t.split())
    return (terms, first) if terms else None


def _phrase_terms(phrase: str) -> frozenset[str]:
    """One word, or the adjacent pairs of a longer phrase ("special forces", "white house");
    parts joined by "+" must all be there, side by side or not ("strike + vessel": a strike on
    a suspected drug vessel, a vessel struck)."""
    if "+" in phrase:
        parts = [_phrase_terms(part) for part in phrase.split("+")]
        return frozenset().union(*parts) if all(parts) else frozenset()
    tokens = content_words(phrase)
    if len(tokens) == 1:
        return facet_keys(tokens)
    return facet_keys(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))


@cache
def _english():
    # PyStemmer is Snowball compiled: the same stems as the pure-Python snowballstemmer on 5.5M
    # words (bench/stemmer_same.py), at a fraction of the CPU. Imported on first use all the same.
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _snowball(word: str) -> str:
    return _english().stemWord(word)


def facet_keys(terms: Iterable[str]) -> frozenset[str]:
    """Terms with every word in its `_inflected_key` form: a facet names a thing, and "ordered",
    "orders" and "order" all show it, while "directly" is no "directive". (The weights keep the
    finer terms: "operators" and "operations" are different evidence there.)"""
    terms = terms if isinstance(terms, (list, tuple, set, frozenset)) else list(terms)
    found = list(map(_FACET_KEYS.get, terms))  # one C loop over the cache; a term not met yet is None
    if None in found:
        return frozenset(map(_facet_key, terms))
    return frozenset(found)


# A term's `facet_keys` form, cached: every scored article looks up its opening's terms, and
# the same words and pairs come back poll after poll.
_FACET_KEYS: dict[str, str] = {}
_FACET_CACHE = 200_000  # terms; the cache starts over past this


def _facet_key(term: str) -> str:
    key = _FACET_KEYS.get(term)
    if key is None:
        if len(_FACET_KEYS) >= _FACET_CACHE:
            _FACET_KEYS.clear()
        key = _FACET_KEYS[term] = " ".join(map(_inflected_key, term.split()))
    return key


# Endings Snowball takes off that make another word, not another form of the same one: it cuts
# "directive", "direction" and "directly"... to "direct", so a "direct-to-consumer drug site"
# showed the action of a presidential directive (bench/data/real_dev_top2.jsonl), and an
# "invasive" species an invasion. Inflections ("ordered", "striking"), adverbs ("allegedly")
# and adjectives ("Democratic") still fold into their word.
_DERIVATIONS = frozenset(("ive", "ion", "ation", "ition", "ity", "ment", "ement"))


@lru_cache(maxsize=65536)
def _inflected_key(word: str) -> str:
    """A word's Snowball stem, unless Snowball took off one of `_DERIVATIONS`: then the word
    less its own inflection ("directive", "operation" stay apart from "direct" and "operate";
    "operated" is "operate")."""
    stem = _snowball(word)
    if not word.endswith(("e", "n", "y", "t")) or word[len(stem):] not in _DERIVATIONS or not word.startswith(stem):
        return stem
    for inflection in ("ing", "ed", "e"):
        if word.endswith(inflection) and len(word) > len(inflection) + 3:
            return word[: -len(inflection)]
    return word


@dataclass(frozen=True)
class StoryModel:
    """The story's key terms and their weights: what makes an article about this story."""

    weights: dict[str, float]
    core: frozenset[str] = frozenset()  # the words the relevant documents use most
    # The story's facets: what it needs evidence of all at once (who does what to whom),
    # declared by the story file or read from its title; none, and `core` is the test.
    facets: tuple[Facet, ...] = ()
    # Words of articles the user marked off-story that the story's own key terms do not use:
    # evidence against an article (negative weights).
    against: dict[str, float] = field(default_factory=dict)
    # The words of the articles marked on-story that joined `weights` (what teaching added for).
    learned: dict[str, float] = field(default_factory=dict)
    # Learned words that marked reports made a facet's evidence (`_taught_facets`): word -> facet name.
    widened: dict[str, str] = field(default_factory=dict)
    # Learned words one more marked report lacking a facet would make its evidence: word -> facet name.
    one_short: dict[str, str] = field(default_factory=dict)
    # Pairs of words the reports marked off the story share though the story's facets showed them
    # all (`_held_off`): pair -> marks holding it. A report holding one counts as lacking a facet.
    held_off: dict[str, int] = field(default_factory=dict)
    # Such pairs one more mark would hold off: pair -> marks holding it now.
    held_off_short: dict[str, int] = field(default_factory=dict)
    midpoint: float = MIDPOINT
    width: float = WIDTH
    relevant_count: int = 0
    background_count: int = 0
    # The reports the user marked off the story, as their rarer words (`MarkedOff`).
    marked_off: MarkedOff = field(default_factory=lambda: MarkedOff())
    # The facets' evidence that names a place or its people (`facet_keys` form): see `score`.
    places: frozenset[str] = frozenset()

    @cached_property
    def unless_any(self) -> frozenset[str]:
        """Every facet's `Facet.unless_any`: an opening with none has no word in another sense."""
        return frozenset().union(*(facet.unless_any for facet in self.facets))


@dataclass(frozen=True)
class MarkedReport:
    """A report the user marked off the story, as what is compared with new ones: its rarer
    words with how rare each is (log inverse document frequency), and their sum."""

    rarity: dict[str, float]
    total: float

    def shared(self, terms: frozenset[str], limit: int = 3) -> list[str]:
        """The rarest words `terms` share with it, for the reasons."""
        return sorted(terms.intersection(self.rarity), key=lambda word: (-self.rarity[word], word))[:limit]


@dataclass(frozen=True)
class MarkedOff:
    """The reports the user marked off the story (latest first) and, for each of their rarer
    words, the marks holding it with its share of that mark's words: a new report is compared
    with all of them in one pass over the words it shares with any (`nearest`)."""

    reports: tuple[MarkedReport, ...] = ()
    by_word: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)

    def nearest(self, terms: frozenset[str]) -> tuple[float, MarkedReport] | None:
        """The marked report this one is most like, when it holds at least NEAR_MARK of that
        report's rarer words (weighed by rarity); the latest mark wins a tie."""
        shares: dict[int, float] = {}
        by_word = self.by_word
        for word in terms.intersection(by_word):
            for index, share in by_word[word]:
                shares[index] = shares.get(index, 0.0) + share
        if not shares:
            return None
        best = min(shares, key=lambda index: (-shares[index], index))  # reports are latest first
        return (shares[best], self.reports[best]) if shares[best] >= NEAR_MARK else None


def marked_off(
    marked: list[frozenset[str]], background: dict[str, int], N: int, keep: Iterable[str] = (),
    spoken: Container[str] = (),
) -> MarkedOff:
    """`MarkedOff` of the terms of reports marked off the story, in the order they were marked
    (the latest MARKS_KEPT). As with `marked_weights`, the story's own words (the seeds' words,
    `spoken`, and the facets' and on-story marks' stems, `keep`) are not compared: a report is
    like a marked one in what it says besides the story."""
    keep = set(keep)
    reports = []
    for terms in reversed(marked[-MARKS_KEPT:]):
        rarity = {}
        for term in terms:
            if " " in term or term.startswith(ENTITY_PREFIX) or term in spoken or (keep and _facet_key(term) in keep):
                continue
            weight = math.log(N / (1 + background.get(term, 0)))
            if weight > NEAR_RARE:
                rarity[term] = weight
        if rarity:
            reports.append(MarkedReport(rarity, sum(rarity.values())))
    by_word: dict[str, list[tuple[int, float]]] = {}
    for index, report in enumerate(reports):
        for word, weight in report.rarity.items():
            by_word.setdefault(word, []).append((index, weight / report.total))
    return MarkedOff(tuple(reports), {word: tuple(found) for word, found in by_word.items()})


@dataclass(frozen=True)
class Relevance:
    score: float  # 0..1
    reasons: list[str] = field(default_factory=list)  # the matched key terms, heaviest first
    raw: float = 0.0


def key_terms(relevant: list[Counter[str]]) -> dict[str, int]:
    """The terms the relevant documents keep coming back to: in several of them, and at least
    `MIN_STORY_RATE` of all their words. A term the seeds use once or twice in passing (the
    commentary around the story) is no evidence of the story."""
    in_documents: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for counts in relevant:
        in_documents.update(counts.keys())
        total.update(counts)
    words = sum(count for term, count in total.items() if " " not in term)
    needed_documents = max(2, math.ceil(MIN_SEED_SHARE * len(relevant))) if len(relevant) > 1 else 1
    needed_count = max(MIN_STORY_COUNT, MIN_STORY_RATE * words)
    return {
        term: in_documents[term]
        for term, count in total.items()
        if count >= needed_count and in_documents[term] >= needed_documents
    }


# Everyday phrases in which a word stories are told with means something else: a trade *war*, a
# labour *strike*, an earthquake that *strikes*, *drug* prices. Facets read from a story's title
# take them as `unless` (a story file declares its own): a story made with `new` put drug-pricing
# deals and tariff rows on a story about cartels (bench/real_quality.py --story new, dev-top).
# General English, not one story's words; most are the bundled story's own `unless` list.
DRUG_CONTEXT = (
    "marijuana", "cannabis", "pharmaceutical", "pharmacy", "drugmaker", "FDA", "Medicare", "Medicaid",
    "medicine", "medication", "patients",
)
# a strike beside these is nature's ("Earthquake of magnitude 6.3 strikes southern Mexico", whose words
# are not side by side as "earthquake strikes" is; real_dev_week_jan.jsonl)
DISASTERS = ("earthquake", "quake", "magnitude", "hurricane", "storm", "typhoon", "cyclone", "tornado", "tsunami")
OTHER_SENSES = (
    "trade war", "tariff war", "price war", "culture war", "currency war", "bidding war", "war of words",
    "hunger strike", "general strike", "workers strike", "labor strike", "labour strike", "strike action",
    "strike deal", "strikes deal", "strike pricing", "strike agreement", "struck deal",
    "earthquake strikes", "quake strikes", "storm strikes", "lightning strikes", "strike group",
    "immigration raid", "ICE raid", "heart attack", "panic attack", "class action", "labor force",
    "currency intervention", "market intervention",
    "drug price", "drug pricing", "drug cost", "prescription drug", "generic drug", "obesity drug",
    "weight-loss drug", "cancer drug", "drug maker", "drug approval", "drug trial", "drug sales",
    # a drug beside these is a medicine or a pastime ("Trump reclassifies marijuana")
    *(f"drug + {context}" for context in DRUG_CONTEXT),
    *(f"strike + {disaster}" for disaster in DISASTERS),
)


def build_model(
    relevant: list[Counter[str]],
    background: dict[str, int],
    background_count: int,
    off_story: list[frozenset[str]] = (),
    title: str = "",
    on_story: list[frozenset[str]] = (),
    facets: Iterable[Facet] = (),
    candidates: dict[str, int] | None = None,
    off_in_order: list[frozenset[str]] = (),
) -> StoryModel:
    """Weights from the relevant documents against the background document frequencies.

    `relevant` holds each relevant document's term counts (`term_counts`); `background` maps a
    term to the number of stored articles containing it (the key terms at least; missing
    means none), out of `background_count`; `off_story` holds the terms of articles the user
    marked off-story, `on_story` those of articles marked on-story (not seeds); `title` is the
    story's title, which names its facets (`title_facets`) unless `facets` declares them.

    The user's marks never change what the seeds say (their key terms, weights and facets):
    a short article marked on-story would otherwise dilute every seed term. The words of
    marked articles that the key terms do not use become extra evidence for (on-story) or
    against (off-story), so an article like a marked one moves and a seed-like one does not.
    `candidates` is `key_terms(relevant)`, when the caller has it; `off_in_order` the terms of
    the reports marked off the story in the order they were marked (`MarkedOff`).
    """
    candidates = key_terms(relevant) if candidates is None else candidates
    R = len(relevant)
    N = background_count + BACKGROUND_PRIOR
    weights = {}
    for term, r in candidates.items():
        p_story = (r + 0.5) / (R + 1)
        weight = math.log(p_story / _background_rate(term, background, N))
        if weight > 0:
            weights[term] = min(weight, MAX_WEIGHT)
    story_words = Counter()
    for counts in relevant:
        story_words.update({t: c for t, c in counts.items() if t in weights and " " not in t})
    pair_uses = Counter()
    for counts in relevant:
        pair_uses.update({t: c for t, c in counts.items() if t in weights and " " in t})
    for pair, uses in pair_uses.items():  # "latin american": "american" alone is other news
        for word in pair.split():
            if word in story_words and uses >= NESTED_SHARE * story_words[word]:
                weights.pop(word, None)
    core = frozenset(term for term, _ in story_words.most_common(CORE_TERMS))
    learned = {
        term: weight
        for term, weight in marked_weights(on_story, weights, background, N, ON_STORY_SCALE).items()
        if term not in weights
    }
    # The title's facets are the seeds' alone: a word the marks taught must not join one because
    # the seeds write it beside a facet word now and then. "war", taught by "War on Drug Boats",
    # made every Ukraine peace-talk headline evidence of the cartel side of a story made with
    # `new` (bench/teaching.py --marks-on dev-top2: 20 marks worse than 5). Widening is
    # `_taught_facets`' job, by its own rule.
    seed_facets = _placed(tuple(facets)) or _weighed_title_facets(title, relevant, weights)
    weights.update(learned)
    facets, widened, one_short = _taught_facets(seed_facets, on_story, learned, off_story)
    # What the story is about, and what the reports marked on it say, is never evidence against
    # it: one off-story mark on a plane crash in Mexico must not teach "Sheinbaum" or "killed".
    keep = {word for facet in facets for phrase in facet.phrases for term in phrase for word in term.split()}
    keep |= {facet_key for terms in on_story for facet_key in facet_keys(t for t in terms if " " not in t)}
    spoken = _seed_words(relevant)
    places = _place_keys(tuple(facets))
    held_off, held_off_short = _held_off(off_story, on_story, facets, places, core, keep, spoken)
    return StoryModel(
        weights=weights,
        core=core,
        facets=facets,
        against=marked_weights(off_story, weights, background, N, keep=keep, spoken=spoken),
        learned=learned,
        widened=widened,
        one_short=one_short,
        relevant_count=R,
        background_count=background_count,
        marked_off=marked_off(list(off_in_order), background, N, keep=keep, spoken=spoken),
        places=places,
        held_off=held_off,
        held_off_short=held_off_short,
    )


def _held_off(
    off_story: list[frozenset[str]], on_story: list[frozenset[str]], facets: tuple[Facet, ...],
    places: frozenset[str], core: frozenset[str], keep: set[str], spoken: Container[str],
) -> tuple[dict[str, int], dict[str, int]]:
    """The pairs of words that `HELD_OFF_MARKS` reports marked off the story share though the
    story's facets (or, with none, its core) showed them all, and the pairs one mark short: a
    recurring subject the facets cannot tell from the story (a Canadian's US drug case is US +
    charges + kingpin), named by its own words. Neither word of a pair may be the seeds', a
    facet's or a place's, and no report marked on the story may hold it: teaching never
    unlearns what the story says."""
    if len(off_story) < HELD_OFF_MARKS - 1:
        return {}, {}
    on_pairs = {term for terms in on_story for term in terms if " " in term}
    shared: Counter[str] = Counter()
    for terms in off_story:
        if not _shows_story(terms, facets, places, core):
            continue
        shared.update(
            term for term in terms
            if " " in term and not term.startswith(ENTITY_PREFIX) and term not in on_pairs
            and all(word not in spoken and _facet_key(word) not in keep and not _a_place(word) for word in term.split())
        )
    held = {pair: uses for pair, uses in shared.items() if uses >= HELD_OFF_MARKS}
    short = {pair: uses for pair, uses in shared.items() if uses == HELD_OFF_MARKS - 1}
    return held, short


def _shows_story(
    terms: frozenset[str], facets: tuple[Facet, ...], places: frozenset[str], core: frozenset[str],
) -> bool:
    """Whether a report with these terms shows every facet, and not by places alone (the test
    `score` makes of an opening, made here of a marked report's terms), or with no facets,
    enough of the core."""
    if not facets:
        return sum(1 for term in core if term in terms) >= CORE_NEEDED
    keys = facet_keys(terms)
    if not all(facet.found_in(keys) for facet in facets):
        return False
    return not places or any(facet.found_in(keys - places) for facet in facets)


# The model is rebuilt whenever the background grows by a tenth (dozens of times while a first
# poll fills an empty store) from the same declared facets: placed once, the same Facet objects
# (with their cached properties) serve every rebuild. Facets are frozen, so sharing them is safe.
@lru_cache(maxsize=64)
def _placed(facets: tuple[Facet, ...]) -> tuple[Facet, ...]:
    """The facets, each held `within` some places told the countries the others name (`beside`):
    a report of US action names the US, and is not set elsewhere for it."""
    if not any(facet.within for facet in facets):
        return facets
    return tuple(
        replace(facet, beside=tuple(sorted({
            country for other in facets if other is not facet for phrase in other.words
            for word in content_words(phrase) if (country := _country_named(word)) is not None
        }))) if facet.within else facet
        for facet in facets
    )


@lru_cache(maxsize=64)  # as `_placed`: the same facets at every rebuild
def _place_keys(facets: tuple[Facet, ...]) -> frozenset[str]:
    """The facets' one-term evidence that names places or their people ("US", "Mexico",
    "Latin American"): all of them words of places, every pair's word too."""
    return frozenset(
        key for facet in facets for key in facet._words if all(_a_place(word) for word in key.split())
    )


def _taught_facets(
    facets: tuple[Facet, ...], on_story: list[frozenset[str]], learned: dict[str, float],
    off_story: list[frozenset[str]] = (),
) -> tuple[tuple[Facet, ...], dict[str, str], dict[str, str]]:
    """Reports marked on the story widen a facet they lack: a word the marks taught
    (`learned`) that `FACET_MARKS` of the reports lacking the facet, and at least half of them,
    share becomes its evidence (`_shared_words`). Returns the facets, the words each gained and
    the words one more such report would make its evidence (both word -> facet), so the note
    after a mark can say what the next one would do. Seeds written before a turn of events
    cannot name it ("boat strikes" for a story about cartels), and however many such reports
    were marked, a facet would hold the next one off."""
    if not facets or not on_story:
        return facets, {}, {}
    # A word already evidence of a facet on its own widens no other; a part of a phrase is not
    # ("boat" in "strike + boat + kill": reports of boat strikes that name no killing still need it).
    taken = {key for facet in facets for key in facet._words}
    marks = [(terms, facet_keys(terms)) for terms in on_story]  # each mark's keys once, for every facet
    # The share of the off-story marks each learned word is in, taken over MARKS_PRIOR more marks
    # than there are, so one stray off-story report about a fishing boat does not take "boat" back
    off_uses = Counter(word for terms in off_story for word in terms if word in learned)
    off_share = {word: uses / (len(off_story) + MARKS_PRIOR) for word, uses in off_uses.items()}
    shared = [_shared_words(facet, marks, learned, taken, off_share) for facet in facets]
    # A word the marks lacking one facet share and those lacking another share too is evidence
    # of neither: made both, it alone would show the whole story. Twenty marks in order on the
    # week of Maduro's capture made "president" and "charge" both sides' evidence of a story made
    # with `new`, and 12 false positives became 153 (bench/teaching_live.py --story new).
    twice = _in_two(found for found, _ in shared)
    twice_short = _in_two(found | almost for found, almost in shared)
    widened, gained, short = [], {}, {}
    for facet, (found, almost) in zip(facets, shared):
        words = sorted(found - twice)
        gained.update(dict.fromkeys(words, facet.name))
        short.update((word, facet.name) for word in sorted(almost - twice_short) if word not in short)
        if words:
            facet = replace(
                facet,
                phrases=facet.phrases + tuple(frozenset([_facet_key(word)]) for word in words),
                words=facet.words + tuple(words),
            )
        widened.append(facet)
    return tuple(widened), gained, short


def _in_two(word_sets: Iterable[set[str]]) -> set[str]:
    """The words in more than one of these sets."""
    seen: Counter[str] = Counter()
    for found in word_sets:
        seen.update(found)
    return {word for word, sets in seen.items() if sets > 1}


def _shared_words(
    facet: Facet, marks: list[tuple[frozenset[str], frozenset[str]]], learned: dict[str, float], taken: set[str],
    off_share: dict[str, float] | None = None,
) -> tuple[set[str], set[str]]:
    """The learned words that widen `facet`: shared by `FACET_MARKS` of the marks lacking it,
    and by at least half of them, counted over the marks in the order the reports arrived and
    kept once reached, among words learned with at least `WIDEN_WEIGHT`. A turn of events comes
    in a run of reports: later marks on pardons and hearings as well as boats must not take back
    what the first boat reports taught (a story made with `new` and marked in order on dev-top2
    fell from F1 .80 after 5 marks to .35 after 20), and the weight keeps out the everyday words
    two early marks share by chance ("president", "plan", "order": 47 wire-dev false positives
    without it; bench/teaching.py --tuning).

    A word that `off_share` says is in as large a share of the reports marked off the story as
    of the marks lacking the facet widens nothing: the user's own marks say it is no evidence.
    Marked in order on dev-top2, twenty marks made "hegseth" the cartel side's evidence of a
    story made with `new` though three of Hegseth's other reports were marked off, and his
    testosterone screening came on the story (bench/teaching.py --tuning: 2 wire-dev false
    positives, 0 with this).

    Also returns the words one short: those that one more marked report lacking the facet, and
    using them, would make its evidence."""
    shared: Counter[str] = Counter()
    lacking = 0
    words: set[str] = set()

    def may_widen(word: str) -> bool:
        return _facet_key(word) not in taken and not _a_place(word)

    for terms, keys in marks:
        if facet.found_in(keys):
            continue
        lacking += 1
        for word in terms:
            if learned.get(word, 0.0) >= WIDEN_WEIGHT:
                shared[word] += 1
                uses = shared[word]  # only a word this mark uses can newly be shared by half
                if uses >= FACET_MARKS and 2 * uses >= lacking and may_widen(word):
                    words.add(word)
    short = {
        word for word, uses in shared.items()
        if word not in words and uses + 1 >= FACET_MARKS and 2 * (uses + 1) >= lacking + 1 and may_widen(word)
    }
    if off_share:  # a word the off-story marks use as much is no evidence of the facet
        words = {word for word in words if off_share.get(word, 0.0) < shared[word] / lacking}
        short = {word for word in short if off_share.get(word, 0.0) < (shared[word] + 1) / (lacking + 1)}
    return words, short


def _a_place(word: str) -> bool:
    """Whether a word names a place or its people: it would widen a facet to all news of that
    place. Marks on boat strikes off Venezuela made "venezuela" the cartel side's evidence, and
    Venezuela's politics came on the story (bench/teaching_live.py on dev-top, with the bundled
    story file as it was before dev-top was tuned on)."""
    return word in _demonyms() or _known_place(word)


def _known_place(word: str) -> bool:
    from storywatch.store.text.gazetteer import gazetteer, name_key

    known = gazetteer().known.get(name_key(word))
    return known is not None and known[0] == "LOC"


@cache
def _demonyms() -> frozenset[str]:
    from storywatch.store.text.cue_words import DEMONYMS

    return frozenset(_stem(word.lower()) for word in DEMONYMS)


def _seed_words(relevant: list[Counter[str]]) -> frozenset[str]:
    """Every single word the seeds use: the story's own language, never evidence against it."""
    return frozenset(term for counts in relevant for term in counts if " " not in term)


def _background_rate(term: str, background: dict[str, int], N: int) -> float:
    # Until the feeds have shown enough text, a term is assumed as common as a typical
    # word (or pair): a small store must not make every seed word look rare.
    prior = PAIR_PRIOR if " " in term else GENERIC_PRIOR if term in GENERIC_WORDS else WORD_PRIOR
    return (background.get(term, 0) + BACKGROUND_PRIOR * prior + 0.5) / (N + 1)


def marked_weights(
    marked: list[frozenset[str]],
    weights: dict[str, float],
    background: dict[str, int],
    N: int,
    scale: float = OFF_STORY_SCALE,
    keep: Iterable[str] = (),
    spoken: Container[str] = (),
) -> dict[str, float]:
    """Weights for the words of articles the user marked (Rocchio's feedback, weighed like
    the story's own terms): how much likelier a word is among them than in the background,
    times the share of the marked articles that use it, so what several marks share counts
    and the incidental words of one long report hardly do (on real news, 20 marks otherwise
    taught "reuter", "jan" and "president"; bench/teaching.py). For off-story marks they
    count against an article. The story's key terms, and words inside its key pairs, are left
    alone, so teaching never unlearns what the seeds say; so are words whose `facet_keys` are in
    `keep`. The share is taken over at least `MARKS_PRIOR` marks: the words of a single mark are
    a hint, not a verdict (one off-story mark on a plane crash taught "killed" and "flight" at
    full weight and hid six on-story dev reports; bench/teaching.py)."""
    if not marked:
        return {}
    protected = {word for term in weights for word in term.split()}
    keep = set(keep)
    spoken = spoken or ()
    in_marked: Counter[str] = Counter()
    for terms in marked:
        in_marked.update(
            t for t in terms if " " not in t and not t.startswith(ENTITY_PREFIX) and t not in protected and t not in spoken
        )
    K = len(marked)
    found = {}
    for term, k in in_marked.items():
        if keep and _facet_key(term) in keep:
            continue
        weight = math.log(((k + 0.5) / (K + 1)) / _background_rate(term, background, N))
        if weight > 0:
            found[term] = min(scale * weight * k / max(K, MARKS_PRIOR), MAX_MARKED_WEIGHT)
    return found


def _stem_key(word: str) -> str:
    return word[:STEM_PREFIX] if len(word) > STEM_PREFIX else word


def title_halves(title: str) -> tuple[str, ...]:
    """The title's two halves as written, split at its first relating word that neither opens
    nor ends it ("US military action", "Mexican drug cartels"): what `title_facets` reads,
    and the names its facets go by ("nothing on Mexican drug cartels"). None without one."""
    spans = list(re.finditer(r"\w+", title))
    for index, match in enumerate(spans[1:-1], 1):
        if match.group().lower() in RELATION_WORDS:
            halves = (title[: match.start()].strip(" ,:;-–—"), title[match.end() :].strip(" ,:;-–—"))
            return halves if all(halves) else ()
    return ()


def title_facets(title: str, relevant: list[Counter[str]], weights: dict[str, float]) -> tuple[frozenset[str], ...]:
    """The story's facets, named by its title: "US military action against Mexican drug
    cartels" is about two things at once, split at the word that relates them. Each half
    gathers the story's key words that share a stem with its words ("mexico", "mexican") or
    that the seeds write next to them far more often than next to the other half's
    ("military strikes", "US troops"). A title without such a split gives no facets."""
    parts = tuple(words(half) for half in title_halves(title))
    if not parts:
        return ()
    halves = [{_stem(w) for w in part if w not in STOPWORDS and not w.isdigit()} for part in parts]
    if not all(halves):
        return ()
    # A place is written many ways: "American" in the title is "US" and "America" in the news.
    # Its other names are evidence, but do not gather the words the seeds write beside them
    # ("relations" beside "Mexico" would make every US-China relations headline the story's).
    names = [
        {name for before, word in zip(["", *part], part) if before not in _REGION_WORDS for name in _names_of_place(word)}
        for part in parts
    ]
    totals: Counter[str] = Counter()
    for counts in relevant:
        totals.update(counts)
    facets = [set(half) for half in halves]
    for term in weights:
        if " " in term or term.startswith(ENTITY_PREFIX) or any(term in half for half in halves):
            continue
        same_stem = [i for i, half in enumerate(halves) if any(_stem_key(w) == _stem_key(term) for w in half)]
        if len(same_stem) == 1:
            facets[same_stem[0]].add(term)
            continue
        beside = [sum(totals[f"{term} {w}"] + totals[f"{w} {term}"] for w in half) for half in halves]
        best = max(range(len(halves)), key=lambda i: beside[i])
        others = max((b for i, b in enumerate(beside) if i != best), default=0)
        if beside[best] >= FACET_BESIDE and beside[best] >= FACET_MARGIN * others:
            facets[best].add(term)
    return tuple(frozenset(facet | more) for facet, more in zip(facets, names))


def other_senses(words: Iterable[str]) -> list[str]:
    """The `OTHER_SENSES` phrases holding one of these facet words or a word of their phrases, in
    any inflection: the `unless` of a facet read from the title, as the story file can say it."""
    keys = {part for term in facet_keys(content for word in words for content in content_words(word)) for part in term.split()}
    return [
        phrase for phrase in OTHER_SENSES
        if any(part in keys for term in _phrase_terms(phrase.split("+")[0]) for part in term.split())
    ]


# "Latin American", "Central American": a region's people, not the country's.
_REGION_WORDS = frozenset("latin central south north".split())
# Where "America" is not the United States: the unless of a facet that has it.
_AMERICAS = ("Latin America", "Central America", "South America", "North America", "Gulf of America")
# Demonyms whose country starts otherwise (the rest share its first four letters: "Mexican").
_DEMONYM_COUNTRY = {
    "american": "United States", "french": "France", "spanish": "Spain", "spaniard": "Spain",
    "dutch": "The Netherlands", "swiss": "Switzerland", "filipino": "Philippines", "british": "United Kingdom",
    "briton": "United Kingdom", "english": "United Kingdom", "scottish": "United Kingdom", "welsh": "United Kingdom",
    "norwegian": "Norway", "swede": "Sweden", "swedish": "Sweden", "belgian": "Belgium", "thai": "Thailand",
    "danish": "Denmark", "finnish": "Finland", "greek": "Greece", "turk": "Turkey", "turkish": "Turkey",
    "pole": "Poland", "polish": "Poland", "irish": "Ireland", "portuguese": "Portugal", "afghan": "Afghanistan",
    "kazakh": "Kazakhstan", "uzbek": "Uzbekistan", "tajik": "Tajikistan", "saudi": "Saudi Arabia",
    "emirati": "United Arab Emirates", "salvadoran": "El Salvador", "argentine": "Argentina",
    "lebanese": "Lebanon", "palestinian": "Palestinian Territory", "nigerian": "Nigeria", "czech": "Czechia",
    "croat": "Croatia", "serb": "Serbia", "serbian": "Serbia", "slovak": "Slovakia", "bosnian": "Bosnia and Herzegovina",
    "saudis": "Saudi Arabia", "mozambican": "Mozambique", "malaysian": "Malaysia", "australian": "Australia",
    "austrian": "Austria", "burmese": "Myanmar", "laotian": "Laos", "lankan": "Sri Lanka", "zealander": "New Zealand",
}


def _names_of_place(word: str) -> frozenset[str]:
    """The one-word names a country goes by ("usa", "america"), for a title word that names it
    or its people ("us", "american"); none for any other word."""
    return _countries()[0].get(_country_named(word), frozenset())


def _country_named(word: str) -> str | None:
    """The country a word names, or whose people it names ("Americans", "Japanese"); None for
    any other word, and for a people whose name starts like two countries' ("Austrian")."""
    countries, by_word = _countries()
    stem = _stem(word)  # "Americans" is "American"
    country = by_word.get(stem)
    if country is None and stem in _demonyms():
        country = _DEMONYM_COUNTRY.get(stem)
        if country is None and len(stem) >= 4:
            # "Mexican" is Mexico's: a one-word name it starts with, less the name's last letter.
            # "Republican", "Christian" and "Liberal" are in the list of peoples too, and are no
            # Republic of the Congo, Christmas Island or Liberia.
            starts = {name for name in countries if name.lower().startswith(stem[:4])}
            country = starts.pop() if len(starts) == 1 else None
            if country is not None and (" " in country or not stem.startswith(country.lower()[:-1])):
                country = None
    return country


@lru_cache(maxsize=64)
def places_within(within: tuple[str, ...], beside: tuple[str, ...] = ()) -> tuple[frozenset[str], dict[str, str]]:
    """For the countries and regions `within` names (`regions.REGIONS`), the `facet_keys` of the
    words that name a place there (its countries' names, their people's, the region's own) and,
    for each word that names a country elsewhere, that country: what `Facet.elsewhere` reads.
    The countries `beside` (those the story's other facets name) are neither."""
    from storywatch.store.text.regions import REGION_NAMES, REGIONS, country_called, region_called

    countries, _ = _countries()
    inside_countries: set[str] = set()
    inside: set[str] = set()
    for place in within:
        region = region_called(place)
        if region is not None:
            inside_countries.update(REGIONS[region])
            inside.update(term for name in REGION_NAMES[region] for term in _phrase_terms(name))
        elif (country := country_called(place)) is not None:
            inside_countries.add(country)
        else:
            raise ValueError(f"{place!r} is no country or region storywatch knows")
    named: dict[str, str] = {}  # term -> the country it names
    for country, one_word_names in countries.items():
        named.update(dict.fromkeys(one_word_names, country))
        # "Trinidad and Tobago": "Trinidad" too; "N. Korea" (an alias): the pair "n korea"
        for name in (*_written_names()[country], *country.split(" and ")):
            parts = content_words(name)
            if len(parts) == 1 and " " not in name and parts[0] not in _demonyms():  # "Turks" and Caicos
                named.setdefault(parts[0], country)
            elif len(parts) == 2 and len(name.split()) == 2:  # "South Korea", "Saudi Arabia": one pair
                named.setdefault(" ".join(parts), country)
    for word in _demonyms():
        country = _country_named(word)
        if country is not None:
            named.setdefault(word, country)
    inside.update(_facet_key(term) for term, country in named.items() if country in inside_countries)
    elsewhere = {
        _facet_key(term): country for term, country in named.items()
        if country not in inside_countries and country not in beside and _facet_key(term) not in inside
    }
    return frozenset(inside), elsewhere


@cache
def _written_names() -> dict[str, tuple[str, ...]]:
    """Each country's names as written: its own, then its aliases ("S. Korea", "DPRK")."""
    from storywatch.store.text import gazetteer_data as data
    from storywatch.store.text.gazetteer import PLACE_ALIASES

    written = {country: (country,) for country in data.COUNTRIES.splitlines()}
    for names in (tuple(line.split("|")) for line in PLACE_ALIASES):
        if names[0] in written:
            written[names[0]] = names
    return written


@cache
def _countries() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """Each country's one-word names as article terms, and the country of each such word."""
    countries = {
        country: frozenset(terms[0] for terms in map(content_words, names) if len(terms) == 1)
        for country, names in _written_names().items()
    }
    by_word = {term: country for country, terms in countries.items() for term in terms}
    return countries, by_word


def _weighed_title_facets(title: str, relevant: list[Counter[str]], weights: dict[str, float]) -> tuple[Facet, ...]:
    """The title's facets as evidence: their words, and the key pairs holding them, that weigh
    at least `FACET_EVIDENCE` of the facet's heaviest word ("US" is in every other headline,
    and names the actor, not the action). Each is named by its half of the title."""
    found = []
    facets = title_facets(title, relevant, weights)
    names = title_halves(title)
    for index, words_of_facet in enumerate(facets):
        heaviest = max((weights.get(word, 0.0) for word in words_of_facet), default=0.0)
        evidence = sorted(
            (term for term, weight in weights.items() if weight >= FACET_EVIDENCE * heaviest and set(term.split()) & words_of_facet),
            key=lambda term: -weights[term],
        )
        # The title's own words always count, key words or not: a short seed may use "floods"
        # too seldom to weigh, and a facet without evidence would hold every report off.
        evidence += sorted(word for word in words_of_facet if word not in evidence)
        name = names[index]  # title_facets read these very halves
        senses = tuple(other_senses(evidence)) + (_AMERICAS if "america" in evidence else ())
        found.append(Facet(name, tuple(facet_keys([term]) for term in evidence), _unless_terms(senses), tuple(evidence), senses))
    place = _title_place(names[-1]) if found else None
    if place is not None:  # the half after the relating word is where the story happens
        found[-1] = replace(found[-1], within=(place,))
    return _placed(tuple(found))


def _title_place(half: str) -> str | None:
    """Where a title's last half ("Mexican drug cartels") sets the story: the region of the one
    country it names (`regions.REGIONS`: Latin America and the Caribbean for Mexico), or that
    country when it is in none. A story made with `new` then reads "drug" in "Pakistan strike on
    Kabul drug centre" as another country's, as a story file's `within` does; the actor's half
    ("US military action") is left unplaced, since the US acts abroad."""
    from storywatch.store.text.regions import REGIONS

    countries = {country for word in words(half) if (country := _country_named(word)) is not None}
    if len(countries) != 1:
        return None
    country = countries.pop()
    return next((region for region, members in REGIONS.items() if country in members), country)


def score(
    model: StoryModel, terms: frozenset[str], opening: frozenset[str] | None = None,
    opening_keys: frozenset[str] | None = None,
) -> Relevance:
    """Relevance of an article with these terms; the reasons are its heaviest matched terms
    (first the best of each facet), then any facet it lacks and words marked off-story.
    `opening` (see `opening_terms`) is where the facets' evidence must be, when given;
    `opening_keys` its `facet_keys`, when already known (they depend on the text alone)."""
    if not terms:
        return Relevance(0.0, [], 0.0)
    matched = _heaviest_first(model.weights, terms)
    against = _heaviest_first(model.against, terms)
    raw = (sum(weight for weight, _ in matched) - sum(weight for weight, _ in against)) / math.sqrt(len(terms))
    notes, shown = [], []
    if model.facets:
        # The story is several things at once (who does what to whom): an article with
        # evidence for only one of them is about something else that shares its words.
        keys = opening_keys if opening_keys is not None else facet_keys(terms if opening is None else opening)
        missing = [facet for facet in model.facets if not facet.found_in(keys)]
        if model.unless_any.isdisjoint(keys):  # most openings hold no word in another sense
            notes = [f"nothing on {facet.name}" for facet in missing]
        else:
            notes = [_lacking(facet, keys) for facet in missing]
        lacking = len(missing)
        if not missing and model.places and not any(facet.found_in(keys - model.places) for facet in model.facets):
            # Every facet shown by a place's name alone ("US" and "Mexico"): the two countries'
            # other news (trade, migration, water) names them as often as the story does, so
            # it counts as lacking one facet.
            lacking = 1
            notes.append("only places named, nothing on what happens")
        if lacking:
            raw *= MISSING_FACET ** lacking
        else:  # facet words the seeds never use ("JSOC", "Leavitt") still show the story
            raw += FACET_BONUS * len(model.facets) / math.sqrt(len(terms))
        if not missing:
            shown = _unweighed_evidence(model.facets, matched, keys, terms if opening is None else opening)
        matched = _facets_first(matched, model.facets)
    else:
        core = sum(1 for term in model.core if term in terms)
        raw *= min(1.0, core / CORE_NEEDED)
    if model.held_off and not model.held_off.keys().isdisjoint(terms):
        raw *= MISSING_FACET
        pairs = sorted(pair for pair in terms if pair in model.held_off)
        marks = max(model.held_off[pair] for pair in pairs)
        notes.append(f"like {marks} reports marked off the story ({', '.join(pairs[:2])})")
    near = model.marked_off.nearest(terms) if model.marked_off.reports else None
    if near is not None:
        share, mark = near
        raw -= NEAR_WEIGHT * share
        notes.append(f"like a report marked off the story ({', '.join(mark.shared(terms))})")
    value = 1 / (1 + math.exp(-(raw - model.midpoint) / model.width))
    in_phrases = {part for reason in shown if " + " in reason for part in reason.split(" + ")}
    reasons = (shown + [r for r in _reasons(matched) if r not in shown and r not in in_phrases])[:MAX_REASONS]
    reasons += notes + [f"off-story word: {t}" for _, t in against[:2]]
    return Relevance(value, reasons, raw)


def _unweighed_evidence(
    facets: tuple[Facet, ...], matched: list[tuple[float, str]], keys: frozenset[str], opening: frozenset[str]
) -> list[str]:
    """The article's own words that show each facet no weighted term of it shows, so that the
    reasons say why: a facet word the seeds never use ("FAA", "fentanyl") decides a verdict
    with no weight of its own, and the reasons were empty when every facet was shown that way.
    A facet shown only by a phrase whose parts must all be there is named by the phrase ("trump
    + drug + mexico"), weighed or not: its words one by one read as three separate reasons."""
    weighed = facet_keys([term for _, term in matched])
    words: list[str] = []
    for facet in facets:
        shown = facet.shown_by(keys)
        if not shown or (" + " not in shown and facet.found_in(weighed)):
            continue
        word = " + ".join(
            next((term for term in sorted(opening) if _facet_key(term) == part), part) for part in shown.split(" + ")
        )
        if word not in words:
            words.append(word)
    return words


def _lacking(facet: Facet, keys: frozenset[str]) -> str:
    """The reason for a facet an article lacks, with the word it has in another sense or the
    country elsewhere it is set in."""
    shown_but_elsewhere = facet.within and (
        any(" " not in key or key in facet._only_within_pairs for key in facet._words & keys)
        or any(phrase <= keys for phrase in facet._phrases)
    )
    place = facet.elsewhere(keys) if shown_but_elsewhere else None
    if place:
        return f"nothing on {facet.name} (set in {place})"
    sense = facet.other_sense(keys)
    return f"nothing on {facet.name} ({sense})" if sense else f"nothing on {facet.name}"


def _heaviest_first(weights: dict[str, float], terms: frozenset[str]) -> list[tuple[float, str]]:
    """(weight, term) for the terms that have a weight, heaviest first, then by term. The
    intersection walks the model's terms (a few dozen; an article has hundreds): a frozenset's
    `intersection` with a dict iterates the dict, where `keys() & terms` walked the article."""
    if not weights:  # no marks against the story: nothing to sort
        return []
    return sorted(((weights[t], t) for t in terms.intersection(weights)), key=_heavier)


def _heavier(wt: tuple[float, str]) -> tuple[float, str]:
    return -wt[0], wt[1]


def _facets_first(matched: list[tuple[float, str]], facets) -> list[tuple[float, str]]:
    """The heaviest matched term of each facet leads the reasons, so they show both sides: a
    word that shows the facet alone before a part of a phrase ("Mexico" is a part of "Trump +
    drug + Mexico", the action's, and would read as the action where "intervention" shows it)."""
    leaders = []
    for facet in facets:
        leader = next((wt for wt in matched if wt not in leaders and _facet_key(wt[1]) in facet._words), None)
        if leader is None:
            leader = next((wt for wt in matched if wt not in leaders and _facet_key(wt[1]) in facet.evidence), None)
        if leader:
            leaders.append(leader)
    return leaders + [wt for wt in matched if wt not in leaders]


def _reasons(matched: list[tuple[float, str]]) -> list[str]:
    """The heaviest matched terms, without a word already shown inside a matched pair."""
    shown: list[str] = []
    for _, term in matched:
        if any(term in other.split() for other in shown if " " in other):
            continue
        shown.append(term[len(ENTITY_PREFIX):] if term.startswith(ENTITY_PREFIX) else term)
        if len(shown) == MAX_REASONS:
            break
    return shown


def as_written(reasons: Iterable[str], *texts: str) -> list[str]:
    """The reasons with each matched word or pair as the report writes it, its first use in
    `texts` (headline first): a reader sees "U.S.", "Nicolás" and "strikes on cartels" where the
    engine matched "usa", "nicola" and "strike cartel", and each part of a phrase ("a + b") so.
    A note ("nothing on ...") or a term the texts do not hold is left as it is."""
    reasons = list(reasons)
    if not reasons:
        return reasons
    written: dict[str, str] = {}
    first_use: dict[str, tuple[int, int]] = {}  # term -> (which text, where in it)
    for number, text in enumerate(texts):
        if not text:
            continue
        spans = [  # (term, start, end) for each content word, in the order written
            (term, match.start(), match.end())
            for match in re.finditer(r"\S+", text[:_WRITTEN_CHARS])
            for term in content_words(match.group())
        ]
        for index, (term, start, end) in enumerate(spans):
            written.setdefault(term, text[start:end])
            first_use.setdefault(term, (number, start))
            if index + 1 < len(spans):
                following, _, pair_end = spans[index + 1]
                written.setdefault(f"{term} {following}", text[start:pair_end])
    def shown(term: str) -> str:
        return _bare(written[term]) or term if term in written else term

    def in_order(parts: list[str]) -> list[str]:
        return sorted(parts, key=lambda part: first_use.get(part, (len(texts), 0)))

    # a phrase's parts each as written, in the order written ("drug + mexico + trump": "Trump's + drug + Mexico")
    return [
        " + ".join(map(shown, in_order(reason.split(" + ")))) if " + " in reason else shown(reason)
        for reason in reasons
    ]


_WRITTEN_CHARS = 2_000  # of each text: the reasons are found in a report's opening
_AROUND_WORDS = "\"'“”‘’«»()[]{}<>,;:!?"  # punctuation around a word as written, not part of it


def _bare(written: str) -> str:
    """A word as written without the punctuation around it; a full stop goes too, unless the
    word is an abbreviation with stops of its own ("U.S.")."""
    word = written.strip(_AROUND_WORDS)
    if word.endswith(".") and "." not in word[:-1]:
        word = word.rstrip(".").strip(_AROUND_WORDS)
    return word
