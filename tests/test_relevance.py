"""Relevance to the story's seeds: the weights and scores on clear cases (figures: bench/quality.py)."""

from collections import Counter
from pathlib import Path

import pytest

from store import relevance

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def model():
    seeds = [relevance.term_counts("", "", path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    # A background like the feeds': lots of other Mexico, Trump and military news.
    background_items = [
        ("Mexico's peso rallies as inflation cools", "The Mexican currency gained after data."),
        ("Trump announces tariffs on trucks", "The president said the levy protects US makers."),
        ("Pentagon awards drone contract", "The Army will buy small drones for every squad."),
        ("Sheinbaum's approval rating holds at 70%", "The Mexican president remains popular."),
        ("US strikes Houthi targets in Yemen", "American warplanes hit radar sites, officials said."),
    ] * 20
    background = Counter(t for title, summary in background_items for t in relevance.item_terms(title, summary))
    return relevance.build_model(seeds, background, len(background_items))


def test_the_story_key_terms_outweigh_words_the_feeds_use_everywhere(model):
    assert model.weights["cartel"] > model.weights.get("trump", 0)
    assert "cartel" in model.core and "military" in model.core
    assert "the" not in model.weights


def test_on_story_item_scores_above_the_threshold_with_reasons(model):
    verdict = relevance.score(
        model,
        relevance.item_terms(
            "Pentagon weighs drone strikes on cartels inside Mexico",
            "Military planners drew up options for strikes on drug cartels, officials say.",
        ),
    )
    assert verdict.score >= 0.5
    assert "cartel" in " ".join(verdict.reasons)


@pytest.mark.parametrize(
    "title, summary",
    [
        ("Mexico's peso rallies to strongest level in a year", "Banxico is expected to keep cutting rates."),
        ("Trump announces 25% tariff on imported trucks", "The president said the levy protects US makers."),
        ("Apple reports record iPhone revenue", "Sales rebounded in China."),
    ],
)
def test_unrelated_and_same_word_items_score_below_the_threshold(model, title, summary):
    assert relevance.score(model, relevance.item_terms(title, summary)).score < 0.5


def test_an_article_marked_off_story_weakens_its_terms():
    seeds = [relevance.term_counts("", "", path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    off = [relevance.item_terms("Mexican army kills cartel gunmen", "Soldiers clashed with a drug cartel.")] * 3
    taught = relevance.build_model(seeds, {}, 0, off)
    untaught = relevance.build_model(seeds, {}, 0)
    assert taught.weights["cartel"] < untaught.weights["cartel"]


def test_entities_add_only_names_the_words_do_not_already_say():
    counts = relevance.term_counts("CJNG leader arrested", "", "", entities=["Jalisco New Generation Cartel", "CJNG"])
    assert "@jalisco generation cartel" in counts  # "new" is a stopword
    assert "@cjng" not in counts  # already a word of the text


def test_a_headline_the_body_repeats_counts_once():
    body = "Trump Orders Strikes On Cartels\n\nThe president ordered strikes on cartels."
    assert relevance.term_counts("Trump Orders Strikes On Cartels", "", body)["trump"] == 1
