"""Typed errors of the answering layer; all share index.errors.UnscRagError as their base."""

from __future__ import annotations

from index.errors import (
    IndexMissingError,
    IndexWriteError,
    InputError,
    ManifestMismatchError,
    ModelError,
    ParseError,
    UnscRagError,
)

__all__ = [
    "BackendError",
    "IndexMissingError",
    "IndexWriteError",
    "InputError",
    "ManifestMismatchError",
    "ModelError",
    "ParseError",
    "UnscRagError",
]


class BackendError(UnscRagError):
    """An LLM backend failed: server down, timeout, model unknown, model file broken."""
