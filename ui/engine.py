"""The app's long-lived collaborators: embedder, index, retrievers, backends (loaded once)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from index.embed import Embedder
from index.loaded import LoadedIndex
from index.types import Statement
from rag.backends.base import Backend
from rag.components import (
    assemble_pipeline,
    make_backend,
    make_embedder,
    make_evidence,
    make_retriever,
    open_index,
)
from rag.embed_cache import CachedEmbed
from rag.evidence import EvidenceFinder
from rag.pipeline import Pipeline
from rag.positions import PositionFinder
from rag.retrieve import Retriever
from rag.settings import Settings


class Engine:
    """Loads the embedder and the index at start; builds pipelines from cached parts."""

    def __init__(
        self, settings: Settings, index_dir: Path, embedder: Embedder | None = None
    ) -> None:
        self.settings, self.index_dir = settings, Path(index_dir)
        self.embedder = embedder or make_embedder(settings)
        self._lock = threading.Lock()
        self._backends: dict[str, Backend] = {}
        self.reload()

    def reload(self) -> None:
        """Open the index version in force (after an ingest) and drop retrievers of the old one."""
        index = open_index(self.settings, self.index_dir, self.embedder)
        with self._lock:
            self.index: LoadedIndex = index
            self._retrievers: dict[str, Retriever] = {}
            self._evidence: EvidenceFinder | None = None

    def retriever(self, mode: str) -> Retriever:
        """The retriever of a mode over the current index (cached)."""
        with self._lock:
            if mode not in self._retrievers:
                self._retrievers[mode] = make_retriever(
                    self.settings, self.index_dir, mode, self.embedder, self.index
                )
            return self._retrievers[mode]

    def backend(self, name: str) -> Backend:
        """One backend per name: the embedded GGUF is loaded once, not per question."""
        with self._lock:
            if name not in self._backends:
                self._backends[name] = make_backend(self.settings, name)
            return self._backends[name]

    def pipeline(self, backend: str, mode: str, k: int) -> Pipeline:
        """A pipeline over the cached retriever and backend (and the model that rewrites
        follow-ups and French/Spanish questions when the backend writes nothing); its answers
        carry the hash of the settings with this request's backend, retriever and k."""
        used = self.settings.for_request(k=k, mode=mode, backend=backend)
        answerer = self.backend(backend)
        rewriter = None
        if not answerer.writes and used.answer.rewrite_backend:
            rewriter = self.backend(used.answer.rewrite_backend)
        return assemble_pipeline(used, self.retriever(mode), answerer, rewriter)

    def positions(self, backend: str | None = None) -> PositionFinder:
        """A positions finder over the hybrid retriever; the sentence vectors it computes are
        kept for the next table and timeline (until the index is reloaded)."""
        retriever = self.retriever("hybrid")
        with self._lock:
            if self._evidence is None:
                ev = make_evidence(self.settings, retriever)
                self._evidence = ev.with_embed(CachedEmbed(ev.embed))
            evidence = self._evidence
        return PositionFinder(retriever, evidence, self.backend(backend) if backend else None)

    def statement(self, statement_id: str) -> Statement | None:
        """One statement by id."""
        return self.index.meta.statement(statement_id)

    def neighbours(self, st: Statement) -> tuple[Statement | None, Statement | None]:
        """Previous and next speaker of the same meeting, by speech number."""
        if st.speech_no is None:
            return None, None
        prev_id, next_id = self.index.meta.neighbours(st.id)
        prev = self.statement(prev_id) if prev_id else None
        nxt = self.statement(next_id) if next_id else None
        return prev, nxt

    def choices(self, column: str) -> list[str]:
        """Distinct non-empty values of a statement column, most frequent first."""
        return [k for k in self.index.meta.group_counts(column) if k]

    def country_choices(self) -> list[tuple[str, str]]:
        """One (label with its count, name) per delegation, most statements first."""
        counts = self.index.meta.group_counts("country")
        return [(f"{name} ({n})", name) for name, n in counts.items() if name]

    def stats(self) -> dict[str, Any]:
        """Counts for the Library tab."""
        return self.index.meta.summary()
