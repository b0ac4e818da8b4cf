"""One name per delegation: the record's spelling ("United Kingdom Of Great Britain And
Northern Ireland", "El] Salvador", "spoke in French") resolved to the name users read
("United Kingdom"), its kind, and whether a parsing slip was repaired or is flagged."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import get_close_matches
from functools import lru_cache

from index.delegation_table import DEMONYMS, MEMBER_STATES, OTHERS, VARIANTS
from index.types import Statement

__all__ = ["ALIASES", "DEMONYMS", "KINDS", "Resolved", "country_key", "display_name", "resolve"]

# Short forms users type, and long forms the records use, mapped to one name. These also
# expand lexical queries ("UK" → "United Kingdom"), so they stay the words statements use.
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

KINDS: dict[str, str] = {
    "member_state": "Member State",
    "observer": "Observer",
    "un": "UN official or body",
    "organisation": "Regional or intergovernmental organisation",
    "group": "Group of States",
    "ngo": "NGO or briefer",
    "individual": "Individual",
    "other": "Other",
}
KNOWN = ("exact", "variant", "repaired")  # statuses that name a delegation of the table


@dataclass(frozen=True)
class Resolved:
    """What a spelling names: the delegation, its kind, and how the spelling was read."""

    name: str  # the name users read; "" when the spelling names no delegation
    kind: str  # a key of KINDS
    status: str  # exact | variant | repaired | unlisted | flagged | empty
    how: str = ""  # what was repaired ("capitalisation", "stray characters", ...)

    @property
    def key(self) -> str:
        """The delegation's filter key (stable: the key indexes have always stored)."""
        return _legacy_key(self.name) if self.name else ""


_SPACE = re.compile(r"\s+")
_NAMES = {n.lower(): n for n in (*MEMBER_STATES, *OTHERS)}
_MEMBERS = frozenset(MEMBER_STATES)
_TITLE_SLIP = re.compile(r"\b(?:Of|And|The|For|On|Du|De)\b")
_JUNK = re.compile(r"[\[\]{}|<>*_\d]")
_FORMAL = re.compile(
    r"^(?:the\s+)?(?:(?:federal|socialist|islamic|democratic|people's|united|arab|"
    r"bolivarian|kyrgyz)\s+)*(?:republic|kingdom|state|principality|sultanate|federation|"
    r"commonwealth|grand duchy)\s+of\s+(?:the\s+)?(.+)$"
)
_LANGUAGE = re.compile(r"^spoke in\b|^interpretation\b|^\(?spoke\b")
_CAPACITY = re.compile(
    r"in (?:my|its|his|her) (?:national )?capacity as (?:the )?representative of (?:the )?"
    r"([A-Z][\w'’ -]{2,60}?)[.,;:]"
)


def _clean(name: str) -> str:
    return _SPACE.sub(" ", name.replace("’", "'")).strip().strip(".,;:")


def _lookup(low: str) -> str:
    """The table's name for a lower-case spelling, "" when it has none."""
    if low in _NAMES:
        return _NAMES[low]
    if low in VARIANTS:
        return VARIANTS[low]
    alias = ALIASES.get(low, "").lower()
    return _NAMES.get(alias) or VARIANTS.get(alias, "")


def _kind(name: str) -> str:
    return "member_state" if name in _MEMBERS else OTHERS.get(name, "ngo")


@lru_cache(maxsize=4096)
def resolve(raw: str) -> Resolved:
    """The delegation a record's spelling (or a user's) names, and how it was read."""
    clean = _clean(raw)
    if not clean:
        return Resolved("", "other", "empty")
    low = clean.lower()
    if name := _lookup(low):
        if clean == name:
            return Resolved(name, _kind(name), "exact")
        rest = clean.split(" ", 1)[-1]  # "The former Yugoslav …" starts with a capital
        slip = _TITLE_SLIP.search(rest) and not _TITLE_SLIP.search(name)
        status, how = ("repaired", "capitalisation") if slip else ("variant", "other name")
        return Resolved(name, _kind(name), status, how)
    if _LANGUAGE.match(low):
        return Resolved("", "other", "flagged", "a language note, not a delegation")
    for fixed, how in _repairs(clean):
        if name := _lookup(fixed.lower()):
            return Resolved(name, _kind(name), "repaired", how)
    if (m := _FORMAL.match(low)) and (name := _lookup(m.group(1))) and name in _MEMBERS:
        return Resolved(name, "member_state", "variant", "formal name")
    if name := _close(low):
        return Resolved(name, _kind(name), "repaired", "spelling")
    if _JUNK.search(clean) or clean[0].islower():
        return Resolved("", "other", "flagged", "not a name")
    return Resolved(clean, "ngo", "unlisted")


