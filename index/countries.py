"""Canonical country keys, so "UK", "United Kingdom" and the long form are one country."""

from __future__ import annotations

import re

# Short forms users type, and long forms the records use, mapped to one canonical name.
ALIASES: dict[str, str] = {
    "uk": "United Kingdom",
    "u.k.": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom of great britain and northern ireland": "United Kingdom",
    "us": "United States",
    "u.s.": "United States",
    "usa": "United States",
    "u.s.a.": "United States",
    "america": "United States",
    "washington": "United States",  # the capital stands for the government in debate
    "united states of america": "United States",
    "russia": "Russian Federation",
    "russian federation": "Russian Federation",
    "moscow": "Russian Federation",
    "china": "China",
    "people's republic of china": "China",
    "iran": "Iran",
    "iran (islamic republic of)": "Iran",
    "islamic republic of iran": "Iran",
    "syria": "Syria",
    "syrian arab republic": "Syria",
    "venezuela": "Venezuela",
    "venezuela (bolivarian republic of)": "Venezuela",
    "bolivia": "Bolivia",
    "bolivia (plurinational state of)": "Bolivia",
    "plurinational state of bolivia": "Bolivia",
    "south korea": "Republic of Korea",
    "korea": "Republic of Korea",
    "north korea": "Democratic People's Republic of Korea",
    "dprk": "Democratic People's Republic of Korea",
    "vietnam": "Viet Nam",
    "drc": "Democratic Republic of the Congo",
    "dr congo": "Democratic Republic of the Congo",
    "congo-kinshasa": "Democratic Republic of the Congo",
    "ivory coast": "Côte d'Ivoire",
    "cote d'ivoire": "Côte d'Ivoire",
    "tanzania": "United Republic of Tanzania",
    "moldova": "Republic of Moldova",
    "laos": "Lao People's Democratic Republic",
    "palestine": "State of Palestine",
    "turkey": "Türkiye",
    "turkiye": "Türkiye",
    "holland": "Netherlands",
    "the netherlands": "Netherlands",
    "kazakstan": "Kazakhstan",
    "un": "UN",
    "united nations": "UN",
    "eu": "European Union",
}

_SPACE = re.compile(r"\s+")


def country_key(name: str) -> str:
    """Canonical lower-case key of a country name or alias ("" for empty)."""
    clean = _SPACE.sub(" ", name.replace("’", "'")).strip().lower()
    clean = clean.removeprefix("the ")
    return ALIASES.get(clean, clean).lower() if clean else ""


def display_name(name: str) -> str:
    """Canonical display form of a country name or alias."""
    clean = _SPACE.sub(" ", name.replace("’", "'")).strip()
    return ALIASES.get(clean.lower().removeprefix("the "), clean)


def mentions(text: str, names: list[str]) -> list[str]:
    """The names (countries or aliases) that occur as whole words in `text`, case-insensitive."""
    low = text.lower()
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", low)]


def aliases_of(name: str) -> list[str]:
    """The short forms users type for a country ("United Kingdom of …" → uk, britain, …)."""
    key = country_key(name)
    return [a for a, full in ALIASES.items() if full.lower() == key and a != key] if key else []


# Adjectives users put before "delegation", "representative", "minister" … ("the French
# representative") and in questions about stances ("the Chinese position").
DEMONYMS: dict[str, str] = {
    "american": "United States",
    "british": "United Kingdom",
    "russian": "Russian Federation",
    "chinese": "China",
    "french": "France",
    "german": "Germany",
    "belgian": "Belgium",
    "estonian": "Estonia",
    "indonesian": "Indonesia",
    "vietnamese": "Viet Nam",
    "tunisian": "Tunisia",
    "nigerien": "Niger",
    "nigerian": "Nigeria",
    "south african": "South Africa",
    "dominican": "Dominican Republic",
    "kazakh": "Kazakhstan",
    "ukrainian": "Ukraine",
    "syrian": "Syria",
    "iraqi": "Iraq",
    "iranian": "Iran",
    "israeli": "Israel",
    "palestinian": "State of Palestine",
    "egyptian": "Egypt",
    "ethiopian": "Ethiopia",
    "sudanese": "Sudan",
    "afghan": "Afghanistan",
    "pakistani": "Pakistan",
    "indian": "India",
    "japanese": "Japan",
    "korean": "Republic of Korea",
    "mexican": "Mexico",
    "brazilian": "Brazil",
    "argentine": "Argentina",
    "chilean": "Chile",
    "colombian": "Colombia",
    "venezuelan": "Venezuela",
    "cuban": "Cuba",
    "peruvian": "Peru",
    "canadian": "Canada",
    "australian": "Australia",
    "italian": "Italy",
    "spanish": "Spain",
    "polish": "Poland",
    "lithuanian": "Lithuania",
    "latvian": "Latvia",
    "dutch": "Netherlands",
    "swedish": "Sweden",
    "norwegian": "Norway",
    "irish": "Ireland",
    "turkish": "Türkiye",
    "kuwaiti": "Kuwait",
    "saudi": "Saudi Arabia",
    "jordanian": "Jordan",
    "lebanese": "Lebanon",
    "libyan": "Libya",
    "moroccan": "Morocco",
    "algerian": "Algeria",
    "angolan": "Angola",
    "rwandan": "Rwanda",
    "kenyan": "Kenya",
    "somali": "Somalia",
    "malian": "Mali",
    "guinean": "Guinea",
    "vincentian": "Saint Vincent and the Grenadines",
    "emirati": "United Arab Emirates",
    "qatari": "Qatar",
    "yemeni": "Yemen",
    "georgian": "Georgia",
    "serbian": "Serbia",
    "bosnian": "Bosnia and Herzegovina",
    "croatian": "Croatia",
    "slovenian": "Slovenia",
    "albanian": "Albania",
    "luxembourgish": "Luxembourg",
    "swiss": "Switzerland",
    "malaysian": "Malaysia",
    "filipino": "Philippines",
    "thai": "Thailand",
    "new zealand": "New Zealand",
}


def demonym_country(word: str) -> str:
    """The country an adjective names ("French" → "France"); "" when it names none."""
    return DEMONYMS.get(word.strip().lower(), "")
