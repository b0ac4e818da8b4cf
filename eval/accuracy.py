"""Answer accuracy as a user reads it (pure): the asked-for facts stated, from the party asked
about. An answer is `accurate` when it is given, every fact occurs in what the user sees (any
one variant, as whole words, accents and case folded), and it cites the party's statement;
`wrong` when it is given but not accurate; `refused` when it says it is not found."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.countries import country_key
from rag.answer_text import fold


def fact_present(text: str, variants: Sequence[str]) -> bool:
    """Whether any variant of a fact occurs in the text as whole words."""
    low = fold(text)
    return any(re.search(rf"(?<!\w){re.escape(fold(v))}(?!\w)", low) for v in variants if v)


@dataclass(frozen=True)
class Verdict:
    """How one answer reads: accurate, wrong, refused (or, unanswerable, rightly refused)."""

    outcome: (
        str  # "accurate" | "wrong" | "refused" | "refused_unanswerable" | "answered_unanswerable"
    )
    facts_found: int
    facts: int
    party_cited: bool
    missing_facts: tuple[str, ...] = ()


def judge(
    text: str,
    refused: bool,
    cited: Sequence[tuple[str, str]],  # (statement id, country) of every citation shown
    facts: Sequence[Sequence[str]],
    party: Sequence[str],
    gold_ids: Sequence[str],
    every_party: bool = False,
) -> Verdict:
    """The verdict on one answer; `every_party`: a comparison must cite each party."""
    if not gold_ids:
        outcome = "refused_unanswerable" if refused else "answered_unanswerable"
        return Verdict(outcome, 0, 0, False)
    if refused:
        return Verdict("refused", 0, len(facts), False)
    found = [f for f in facts if fact_present(text, f)]
    missing = tuple(f[0] for f in facts if f not in found)
    ok_party = party_cited(cited, party, gold_ids, every_party)
    outcome = "accurate" if not missing and ok_party else "wrong"
    return Verdict(outcome, len(found), len(facts), ok_party, missing)


def party_cited(
    cited: Sequence[tuple[str, str]], party: Sequence[str], gold_ids: Sequence[str], every: bool
) -> bool:
    """A cited passage is from the party (each party, for comparisons), or from a gold statement."""
    keys = {country_key(c) for _, c in cited}
    gold = set(gold_ids)
    if every and party:
        return all(country_key(p) in keys for p in party)
    return any(country_key(p) in keys for p in party) or any(sid in gold for sid, _ in cited)


def summarise(verdicts: Sequence[tuple[str, Verdict]]) -> dict[str, object]:
    """Accuracy, wrong and refused shares of answerable questions; refusals of unanswerable
    ones; the same per answer type. `verdicts` pairs each verdict with its answer type."""
    answerable = [(t, v) for t, v in verdicts if v.outcome not in _UNANSWERABLE]
    unanswerable = [v for _, v in verdicts if v.outcome in _UNANSWERABLE]
    out: dict[str, object] = _shares([v for _, v in answerable])
    out["refused_unanswerable"] = _ratio(
        sum(v.outcome == "refused_unanswerable" for v in unanswerable), len(unanswerable)
    )
    types = sorted({t for t, _ in answerable})
    out["by_answer_type"] = {t: _shares([v for u, v in answerable if u == t]) for t in types}
    return out


_UNANSWERABLE = ("refused_unanswerable", "answered_unanswerable")


def _shares(vs: Sequence[Verdict]) -> dict[str, object]:
    n = len(vs)
    return {
        "n": n,
        "accuracy": _ratio(sum(v.outcome == "accurate" for v in vs), n),
        "wrong": _ratio(sum(v.outcome == "wrong" for v in vs), n),
        "refused": _ratio(sum(v.outcome == "refused" for v in vs), n),
    }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None
