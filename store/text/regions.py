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
