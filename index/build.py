"""Build, add to, and remove from an index folder; every write is staged then published atomically."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.chunk import ChunkSettings, chunk_statement
from index.embed import Embedder
from index.errors import UnscRagError
from index.layout import current_version, new_staging, publish
from index.lexical import STEMMER, BM25Index
from index.loaded import FILES, load_index
from index.manifest import Manifest
from index.meta import MetaStore, faiss_id, text_hash
from index.store import FaissStore
from index.types import Chunk, Rejected, Statement

BATCH = 512  # chunks embedded and written per step: bounds memory on large ingests
Progress = Callable[[int], None]  # called with the number of chunks just embedded


@dataclass
class Summary:
    """Counts of one ingest or removal."""

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    rejected: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One-line summary for the CLI and UI."""
        return (
            f"added {self.added}, unchanged {self.unchanged}, replaced {self.replaced}, "
            f"rejected {self.rejected}, removed {self.removed} "
            f"({self.chunks_embedded} chunks embedded)"
        )


def expected_manifest(embedder: Embedder, chunking: ChunkSettings, factory: str) -> Manifest:
    """The manifest an index built with these collaborators has (before stamping)."""
    return Manifest(
        embedder=embedder.name,
        dim=embedder.dim,
        chunk_max_tokens=chunking.max_tokens,
        chunk_overlap_tokens=chunking.overlap_tokens,
        chunk_header=chunking.header,
        bm25_stemmer=STEMMER,
        faiss_factory=factory,
    )


class IndexWriter:
    """Applies ingests and removals to an index folder, one atomic version per call."""

    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        chunking: ChunkSettings,
        factory: str = "Flat",
        approx: tuple[int, str] | None = None,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.chunking = ChunkSettings(
            max_tokens=min(chunking.max_tokens, embedder.max_tokens),
            overlap_tokens=chunking.overlap_tokens,
            header=chunking.header,
        )
        self.expected = expected_manifest(embedder, self.chunking, factory)
        # (threshold, factory): past this many chunks a Flat index is converted to an approximate one
        self.approx = approx

    def ingest(
        self, records: Iterable[Statement | Rejected], progress: Progress | None = None
    ) -> Summary:
        """Add new statements, skip unchanged ones, replace changed ones (same id, new text)."""
        summary = Summary()
        with _Staged(self) as st:
            known = st.meta.hashes()
            pending: list[tuple[Statement, list[Chunk]]] = []
            for rec in records:
                if isinstance(rec, Rejected):
                    summary.rejected += 1
                    summary.errors.append(f"{rec.where}: {rec.reason}")
                    continue
                old = known.get(rec.id)
                if old == text_hash(rec.text):
                    summary.unchanged += 1
                    continue
                if old is not None:
                    st.store.remove(st.meta.remove([rec.id]))
                    summary.replaced += 1
                else:
                    summary.added += 1
                known[rec.id] = text_hash(rec.text)
                pending.append(
                    (rec, chunk_statement(rec, self.embedder.count_tokens, self.chunking))
                )
                if sum(len(c) for _, c in pending) >= BATCH:
                    summary.chunks_embedded += st.write(pending, progress)
                    pending = []
            summary.chunks_embedded += st.write(pending, progress)
            st.changed = summary.added + summary.replaced > 0
        return summary

    def remove(self, statement_ids: list[str] = (), symbol: str = "") -> Summary:  # type: ignore[assignment]
        """Remove statements by id, or every statement of a meeting symbol."""
        summary = Summary()
        with _Staged(self) as st:
            ids = list(statement_ids) + (st.meta.ids_for_symbol(symbol) if symbol else [])
            known = st.meta.hashes()
            present = [i for i in dict.fromkeys(ids) if i in known]
            st.store.remove(st.meta.remove(present))
            summary.removed = len(present)
            st.changed = bool(present)
        return summary


class _Staged:
    """A copy of the current version in a temporary folder; published on success only."""

    def __init__(self, writer: IndexWriter) -> None:
        self.w = writer
        self.changed = False

    def __enter__(self) -> _Staged:
        self.dir = new_staging(self.w.index_dir)
        current = current_version(self.w.index_dir)
        if current is not None:
            loaded = load_index(self.w.index_dir, self.w.expected)
            self.store = loaded.store
            self.factory = (
                loaded.manifest.faiss_factory
            )  # an index keeps the type it was built with
            loaded.meta.close()
            shutil.copy2(current / FILES["meta"], self.dir / FILES["meta"])
        else:
            # Vectors go into a Flat index first: IVF/PQ are trained at publish time on all of
            # them, not on whichever first batch happened to arrive.
            self.store = FaissStore(self.w.embedder.dim, "Flat")
            self.factory = self.w.expected.faiss_factory
        self.meta = MetaStore(self.dir / FILES["meta"])
        return self

    def write(self, pending: list[tuple[Statement, list[Chunk]]], progress: Progress | None) -> int:
        """Embed and store a batch of statements with their chunks."""
        chunks = [c for _, cs in pending for c in cs]
        for i in range(0, len(chunks), BATCH):
            part = chunks[i : i + BATCH]
            vecs = self.w.embedder.embed([c.text for c in part])
            self.store.add(np.array([faiss_id(c.chunk_id) for c in part], dtype=np.int64), vecs)
            if progress:
                progress(len(part))
        for statement, cs in pending:
            self.meta.add(statement, cs)
        return len(chunks)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None and (self.changed or current_version(self.w.index_dir) is None):
                self._finish()
                self.meta.close()
                publish(self.w.index_dir, self.dir)
                return
        finally:
            if self.dir.exists():
                self.meta.close()
                shutil.rmtree(self.dir, ignore_errors=True)

    def _finish(self) -> None:
        self.meta.commit()
        rows = list(self.meta.chunk_rows())
        bm25 = BM25Index()
        bm25.build([t for _, t in rows])
        bm25.save(self.dir / FILES["bm25"])
        np.save(self.dir / FILES["bm25_ids"], np.array([i for i, _ in rows], dtype=np.int64))
        self.store = self._target_store()
        self.store.save(self.dir / FILES["faiss"])
        if self.store.ntotal != len(rows):
            raise UnscRagError(
                f"Index inconsistency: {self.store.ntotal} vectors, {len(rows)} chunks."
            )
        self.w.expected.stamped(
            self.meta.corpus_hash(),
            self.meta.count("statements"),
            len(rows),
            _versions(),
            faiss_factory=self.store.factory,
        ).write(self.dir / FILES["manifest"])

    def _target_store(self) -> FaissStore:
        factory = self.factory
        if self.w.approx and self.store.ntotal >= self.w.approx[0] and factory == "Flat":
            factory = self.w.approx[1]
        return self.store if self.store.factory == factory else self.store.converted(factory)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("faiss-cpu", "sentence-transformers", "torch", "bm25s", "unsc-rag"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out
