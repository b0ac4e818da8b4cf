"""Typed errors of the index layer, each carrying one sentence for the user."""

from __future__ import annotations


class UnscRagError(Exception):
    """Base of every error shown to users; `str(err)` is the whole message."""


class ParseError(UnscRagError):
    """A statement file cannot be read or has a malformed record."""


class IndexMissingError(UnscRagError):
    """No index exists where one was expected."""


class ManifestMismatchError(UnscRagError):
    """The index on disk was built with other settings than the ones in force."""


class ModelError(UnscRagError):
    """A model (embedder, reranker, GGUF) cannot be loaded from its path."""


class IndexWriteError(UnscRagError):
    """The index folder cannot be written."""


class InputError(UnscRagError):
    """The user's input (question, filter, option) is not usable."""


class CorruptIndexError(UnscRagError):
    """A file of an index version is missing, truncated or unreadable."""
