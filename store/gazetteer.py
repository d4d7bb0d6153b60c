"""What the entity extractor knows before it reads a word: places, organisations, first names,
titles and cue words. Loaded once, on first use, so importing the store stays cheap.

The generated lists (GeoNames places, census first names) live in `store.gazetteer_data`; the
hand-kept ones are here, each a plain set of words so a wrong entry is easy to find and remove.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@lru_cache(maxsize=50_000)
def name_key(name: str) -> str:
    """The form names are compared in: case, accents, dots and apostrophe styles ignored,
    so "U.S." finds "US" and "Nuevo Leon" finds "Nuevo León"."""
    if not name.isascii():
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        name = name.replace("’", "'").replace("‘", "'")
    return " ".join(name.replace(".", "").replace("-", " ").lower().split())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
MS-13
Morena
Pemex
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

# Words that make a capitalised run an organisation when they end it ("Sinaloa Cartel").
ORG_HEADS = _words("""
Ministry Department Party Cartel Inc Corp Co Ltd LLC Plc PLC AG SA NV GmbH Group Bank
University Council Agency Commission Committee Court Army Navy Police Guard Forces Force Corps
Union Association Institute Foundation Times Post Journal News Press Network Airlines Airways
Motors Company Bureau Office Service Services Administration Congress Senate Parliament Assembly
Cabinet Federation Club Church Brigade Brigades Battalion Front Movement Alliance
Coalition Organization Organisation Fund Programme Reserve Survey Energy Electric
Holdings Partners Capital Technologies Technology Systems Pharmaceuticals Industries
Communications Media Studios Records Magazine Herald Tribune Gazette Telegraph Review Daily
Devices Semiconductor Semiconductors Software Robotics Dynamics Aerospace Petroleum Oil Gas
Mining Steel Foods Brands Stores Markets Resources Chemicals Logistics Motors Bancorp Airline
Gang Mafia Clan Authority Board Tribunal Secretariat Directorate Command Centre Center Hospital
School College Academy Museum Society Trust Institution Laboratory Laboratories Labs
Observatory Chamber Exchange Patrol Marines Railways Government Commissioners Caucus Financial Insurance Motor Group Worldwide International Entertainment
Ministries Agencies Enterprises Solutions Pictures Broadcasting Radio Television Channel
Journalists Workers Unions Council Cooperative Bloc Regiment Division Fleet Squadron Unit
""")

# First words that take an "of" and make an organisation ("Bank of Japan").
ORG_STARTS = _words("""
Ministry Department Bank University Bureau Office Organization Organisation Court Council
Institute Church Federation League Association Commission Committee Board Government House
Party Museum School College Academy Embassy Union Secretariat Order Society Fund Agency
Administration Chamber Center Centre Coalition Alliance Front Movement Federal National Royal
Consulate Archdiocese Diocese Division Command Hospital Foundation Secretary
""")

# Words that end a place's name ("Three Mile Island", "San Fernando Valley").
LOC_HEADS = _words("""
River Mountains Mountain Sea Ocean Island Islands Valley Province County Gulf Bay Lake Desert
Peninsula Strait Straits Canal Coast Street Avenue Square Stadium Airport Bridge Palace Crossing
Hills Region Territory Territories Oblast Basin Plateau Highway Boulevard Plaza Park Arena
Harbor Harbour Port Heights Falls Beach Creek Canyon Reef Volcano Prefecture District Municipality
Governorate Border Corridor Cathedral Tower Temple Mosque Station Parish Township Borough
""")

# First words of place names that take an "of" ("Gulf of Mexico", "Isle of Man").
LOC_STARTS = _words("""
Gulf Bay Sea Isle Strait Straits Cape Lake Mount Port Republic Kingdom State City Province
Valley Coast Sultanate Emirate Principality Islands Island Lake Mouth Bight Gulf Sierra
""")

# Title heads: a name after one of these is a person ("President Claudia Sheinbaum").
TITLE_HEADS = _words("""
President President-elect Vice-President Premier Minister Secretary Secretary-General
Director-General Gen. General Lt. Lieutenant Col. Colonel Maj. Major Capt. Captain Sgt. Sergeant
Adm. Admiral Cmdr. Commander Gov. Governor Sen. Senator Rep. Representative Congressman
Congresswoman Mayor Judge Justice Ambassador Chancellor King Queen Prince Princess Pope Mr. Mrs.
Ms. Dr. Prof. Professor Rev. Reverend Sheikh Emir Sultan Chairman Chairwoman Chair CEO Speaker
Leader Attorney Prosecutor Commissioner Director Sir Dame Lord Lady Coach Pastor Father Cardinal
Archbishop Bishop Rabbi Imam Ayatollah Officer Spokesman Spokeswoman Spokesperson Envoy Czar
Tsar Marshal Superintendent Sheriff Inspector Detective Agent Trooper Chief Dictator Ruler
Mr Mrs Ms Dr Gen Gov Sen Rep Lt Col Capt Sgt Adm Prof Rev St. Officer Magistrate Deputy
Strongman Activist Candidate Undersecretary Under-Secretary Consul Attaché Regent Duke Duchess
Earl Baron Baroness Monsignor Brother Sister Mother Rapporteur Ombudsman
""")

# Words that stand in a title block before its head ("Defense Secretary", "Prime Minister").
TITLE_MODIFIERS = _words("""
Vice Prime Deputy Acting Former Foreign Defense Defence Interior Finance Security Homeland
Economy Economic Trade Health Justice Treasury Energy Education Agriculture Labor Labour
Commerce Transport Transportation Public Supreme Chief Executive Senior Assistant Associate
Principal First Second Special Presidential Interim Opposition Army Navy Air Marine Police Border
Foreign Affairs State National Regional Federal General Attorney Economy Environment Culture
Tourism Housing Immigration Migration Development Industry Information Digital Science
Technology Communications Welfare Social Sports Youth Women's Veterans War Intelligence Armed
Exterior Relations Government Crown Grand Lead Top Head Managing Operating Financial Technology
Lieutenant Staff Joint Mexican American Defence Citizens Human Rights Climate Water Infrastructure
""")

# Lower-case words before a name that say it is a person ("chief executive Jensen Huang").
PERSON_CUES = _words("""
president minister secretary executive officer chairman chairwoman chair spokesman spokeswoman
spokesperson leader envoy ambassador senator governor mayor judge director coach manager striker
quarterback golfer businessman businesswoman actor actress singer author writer lawyer attorney
prosecutor sheriff commander general colonel captain rapper economist analyst professor
researcher scientist candidate founder co-founder cofounder boss pope king queen prince
princess defender midfielder forward goalkeeper pitcher player star champion cardinal bishop
rabbi imam banker lawmaker congressman congresswoman legislator activist journalist reporter
correspondent columnist editor photographer filmmaker director producer musician guitarist
drummer pianist composer poet novelist artist designer chef entrepreneur billionaire millionaire
investor trader financier tycoon magnate mogul ceo cfo coo cto chancellor premier president-elect
strongman dictator general lieutenant sergeant admiral marshal physicist chemist biologist
historian philosopher nominee appointee deputy aide adviser advisor counselor counsellor
negotiator mediator detective inspector superintendent warden trooper agent kingpin boss
capo lord drug-lord druglord trafficker smuggler gunman suspect defendant plaintiff victim
widow widower son daughter wife husband brother sister father mother uncle aunt cousin
grandson granddaughter nephew niece mr mrs ms dr
""")

# Lower-case words before a single unknown word that say it is a place ("the town of Celaya").
PLACE_CUES = _words("""
in near outside across throughout around town city village state province region port
municipality capital district county island neighborhood neighbourhood suburb
""")

# Nationalities and the like: never an entity in themselves ("Mexican President ...").
DEMONYMS = _words("""
American Americans Mexican Mexicans Canadian Canadians Chinese Russian Russians Ukrainian
Ukrainians British Briton Britons English Scottish Welsh Irish French German Germans Italian
Italians Spanish Spaniard Portuguese Dutch Belgian Swiss Austrian Swedish Swede Norwegian Danish
Finnish Polish Pole Czech Slovak Hungarian Romanian Bulgarian Greek Turkish Turk Turks Serbian
Serb Serbs Croatian Croat Bosnian Albanian Israeli Israelis Palestinian Palestinians Lebanese
Syrian Syrians Iraqi Iraqis Iranian Iranians Afghan Afghans Pakistani Pakistanis Indian Indians
Bangladeshi Sri Lankan Nepali Japanese Korean Koreans Taiwanese Vietnamese Thai Filipino
Filipinos Indonesian Indonesians Malaysian Singaporean Australian Australians Zealander
Egyptian Egyptians Libyan Tunisian Algerian Moroccan Sudanese Ethiopian Ethiopians Somali
Somalis Kenyan Kenyans Ugandan Nigerian Nigerians Ghanaian Senegalese Malian Congolese
Rwandan Angolan Zimbabwean Zambian Mozambican Namibian Saudi Saudis Emirati Qatari Kuwaiti
Yemeni Omani Bahraini Jordanian Brazilian Brazilians Argentine Argentinian Argentines Chilean
Chileans Peruvian Peruvians Colombian Colombians Venezuelan Venezuelans Ecuadorian Bolivian
Paraguayan Uruguayan Cuban Cubans Haitian Haitians Dominican Guatemalan Guatemalans Honduran
Hondurans Salvadoran Salvadorans Nicaraguan Costa Rican Panamanian Jamaican Puerto Rican
Latino Latinos Latina Hispanic Hispanics European Europeans African Africans Asian Asians
Arab Arabs Western Eastern Northern Southern Soviet Kurdish Kurd Kurds Persian Muslim Muslims
Christian Christians Jewish Jew Jews Catholic Catholics Protestant Evangelical Hindu Sikh
Buddhist Sunni Shia Shiite Democrat Republican Conservative Liberal Socialist Communist
Americas Texan Texans Californian Sinaloan Belarusian Georgian Armenian Azerbaijani Kazakh
Uzbek Chechen Tajik Mongolian Tibetan Uighur Uyghur Rohingya Cambodian Laotian Burmese
Latin-American Latin Transatlantic Pan-American Inter-American Anglo Franco Sino Indo
""")

# Capitalised words that are never a name or part of one: sentence openers, page furniture
# ("Read", "Share"), weekdays and months, and headline words.
STOP_WORDS = _words("""
A An The This That These Those It Its It's I We You He She They Our Their His Her My Your
In On At By For From With Without Within Into Onto Of Off Over Under About Above Below After
Before Since Until During Through Throughout Across Against Among Between Beyond Near
And But Or Nor So Yet If When While Where Whether Why What Which Who Whom Whose How Although
Though Because Unless As Once Then There Here Now Still Also Even Just Only Not No Yes
Some Any All Each Every Both Either Neither Many Much More Most Few Several Such Other Another
Read Share Tweet Email Print Subscribe Sign Log Login Click Follow Like Comment Comments
Advertisement Sponsored Related Latest Breaking Live Update Updated Updates Watch Listen Video
Photo Photos Image Images Credit Credits Source Sources Copyright Reporting Editing Writing
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
Today Tomorrow Yesterday Tonight Morning Evening Week Month Year
Key Takeaways Background Context Broader Impact Next Looking Ahead Analysis Opinion Editorial
Featured Exclusive Explainer Factbox Timeline Highlights Summary Overview Conclusion
Imagine Remember Consider Considering Instead Meanwhile However Moreover Furthermore Additionally
Ultimately Historically Previously Currently Recently Finally Naturally Indeed Perhaps Maybe
Officials Experts Critics Analysts Sources Supporters Leaders Authorities Police Troops Many
Prosecutors Investigators Residents Witnesses Lawmakers Diplomats Observers Researchers Scientists
Doctors Protesters Demonstrators Soldiers Officers Agents Workers Voters Parents Teachers Students
Families Survivors Rescuers Firefighters Economists Traders Investors Executives Shares Prices
Markets Stocks Gunmen Migrants Marines Scientists Negotiators Mediators Militants Rebels Insurgents
Short-term Mid-term Long-term Aim Plans Deployment Training Diplomacy Yet Still Optimists
Mr Mrs Ms Dr Sir Madam
Is Are Was Were Be Been Being Has Have Had Do Does Did Will Would Shall Should Can Could May
Might Must Let Lets Get Got Make Made Take Took Say Says Said See Seen Go Goes Went
Big Small Top High Low First Last Second Third Next Former Early Late Over Olympic Paralympic
Mission Operation Drug Drugs War Military Army Border Cartel Cartels Government Administration
President Minister Secretary
OK Okay Oh Hey Hello Thanks Thank Please Sorry
CEO CFO COO CTO GDP AI TV PM AM EST GMT UTC COVID COVID-19 OK ID DNA HIV AIDS LGBT LGBTQ
PDF USD EUR MXN FAQ RSS URL HTML API FY Q1 Q2 Q3 Q4 NB PS Jr Sr II III IV
""")

# Lower-case words before a name that say it is an organisation ("the journal Nature Medicine").
ORG_CUES = _words("""
journal newspaper magazine company firm group agency bank network broadcaster website carmaker
chipmaker retailer lender airline insurer automaker party gang cartel club team outlet daily
publisher startup start-up operator giant conglomerate manufacturer maker studio label charity
organization organisation watchdog regulator developer supplier exporter importer producer
brewer miner refiner utility fund insurer broker exchange outfit faction militia
""")

# Lower-case words after a single name that say it is a person ("the Biden administration").
PERSON_AFTER = _words("administration presidency campaign")

# Last words that make a run an event, law, prize or product: not an entity here.
MISC_HEADS = _words("""
Bowl Cup Championship Championships Olympics Games Open League Amendment Act Bill Treaty Accord
Accords Agreement Convention Protocol Doctrine Plan Telescope Store Award Awards Prize Festival
Day Week War Summit Conference Expo Fair Marathon Grand Prix Series Tour Trophy Medal
""")

# Words that follow a name and say it is a person ("Sheinbaum said").
SAID_WORDS = _words("said says told added wrote asked argued insisted warned stated noted")


@dataclass(frozen=True)
class Gazetteer:
    known: dict[str, tuple[str, str]]  # name_key -> (label, canonical name)
    first_names: frozenset[str]  # name_key of common first names
    longest: int  # most words in any known name


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Build the lookup tables once; the generated module is imported only now."""
    from store import gazetteer_data as data

    known: dict[str, tuple[str, str]] = {}

    def add(label: str, names: list[str]) -> None:
        canonical = names[0]
        for name in names:
            known.setdefault(name_key(name), (label, canonical))

    for line in PLACE_ALIASES:
        add("LOC", line.split("|"))
    for line in ORGS:
        add("ORG", line.split("|"))
    for text in (data.COUNTRIES, data.US_STATES, "\n".join(MORE_PLACES), data.CITIES):
        for name in text.splitlines():
            add("LOC", [name])
    # Homographs of everyday words, demonyms and first names are not places on their own.
    for word in STOP_WORDS | DEMONYMS:
        known.pop(name_key(word), None)
    first = frozenset(name_key(n) for n in data.FIRST_NAMES.splitlines()) - _NOT_FIRST_NAMES
    longest = max(len(key.split()) for key in known)
    return Gazetteer(known, first, longest)


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
