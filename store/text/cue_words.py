"""The cue words the entity extractor reads around a capitalised run: the heads that make it
an organisation or a place, the titles before a person, the everyday words that are no name.

Hand-kept, each a plain set of words so a wrong entry is easy to find and remove.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

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
Presidents Ministers Senators Governors Ambassadors Leaders
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
# ("Read", "Share"), weekdays, months and holidays, and headline words.
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
Christmas Easter Thanksgiving Halloween Ramadan Hanukkah Diwali Passover Advent Lent
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
# Words around a name that say people meet: "Putin met Xi", "talks with Sheinbaum". A firm or a
# government meets too, so they only guess; a name read firmly elsewhere in the text wins.
MET_WORDS = _words("met meets hosted hosts visited")
WITH_WORDS = _words("met meets meeting talks talked spoke speaks phoned")
