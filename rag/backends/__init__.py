"""LLM backends behind one small interface (`Backend.stream`), chosen by name."""

from rag.backends.base import Backend, GenerationParams, Message, complete
from rag.backends.registry import BACKENDS, make_backend, register

__all__ = [
    "BACKENDS",
    "Backend",
    "GenerationParams",
    "Message",
    "complete",
    "make_backend",
    "register",
]
