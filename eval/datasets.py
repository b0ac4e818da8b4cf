"""Load and validate question files (JSON Lines, one question per line, as data/eval/dev.jsonl)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.errors import InputError
from rag.filters import parse_filters

ANSWER_TYPES = ("who", "number", "date", "place", "list", "yesno", "position")


@dataclass(frozen=True)
class Question:
    """One gold question: text, the statements that answer it, and its filters."""

    qid: str
    question: str
    gold_ids: tuple[str, ...]
    type: str = "untyped"
    filters: dict[str, Any] = field(default_factory=dict, compare=False)
    answer: str = ""
    evidence: tuple[dict[str, str], ...] = ()
    facts: tuple[tuple[str, ...], ...] = ()
    party: tuple[str, ...] = ()
    answer_type: str = ""

    @property
    def answerable(self) -> bool:
        """True when some statement answers the question."""
        return bool(self.gold_ids)


def load_questions(path: Path | str) -> list[Question]:
    """Every question of a file; a bad line raises one InputError naming the file and line."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"Question file {path} does not exist: pass a .jsonl file of questions.")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"Question file {path} cannot be read as UTF-8 text: {err}.") from None
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            q = parse_question(line)
        except InputError as err:
            raise InputError(f"{path}:{lineno}: {err}") from None
        if q.qid in seen:
            raise InputError(f"{path}:{lineno}: qid {q.qid!r} repeats line {seen[q.qid]}.")
        seen[q.qid] = lineno
        questions.append(q)
    if not questions:
        raise InputError(f"Question file {path} holds no questions.")
    return questions


def parse_question(line: str) -> Question:
    """One JSON line → Question, or InputError saying what is wrong with it."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"not valid JSON ({err.msg} at column {err.colno}).") from None
    if not isinstance(row, dict):
        raise InputError("each line must be a JSON object with qid, question and gold_ids.")
    qid, text = _text(row, "qid"), _text(row, "question")
    gold = row.get("gold_ids")
    if not isinstance(gold, list) or not all(isinstance(g, str) and g for g in gold):
        raise InputError(f"{qid}: gold_ids must be a list of statement ids ([] if unanswerable).")
    qtype = row.get("type", "untyped")
    if not isinstance(qtype, str) or not qtype:
        raise InputError(f"{qid}: type must be a non-empty string.")
    filters = row.get("filters") or {}
    if not isinstance(filters, dict):
        raise InputError(f'{qid}: filters must be an object such as {{"country": "France"}}.')
    try:
        parse_filters(filters)
    except InputError as err:
        raise InputError(f"{qid}: {err}") from None
    evidence = row.get("evidence") or []
    answer_type = row.get("answer_type", "")
    if answer_type not in ("", *ANSWER_TYPES):
        raise InputError(f"{qid}: answer_type must be one of {', '.join(ANSWER_TYPES)}.")
    return Question(
        qid=qid,
        question=text,
        gold_ids=tuple(dict.fromkeys(gold)),
        type=qtype,
        filters=filters,
        answer=str(row.get("answer", "")),
        evidence=tuple(e for e in evidence if isinstance(e, dict)),
        facts=_facts(row.get("facts", []), qid),
        party=_party(row.get("party", []), qid),
        answer_type=answer_type,
    )


def _facts(value: Any, qid: str) -> tuple[tuple[str, ...], ...]:
    """The key facts: a list of facts, each a non-empty list of acceptable variants."""
    if not isinstance(value, list) or not all(
        isinstance(fact, list) and fact and all(isinstance(v, str) and v.strip() for v in fact)
        for fact in value
    ):
        raise InputError(
            f'{qid}: facts must be a list of non-empty lists of non-empty strings, e.g. [["1441"]].'
        )
    return tuple(tuple(fact) for fact in value)


def _party(value: Any, qid: str) -> tuple[str, ...]:
    """The delegations the answer must cite, as a list of names."""
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        raise InputError(f'{qid}: party must be a list of delegation names, e.g. ["France"].')
    return tuple(value)


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{key!r} is missing or empty.")
    return value
