"""Reranking stage: the Reranker protocol and a local sentence-transformers CrossEncoder."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from rag.errors import ModelError


class Reranker(Protocol):
    """Scores (query, passage) pairs; `rank` is the one required method."""

    def rank(self, query: str, texts: list[str]) -> list[float]:
        """One relevance score per text, higher is better."""
        ...


class CrossEncoderReranker:
    """A CrossEncoder loaded from a local folder (no cross-encoder ships in a package here)."""

    def __init__(self, path: Path) -> None:
        from sentence_transformers import CrossEncoder

        if not Path(path).is_dir():
            raise ModelError(
                f"No cross-encoder folder at {path}: set UNSC_RAG_RERANKER_PATH to a local model folder or leave it unset."
            )
        try:
            self._model = CrossEncoder(str(path), device="cpu")
        except (OSError, ValueError, RuntimeError) as err:
            raise ModelError(f"The cross-encoder at {path} cannot be loaded ({err}).") from err

    def rank(self, query: str, texts: list[str]) -> list[float]:
        """Cross-encoder scores for each (query, text) pair."""
        if not texts:
            return []
        return [float(s) for s in self._model.predict([(query, t) for t in texts])]
