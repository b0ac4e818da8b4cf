"""Quality of positions tables on a gold set (pure): for questions that compare delegations,
the share of the named delegations whose row quotes a gold passage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from index.countries import country_key
from rag.positions import Positions, Row

Spans = dict[str, list[tuple[int, int]]]  # statement id → gold spans in its text


def comparison_questions(questions: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Answerable questions that name two or more delegations or span several statements."""
    return [
        q
        for q in questions
        if q.get("gold_ids") and (len(q.get("party") or []) >= 2 or q["type"] == "multi_statement")
    ]


def gold_spans(question: dict[str, Any], text_of: Callable[[str], str]) -> Spans:
    """Where each gold quote is in its statement (quotes are exact substrings)."""
    spans: Spans = {}
    for ev in question.get("evidence", []):
        text = text_of(ev["statement_id"])
        start = text.find(ev["quote"])
        if start >= 0:
            spans.setdefault(ev["statement_id"], []).append((start, start + len(ev["quote"])))
    return spans


def quotes_gold(row: Row, spans: Spans, answered_only: bool = False) -> bool:
    """Whether one of the row's quotes overlaps a gold span of the same statement."""
    if answered_only and not row.answered:
        return False
    return any(
        a < e.end and e.start < b for e in row.quotes for a, b in spans.get(e.statement.id, [])
    )


@dataclass(frozen=True)
class PartyResult:
    """One named delegation of one question: its row quotes gold (strictly, or at all)."""

    qid: str
    party: str
    answered_gold: bool  # an answering quote overlaps gold
    any_gold: bool  # any quote (closest sentences included) overlaps gold
    has_row_quote: bool


def score_table(question: dict[str, Any], table: Positions, spans: Spans) -> list[PartyResult]:
    """Each named party of the question, matched to its row by delegation key."""
    rows = {country_key(r.delegation): r for r in table.rows}
    out = []
    for party in question.get("party") or []:
        row = rows.get(country_key(party)) or Row(party, "")
        strict = quotes_gold(row, spans, answered_only=True)
        out.append(
            PartyResult(question["qid"], party, strict, quotes_gold(row, spans), bool(row.quotes))
        )
    return out


def summary(results: Sequence[PartyResult], questions: int) -> dict[str, Any]:
    """Shares over the named delegations."""
    n = len(results) or 1
    return {
        "questions": questions,
        "named_delegations": len(results),
        "row_quotes_gold": round(sum(r.answered_gold for r in results) / n, 3),
        "row_quotes_gold_incl_closest": round(sum(r.any_gold for r in results) / n, 3),
        "rows_with_a_quote": round(sum(r.has_row_quote for r in results) / n, 3),
    }
