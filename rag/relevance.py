"""What a question asks for and what a passage is about, in index terms (pure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from index.countries import aliases_of
from rag.types import Passage

Terms = Callable[[str], list[str]]
Weight = Callable[[str], float]

# Words of questions and of UN boilerplate that every passage "covers"; stemmed at use.
GENERIC = (
    "say said says tell told what which who whom whose when where why how did does do "
    "council security united nations un statement statements delegation delegations country "
    "countries meeting meetings speaker speakers representative member members state states "
    "mention mentioned mentions talk talked speak spoke view views position regard regarding "
    "according think thought believe argue argued claim claimed raise raised call called "
    "about also any some there their they this that these those with from into over "
    "had has have was were been being would could should might must may can will she her "
    "his him its our your use used make made give gave take took told began begin still "
    "quote quoted cite cited refer referred describe described recall recalled reply replied "
    "word words phrase remark remarks comment comments respond responded react reacted "
    "exact exactly roughly approximately number figure share per cent percent"
)


def specific_terms(question: str, terms: Terms, generic: set[str] | None = None) -> list[str]:
    """The question's terms in order, without repeats or question/UN boilerplate words."""
    generic = generic if generic is not None else set(terms(GENERIC))
    return [t for t in dict.fromkeys(terms(question)) if t not in generic]


def about(p: Passage) -> str:
    """What a passage can be matched on: who (and the country's short forms), when (spelled
    out), agenda, and its words."""
    st = p.statement  # questions say "September 2020" and "the UK"; records hold ISO dates
    short = " ".join(aliases_of(st.country))
    return f"{p.label()} {short} {spelled_date(st.date)} {st.agenda} {p.text}"


def spelled_date(iso: str) -> str:
    """ "2020-09-25" → "25 September 2020" (questions name months; records store ISO dates)."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return ""
    return f"{d.day} {d.strftime('%B')} {d.year}"
