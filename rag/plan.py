"""Search plan (pure; what the index holds is asked through `Holds`): one search per party the
question names as a speaker, with the meeting, dates and party it names as filters when the
user set none of their own and the index holds them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from index.types import Filters
from rag.parties import SECRETARY_GENERAL_SPEAKERS
from rag.question import SETTING, Analysis, Party, mention_at


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
    if _outside(analysis, given, index):
        # "in October 2020" when the index holds nothing then: answering from other months or
        # years would answer another question (held-out reading: 4 of 10 unanswerable ones)
        span = f"from {analysis.date_from} to {analysis.date_to}"
        who = [f" by {p.name}" for p in parties] or [""]
        return [], [f"No statement{w} {span} is in the index." for w in who]
    if not parties:
        return [Search(analysis.question, base, None, tuple(notes))], []
    searches, missing = [], []
    for party in parties:
        if not party.known:
            missing.append(f"No statement by {party.name} is in the index.")
            continue
        flt, party_notes = _party_scope(base, given, party, index, notes, analysis.date_kind)
        if flt is None:
            missing.append(f"No statement by {party.name} {_scope(base)} is in the index.")
            continue
        if not index.holds(flt):
            where = " under these filters" if flt != _with_party(Filters(), party) else ""
            missing.append(f"No statement by {party.name} is in the index{where}.")
            continue
        note = (
            f"country: UN ({party.name}, named in the question)"
            if party.kind == "role" and _field(party) == "country"
            else f"{_field(party)}: {party.name} (named in the question)"
        )
        query = _own_query(analysis, party) if len(parties) > 1 else analysis.question
        searches.append(Search(query, flt, party, (*party_notes, note)))
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
        # An event's date ("the August 2020 explosion") is told about later: the year after it
        event = analysis.date_kind == "event"
        dated = _after(flt, analysis.date_from) if event else replace(
            flt, date_from=analysis.date_from, date_to=analysis.date_to
        )  # fmt: skip
        if index.holds(dated):
            flt = dated
            how = "from the event named" if event else "named in the question"
            notes.append(f"dates: {dated.date_from} to {dated.date_to} ({how})")
    return flt, notes


def _after(flt: Filters, start: str) -> Filters:
    """From the date named to a year later: what was said about an event, or on a day that
    may be the event's ("where did the leaders meet on 9 December 2019")."""
    return replace(flt, date_from=start, date_to=f"{int(start[:4]) + 1}{start[4:]}")


def _outside(analysis: Analysis, given: Filters, index: Holds) -> bool:
    """The dates named hold no statement (for an event or an unclear date: none in the year
    after it either), and they are not history before the index ("the genocide of April
    1994"): after its last statement, or inside its span."""
    if not analysis.date_from or analysis.symbols or given.symbols:
        return False
    if given.date_from or given.date_to:  # the user's own dates win
        return False
    named = Filters(date_from=analysis.date_from, date_to=analysis.date_to)
    if index.holds(named):
        return False
    if analysis.date_kind != "meeting" and index.holds(_after(Filters(), analysis.date_from)):
        return False
    after = not index.holds(Filters(date_from=analysis.date_from))
    # a bare year says little ("the elections of 2016" are told about for years): only after
    whole_years = analysis.date_from.endswith("-01-01") and analysis.date_to.endswith("-12-31")
    return after or (not whole_years and index.holds(Filters(date_to=analysis.date_from)))


def _party_scope(
    base: Filters, given: Filters, party: Party, index: Holds, notes: list[str], kind: str
) -> tuple[Filters | None, list[str]]:
    """The party's filters and notes; None when the meeting or dates named hold nothing of it.

    A meeting's date ("the October 2020 open debate", "said in May 2020") is never widened:
    the held-out reading had such questions answered from other meetings. An unclear date
    may be the event's: the year after it is read."""
    flt = _with_party(base, party)
    if index.holds(flt) or base == given:
        return flt, _notes_for(flt, notes)
    if kind == "meeting" or not base.date_from or base.symbols != given.symbols:
        return None, []
    later = _after(_with_party(given, party), base.date_from)
    if not index.holds(later):
        return None, []
    kept = [n for n in notes if not n.startswith("dates:")]
    return later, [
        *kept,
        f"dates: {later.date_from} to {later.date_to} (none by {party.name} on the dates named)",
    ]


def _scope(flt: Filters) -> str:
    """ "at S/PV.4644" or "from 2016-12-01 to 2016-12-31": what the question named."""
    if flt.symbols:
        return "at " + ", ".join(flt.symbols)
    return f"from {flt.date_from} to {flt.date_to}"


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
    if p.speaker == "Secretary-General":
        return replace(flt, speakers=SECRETARY_GENERAL_SPEAKERS)
    if p.speaker:
        return replace(flt, speakers=(p.speaker,))
    return replace(flt, countries=(p.country,))


def _field(p: Party) -> str:
    return "speaker" if p.speaker or p.participant_type else "country"


# "…, and how many did Indonesia say…": where a comparison's second question starts
_CLAUSE = re.compile(
    r",?\s+and\s+(?=(?:how|what|which|where|when|who|whom|whether|did|does|do|was|were|is|in\s+"
    r"which|in\s+what|on\s+what|by\s+how)\b)|;\s*",
    re.I,
)


def _own_query(analysis: Analysis, party: Party) -> str:
    """The party's own question: the clauses that ask about another party taken out (their
    names, figures and answer type are not this party's), else the other names alone
    ("France and Germany" → "France")."""
    text, others = analysis.question, [p for p in analysis.speaking if p is not party]
    clauses = _CLAUSE.split(text)
    if len(clauses) > 1 and any(_names(c, party) for c in clauses):
        setting = SETTING.match(clauses[0])  # shared by all: "At the May 2020 meeting, …"
        kept = [c for c in clauses if _names(c, party) or not any(_names(c, o) for o in others)]
        if setting and kept[0] is not clauses[0]:
            kept = [setting.group(0), *kept]
        return " ".join(" ".join(kept).split())
    for other in others:  # "France and Germany", "Germany and France": the joiner goes too
        name = re.escape(other.mention)
        text = re.sub(
            rf"(?:\bthe\s+)?\b{name}(?:\s*,\s*|\s+and\s+|\s+or\s+)(?=\w)|"
            rf"(?:,\s*|\s+and\s+|\s+or\s+)?(?:\bthe\s+)?\b{name}\b",
            "",
            text,
        )
    return " ".join(text.split())


def _names(clause: str, party: Party) -> bool:
    return mention_at(clause, party.mention) >= 0
