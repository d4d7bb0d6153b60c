"""How close an article is to the story the seeds tell, and why: pure functions, no I/O.

The method is the classic probabilistic relevance-feedback weighting (Robertson & Sparck Jones):
the seeds (and articles the user marked on-story) are the known relevant documents, every stored
article is the background. A term's weight is how much likelier it is in the story than in the
background, so "cartel", "Pentagon" and "drone strikes" weigh a lot, "Trump" or "Mexico" less
(the feeds are full of other Trump and Mexico news), and words the seeds use once carry nothing.
Articles the user marked off-story count as strong background evidence against their terms.

An article's raw score is the sum of the weights of the story's key terms it contains, divided
by the square root of how many terms it has, so a one-line headline and a three-sentence
summary are comparable. A logistic curve turns it into 0..1, 0.5 at `MIDPOINT`, which is the
story file's default threshold. `MIDPOINT` and `WIDTH` were chosen on the tuning half of
bench/data/eval_items.jsonl (see bench/quality.py); the other half reports the figures.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from store.dedup import words

MIDPOINT = 0.78  # raw score that maps to relevance 0.5 (chosen on the tune half)
WIDTH = 0.25  # how quickly relevance rises around the midpoint
MIN_SEED_SHARE = 0.4  # a key term appears in at least this share of the relevant documents
MIN_STORY_RATE = 0.004  # ... and makes up at least this share of their words (about 1 in 250)
MIN_STORY_COUNT = 3
MAX_WEIGHT = 6.0  # no single term decides on its own
OFF_STORY_PSEUDOCOUNT = 10  # one article marked off-story counts like this many background ones
BACKGROUND_PRIOR = 50  # pseudo-articles of background before any feed item is stored
WORD_PRIOR = 0.02  # share of background articles assumed to hold a word never counted yet
GENERIC_PRIOR = 0.1  # the same for a word of GENERIC_WORDS
PAIR_PRIOR = 0.004  # the same for a pair of words
MAX_REASONS = 6
CORE_TERMS = 5  # the story's core: its most used key words
CORE_NEEDED = 2  # core words an article needs to score in full
ENTITY_PREFIX = "@"  # terms for named entities shared through the entity tables

# Function words and newsroom boilerplate: frequent everywhere, evidence of nothing.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my no nor not now of off on once only or other our ours out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up us very was we were what when where which while
    who whom why will with would you your yours yourself new one two three first last next year
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


def content_words(text: str) -> list[str]:
    return [_stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def term_counts(title: str, summary: str = "", body: str = "", entities: Iterable[str] = ()) -> Counter[str]:
    """Single words, adjacent word pairs ("drug cartel", "military force") and entity names,
    with how often each occurs. A headline the body repeats (as in a seed file) counts once.

    An entity counts only when its name is not already among the words: the entity tables
    add evidence through the other names a thing goes by ("CJNG", "AMLO"), not twice over."""
    counts: Counter[str] = Counter()
    folded_body = body[:2000].lower()
    for part in (title, summary, body):
        if part is title and title and title.lower() in folded_body:
            continue
        tokens = content_words(part)
        counts.update(tokens)
        counts.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:]))
    for name in entities:
        named = " ".join(content_words(name or ""))
        if named and named not in counts:
            counts[ENTITY_PREFIX + named] += 1
    return counts


def item_terms(title: str, summary: str = "", body: str = "", entities: Iterable[str] = ()) -> frozenset[str]:
    """The distinct terms of an article (see `term_counts`)."""
    return frozenset(term_counts(title, summary, body, entities))


@dataclass(frozen=True)
class StoryModel:
    """The story's key terms and their weights: what makes an article about this story."""

    weights: dict[str, float]
    core: frozenset[str] = frozenset()  # the words the relevant documents use most
    midpoint: float = MIDPOINT
    width: float = WIDTH
    relevant_count: int = 0
    background_count: int = 0


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


def build_model(
    relevant: list[Counter[str]],
    background: dict[str, int],
    background_count: int,
    off_story: list[frozenset[str]] = (),
) -> StoryModel:
    """Weights from the relevant documents against the background document frequencies.

    `relevant` holds each relevant document's term counts (`term_counts`); `background` maps a
    term to the number of stored articles containing it (the key terms at least; missing
    means none), out of `background_count`; `off_story` holds the terms of articles the user
    marked off-story.
    """
    candidates = key_terms(relevant)
    off_counts: Counter[str] = Counter()
    for terms in off_story:
        off_counts.update(term for term in terms if term in candidates)
    R = len(relevant)
    N = background_count + BACKGROUND_PRIOR + OFF_STORY_PSEUDOCOUNT * len(off_story)
    weights = {}
    for term, r in candidates.items():
        p_story = (r + 0.5) / (R + 1)
        # Until the feeds have shown enough text, a term is assumed as common as a typical
        # word (or pair): a small store must not make every seed word look rare.
        prior = PAIR_PRIOR if " " in term else GENERIC_PRIOR if term in GENERIC_WORDS else WORD_PRIOR
        n = background.get(term, 0) + BACKGROUND_PRIOR * prior + OFF_STORY_PSEUDOCOUNT * off_counts[term]
        p_background = (n + 0.5) / (N + 1)
        weight = math.log(p_story / p_background)
        if weight > 0:
            weights[term] = min(weight, MAX_WEIGHT)
    story_words = Counter()
    for counts in relevant:
        story_words.update({t: c for t, c in counts.items() if t in weights and " " not in t})
    core = frozenset(term for term, _ in story_words.most_common(CORE_TERMS))
    return StoryModel(weights=weights, core=core, relevant_count=R, background_count=background_count)


def score(model: StoryModel, terms: frozenset[str]) -> Relevance:
    """Relevance of an article with these terms; the reasons are its heaviest matched terms."""
    matched = sorted(
        ((model.weights[t], t) for t in terms if t in model.weights), key=lambda wt: (-wt[0], wt[1])
    )
    if not terms:
        return Relevance(0.0, [], 0.0)
    raw = sum(weight for weight, _ in matched) / math.sqrt(len(terms))
    # The story is several things at once (cartels, the military, Mexico...): an article that
    # names only one of its core words is about something else that shares a word with it.
    core = sum(1 for term in model.core if term in terms)
    raw *= min(1.0, core / CORE_NEEDED)
    value = 1 / (1 + math.exp(-(raw - model.midpoint) / model.width))
    return Relevance(value, _reasons(matched), raw)


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
