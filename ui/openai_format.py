"""The OpenAI chat-completions wire format of a checked answer (pure): the conversation read
from `messages`, the reply with its citations, stream chunks, Open WebUI source and status
events, and OpenAI-style error objects."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from rag.answer_json import citation_json
from rag.errors import InputError
from rag.pipeline import REFUSAL_TEXT
from rag.types import Answer

MODEL = "unsc-rag"
BACKENDS = ("extractive", "embedded", "openai")
API_CITATION_KEYS = (
    "n", "statement_id", "speaker", "country", "symbol", "date", "url", "record", "quote",
    "start", "end", "supported",
)  # fmt: skip


def model_ids() -> list[str]:
    """ "unsc-rag" (the server's default backend) and one id per backend."""
    return [MODEL, *(f"{MODEL}-{b}" for b in BACKENDS)]


def models_body(created: int) -> dict[str, Any]:
    """The `GET /v1/models` body."""
    return {
        "object": "list",
        "data": [
            {"id": m, "object": "model", "created": created, "owned_by": "unsc-rag"}
            for m in model_ids()
        ],
    }


def backend_of(model: str, default: str) -> str:
    """ "unsc-rag" → the default backend; "unsc-rag-embedded" → "embedded"; else an error."""
    if model in ("", MODEL):
        return default
    name = model.removeprefix(f"{MODEL}-")
    if name in BACKENDS and model != name:
        return name
    raise LookupError(f"The model {model!r} does not exist: use one of {', '.join(model_ids())}.")


def text_of(content: object) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"
        ]
        return "\n".join(str(p) for p in parts)
    return ""


def conversation(messages: Sequence[dict[str, Any]]) -> tuple[str, list[tuple[str, str]]]:
    """The last user message as the question; earlier user turns paired with the assistant's
    replies as the history (system messages are not used: answers come from the index)."""
    turns = [(m.get("role", ""), text_of(m.get("content")).strip()) for m in messages]
    users = [i for i, (role, _) in enumerate(turns) if role == "user"]
    if not users or not turns[users[-1]][1]:
        raise InputError("The question is empty: send a user message with a question.")
    history, pending = [], ""
    for role, text in turns[: users[-1]]:
        if role == "user":
            pending = text
        elif role == "assistant" and pending:
            history.append((pending, _strip_sources(text)))
            pending = ""
    return turns[users[-1]][1], history


def _strip_sources(text: str) -> str:
    return text.split("\n\nSources:\n", 1)[0]


def api_citations(answer: Answer) -> list[dict[str, Any]]:
    """The citations an API client gets: label, statement, who, record link, exact words."""
    return [{k: c[k] for k in API_CITATION_KEYS} for c in map(citation_json, answer.citations())]


def reply_text(answer: Answer, sources_in_text: bool = False) -> str:
    """The checked answer with its [n] labels (optionally a "Sources:" list of links after it)."""
    text = f"{REFUSAL_TEXT} {' '.join(answer.notes)}".strip() if answer.refused else answer.text
    if sources_in_text and not answer.refused:
        lines = [
            f"[{c['n']}] {c['record']} — {c['url'] or 'no link'}" for c in api_citations(answer)
        ]
        text += "\n\nSources:\n" + "\n".join(lines)
    return text


def completion_body(answer: Answer, cid: str, model: str, created: int, sources: bool) -> dict:
    """The non-streaming `chat.completion`: citations travel in choices[0].message."""
    message = {
        "role": "assistant",
        "content": reply_text(answer, sources),
        "citations": api_citations(answer),
        "refused": answer.refused,
    }
    return {
        "id": cid,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunk(cid: str, model: str, created: int, delta: dict | None = None, **extra: Any) -> dict:
    """One `chat.completion.chunk`; no delta → no choices (an event or the final citations)."""
    finish = extra.pop("finish_reason", None)
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model}
    return body | {"choices": choices} | extra


def pieces(text: str) -> Iterator[str]:
    """The reply in sentence-sized pieces for streaming (joined they are the text)."""
    yield from (p for p in re.split(r"(?<=[.!?”\]])(\s+)", text) if p)


def source_event(c: dict[str, Any]) -> dict[str, Any]:
    """Open WebUI's citation chip for one citation: the record link, its label, the quote."""
    name = f"[{c['n']}] {c['country'] or c['speaker'] or 'Speaker'}, {c['record']}, {c['date']}"
    return {
        "type": "source",
        "data": {
            "source": {"id": c["statement_id"], "name": name, "url": c["url"]},
            "document": [c["quote"]],
            "metadata": [{"source": c["url"] or c["statement_id"], "name": name, "url": c["url"]}],
        },
    }


def status_event(description: str, done: bool = False) -> dict[str, Any]:
    """Open WebUI's progress line ("Searched …", "Checking the lead sentence …")."""
    return {"type": "status", "data": {"description": description, "done": done}}


def error_body(message: str, kind: str, code: str | None = None) -> dict[str, Any]:
    """An OpenAI-style error object."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