def _repairs(clean: str) -> list[tuple[str, str]]:
    """Spellings a parsing slip may have produced, each with what it repairs."""
    out = []
    if clean.lower().startswith("the "):
        out.append((clean[4:], "leading 'the'"))
    stripped = _SPACE.sub(" ", re.sub(r"[\[\]{}|<>*_]", "", clean)).strip()
    if stripped != clean:
        out.append((stripped, "stray characters"))
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", clean)
    if spaced != clean:
        out.append((spaced, "missing space"))
    return out


def _close(low: str) -> str:
    """A table name one or two letters away ("Kyrgyztan" → "Kyrgyzstan"), "" when none."""
    found = get_close_matches(low, list(_NAMES), n=1, cutoff=0.9)
    if found and found[0][0] == low[0] and abs(len(found[0]) - len(low)) <= 2:
        return _NAMES[found[0]]
    return ""


def resolve_record(raw: str, header: str = "", text: str = "") -> Resolved:
    """Like `resolve`, and a flagged spelling repaired from the speaker line ("Mr. Michon
    (spoke in French) (France)") or the opening words ("in my capacity as the representative
    of Switzerland") when they name a delegation."""
    found = resolve(raw)
    if found.status != "flagged":
        return found
    for part in reversed(re.findall(r"\(([^()]+)\)", header)):
        r = resolve(part)
        if r.status in KNOWN:
            return replace(r, status="repaired", how="from the speaker line")
    if m := _CAPACITY.search(text[:600]):
        r = resolve(m.group(1))
        if r.status in KNOWN:
            return replace(r, status="repaired", how="from the statement's words")
    return found


def canonical_statement(st: Statement) -> Statement:
    """The statement with the delegation's name, the record's spelling kept in `country_raw`."""
    r = resolve_record(st.country, st.extra.get("speaker_header", ""), st.text)
    if not r.name or r.name == st.country:
        return st
    return replace(st, country=r.name, country_raw=st.country_raw or st.country)


def _legacy_key(name: str) -> str:
    """The key country_key gave this name before names were resolved (indexes store it)."""
    low = _clean(name).lower().removeprefix("the ")
    return ALIASES.get(low, low).lower()


def country_key(name: str) -> str:
    """Filter key of a delegation name, alias or record spelling ("" for empty)."""
    r = resolve(name)
    return r.key if r.status in KNOWN else _legacy_key(name)


def display_name(name: str) -> str:
    """The name users read for a delegation, alias or record spelling."""
    r = resolve(name)
    return r.name if r.status in KNOWN else _clean(name)


def kind_of(name: str) -> str:
    """The kind (a key of KINDS) of a delegation name or spelling."""
    return resolve(name).kind


def mentions(text: str, names: list[str]) -> list[str]:
    """The names (countries or aliases) that occur as whole words in `text`, case-insensitive."""
    low = text.lower()
    return [n for n in names if re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", low)]


def aliases_of(name: str) -> list[str]:
    """The short forms users type for a country ("United Kingdom of …" → uk, britain, …)."""
    key = country_key(name)
    return (
        [a for a, full in ALIASES.items() if country_key(full) == key and a != key] if key else []
    )


def spellings_of(name: str) -> list[str]:
    """Every lower-case spelling the tables know for a delegation (for matching questions)."""
    target = display_name(name)
    out = {target.lower()} | {v for v, n in VARIANTS.items() if n == target}
    out |= {a for a, full in ALIASES.items() if display_name(full) == target}
    return sorted(out)


def demonym_country(word: str) -> str:
    """The country an adjective names ("French" → "France"); "" when it names none."""
    return DEMONYMS.get(word.strip().lower(), "")
