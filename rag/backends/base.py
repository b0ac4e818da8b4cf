"""The one small interface every LLM backend implements, and helpers shared by all of them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from rag.errors import BackendError

Message = dict[str, str]
"""One chat turn: {"role": "system" | "user" | "assistant", "content": text}."""

ROLES = frozenset({"system", "user", "assistant"})


@dataclass(frozen=True)
class GenerationParams:
    """How much to generate and how: greedy by default, so answers are reproducible."""

    max_tokens: int = 256
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    timeout_s: float = 120.0
    repeat_penalty: float = 1.0  # >1 discourages loops (small models copy and repeat); 1 = off


@runtime_checkable
class Backend(Protocol):
    """An LLM that turns chat messages into a stream of text deltas."""

    name: str
    context_tokens: int  # the model's usable context window, for fitting passages
    writes: bool  # False: no model (answers are the quotes alone, nothing is rewritten)

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Yield the answer as text deltas, in order, as the model produces them."""
        ...


def complete(
    backend: Backend, messages: list[Message], params: GenerationParams | None = None
) -> str:
    """Return the whole answer of `backend`: its stream joined."""
    return "".join(backend.stream(messages, params or GenerationParams()))


def request_body(messages: list[Message], params: GenerationParams) -> dict[str, Any]:
    """The OpenAI-style chat body both backends send (streaming, greedy by default)."""
    body: dict[str, Any] = {
        "messages": messages,
        "stream": True,
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
    }
    if params.stop:
        body["stop"] = list(params.stop)
    return body


def check_messages(messages: list[Message]) -> None:
    """Raise BackendError unless `messages` is a non-empty list of role/content turns."""
    if not messages:
        raise BackendError("No messages were given to the LLM backend.")
    for turn in messages:
        if turn.get("role") not in ROLES or not isinstance(turn.get("content"), str):
            raise BackendError(
                f"A chat message needs a role in {sorted(ROLES)} and a text content; got {turn!r}."
            )
