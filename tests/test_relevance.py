"""Relevance to the story's seeds: the weights and scores on clear cases (figures: bench/quality.py)."""

from collections import Counter
from pathlib import Path

import pytest

from storywatch.store.text import regions, relevance

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TITLE = "US military action against Mexican drug cartels"  # seeds/story.toml


@pytest.fixture(scope="module")
def background():
    # A background like the feeds': lots of other Mexico, Trump and military news.
    background_items = [
        ("Mexico's peso rallies as inflation cools", "The Mexican currency gained after data."),
        ("Trump announces tariffs on trucks", "The president said the levy protects US makers."),
        ("Pentagon awards drone contract", "The Army will buy small drones for every squad."),
        ("Sheinbaum's approval rating holds at 70%", "The Mexican president remains popular."),
        ("US strikes Houthi targets in Yemen", "American warplanes hit radar sites, officials said."),
    ] * 20 + [
        ("Cartel gunmen kill eight police officers in Guanajuato", "The drug cartel ambush was the deadliest this year."),
        ("Mexican navy seizes meth lab in Sinaloa", "Marines found the lab of a drug cartel in the mountains."),
    ] * 5
    counts = Counter(t for title, summary in background_items for t in relevance.item_terms(title, summary))
    return counts, len(background_items)


@pytest.fixture(scope="module")
def model(background):
    return relevance.build_model(seed_counts(), *background, title=TITLE)


