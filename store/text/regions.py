"""The countries of a region, as the UN's M49 standard groups them, and the words that name the
region itself: what a story file's `within` can name besides single countries."""

from __future__ import annotations

# Latin America and the Caribbean (M49 419): the Caribbean, Central America and South America,
# with the names the gazetteer's country list (gazetteer_data.COUNTRIES) spells them by.
LATIN_AMERICA_AND_THE_CARIBBEAN = (
    # the Caribbean
    "Anguilla", "Antigua and Barbuda", "Aruba", "Bahamas", "Barbados", "Bonaire, Saint Eustatius and Saba",
    "British Virgin Islands", "Cayman Islands", "Cuba", "Curacao", "Dominica", "Dominican Republic",
    "Grenada", "Guadeloupe", "Haiti", "Jamaica", "Martinique", "Montserrat", "Netherlands Antilles",
    "Puerto Rico", "Saint Barthelemy", "Saint Kitts and Nevis", "Saint Lucia", "Saint Martin",
    "Saint Vincent and the Grenadines", "Sint Maarten", "Trinidad and Tobago", "Turks and Caicos Islands",
    "U.S. Virgin Islands",
    # Central America
    "Belize", "Costa Rica", "El Salvador", "Guatemala", "Honduras", "Mexico", "Nicaragua", "Panama",
    # South America
    "Argentina", "Bolivia", "Bouvet Island", "Brazil", "Chile", "Colombia", "Ecuador", "Falkland Islands",
    "French Guiana", "Guyana", "Paraguay", "Peru", "South Georgia and the South Sandwich Islands",
    "Suriname", "Uruguay", "Venezuela",
)

REGIONS: dict[str, tuple[str, ...]] = {
    "Latin America and the Caribbean": LATIN_AMERICA_AND_THE_CARIBBEAN,
}

# What the news calls the region or a part of it ("a Latin American cartel", "in the Caribbean").
REGION_NAMES: dict[str, tuple[str, ...]] = {
    "Latin America and the Caribbean": (
        "Latin America", "Latin American", "Caribbean", "Central America", "Central American",
        "South America", "South American",
    ),
}


def known_place(name: str) -> bool:
    """Whether a facet's `within` can name it: a country by its English name or another the
    gazetteer knows ("USA", "Britain"), or a region of `REGIONS`, in any case. Cheap enough to
    check a story file with: the relevance engine is not loaded for it."""
    return region_called(name) is not None or country_called(name) is not None


def region_called(name: str) -> str | None:
    """The region of `REGIONS` a name is, in any case."""
    wanted = name.strip().casefold()
    return next((region for region in REGIONS if region.casefold() == wanted), None)


def country_called(name: str) -> str | None:
    """The country (as the gazetteer's country list spells it) a name is, in any case."""
    from storywatch.store.text import gazetteer_data
    from storywatch.store.text.gazetteer import PLACE_ALIASES

    wanted = name.strip().casefold()
    countries = gazetteer_data.COUNTRIES.splitlines()
    found = next((country for country in countries if country.casefold() == wanted), None)
    if found is None:
        names = next((line.split("|") for line in PLACE_ALIASES if wanted in line.casefold().split("|")), None)
        found = names[0] if names and names[0] in countries else None
    return found
