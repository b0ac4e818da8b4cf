"""Backends by name: the built-in ones, plus any that other packages register."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from rag.backends.base import Backend
from rag.backends.embedded import EmbeddedBackend  # imports xllamacpp only when a model loads
from rag.backends.extractive import ExtractiveBackend
from rag.backends.openai_http import OpenAIBackend
from rag.errors import BackendError

BackendFactory = Callable[..., Backend]

BACKENDS: dict[str, BackendFactory] = {
    "embedded": EmbeddedBackend,
    "openai": OpenAIBackend,
    "extractive": ExtractiveBackend,
}


def register(name: str, factory: BackendFactory, *, replace: bool = False) -> None:
    """Add a backend factory under `name`; re-registering needs replace=True."""
    if name in BACKENDS and not replace:
        raise BackendError(f"A backend named '{name}' is already registered.")
    BACKENDS[name] = factory


def make_backend(name: str, **options: Any) -> Backend:
    """Build the backend called `name` with `options`; unknown names or options raise."""
    factory = BACKENDS.get(name)
    if factory is None:
        known = ", ".join(sorted(BACKENDS))
        raise BackendError(f"Unknown LLM backend '{name}'; known backends: {known}.")
    try:
        inspect.signature(factory).bind(**options)
    except TypeError as exc:
        raise BackendError(f"Wrong options for the LLM backend '{name}': {exc}.") from exc
    return factory(**options)
