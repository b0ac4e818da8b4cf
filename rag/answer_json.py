"""Answer → the `ask --json` object and a plain-text rendering (pure)."""

from __future__ import annotations

from typing import Any

from index.records import record_of
from index.types import Statement
from rag.filters import describe
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer, Citation, Passage, Retrieval, attribution


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """{"answer", "refused", "citations", "sentences", "passages", "settings_hash", ...}."""
    return {
        "question": answer.question,
        "answer": REFUSAL_TEXT if answer.refused else answer.text,
        "refused": answer.refused,
        "citations": [citation_json(c) for c in answer.citations()],
        "sentences": [
            {
                "text": s.text,
                "kind": s.kind,
                "citations": [c.n for c in s.citations],
                "supported": s.supported,
            }
            for s in answer.sentences
        ],
        "notes": list(answer.notes),
        "lead_dropped": answer.dropped,
        "lead_raw": answer.raw,  # what the model wrote, before the check
        "searched": [retrieval_json(r) for r in answer.retrievals],
        "removed_labels": list(answer.removed_labels),
        "passages": [passage_json(p, rank) for rank, p in enumerate(answer.passages, start=1)],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
    }


def answer_summary(answer: Answer) -> dict[str, Any]:
    """The compact answer for API and MCP clients: text, citations with links, notes."""
    return {
        "question": answer.question,
        "answer": REFUSAL_TEXT if answer.refused else answer.text,
        "refused": answer.refused,
        "citations": [citation_json(c) for c in answer.citations()],
        "notes": list(answer.notes),
        "searched": [describe(r.filters, r.given) for r in answer.retrievals],
        "closest": [passage_json(p, i) for i, p in enumerate(answer.passages[:3], 1)]
        if answer.refused
        else [],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
    }


def citation_json(c: Citation) -> dict[str, Any]:
    """One citation: who, which record and its link, the exact words and their offsets."""
    st = c.passage.statement
    return {
        "n": c.n,
        "statement_id": st.id,
        "chunk_id": c.passage.chunk_id,
        "start": c.start,
        "end": c.end,
        "quote": c.quote,
        "speaker": st.speaker,
        "country": st.country,
        "symbol": st.symbol,
        "date": st.date,
        "supported": c.supported,
        "support": c.support,
    } | record_of(st).to_json()


def passage_json(p: Passage, rank: int) -> dict[str, Any]:
    """The `search --json` row with the record's link."""
    return p.to_json(rank) | record_of(p.statement).to_json()


def retrieval_json(r: Retrieval) -> dict[str, Any]:
    """What one search really ran: query, party, filters (and which were named), passages."""
    return {
        "query": r.query,
        "party": r.party,
        "filters": describe(r.filters, r.given),
        "notes": list(r.notes),
        "passages": len(r.passages),
    }


def render_text(answer: Answer) -> str:
    """The answer for a terminal: the lead, each quote with who said it, the notes."""
    searched = "; ".join(dict.fromkeys(describe(r.filters, r.given) for r in answer.retrievals))
    head = [f"(searched with {searched})", ""] if searched.strip("; ") else []
    if answer.refused:
        lines = [*head, REFUSAL_TEXT, *answer.notes, "", "Closest matches:"]
        for p in answer.passages[:3]:
            lines.append(f"  - {p.label()}: {' '.join(p.text.split())[:200]}")
            lines.append(f"    {record_line(p.statement)}")
        return "\n".join(lines)
    body = []
    for s in answer.sentences:
        labels = "".join(f"[{c.n}]" for c in s.citations)
        if s.kind == "quote":
            who = attribution(s.citations[0].passage.statement)
            body.append(f"{labels} {who}:\n    “{s.text}”")
        else:
            body.append(f"{s.text} {labels}")
    links = [f"[{c.n}] {record_line(c.passage.statement)}" for c in answer.citations()]
    return "\n".join([*head, *body, *answer.notes, "", "Records:", *links])


def record_line(st: Statement) -> str:
    """The record's link, with its label when it is not the record itself (a draft)."""
    rec = record_of(st)
    if not rec.url:
        return rec.label
    return rec.url if rec.symbol else f"{rec.url} ({rec.label})"
