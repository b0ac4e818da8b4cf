"""Names a question uses, looked for in the evidence (pure): "Tigray", "COVID-19", "US-led",
a resolution number."""

from __future__ import annotations

import re
from difflib import get_close_matches
from typing import TYPE_CHECKING

from index.countries import (
    KNOWN,
    aliases_of,
    demonym_country,
    kind_of,
    mentions,
    resolve,
    spellings_of,
)
from rag.answer_text import fold, names_in
from rag.capitals import CAPITALS
from rag.dates import MONTHS
from rag.types import Passage

if TYPE_CHECKING:
    from rag.question import Analysis

# "US-led", "Russia's": the name without what the question adds to it
_SUFFIX = re.compile(r"(?:['’]s|-(?:led|backed|sponsored|brokered|based|owned|funded|run))$")


def question_names(analysis: Analysis) -> list[str]:
    """The names the question uses ("Tigray", "Nord Stream", "AUKUS"), without the parties it
    names (filters, not names to find)."""
    parties = {fold(w) for p in analysis.parties for w in p.mention.split()}
    body = analysis.question.split(" ", 1)[-1]  # its first word is capitalised anyway
    names = [_SUFFIX.sub("", n) for n in dict.fromkeys(names_in(body))]
    countries = {p.country for p in analysis.parties}
    return [
        n
        for n in names
        if fold(n) not in parties
        and fold(n) not in _THE_COUNCIL
        and not demonym_country(n)
        and CAPITALS.get(fold(n)) not in countries  # "London" for the British ambassador
        and resolve(n).name not in countries  # "Iraq" of "Iraqi children": a topic country
    ]


# Words of every meeting's setting, no name of what was said: "the Council's meeting on Iraq"
_THE_COUNCIL = frozenset(["council", "security", "united", "nations"])


def names_found(analysis: Analysis, context: str, names: list[str] | None = None) -> float:
    """Share of the question's names (or of `names`) found in the context; 1 when it uses none."""
    names = question_names(analysis) if names is None else names
    if not names:
        return 1.0
    low, words = _folded_words(context)
    found = [n for n in names if _found(n, low, words)]
    return len(found) / len(names)


def _folded_words(context: str) -> tuple[str, set[str]]:
    """The folded context and its words (hyphenated ones in parts too: "COVID" in "COVID-19")."""
    low = fold(context)
    words = set(re.findall(r"[\w'-]+", low))
    words |= {part for w in words if "-" in w for part in w.split("-")}
    return low, words


def mentions_found(analysis: Analysis, context: str) -> float:
    """Share of the countries the question names as its topic ("displaced in Somalia") found in
    the context; 1 when it names none. A statement that never names them is about something
    else (fresh3: Japan's peacebuilding remarks for a question on Somalia)."""
    named = [p for p in analysis.parties if not p.speaking and p.kind == "delegation"]
    if not named:
        return 1.0
    low, words = _folded_words(context)  # once, not once per country
    # as the question writes it ("South Sudanese") or as the country's name ("South Sudan")
    found = [p for p in named if any(_found(n, low, words) for n in (p.mention, p.name))]
    return len(found) / len(named)


def _found(name: str, low: str, words: set[str]) -> bool:
    """One name in a folded context: as a word, misspelt a little, as its parts ("Arria-formula"
    in "Arria Formula"), as the initials it stands for ("IDPs"), or as a country's spelling."""
    folded = fold(name)
    if folded in words or get_close_matches(folded, words, 1, 0.85):
        return True
    parts = [w for w in re.split(r"[-\s]+", folded) if len(w) > 2]
    if len(parts) > 1 and all(w in words for w in parts):
        return True
    return _initials(name, low) or _as_country(name, low)


# Capitals, maybe with the small word's letter between ("PoC": protection of civilians)
_ACRONYM = re.compile(r"([A-Z](?:[a-z]?[A-Z]){1,5})s?")
# Small words an acronym skips: "ICJ", the International Court of Justice; "WPS", women and
# peace and security
_SKIPPED = ("and", "of", "the", "for", "on", "in", "to")
_SKIP = r"\w*\W+(?:(?:" + "|".join(_SKIPPED) + r")\W+)*"


def _initials(name: str, low: str) -> bool:
    """ "IDPs" stands for "internally displaced persons": the initials of words in a row."""
    m = _ACRONYM.fullmatch(name)
    if not m:
        return False
    letters = re.sub(r"[a-z]", "", m.group(1)).lower()
    words = [w for w in re.findall(r"[a-z]+", low) if w not in _SKIPPED]
    if letters not in "".join(w[0] for w in words):  # cheap: most contexts have no such run
        return False
    return bool(re.search(r"\b" + _SKIP.join(letters) + r"\w*", low))


# A figure of the question: "370", "155,000", "2.5" (years, days of dates and symbols are not)
_FIGURE = re.compile(
    r"(?<![\w/.,-])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w/-]|[.,]\d)"  # not "G-5", "S/2020/1"
)
_SYMBOL = re.compile(r"\bS/[\w./-]+|\(\d{4}\)", re.I)
_MONTH = "|".join(MONTHS)
_DAY = re.compile(rf"\b\d{{1,2}}(?=\s+(?:{_MONTH})\b)|\b((?:{_MONTH})\s+)\d{{1,2}}\b", re.I)


def question_figures(analysis: Analysis) -> list[str]:
    """The figures a question quotes ("the jump to 370 incidents"): a speaker who said it used
    them too. Years, days of dates, symbols and the resolutions it names are not figures."""
    text = _DAY.sub(r" \1", _SYMBOL.sub(" ", analysis.question))
    found = [m.group(0) for m in _FIGURE.finditer(text)]
    return [
        f
        for f in dict.fromkeys(found)
        if not re.fullmatch(r"(?:19|20)\d\d", f) and f not in analysis.resolutions
    ]


def holds_figures(text: str, figures: list[str]) -> bool:
    """Every figure is in the text as a number of its own ("370", not "1370" or "370,000")."""
    return all(re.search(rf"(?<![\d,.]){re.escape(f)}(?![\d]|[.,]\d)", text) for f in figures)


def uses_name(folded: str, name: str) -> bool:
    """The name as a word of a folded text (`fold`), spelt as the question spells it."""
    return bool(re.search(rf"(?<![\w-]){re.escape(fold(name))}(?![\w])", folded))


def _as_country(name: str, low: str) -> bool:
    """A delegation's short name ("US", "UK") found by any of its spellings in the context."""
    resolved = resolve(name)
    if resolved.status not in KNOWN or kind_of(resolved.name) == "individual":
        return False
    spellings = [*spellings_of(resolved.name), *aliases_of(resolved.name)]
    return bool(mentions(low, [s for s in spellings if len(s) > 2]))


def names_resolution(analysis: Analysis, p: Passage) -> float:
    """1 when the question names a resolution and this statement names it too: "when the
    Council adopted resolution 2753" is about that meeting, not the next day's adoption."""
    text = p.statement.text
    return float(any(re.search(rf"\b{n}\b", text) for n in analysis.resolutions))
