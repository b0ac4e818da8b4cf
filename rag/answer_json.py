"""Answer → the `ask --json` object and a plain-text rendering (pure)."""

from __future__ import annotations

from typing import Any

from rag.filters import describe
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer, Retrieval, attribution


def answer_to_json(answer: Answer) -> dict[str, Any]:
    """{"answer", "refused", "citations", "sentences", "passages", "settings_hash", ...}."""
    return {
        "question": answer.question,
        "answer": REFUSAL_TEXT if answer.refused else answer.text,
        "refused": answer.refused,
        "citations": [
            {
                "n": c.n,
                "statement_id": c.passage.statement_id,
                "chunk_id": c.passage.chunk_id,
                "start": c.start,
                "end": c.end,
                "quote": c.quote,
                "speaker": c.passage.statement.speaker,
                "country": c.passage.statement.country,
                "symbol": c.passage.statement.symbol,
                "date": c.passage.statement.date,
                "supported": c.supported,
                "support": c.support,
            }
            for c in answer.citations()
        ],
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
        "passages": [p.to_json(rank) for rank, p in enumerate(answer.passages, start=1)],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
    }


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
        lines += [f"  - {p.label()}: {' '.join(p.text.split())[:200]}" for p in answer.passages[:3]]
        return "\n".join(lines)
    body = []
    for s in answer.sentences:
        labels = "".join(f"[{c.n}]" for c in s.citations)
        if s.kind == "quote":
            who = attribution(s.citations[0].passage.statement)
            body.append(f"{labels} {who}:\n    “{s.text}”")
        else:
            body.append(f"{s.text} {labels}")
    return "\n".join([*head, *body, *answer.notes])