def seed_counts():
    return [relevance.term_counts("", "", path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]


def verdict(model, title, summary=""):
    return relevance.score(model, relevance.item_terms(title, summary))


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


def test_the_title_names_two_facets_that_gather_the_seeds_words(model):
    action, target = relevance.title_facets(TITLE, seed_counts(), model.weights)
    assert {"military", "strike"} <= action and {"cartel", "mexico", "mexican"} <= target
    assert not action & target
    assert len(model.facets) == 2


def test_a_facet_holds_its_title_words_even_when_the_seeds_hardly_use_them():
    """A one-seed story "Floods in Chile" whose seed says "floods" once: the facet must still be
    the title's word, or no report could ever show it and every one would be held off."""
    seed = relevance.term_counts("Rain closes the port", "", "Heavy rain closed the port of Valparaiso in Chile. " * 3
                                 + "Floods followed.")
    model = relevance.build_model([seed], {}, 0, title="Floods in Chile")
    assert len(model.facets) == 2 and all(facet.phrases for facet in model.facets)
    assert model.facets[0].found_in(relevance.facet_keys(["flood"]))
    assert "flood" in model.facets[0].words


def test_a_title_without_a_relation_word_gives_no_facets():
    assert relevance.title_facets("Cartel violence", seed_counts(), {"cartel": 2.0}) == ()


@pytest.mark.parametrize(
    "title, summary",
    [
        # Mexico and its cartels, no US action
        ("Mexican army kills 13 suspected cartel gunmen in Michoacán clash", "Troops returned fire, the ministry said."),
        # US military action somewhere else
        ("US military flies migrants to Guantanamo", "Military aircraft carried deportees to the naval base."),
    ],
)
def test_an_item_with_only_one_facet_scores_below_the_threshold(model, title, summary):
    result = verdict(model, title, summary)
    assert result.score < 0.5
    assert any(reason.startswith("nothing on") for reason in result.reasons)


def test_the_title_s_place_holds_its_half_within_that_place_s_region(model):
    """"Mexican drug cartels" sets the story in Latin America: a drug clinic struck in Kabul is
    another country's drugs (as a story file's `within` would say), a drug boat struck off
    Venezuela is still the story. The actor's half is left unplaced: the US acts abroad."""
    action, target = model.facets
    assert target.within == ("Latin America and the Caribbean",) and action.within == ()
    elsewhere = verdict(model, "US-backed Pakistan strike on Kabul drug rehab centre kills hundreds")
    assert elsewhere.score < 0.5
    assert "nothing on Mexican drug cartels (set in Pakistan)" in elsewhere.reasons
    assert verdict(model, "US military strike on drug boat off Venezuela kills three").score >= 0.5


def test_reasons_show_both_facets_first(model):
    result = verdict(model, "Pentagon weighs drone strikes on cartels inside Mexico")
    action, target = relevance.title_facets(TITLE, seed_counts(), model.weights)
    first_two = [set(reason.split()) for reason in result.reasons[:2]]
    assert any(words & action for words in first_two) and any(words & target for words in first_two)


FACETS = [
    relevance.declared_facet("the United States", ["US", "Pentagon", "Hegseth", "White House"]),
    relevance.declared_facet("military action", ["military", "strike", "troops", "options on the table"]),
    relevance.declared_facet("Mexico or its cartels", ["Mexico", "Mexican", "cartel"], unless=["New Mexico"]),
]


@pytest.fixture(scope="module")
def declared(background):
    return relevance.build_model(seed_counts(), *background, title=TITLE, facets=FACETS)


def keys(title, summary=""):
    return relevance.facet_keys(relevance.item_terms(title, summary))


def test_a_declared_facet_matches_words_folded_and_phrases_side_by_side():
    white_house, = relevance.declared_facet("us", ["White House"]).phrases
    assert white_house == {"white hous"}  # Snowball stems
    facet = relevance.declared_facet("action", ["strikes", "options on the table", "ordered"])
    assert facet.found_in(keys("US Strike on a lab"))
    assert facet.found_in(keys("Trump orders the Navy to sea"))
    assert facet.found_in(keys("Hegseth: all options on the table"))
    assert not facet.found_in(keys("Hegseth weighs options for the dinner table"))


def test_parts_joined_by_plus_must_all_be_there_side_by_side_or_not():
    boats = relevance.declared_facet("drug boats", ["strike + vessel + kill", "boat strike"])
    assert boats.found_in(keys("US military says it carried out strikes on two vessels, killing five"))
    assert boats.found_in(keys("Trump administration sued over 2 deaths in boat strike"))
    assert not boats.found_in(keys("Fewer vessels travel through Hormuz as US, Iran continue strikes"))  # no one killed
    assert not boats.found_in(keys("Strike kills two in port"))  # no vessel
    assert relevance.declared_facet("x", ["+", "the + of"]).phrases == ()  # a part with no word is no phrase


def test_unless_names_a_longer_name_that_is_not_evidence():
    mexico = FACETS[2]
    assert not mexico.found_in(keys("US military creates defense zone along New Mexico border"))
    assert mexico.found_in(keys("Troops in New Mexico train for missions in Mexico", "cartels"))


def test_declared_facets_replace_the_title_s(declared):
    assert [facet.name for facet in declared.facets] == [facet.name for facet in FACETS]


@pytest.mark.parametrize(
    "title, summary, lacking",
    [
        ("US strike kills 11 on alleged drug boat from Venezuela", "The military hit a vessel in the Caribbean.",
         "Mexico or its cartels"),
        ("Mexican army kills 13 suspected cartel gunmen in Michoacán", "Troops returned fire, the ministry said.",
         "the United States"),
        ("Trump says Mexico must stop fentanyl or face US tariffs", "The cartels must be stopped, he said.",
         "military action"),
    ],
)
def test_an_item_lacking_a_declared_facet_is_off_story_and_says_why(declared, title, summary, lacking):
    result = verdict(declared, title, summary)
    assert result.score < 0.5
    assert f"nothing on {lacking}" in result.reasons


def test_an_item_with_every_declared_facet_is_on_story(declared):
    result = verdict(declared, "Hegseth: all options on the table for cartels in Mexico", "")
    assert result.score >= 0.5
    assert not any(reason.startswith("nothing on") for reason in result.reasons)


def test_teaching_off_story_lowers_a_near_copy_but_not_a_seed_like_item(model):
    marked = relevance.item_terms(
        "US strike kills 11 on alleged drug boat from Venezuela, Trump says",
        "The military struck a vessel from Venezuela in the Caribbean.",
    )
    taught = relevance.build_model(seed_counts(), {}, 0, [marked], title=TITLE)
    untaught = relevance.build_model(seed_counts(), {}, 0, title=TITLE)
    near_copy = relevance.item_terms("US strike on Venezuelan drug boat in Caribbean kills 6", "")
    seed_like = relevance.item_terms("Trump orders military strikes against Mexican drug cartels", "")
    assert relevance.score(taught, near_copy).score < relevance.score(untaught, near_copy).score
    assert relevance.score(taught, seed_like).score == relevance.score(untaught, seed_like).score
    assert taught.weights == untaught.weights  # the seeds' terms are not unlearned
    assert "caribbean" in taught.against  # a word the seeds never use


def test_an_off_story_mark_never_teaches_against_a_word_the_seeds_use():
    """Five random marks, mostly off the story, taught "wife", "people" and "media" against it
    and hid ten on-story dev reports (bench/teaching.py): the seeds' own words are the story's
    language, whatever else a marked report is about."""
    seeds = seed_counts()
    seed_words = {term for counts in seeds for term in counts if " " not in term}
    off = relevance.item_terms(
        "Governor's wife opens people's media festival in Sacramento",
        "Crowds gathered as the governor's wife spoke about the media and the people of the valley.",
    )
    taught = relevance.build_model(seeds, {}, 0, [off], title=TITLE)
    used = {"people", "media"} & seed_words
    assert used, "the seeds no longer use these words: pick others they use"
    assert not used & taught.against.keys()
    assert "sacramento" in taught.against  # a word foreign to the story still counts


def test_an_off_story_mark_never_teaches_against_the_storys_own_words():
    """A plane crash in Mexico marked off-story must not make "Sheinbaum", "killed" or a word of a
    facet's phrase count against the story: they are what the story is about."""
    facets = FACETS + [relevance.declared_facet("drug trade", ["drug trafficking", "Sheinbaum"])]
    crash = relevance.item_terms(
        "Mexican navy plane crashes off Texas, killing five on a medical flight",
        "Sheinbaum sent condolences; the flight was not linked to drug trafficking.",
    )
    boat = relevance.item_terms("US strike kills three on alleged drug boat", "")
    taught = relevance.build_model(seed_counts(), {}, 0, [crash], title=TITLE, facets=facets, on_story=[boat])
    assert "condolence" in taught.against  # the crash's own words count against it
    for word in ("Sheinbaum", "killing", "trafficking", "drug", "Mexican"):  # facet, phrase and marked words
        (stem,) = relevance.content_words(word)
        assert stem not in taught.against, word
    one = relevance.build_model(seed_counts(), {}, 0, [crash], title=TITLE, facets=facets)
    assert 0 < max(one.against.values()) < 1.0  # one mark is a hint (its share is over MARKS_PRIOR marks)


def test_teaching_on_story_adds_the_marked_words_without_diluting_the_seeds():
    marked = relevance.item_terms("Hegseth says all options on the table for cartels", "")
    taught = relevance.build_model(seed_counts(), {}, 0, title=TITLE, on_story=[marked])
    untaught = relevance.build_model(seed_counts(), {}, 0, title=TITLE)
    assert "hegseth" in taught.weights and "hegseth" not in untaught.weights
    assert all(taught.weights[term] == weight for term, weight in untaught.weights.items())


def test_entities_add_only_names_the_words_do_not_already_say():
    counts = relevance.term_counts("CJNG leader arrested", "", "", entities=["Jalisco New Generation Cartel", "CJNG"])
    assert "@jalisco new generation cartel" in counts
    assert "@cjng" not in counts  # already a word of the text


def test_a_headline_the_body_repeats_counts_once():
    body = "Trump Orders Strikes On Cartels\n\nThe president ordered strikes on cartels."
    assert relevance.term_counts("Trump Orders Strikes On Cartels", "", body)["trump"] == 1


def test_the_opening_is_the_headline_and_first_sentence():
    summary = ("WASHINGTON, Jan 3 (Reuters) - Venezuela's opposition leader met European envoys on Saturday "
               "to discuss a new election date. Washington accuses Maduro of running a drug cartel.")
    opening = relevance.opening_terms("Venezuela opposition meets envoys", summary)
    assert {"venezuela", "envoy", "election"} <= opening
    assert "cartel" not in opening and "cartel" in relevance.item_terms("Venezuela opposition meets envoys", summary)
    short = relevance.opening_terms("Strike", "Update 2. US forces struck a cartel camp near the border overnight.")
    assert "cartel" in short  # a first "sentence" too short to say anything takes the next one


def test_a_facet_named_only_in_background_is_not_evidence(declared):
    """What a report is about is in its headline and lede: a drug cartel mentioned further down
    does not put a report on Venezuela's politics (or anyone's) on the story."""
    title = "US military weighs options as Venezuela tensions rise"
    summary = ("The Pentagon moved more warships into the Caribbean on Tuesday as talks with Caracas stalled. "
               "Officials have long accused Mexican cartels of using Venezuelan routes.")
    whole = relevance.score(declared, relevance.item_terms(title, summary))
    opened = relevance.score(declared, relevance.item_terms(title, summary), relevance.opening_terms(title, summary))
    assert "nothing on Mexico or its cartels" not in whole.reasons
    assert "nothing on Mexico or its cartels" in opened.reasons and opened.score < whole.score


def test_a_word_shared_by_the_marks_counts_more_than_one_report_s_own_words():
    """Marks teach what they share: the incidental words of one long report hardly count."""
    marked = [frozenset({"smuggling", "vessel", "reuter", "jan"}), frozenset({"smuggling", "vessel", "caribbean"}),
              frozenset({"smuggling", "vessel", "guard"}), frozenset({"smuggling", "ocean"})]
    background = {word: 50 for terms in marked for word in terms}  # each in 5% of 1,000 stored
    learned = relevance.marked_weights(marked, {}, background, N=1000)
    assert learned["smuggling"] > learned["vessel"] > learned["jan"] > 0
    assert learned["jan"] < learned["smuggling"] / 4  # in one mark of four: a quarter, and rarer there


ONE_LETTER = "A"  # one-letter strings are shared objects: a summary that *is* the headline


@pytest.mark.parametrize(
    ("title", "summary", "body", "entities"),
    [
        ("Trump Orders Strikes On Cartels", "", "Trump Orders Strikes On Cartels\n\nThe president ordered strikes.", ()),
        ("US strikes cartel camp", "U.S. forces struck a cartel camp. Mexico's president objected on Tuesday to the raid"
         " near the border. Venezuela's envoys met in Caracas.", "", ()),
        ("US strikes cartel camp", "U.S. forces struck a cartel camp near the border overnight, officials said.", "", ()),
        ("Strike", "Update 2. US forces struck a cartel camp near the border overnight.", "", ("CJNG", "Cartel")),
        ("", "", "WASHINGTON (Reuters) - The Pentagon drew up plans for strikes on drug labs. More later.", ("Pentagon",)),
        ("CJNG leader arrested", "", "", ("Jalisco New Generation Cartel", "CJNG", "CJNG")),
        (ONE_LETTER, ONE_LETTER, "a cartel in a list", ()),
        ("Cartels", "word " * 400, "", ()),  # a "sentence" longer than MAX_SENTENCE, cut at a space
        ("Buzz about US strike; video sparks cries", "Mexico - US talks: cartels? Yes!", "", ()),  # clause breaks
        ("", "", "", ()),
    ],
)
def test_article_terms_are_the_item_terms_and_the_opening_terms(title, summary, body, entities):
    """Scoring takes both sets from `article_terms`, which finds each text's terms once: it must
    give exactly what the two functions give."""
    assert relevance.article_terms(title, summary, body, entities) == (
        relevance.item_terms(title, summary, body, entities),
        relevance.opening_terms(title, summary, body),
    )


def test_a_word_pair_stops_at_a_clause_break():
    """"strike; video" is no "strike video" (an other-story headline went on the story on that pair),
    nor is "Mexico - US" a pair; a comma or a hyphen inside a word joins as before."""
    terms = relevance.item_terms("Buzz about US strike; video sparks cries in Mexico - US talks")
    assert {"strike", "video", "mexico", "usa"} <= terms
    assert "strike video" not in terms and "mexico usa" not in terms
    assert {"usa strike", "video spark", "usa talk"} <= terms
    assert "strike video" in relevance.item_terms("US strike video sparks cries")
    assert "cartel camp" in relevance.item_terms("Anti-cartel, cartel camp strike")
    body = "Buzz about the strike; video sparks cries. " * 20  # a body: longer than CLAUSE_TEXT
    assert "strike video" in relevance.item_terms("", "", body)


def test_a_word_pair_stops_at_a_word_that_opens_a_clause():
    """"attack as Venezuela tension spirals" is no "attack venezuela", though "as" is a common word the
    terms leave out; "after" and "amid" open clauses too, in any case, but not inside a word."""
    terms = relevance.item_terms("US kills 4 in latest Pacific Ocean attack as Venezuela tension spirals")
    assert "attack venezuela" not in terms
    assert {"attack", "venezuela", "ocean attack", "venezuela tension"} <= terms
    assert "strike mexico" not in relevance.item_terms("Cartel strike After Mexico vote")
    assert "strike mexico" not in relevance.item_terms("US strike amid Mexico talks")
    assert "strike mexico" in relevance.item_terms("US strike on Mexico")  # "on" is left out, and no clause opens
    assert "cartel aftermath" in relevance.item_terms("Cartel aftermath")


def test_the_lede_of_a_text_without_full_stops_is_its_first_cut():
    text = "cartel " * 200
    assert relevance.lede(text) == text[: text.rfind(" ", 0, 600)]
    assert relevance.lede("Short. " + "Then a longer second sentence that names the cartel camp struck overnight. Third.") == (
        "Short. Then a longer second sentence that names the cartel camp struck overnight."
    )


def test_the_word_caches_start_over_when_full_and_still_answer_right(monkeypatch):
    monkeypatch.setattr(relevance, "_CONTENT", {})  # empty, whatever other tests cached
    monkeypatch.setattr(relevance, "_FACET_KEYS", {})
    monkeypatch.setattr(relevance, "_CONTENT_CACHE", 3)
    monkeypatch.setattr(relevance, "_FACET_CACHE", 3)
    assert relevance.content_words("The cartels ordered strikes on the labs of 2024") == ["cartel", "ordered", "strike", "lab"]
    assert len(relevance._CONTENT) <= 3
    assert relevance.facet_keys(["ordered strike", "cartels", "labs", "orders"]) == {"order strike", "cartel", "lab", "order"}
    assert len(relevance._FACET_KEYS) <= 3


def test_a_one_word_phrase_cancelled_by_unless_leaves_the_facet_s_longer_phrases():
    facet = relevance.declared_facet("Mexico", ["Mexico", "Mexican navy"], unless=["New Mexico"])
    assert not facet.found_in(relevance.facet_keys(relevance.item_terms("New Mexico wildfire spreads")))
    assert facet.found_in(relevance.facet_keys(relevance.item_terms("New Mexico visit by Mexican navy chief")))
    assert facet.found_in(relevance.facet_keys(relevance.item_terms("Mexico strikes back")))


def test_reports_marked_on_the_story_widen_a_facet_they_lack(background):
    """Seeds written before the boat strikes cannot say "boat": the title's "Mexican drug
    cartels" side holds every boat-strike report off. Three marked reports that lack that side
    and share "boat" make it the side's evidence; one or two marks are only a hint."""
    marks = [
        relevance.item_terms("US military strike on boat in Caribbean kills three", ""),
        relevance.item_terms("Hegseth defends second boat strike as lawmakers seek video", ""),
        relevance.item_terms("Navy admiral briefs senators on boat strike survivors", ""),
    ]
    new = relevance.item_terms("Pentagon strike on another boat kills two", "")
    untaught = relevance.build_model(seed_counts(), *background, title=TITLE)
    two = relevance.build_model(seed_counts(), *background, title=TITLE, on_story=marks[:2])
    three = relevance.build_model(seed_counts(), *background, title=TITLE, on_story=marks)
    cartels = [i for i, facet in enumerate(untaught.facets) if "cartel" in facet.words][0]
    keys = relevance.facet_keys(new)
    assert not untaught.facets[cartels].found_in(keys)
    assert not two.facets[cartels].found_in(keys)
    assert three.facets[cartels].found_in(keys)
    assert "boat" in three.facets[cartels].words
    assert "caribbean" not in three.facets[cartels].words  # in one of the three marks only
    assert relevance.score(three, new).score > relevance.score(untaught, new).score


def test_a_word_learned_from_marks_never_joins_the_title_s_facets_through_the_seeds(background):
    """The seeds write "war" next to "drug" and "cartel" ("the war on the cartels") but too
    seldom for a key word. Once marks teach it, the seeds' pairs must not make it evidence of
    the cartel side: every "US ... end the war in Ukraine" headline would then have both sides."""
    marks = [
        relevance.item_terms("US strike in the war on drug boats kills three", ""),
        relevance.item_terms("US military says its war on drug boats will go on", ""),
        relevance.item_terms("Lawmakers question US strikes in the war on drug boats", ""),
    ]  # each has both sides already, so none widens a facet
    untaught = relevance.build_model(seed_counts(), *background, title=TITLE)
    taught = relevance.build_model(seed_counts(), *background, title=TITLE, on_story=marks)
    assert "war" in taught.learned and not taught.widened
    assert [facet.name for facet in taught.facets] == [facet.name for facet in untaught.facets]
    assert all("war" not in facet.words for facet in taught.facets)
    ukraine = relevance.item_terms("US and Ukraine hold talks on ending the war", "")
    assert relevance.score(taught, ukraine).score < 0.5


def test_an_unless_name_cancels_a_phrase_that_holds_its_words_too():
    """A carrier strike group sailing to the Caribbean is no strike in the Caribbean."""
    boats = relevance.declared_facet("drug boats", ["strike + Caribbean"], unless=["strike group"])
    keys = lambda title: relevance.facet_keys(relevance.item_terms(title, ""))  # noqa: E731
    assert boats.found_in(keys("US strike in the Caribbean kills three"))
    assert not boats.found_in(keys("Trump orders US carrier strike group to Caribbean"))


def test_an_unless_with_context_cancels_the_word_and_its_joined_phrases_and_leaves_its_pairs():
    """"drug + marijuana": beside marijuana a drug is a pastime, not the cartels' trade, and so is
    the "+" phrase holding it ("fight + drug"); "drug trafficking" is the trade whatever else the
    report names."""
    cartels = relevance.declared_facet(
        "the cartels", ["drug", "drug trafficking", "fight + drug"], unless=["drug + marijuana"]
    )
    keys = lambda title: relevance.facet_keys(relevance.item_terms(title, ""))  # noqa: E731
    assert cartels.found_in(keys("US strike on drug boat kills three"))
    assert not cartels.found_in(keys("Trump signs order reclassifying marijuana as a less dangerous drug"))
    assert cartels.found_in(keys("Marijuana and cocaine seized in US drug trafficking raid"))
    assert cartels.shown_by(keys("Mayor vows fight on drugs")) == "drug"
    assert not cartels.found_in(keys("Mayor vows fight on drugs with marijuana shops shut"))
    assert not cartels.unless, "a context phrase is no pair to cancel: 'drug' beside any 'marijuana' only"
    # The context is the first part's only: "marijuana" is no evidence to cancel, and a facet
    # of marijuana keeps its word beside a drug.
    pastime = relevance.declared_facet("cannabis", ["marijuana"], unless=["drug + marijuana"])
    assert pastime.found_in(keys("Marijuana reclassified as a less dangerous drug"))


def test_a_facet_word_shows_in_its_inflections_not_in_the_words_made_from_its_stem():
    """Snowball cuts "directive" and "directly" alike to "direct": a "direct-to-consumer drug
    site" showed a presidential directive. Inflections, adverbs and adjectives still fold."""
    action = relevance.declared_facet("action", ["directive", "invasion", "operation", "alleged", "Democrats", "order"])
    keys = lambda title: relevance.facet_keys(relevance.item_terms(title, ""))  # noqa: E731
    assert not action.found_in(keys("White House launches direct-to-consumer drug site"))
    assert not action.found_in(keys("Invasive beetles spread across Texas"))
    assert not action.found_in(keys("Airline to operate more flights"))
    for title in (
        "Trump signs secret directives on cartels",
        "Boat allegedly carried drugs",
        "Democratic senators demand strike video",
        "Pentagon ordered the strike",
        "Military operations near Venezuela",
    ):
        assert action.found_in(keys(title)), title


def test_a_facet_lacked_because_its_word_is_in_another_sense_says_which(background):
    """The reasons name the word read in another sense, as the story file wrote it: a reader
    seeing "drug" among the matched words and "nothing on the cartels" learns why."""
    facets = (
        relevance.declared_facet("the United States", ["US", "Trump"]),
        relevance.declared_facet("military action", ["strike", "troops"], unless=["labor strike"]),
        relevance.declared_facet("Mexico or the cartels", ["Mexico", "drug", "cartel"], unless=["New Mexico", "drug + marijuana"]),
    )
    model = relevance.build_model(seed_counts(), *background, title=TITLE, facets=facets)

    def notes(title):
        return [r for r in relevance.score(model, relevance.item_terms(title)).reasons if r.startswith("nothing on")]

    assert notes("Trump reclassifies marijuana, a less dangerous drug, with US troops") == [
        'nothing on Mexico or the cartels ("drug" beside "marijuana")']
    assert notes("US troops fight New Mexico wildfire") == ['nothing on Mexico or the cartels ("Mexico" as in "New Mexico")']
    assert notes("Trump backs labor strike at Mexico plant") == ['nothing on military action ("strike" as in "labor strike")']
    assert notes("Trump visits Mexico") == ["nothing on military action"]  # no word of it in another sense


def test_a_title_s_drug_beside_a_medicine_word_is_no_evidence():
    """A story made with `new` reads "drug" from its title; the White House's drug orders
    (marijuana, Medicare prices) name it beside words of the other senses."""
    model = relevance.build_model(seed_counts(), {}, 0, title=TITLE)
    target = next(facet for facet in model.facets if "drug" in facet.words)
    assert "drug + marijuana" in target.unless_words
    assert target.found_in(relevance.facet_keys(relevance.item_terms("US targets drug smugglers")))
    assert not target.found_in(relevance.facet_keys(relevance.item_terms("Medicare to cover new drug")))


def _marks(*titles):
    terms = [relevance.item_terms(title) for title in titles]
    return [(t, relevance.facet_keys(t)) for t in terms]


CARTELS = relevance.declared_facet("the cartels", ["cartel", "drug"])


def test_a_word_the_first_marks_lacking_a_facet_share_widens_it_however_varied_the_later_marks():
    """Three early boat reports make "boat" evidence of the cartel side; later marks on other
    turns (more of them than the boat ones) do not take it back."""
    marks = _marks(
        "US strike on boat in Caribbean kills three",
        "Hegseth defends second boat strike",
        "Survivors of boat strike rescued",
        "Trump pardons Honduran ex-president",
        "Admiral testifies on hearing",
        "Senators question Pentagon over Venezuela",
        "Lawmakers ask Pentagon for hearing",
    )
    learned = {"boat": 1.0, "pardon": 1.0, "admiral": 1.0, "senator": 1.0, "hearing": 1.0, "pentagon": 1.0}
    assert relevance._shared_words(CARTELS, marks, learned, set())[0] == {"boat"}
    # counted over all the marks at once, "boat" is shared by 3 of 7: not half
    assert sum("boat" in terms for terms, _ in marks) * 2 < len(marks)


def test_a_word_only_part_of_a_facet_s_phrase_may_widen_it():
    """"boat" in the cartel side's "strike + boat + kill" is no evidence on its own: boat-strike
    reports that name no drug and no killing, marked on the story, make it the side's evidence.
    A word that is a facet's evidence alone ("strike") widens nothing."""
    cartels = relevance.declared_facet("the cartels", ["cartel", "drug", "strike + boat + kill"])
    action = relevance.declared_facet("action", ["strike", "military"])
    marks = [relevance.item_terms(t) for t in (
        "US strike on boat off Venezuela leaves survivors", "Pentagon says strike hit another boat near Venezuela",
        "Strike on boat in Venezuela's waters, Hegseth says")]
    learned = {"boat": 1.0, "strike": 1.0, "venezuela": 1.0}
    facets, widened, _ = relevance._taught_facets((action, cartels), marks, learned)
    # the marks say Venezuela too, but a place would bring all its news: Venezuela's politics
    assert widened == {"boat": cartels.name}
    assert facets[1].found_in(relevance.facet_keys(relevance.item_terms("US strikes another boat", "")))


def test_a_word_learned_lightly_does_not_widen_a_facet():
    marks = _marks("US strike on boat in Caribbean kills three", "Hegseth defends second boat strike",
                   "Survivors of boat strike rescued")
    assert relevance._shared_words(CARTELS, marks, {"boat": relevance.WIDEN_WEIGHT / 2}, set())[0] == set()
    assert relevance._shared_words(CARTELS, marks, {"boat": relevance.WIDEN_WEIGHT}, set())[0] == {"boat"}


def test_marks_that_have_the_facet_do_not_count_toward_widening_it():
    marks = _marks("Cartel boat seized by US", "US strikes drug boat", "Hegseth defends boat strike")
    assert relevance._shared_words(CARTELS, marks, {"boat": 1.0}, set()) == (set(), set())  # one mark lacks it


def test_a_report_like_one_marked_off_the_story_is_held_off_and_says_so(background):
    """Another outlet's take on an off-story event the user marked off (a marijuana order has
    every facet: Trump, an order, a drug) is held off too, with the mark in its reasons; a
    report that shares only common words with the marked one is left as it was."""
    marked = relevance.item_terms("Trump expected to sign executive order reclassifying marijuana, easing restrictions", "")
    bg = Counter(background[0])
    for word in ("executive", "marijuana", "reclassifying", "restriction", "easing", "expected", "sign"):
        bg[word] = 3  # rare in the stored articles, as they are in a month of top stories
    facets = [  # as seeds/story.toml has them: Trump is the US, an order is action, a drug the cartels' side
        relevance.declared_facet("the United States", ["US", "Pentagon", "Trump"]),
        relevance.declared_facet("action", ["military", "strike", "order"]),
        relevance.declared_facet("Mexico or the drug cartels", ["Mexico", "cartel", "drug"]),
    ]
    untaught = relevance.build_model(seed_counts(), bg, background[1], title=TITLE, facets=facets)
    taught = relevance.build_model(seed_counts(), bg, background[1], title=TITLE, facets=facets, off_in_order=[marked])
    like = relevance.item_terms("Trump signs executive order easing marijuana restrictions by reclassifying drug", "")
    other = relevance.item_terms("Pentagon weighs drone strikes on cartels inside Mexico",
                                 "Military planners drew up options for strikes on drug cartels, officials say.")
    assert relevance.score(untaught, like).score >= 0.5
    held = relevance.score(taught, like)
    assert held.score < 0.5
    note, = [reason for reason in held.reasons if reason.startswith("like a report marked off the story (")]
    assert set(note[len("like a report marked off the story ("):-1].split(", ")) <= marked & like  # the words they share
    assert relevance.score(taught, other).score == relevance.score(untaught, other).score


def test_the_latest_off_story_marks_are_the_ones_kept():
    marks = [frozenset({f"word{i}", "shared"}) for i in range(relevance.MARKS_KEPT + 5)]
    kept = relevance.marked_off(marks, {}, N=1000)
    assert len(kept.reports) == relevance.MARKS_KEPT
    assert "word%d" % (relevance.MARKS_KEPT + 4) in kept.reports[0].rarity  # the latest first
    assert "word0" not in kept.by_word  # the oldest went


def test_facets_shown_by_places_alone_are_not_the_story(model):
    """"US" shows the title's actor half and "Mexico" its target half, but a report naming only
    the two countries is their other news (trade, migration, water): the story needs one facet
    shown by what happens or whom it is done to."""
    talks = verdict(model, "US and Mexico resume talks in Washington", "Officials of the US and Mexico met again.")
    assert talks.score < 0.5
    assert "only places named, nothing on what happens" in talks.reasons
    strikes = verdict(model, "US weighs strikes in Mexico", "Officials of the US and Mexico met again.")
    assert "only places named, nothing on what happens" not in strikes.reasons
    assert strikes.raw > talks.raw


@pytest.mark.parametrize(
    "title",
    [
        "Drug prices fall as military pharmacies expand",  # "drug" in "drug prices"
        "Earthquake strikes cartel heartland",  # "strikes" in "earthquake strikes"
        "Magnitude 6.3 earthquake in cartel heartland strikes",  # "strike" beside "earthquake"
        "Drug makers strike deal on lower prices",  # "strike deal", "drug makers"
    ],
)
def test_a_title_s_facet_word_in_its_everyday_other_sense_is_no_evidence(model, title):
    """Facets read from the title know English's other senses of the story's words (a story
    file declares its own `unless`): only that facet word showed the facet here."""
    result = verdict(model, title)
    assert result.score < 0.5
    assert any(reason.startswith("nothing on") for reason in result.reasons)


def test_a_title_s_country_or_its_people_stand_for_every_name_the_country_goes_by():
    """"American military" in a title is the "US military" of the headlines; "Latin American" is
    not the United States."""
    actor, target = relevance.title_facets("American military against drug cartels in Mexico", seed_counts(), {})
    assert {"usa", "america", "american"} <= actor and "mexico" in target
    plural, _ = relevance.title_facets("Americans against drug cartels in Mexico", seed_counts(), {})
    assert "usa" in plural
    _, latin = relevance.title_facets("US military action against Latin American drug cartels", seed_counts(), {})
    assert "usa" not in latin
    model = relevance.build_model(seed_counts(), {}, 0, title="American military against drug cartels in Mexico")
    actor_facet = model.facets[0]
    assert actor_facet.found_in(relevance.facet_keys(relevance.item_terms("US strikes cartel camp")))
    assert not actor_facet.found_in(relevance.facet_keys(relevance.item_terms("Storms across Latin America")))


def test_a_word_one_mark_short_of_widening_a_facet_is_named_as_such():
    """Two marks lacking the cartel side share "boat": a third would make it the side's
    evidence, so the note can say so; words in one mark only are two short."""
    two = _marks("US strike on boat in Caribbean kills three", "Hegseth defends second boat strike")
    learned = {"boat": 1.0, "caribbean": 1.0, "hegseth": 1.0}
    assert relevance._shared_words(CARTELS, two, learned, set()) == (set(), {"boat"})
    # a third lacking it and using it widens; one that has the facet changes nothing
    three = two + _marks("Survivors of boat strike rescued")
    assert relevance._shared_words(CARTELS, three, learned, set()) == ({"boat"}, set())
    assert relevance._shared_words(CARTELS, two + _marks("Cartel boat seized"), learned, set()) == (set(), {"boat"})


def test_a_word_the_off_story_marks_use_as_much_widens_no_facet():
    """Marks on Hegseth's boat strikes lack the cartel side and share "hegseth" and "boat"; the
    same user marked Hegseth's other news off the story, so "hegseth" says nothing of the
    cartels (20 marks on dev-top2 let his testosterone screening through). One off-story report
    about a fishing boat does not take "boat" back."""
    on = [relevance.item_terms(t) for t in (
        "Hegseth defends boat strike", "Hegseth orders second boat strike", "Hegseth says boat strike was lawful",
        "Survivors of boat strike rescued", "Lawmakers view boat strike video", "Admiral briefs senators on boat strike")]
    learned = {"hegseth": 1.0, "boat": 1.0}
    _, alone, _ = relevance._taught_facets((CARTELS,), on, learned)
    assert alone == {"boat": CARTELS.name, "hegseth": CARTELS.name}
    off = [relevance.item_terms(t) for t in (
        "Hegseth orders testosterone screening", "Hegseth creates leak task force", "Watchdog faults Hegseth on Signal",
        "Hegseth fires spokesman")]  # in 4 of 4 off-story marks, 3 of the 6 on-story ones
    _, vetoed, _ = relevance._taught_facets((CARTELS,), on, learned, off)
    assert vetoed == {"boat": CARTELS.name}
    _, one_boat_off, _ = relevance._taught_facets((CARTELS,), on, learned, [relevance.item_terms("Venezuela seizes fishing boat")])
    assert one_boat_off == {"boat": CARTELS.name, "hegseth": CARTELS.name}


def test_a_word_the_marks_lacking_either_facet_share_widens_neither():
    """Made both sides' evidence, one word would show the whole story alone. Real on-story
    headlines of the week of Maduro's capture (bench/data/real_dev_week_jan5.jsonl): those
    lacking the cartel side and those lacking the US side both share "charge" and "maduro";
    with them as both sides' evidence, a story made with `new` put 153 reports on the story after
    twenty marks where it had put 12 ("Opposition leader Machado says she should be in charge
    of Venezuela"). "narco" and "terrorism", shared by the marks lacking the cartel side
    alone, still widen it."""
    us = relevance.declared_facet("US action", ["US", "Trump", "military"])
    cartels = relevance.declared_facet("the cartels", ["cartel", "drug"])
    on = [relevance.item_terms(t) for t in (
        "Trump: Colombia's President 'Likes Making Cocaine,' Won't 'Be Doing It Very Long'",
        "Trump Considers Attack Against Colombia, Accuses President of Producing Cocaine",
        "President Nicolas Maduro pleaded not guilty on Monday to charges of narco-terrorism",
        "Maduro to Be Arraigned in Federal Court on Narco-Terrorism Charges",
        "Maduro set to appear in US court to face narco-terrorism charges",
        "Nicolás Maduro to appear in New York court on drugs and weapons charges",
    )]
    learned = dict.fromkeys(("president", "cocaine", "charge", "maduro", "narco", "terrorism", "court"), 1.0)
    facets, widened, _ = relevance._taught_facets((us, cartels), on, learned)
    assert "charge" not in widened and "maduro" not in widened
    assert widened["narco"] == widened["terrorism"] == cartels.name
    assert not facets[1].found_in(relevance.facet_keys(relevance.item_terms("Machado says she should be in charge")))


def test_facets_read_from_the_title_go_by_its_halves_as_written(background):
    """The reasons and the notes name a facet the title gave: "nothing on Mexican drug cartels",
    where they said "nothing on drug/mexican" (its two heaviest words, stemmed)."""
    model = relevance.build_model(seed_counts(), *background, title=TITLE)
    assert [facet.name for facet in model.facets] == ["US military action", "Mexican drug cartels"]
    result = relevance.score(model, relevance.item_terms("Pentagon weighs military strikes on Iran"))
    assert "nothing on Mexican drug cartels" in result.reasons
    assert relevance.title_halves("U.S. tariffs on Chinese steel") == ("U.S. tariffs", "Chinese steel")
    assert relevance.title_halves("Against all odds") == () and relevance.title_halves("Cartel violence") == ()


HELD_WITHIN = [
    relevance.declared_facet("the United States", ["US", "American", "Hegseth"]),
    relevance.declared_facet("legal action", ["arrested", "seizes", "charges", "strike"]),
    relevance.declared_facet(
        "the drug cartels", ["drugs", "drug", "fentanyl", "cartel", "drug trafficking", "boat strike"],
        within=["Latin America and the Caribbean"],
    ),
]


@pytest.fixture(scope="module")
def held_within(background):
    return relevance.build_model(seed_counts(), *background, title=TITLE, facets=HELD_WITHIN)


def test_a_facet_held_within_a_region_is_not_shown_by_a_single_word_set_elsewhere(held_within):
    cartels = held_within.facets[2]
    assert not cartels.found_in(keys("American playwright arrested in Japan over drugs"))
    assert not cartels.found_in(keys("China seizes smuggled fentanyl on US tip"))
    assert not cartels.found_in(keys("Japanese police charge man over drugs"))  # a people names a country too
    # a place within, or no country at all, leaves the word its evidence
    assert cartels.found_in(keys("US seizes drugs bound for Japan from Colombia"))
    assert cartels.found_in(keys("Mexican and Chinese gangs charged over fentanyl"))
    assert cartels.found_in(keys("Hegseth orders strike on cartel"))
    assert cartels.found_in(keys("Strike on drug smugglers in the Caribbean", "Russia objects"))
    # a phrase still shows it, wherever it is set
    assert cartels.found_in(keys("UK halts intelligence sharing over boat strike"))
    assert cartels.found_in(keys("Spain arrests four over drug trafficking"))


def test_words_merely_all_there_show_nothing_set_elsewhere():
    """A "+" phrase is words that meet anywhere in the opening: "strike + boat" is the drug-boat
    campaign in the Caribbean, Iran's boats in the Gulf. Set elsewhere, only a "+" phrase with a
    part written side by side ("strike + drug boat") still shows the facet, and the reasons say
    where it was set."""
    cartels = relevance.declared_facet(
        "the drug cartels", ["drugs", "strike + boat", "strike + drug boat"], within=["Latin America and the Caribbean"],
    )
    assert not cartels.found_in(keys("US strikes Iranian fast boats in Strait of Hormuz"))
    assert cartels.found_in(keys("US strike on alleged drug boat near Iranian waters"))
    assert cartels.found_in(keys("US strikes boat off Venezuela"))  # a place within
    assert cartels.found_in(keys("Strike on boat kills three"))  # no country at all
    assert relevance._lacking(cartels, keys("US strikes Iranian fast boats")) == "nothing on the drug cartels (set in Iran)"


def test_phrases_only_within_show_nothing_set_elsewhere():
    """A drug case in Japan is told in the story's own phrases ("drug smuggling"): phrases
    declared `only_within` hold within the facet's places as its single words do, while the
    others ("boat strike") still show it wherever it is set."""
    cartels = relevance.declared_facet(
        "the drug cartels", ["drugs", "boat strike"], within=["Latin America and the Caribbean"],
        only_within=["drug smuggling"],
    )
    assert not cartels.found_in(keys("American playwright arrested in Japan on alleged drug smuggling"))
    assert cartels.found_in(keys("Colombian drug smuggling ring charged"))  # a place within
    assert cartels.found_in(keys("Drug smuggling suspects killed"))  # no country at all
    assert cartels.found_in(keys("UK halts intelligence sharing over boat strike"))
    assert relevance._lacking(cartels, keys("Man arrested in Japan on drug smuggling")) == (
        "nothing on the drug cartels (set in Japan)"
    )
    assert "drug smuggling" in cartels.words  # what the story looks for, as `stories` says it


def test_the_countries_the_other_facets_name_are_not_elsewhere(held_within):
    """A report of US action names the US: "American" must not set it outside the region."""
    cartels = held_within.facets[2]
    assert cartels.beside == ("United States",)
    assert cartels.found_in(keys("American forces seize drugs"))
    bare = relevance.declared_facet("cartels", ["drugs"], within=["Mexico"])  # on its own, the US is elsewhere
    assert not bare.found_in(keys("American forces seize drugs"))


def test_a_report_set_elsewhere_says_where(held_within):
    result = verdict(held_within, "US charges Chinese firms over fentanyl", "Prosecutors named four companies.")
    assert result.score < 0.5
    assert "nothing on the drug cartels (set in China)" in result.reasons
    quiet = verdict(held_within, "US charges Chinese firms over tariffs", "Prosecutors named four companies.")
    assert "nothing on the drug cartels" in quiet.reasons  # no word of the facet: nothing to say of China


def test_the_koreas_abbreviated_are_set_elsewhere(held_within):
    """ "S. Korea" left only "korea", a word that named no country, so a real headline of a drug
    case on a US base there (bench/data/real_dev_week_dec8.jsonl) was put on the story."""
    south = verdict(held_within, "U.S. civilian gets prison term for smuggling drugs into base in S. Korea", "")
    assert "nothing on the drug cartels (set in South Korea)" in south.reasons
    north = verdict(held_within, "U.S. charges smugglers of drugs into N. Korea", "")
    assert "nothing on the drug cartels (set in North Korea)" in north.reasons


def test_within_knows_countries_by_their_names_and_regions_by_theirs():
    assert regions.known_place("Latin America and the Caribbean")
    assert regions.known_place("canada") and regions.known_place("USA") and regions.known_place("Britain")
    assert not regions.known_place("Atlantis")
    inside, elsewhere = relevance.places_within(("Latin America and the Caribbean",))
    assert all(keys(word) <= inside for word in ["Caribbean", "Mexican", "Colombia", "Trinidad"])
    assert relevance.facet_keys(["latin american"]) <= inside
    assert [elsewhere.get(key) for key in sorted(keys("Japanese"))] == ["Japan"]
    found = {key: elsewhere.get(key) for key in keys("China Chinese Canadian Seoul South Korea")}
    assert set(found.values()) == {"China", "Canada", "South Korea", None}  # a city, and "south" alone: none
    with pytest.raises(ValueError, match="Atlantis"):
        relevance.places_within(("Atlantis",))


@pytest.mark.parametrize("word", ["republican", "democrat", "christian", "liberal", "western"])
def test_words_in_the_list_of_peoples_that_name_no_country_name_none(word):
    """They start like a country's name (Republic of the Congo, Christmas Island, Liberia)."""
    assert relevance._country_named(word) is None


def test_reasons_are_shown_as_the_report_writes_them():
    reasons = ["usa", "strike cartel", "nicola", "drug", "nothing on Mexico or the drug cartels (set in China)", "kingpin"]
    shown = relevance.as_written(
        reasons,
        "U.S. strikes on cartels kill 3 off Venezuela",
        'Nicolás Maduro called the "drug" war a pretext.',
    )
    assert shown == [
        "U.S.", "strikes on cartels", "Nicolás", "drug",
        "nothing on Mexico or the drug cartels (set in China)",  # a note stays as it is
        "kingpin",  # a term the texts do not hold stays too
    ]
    assert relevance.as_written(["cartel"], "Cartels, the army says.", "The cartel struck.") == ["Cartels"]  # headline first
    assert relevance.as_written([], "anything") == []
