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
from rag.types import Passage

if TYPE_CHECKING:
    from rag.question import Analysis

# "US-led", "Russia's": the name without what the question adds to it
_SUFFIX = re.compile(r"(?:['’]s|-(?:led|backed|sponsored|brokered|based|owned|funded|run))$")


def names_found(analysis: Analysis, context: str) -> float:
    """Share of the names the question uses ("Tigray", "Nord Stream", "AUKUS") found in the
    context; the parties it names are filters, not names to find. 1 when it uses none."""
    parties = {fold(w) for p in analysis.parties for w in p.mention.split()}
    body = analysis.question.split(" ", 1)[-1]  # its first word is capitalised anyway
    names = [_SUFFIX.sub("", n) for n in dict.fromkeys(names_in(body))]
    countries = {p.country for p in analysis.parties}
    names = [
        n
        for n in names
        if fold(n) not in parties
        and not demonym_country(n)
        and CAPITALS.get(fold(n)) not in countries  # "London" for the British ambassador
    ]
    if not names:
        return 1.0
    low = fold(context)
    words = set(re.findall(r"[\w'-]+", low))
    words |= {part for w in words if "-" in w for part in w.split("-")}  # "COVID" in "COVID-19"
    found = [
        n
        for n in names
        if fold(n) in words or get_close_matches(fold(n), words, 1, 0.85) or _as_country(n, low)
    ]
    return len(found) / len(names)


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
