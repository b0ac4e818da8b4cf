"""Answer → the `ask --json` object and a plain-text rendering (pure)."""

from __future__ import annotations

from typing import Any

from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer


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
                "supported": c.supported,
                "support": c.support,
            }
            for c in answer.citations()
        ],
        "sentences": [
            {
                "text": s.text,
                "citations": [c.n for c in s.citations],
                "supported": s.supported,
                "attached": s.attached,
            }
            for s in answer.sentences
        ],
        "removed_labels": list(answer.removed_labels),
        "passages": [p.to_json(rank) for rank, p in enumerate(answer.passages, start=1)],
        "backend": answer.backend,
        "settings_hash": answer.settings_hash,
    }


def render_text(answer: Answer) -> str:
    """The answer for a terminal: flagged sentences marked, then the sources."""
    if answer.refused:
        lines = [REFUSAL_TEXT, "", "Closest matches:"]
        lines += [f"  - {p.label()}: {' '.join(p.text.split())[:200]}" for p in answer.passages[:3]]
        return "\n".join(lines)
    body = []
    for s in answer.sentences:
        labels = "".join(f"[{c.n}]" for c in s.citations)
        flag = "" if s.supported else " (UNSUPPORTED: no passage backs this sentence)"
        body.append(f"{s.text} {labels}{flag}".strip())
    lines = [" ".join(body), "", "Sources:"]
    for c in answer.citations():
        lines.append(f'  [{c.n}] {c.passage.label()} — "{" ".join(c.quote.split())[:240]}"')
    return "\n".join(lines)
