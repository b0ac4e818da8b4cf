"""Extractive backend: no language model. Answers are the selected quotes alone."""

from __future__ import annotations

from collections.abc import Iterator

from rag.backends.base import GenerationParams, Message
from rag.errors import BackendError


class ExtractiveBackend:
    """Writes nothing: the pipeline shows the evidence quotes with their attribution."""

    name = "extractive"
    context_tokens = 0
    writes = False

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Never called by the pipeline (it checks `writes`); a caller that does gets a clear error."""
        raise BackendError("The extractive backend writes no text; use embedded or openai.")
        yield ""  # pragma: no cover - makes this a generator
