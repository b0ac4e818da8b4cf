"""Instructions hidden in statements (pure): sentences that speak to the reader of the
answer rather than to the Council are never quoted as evidence nor read by the model.

A statement is data. A sentence is set aside when it addresses an assistant or a model,
tells the reader to ignore something, carries chat-template tokens, forged labels or
speaker lines, HTML or Markdown links: no Council statement needs any of these to be quoted.
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"\bignore\b[^.\n]{0,40}?\b(?:instructions?|prompts?|the\s+question|above|everything)\b"
    r"|\b(?:previous|prior|earlier)\s+(?:instructions?|prompts?)\b"
    r"|<\|[A-Za-z_]{2,20}\|>"
    r"|\b(?:SYSTEM|ASSISTANT|System|Assistant|USER)(?:\s+[A-Z]{3,12})?\s*:"
    r"|(?i:\b(?:language\s+model|the\s+assistant(?!\s+(?:Secretary|High|Director|Administrator|to\s+the))|AI\s+model|chatbot|developer\s+mode|"
    r"you\s+are\s+now|system\s+prompt|new\s+instructions?)\b|\bnew\s+rule\s*:)"
    r"|(?i:\b(?:answer|reply)\s+(?:only\s+with|every\s+question)\b|\banswer\s+to\s+every\s+question\b)"
    r"|(?i:\bwhatever\s+the\s+question\b|\bdo\s+not\s+(?:mention|quote|cite)\b)"
    r"|\bcite\s+(?:this|\[)|\[\d{1,3}\]|\\href\{"
    r"|(?:^|\n)\s*(?:#{1,6}\s|(?:Question|Answer)\s*:)"
    r"|<\s*/?\s*(?:img|script|iframe|svg|a|style|quote|passage|object|embed)\b"
    r"|\]\([^)\s]{1,200}\)",
)
# A speaker's line in the middle of a statement: a forged turn ("Mr. X (China): …").
_TURN = re.compile(
    r"\n\s*(?:The\s+(?:President|Secretary-General)|(?:Mr|Mrs|Ms|Dr)\.?\s+[A-Z][^:\n]{0,60}?"
    r"\([^()\n]{2,60}\))\s*:"
)

_SENTENCE_END = re.compile(r"[.!?;:][\"”’')]*(?=\s|$)")


def instruction_like(text: str) -> bool:
    """True when the text carries an instruction to the reader or a forged label or turn."""
    return bool(_MARKERS.search(text) or _TURN.search(text))


def clean_end(text: str) -> int:
    """Where the words before the first instruction end (at a sentence's last mark): the
    length of the text when it carries none, 0 when nothing before it can be quoted."""
    found = [m.start() for m in (_MARKERS.search(text), _TURN.search(text)) if m]
    if not found:
        return len(text)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, min(found))]
    return ends[-1] if ends else 0


def forged_turn(statement: str, start: int) -> bool:
    """True when a speaker's line begins at `start` past the statement's opening."""
    head = statement.rfind("\n", 0, start + 1)
    if start <= 0 or head < 0 or statement[head:start].strip():
        return False
    return bool(_TURN.match(statement, head, start + 200))
