"""Search plan (pure; what the index holds is asked through `Holds`): one search per party the
question names as a speaker, with the meeting, dates and party it names as filters when the
user set none of their own and the index holds them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from index.types import Filters
from rag.question import Analysis, Party


class Holds(Protocol):
    """Whether the index holds any statement under some filters (one required method)."""

    def holds(self, filters: Filters) -> bool:
        """True when at least one statement satisfies `filters`."""
        ...


@dataclass(frozen=True)
class Search:
    """One search to run: its query, filters, the party it is for, and what was inferred."""

    query: str
    filters: Filters
    party: Party | None = None
    notes: tuple[str, ...] = ()


def plan(analysis: Analysis, given: Filters, index: Holds) -> tuple[list[Search], list[str]]:
    """The searches for a question, and notes for named parties the index cannot answer for."""
    base, notes = _named(analysis, given, index)
    parties = [p for p in analysis.speaking if _filterable(p, given)]
    if not parties:
        return [Search(analysis.question, base, None, tuple(notes))], []
    searches, missing = [], []
    for party in parties:
        if not party.known:
            missing.append(f"No statement by {party.name} is in the index.")
            continue
        flt = _with_party(base, party)
        if not index.holds(flt) and base != given:  # the named dates may be what is wrong
            flt = _with_party(given, party)
        if not index.holds(flt):
            where = " under these filters" if flt != _with_party(Filters(), party) else ""
            missing.append(f"No statement by {party.name} is in the index{where}.")
            continue
        note = f"{_field(party)}: {party.name} (named in the question)"
        query = _own_query(analysis, party) if len(parties) > 1 else analysis.question
        searches.append(Search(query, flt, party, (*_notes_for(flt, notes), note)))
    return searches, missing


def _named(analysis: Analysis, given: Filters, index: Holds) -> tuple[Filters, list[str]]:
    """The user's filters plus the meeting or dates the question names, when the index has them."""
    flt, notes = given, []
    if analysis.symbols and not (given.symbols or given.statement_ids):
        held = tuple(s for s in analysis.symbols if index.holds(Filters(symbols=(s,))))
        if held:
            flt = replace(flt, symbols=held)
            notes.append(f"meeting: {', '.join(held)} (named in the question)")
    if analysis.date_from and not (flt.symbols or given.date_from or given.date_to):
        dated = replace(flt, date_from=analysis.date_from, date_to=analysis.date_to)
        if index.holds(dated):
            flt = dated
            notes.append(
                f"dates: {analysis.date_from} to {analysis.date_to} (named in the question)"
            )
    return flt, notes


def _notes_for(flt: Filters, notes: list[str]) -> list[str]:
    """The notes still true of `flt` (the dates are dropped when no statement of the party has them)."""
    return [n for n in notes if not n.startswith("dates:") or flt.date_from]


def _filterable(p: Party, given: Filters) -> bool:
    """A party filter replaces nothing the user chose: their country or speaker filter wins."""
    if p.kind == "delegation":
        return not given.countries and not given.speakers
    return not given.speakers and not given.participant_types


def _with_party(flt: Filters, p: Party) -> Filters:
    if p.participant_type:
        return replace(flt, participant_types=(p.participant_type,))
    if p.speaker:
        return replace(flt, speakers=(p.speaker,))
    return replace(flt, countries=(p.country,))


def _field(p: Party) -> str:
    return "speaker" if p.speaker or p.participant_type else "country"


def _own_query(analysis: Analysis, party: Party) -> str:
    """The question with the other parties' names taken out ("France and Germany" → "France")."""
    text = analysis.question
    for other in analysis.speaking:
        if other is not party:
            text = re.sub(rf"(?:,\s*|\s+and\s+|\s+or\s+)?\b{re.escape(other.mention)}\b", "", text)
    return " ".join(text.split())
