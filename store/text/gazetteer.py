"""The names the entity extractor knows before it reads a word: places, organisations and
first names. Loaded once, on first use, so importing the store stays cheap.

The generated lists (GeoNames places, census first names) live in `store.text.gazetteer_data`;
the hand-kept ones are here, one name a line with its other spellings, so a wrong entry is easy
to find and remove. The cue words around names are in `store.text.cue_words`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from storywatch.store.text.cue_words import DEMONYMS, STOP_WORDS


@lru_cache(maxsize=50_000)
def name_key(name: str) -> str:
    """The form names are compared in: case, accents, dots and apostrophe styles ignored,
    so "U.S." finds "US" and "Nuevo Leon" finds "Nuevo León"."""
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        name = name.replace("’", "'").replace("‘", "'")
    return " ".join(name.replace(".", "").replace("-", " ").lower().split())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


# Canonical name first, then the other ways the news writes it.
PLACE_ALIASES = _lines("""
United States|U.S.|US|U.S.A.|USA|United States of America|America
United Kingdom|U.K.|UK|Britain|Great Britain
Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa|Congo
Republic of the Congo|Congo-Brazzaville
Czechia|Czech Republic
Ivory Coast|Cote d'Ivoire
Myanmar|Burma
South Korea|S. Korea|S.Korea|Republic of Korea
North Korea|N. Korea|N.Korea|DPRK
Netherlands|The Netherlands|Holland
United Arab Emirates|UAE|U.A.E.|Emirates
Palestinian Territories|Palestinian Territory|Palestine
Timor-Leste|Timor Leste|East Timor
Turkey|Türkiye
Eswatini|Swaziland
Vatican|Vatican City|Holy See
Mexico City|CDMX|Ciudad de México
Washington|Washington, D.C.|Washington D.C.|D.C.
New York City|NYC|New York
Gaza|Gaza Strip
Kyiv|Kiev
Odesa|Odessa
Kharkiv|Kharkov
Ciudad Juárez|Juárez
Nuevo León|Nuevo Leon
Michoacán|Michoacan
Querétaro|Queretaro
Yucatán|Yucatan
San Luis Potosí|San Luis Potosi
State of Mexico|Estado de México|Edomex
""")

# Regions, seas, Mexican and other well-known first-level divisions that GeoNames' city list lacks.
MORE_PLACES = _lines("""
Africa
Asia
Europe
North America
South America
Central America
Latin America
Oceania
Antarctica
Arctic
Caribbean
Middle East
Near East
Far East
Western Hemisphere
Southeast Asia
South Asia
Central Asia
East Asia
Horn of Africa
Sahel
Balkans
Scandinavia
Baltics
Eastern Europe
Western Europe
Siberia
Mediterranean
Pacific
Atlantic
Indian Ocean
Pacific Ocean
Atlantic Ocean
Arctic Ocean
Red Sea
Black Sea
Baltic Sea
North Sea
Caspian Sea
South China Sea
East China Sea
Sea of Japan
Persian Gulf
Gulf of Mexico
Gulf of America
Gulf of California
Gulf of Aden
Strait of Hormuz
Taiwan Strait
Suez Canal
Panama Canal
Bosphorus
English Channel
Rio Grande
Amazon River
Mississippi River
Nile
Danube
Rhine
Yangtze
Euphrates
Tigris
Alps
Andes
Himalayas
Rockies
Sierra Madre
Sonoran Desert
Sahara
Golan Heights
West Bank
Crimea
Donbas
Donetsk
Luhansk
Zaporizhzhia
Kherson
Kursk
Kashmir
Punjab
Xinjiang
Tibet
Darfur
Tigray
Kurdistan
Catalonia
Basque Country
Scotland
Wales
England
Northern Ireland
Bavaria
Quebec
Ontario
Alberta
British Columbia
Manitoba
Saskatchewan
Nova Scotia
Sinaloa
Sonora
Chihuahua
Coahuila
Tamaulipas
Baja California
Baja California Sur
Durango
Zacatecas
Jalisco
Guerrero
Oaxaca
Chiapas
Tabasco
Veracruz
Puebla
Tlaxcala
Hidalgo
Guanajuato
Aguascalientes
Nayarit
Colima
Morelos
Quintana Roo
Campeche
Sumatra
Java
Borneo
Bali
Sicily
Sardinia
Corsica
Crete
Hawaii
Long Island
Manhattan
Brooklyn
Queens
Bronx
Staten Island
Silicon Valley
Capitol Hill
Wall Street
Downing Street
Tiananmen Square
Red Square
Times Square
Ground Zero
North Kivu
South Kivu
Gaza City
Rafah
Khan Younis
Tijuana
Culiacán
Ciudad Obregón
Matamoros
Reynosa
Nuevo Laredo
Nogales
El Paso
Laredo
Davos
Trinidad
""")

ORGS = _lines("""
United Nations|UN|U.N.
European Union|EU|E.U.
NATO|North Atlantic Treaty Organization
Organization of American States|OAS
African Union|AU
Arab League
World Health Organization|WHO
World Trade Organization|WTO
International Monetary Fund|IMF
World Bank
World Food Programme|WFP
UNICEF
UNHCR
UNESCO
International Criminal Court|ICC
International Court of Justice|ICJ
International Atomic Energy Agency|IAEA
OPEC
G7
G20
BRICS
Red Cross
Doctors Without Borders|MSF
Amnesty International
Human Rights Watch
Pentagon
White House
Parliament
Kremlin
Congress
Senate
House of Representatives
Supreme Court
Federal Reserve|Fed
State Department
Justice Department
Defense Department|Department of Defense|Defence Department
Department of Homeland Security|DHS
Federal Bureau of Investigation|FBI
Central Intelligence Agency|CIA
National Security Agency|NSA
Drug Enforcement Administration|DEA
Immigration and Customs Enforcement|ICE
Customs and Border Protection|CBP
Border Patrol
Coast Guard
Southern Command|SOUTHCOM|Southcom
Central Command|CENTCOM
Northern Command|NORTHCOM|Northcom
UN Security Council|Security Council|U.N. Security Council|United Nations Security Council
National Guard
Marine Corps
Navy
Army
Air Force
NASA
Treasury
Congressional Budget Office|CBO
Securities and Exchange Commission|SEC
Food and Drug Administration|FDA
Centers for Disease Control and Prevention|CDC
European Commission
European Central Bank|ECB
European Parliament
Bank of England
Bank of Japan
People's Bank of China
Downing Street
Bundestag
Duma
Knesset
Politburo
Hamas
Hezbollah
Taliban
Houthis
Islamic State|ISIS|ISIL
Al Qaeda|al-Qaeda|al Qaeda
Wagner Group|Wagner
Sinaloa Cartel|Sinaloa cartel
Jalisco New Generation Cartel|CJNG|Jalisco cartel
Gulf Cartel|Gulf cartel
Los Zetas|Zetas
Juárez Cartel
Beltrán-Leyva Organization|Beltrán-Leyva
La Familia Michoacana
Cártel del Noreste|Northeast Cartel
Chapitos|Los Chapitos
Tren de Aragua
MS-13|Mara Salvatrucha
Cartel de los Soles|Cartel of the Suns
Clan del Golfo|Gulf Clan
Los Choneros
Los Lobos
Barrio 18
Morena
Pemex
Blue House
Sedena
Reuters
Associated Press|AP
Agence France-Presse|AFP
Bloomberg
BBC
CNN
CNBC
NBC News|NBC
ABC News|ABC
CBS News|CBS
Fox News
MSNBC
NPR
PBS
Al Jazeera
Xinhua
TASS
New York Times|NYT
Washington Post
Wall Street Journal|WSJ
Financial Times|FT
The Economist|Economist
Politico
Axios
Google|Alphabet
Apple
Microsoft
Amazon
Meta|Facebook
Instagram
WhatsApp
Twitter
TikTok
YouTube
Truth Social
ByteDance
Tesla
SpaceX
OpenAI
Anthropic
Nvidia
Intel
IBM
Oracle
Samsung
Sony
Toyota
Honda
Nissan
Hyundai
Volkswagen
BMW
Mercedes-Benz
Ford
General Motors|GM
Stellantis
Boeing
Airbus
Lockheed Martin
Raytheon
Walmart
Costco
Target
Netflix
Disney
Uber
JPMorgan|JPMorgan Chase
Goldman Sachs
Morgan Stanley
Citigroup|Citi
Bank of America
Wells Fargo
HSBC
Barclays
BlackRock
Shell
BP
Exxon|ExxonMobil|Exxon Mobil
Chevron
Saudi Aramco|Aramco
Gazprom
Rosneft
Huawei
Alibaba
Tencent
Baidu
TSMC
Foxconn
Spotify
Pfizer
Moderna
Johnson & Johnson
Moody's
S&P Global|S&P
Fitch
Visa
Mastercard
McDonald's
Starbucks
Coca-Cola
PepsiCo
Nestle|Nestlé
Unilever
Labour|Labour Party
Conservative Party|Conservatives|Tories
Democratic Party|Democrats
Republican Party|Republicans|GOP
""")



@dataclass(frozen=True)
class Gazetteer:
    known: dict[str, tuple[str, str]]  # name_key -> (label, canonical name)
    first_names: frozenset[str]  # name_key of common first names
    longest: int  # most words in any known name
    towns: frozenset[str] = frozenset()  # name_key of places known only as a city, not a country or state ("rodriguez")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Build the lookup tables once; the generated module is imported only now."""
    from storywatch.store.text import gazetteer_data as data

    known: dict[str, tuple[str, str]] = {}

    def add(label: str, names: list[str]) -> None:
        canonical = names[0]
        for name in names:
            known.setdefault(name_key(name), (label, canonical))

    for line in PLACE_ALIASES:
        add("LOC", line.split("|"))
    for line in ORGS:
        add("ORG", line.split("|"))
    for text in (data.COUNTRIES, data.US_STATES, "\n".join(MORE_PLACES)):
        for name in text.splitlines():
            add("LOC", [name])
    before_cities = set(known)
    for name in data.CITIES.splitlines():
        add("LOC", [name])
    towns = frozenset(key for key in known.keys() - before_cities if " " not in key)
    # Homographs of everyday words, demonyms and first names are not places on their own.
    for word in STOP_WORDS | DEMONYMS:
        known.pop(name_key(word), None)
    first = frozenset(name_key(n) for n in data.FIRST_NAMES.splitlines()) - _NOT_FIRST_NAMES
    longest = max(len(key.split()) for key in known)
    return Gazetteer(known, first, longest, towns & known.keys())


# Census first names that are everyday words or titles far more often than names in the news.
_NOT_FIRST_NAMES = frozenset(
    name_key(w)
    for w in """Will May June April August General Major King Prince Royal Sterling Young Long
    Grace Hope Christian Justice Bishop Chance Star Sky Ocean River Marina Angel Paris London
    Georgia Virginia Carolina Dakota Florida India China Asia Africa America Israel Jordan Chad
    Sydney Victoria Florence Adelaide Austin Houston Dallas Denver Phoenix Madison Washington
    Lincoln Jackson Kennedy Clinton Carter Camp Court Noble Price Stone Wood Rock Lane Page Cash
    Storm Rain Faith Mercy Love Honor Ivory Pearl Summer Sunday Minister President Judge Senator
    Governor Officer Del Rosa Santa San Golden Silver Crystal Delta Sierra Alpha Omega""".split()
)
