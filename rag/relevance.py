"""Is anything retrieved relevant enough to answer? Features for the refusal gate (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from difflib import get_close_matches

from index.countries import aliases_of
from rag.types import Passage

Terms = Callable[[str], list[str]]
Weight = Callable[[str], float]

# Words of questions and of UN boilerplate that every passage "covers"; stemmed at use.
GENERIC = (
    "say said says tell told what which who whom whose when where why how did does do "
    "council security united nations statement statements delegation delegations country "
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


@dataclass(frozen=True)
class Relevance:
    """The evidence the gate weighs: best dense score, and how much of the question is covered."""

    dense_max: float | None
    coverage: float  # idf-weighted share of the question's specific terms in the top passages
    missing: tuple[str, ...]


def relevance(
    question: str, passages: list[Passage], terms: Terms, weight: Weight, top: int = 4
) -> Relevance:
    """Features of the top passages against the question (rare terms weigh more)."""
    wanted = specific_terms(question, terms)
    present: set[str] = set()
    for p in passages[:top]:
        present.update(terms(about(p)))
    # A typo ("kazakstan", "securty") still counts as present when a close spelling is.
    missing = tuple(
        t for t in wanted if t not in present and not get_close_matches(t, present, 1, 0.8)
    )
    total = sum(weight(t) for t in wanted)
    coverage = 1.0 - sum(weight(t) for t in missing) / total if total else 1.0
    dense = [p.scores["dense"] for p in passages if "dense" in p.scores]
    return Relevance(max(dense) if dense else None, coverage, missing)


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


def relevant_enough(r: Relevance, min_dense: float, min_coverage: float) -> bool:
    """The gate: refuse when the best passage is far from the question or misses its specifics."""
    if r.dense_max is not None and r.dense_max < min_dense:
        return False
    return r.coverage >= min_coverage
