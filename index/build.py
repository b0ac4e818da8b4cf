"""Build, add to, and remove from an index folder; every write is staged then published atomically."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.chunk import ChunkSettings, chunk_statement
from index.countries import canonical_statement
from index.embed import Embedder
from index.errors import UnscRagError
from index.layout import current_version, guarded_write, new_staging, publish
from index.lexical import STEMMER, BM25Index
from index.loaded import FILES, load_index
from index.manifest import Manifest
from index.meta import MetaStore, text_hash, vector_id
from index.store import StoreSpec, VectorStore, scalars_of
from index.types import Chunk, Rejected, Statement
from index.vectors import DEFAULT_SPEC, make_store

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
        spec: StoreSpec = DEFAULT_SPEC,
        checkpoint_chunks: int = 0,
    ) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.chunking = ChunkSettings(
            max_tokens=min(chunking.max_tokens, embedder.max_tokens),
            overlap_tokens=chunking.overlap_tokens,
            header=chunking.header,
        )
        self.spec = spec
        self.expected = expected_manifest(embedder, self.chunking, spec.factory)
        # Publish a version every this many embedded chunks, so a killed ingest of a large
        # corpus resumes from its last checkpoint (0: one version per call).
        self.checkpoint_chunks = checkpoint_chunks

    @guarded_write
    def ingest(
        self, records: Iterable[Statement | Rejected], progress: Progress | None = None
    ) -> Summary:
        """Add new statements, skip unchanged ones, replace changed ones (same id, new text)."""
        summary = Summary()
        stream = iter(records)
        while not self._ingest_part(stream, summary, progress):
            pass
        return summary

    def _ingest_part(
        self, stream: Iterator[Statement | Rejected], summary: Summary, progress: Progress | None
    ) -> bool:
        """Ingest into one staged version; False when it stopped at a checkpoint."""
        with _Staged(self) as st:
            known = st.meta.hashes()
            pending: list[tuple[Statement, list[Chunk]]] = []
            embedded = 0
            for rec in stream:
                if isinstance(rec, Rejected):
                    summary.rejected += 1
                    summary.errors.append(f"{rec.where}: {rec.reason}")
                    continue
                rec = canonical_statement(rec)  # the delegation's name; the record's kept
                old = known.get(rec.id)
                if old == text_hash(rec.text):
                    summary.unchanged += 1
                    continue
                if old is not None:
                    pending = [p for p in pending if p[0].id != rec.id]  # repeated in this batch
                    st.remove([rec.id])
                    summary.replaced += 1
                else:
                    summary.added += 1
                known[rec.id] = text_hash(rec.text)
                st.changed = True
                pending.append(
                    (rec, chunk_statement(rec, self.embedder.count_tokens, self.chunking))
                )
                if sum(len(c) for _, c in pending) >= BATCH:
                    done = st.write(pending, progress)
                    embedded, summary.chunks_embedded, pending = (
                        embedded + done,
                        summary.chunks_embedded + done,
                        [],
                    )
                    if self.checkpoint_chunks and embedded >= self.checkpoint_chunks:
                        return False
            summary.chunks_embedded += st.write(pending, progress)
        return True

    @guarded_write
    def remove(self, statement_ids: Iterable[str] = (), symbol: str = "") -> Summary:
        """Remove statements by id, or every statement of a meeting symbol."""
        summary = Summary()
        with _Staged(self) as st:
            ids = list(statement_ids) + (st.meta.ids_for_symbol(symbol) if symbol else [])
            known = st.meta.hashes()
            present = [i for i in dict.fromkeys(ids) if i in known]
            st.remove(present)
            summary.removed = len(present)
            st.changed = bool(present)
        return summary


class _Staged:
    """A copy of the current version in a temporary folder; published on success only."""

    def __init__(self, writer: IndexWriter) -> None:
        self.w = writer
        self.changed = False
        self._removed: list[np.ndarray] = []  # vector ids whose chunks left the staged metadata

    def __enter__(self) -> _Staged:
        self.dir = new_staging(self.w.index_dir)
        try:
            self.store = self._open()
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        self.meta = MetaStore(self.dir / FILES["meta"])
        return self

    def _open(self) -> VectorStore:
        current = current_version(self.w.index_dir)
        if current is None:
            return make_store(self.w.spec, self.w.embedder.dim)
        loaded = load_index(self.w.index_dir, self.w.expected, self.w.spec)
        loaded.meta.close()
        shutil.copy2(current / FILES["meta"], self.dir / FILES["meta"])
        return loaded.store  # the store stages its writes until `save` and `after_publish`

    def remove(self, statement_ids: list[str]) -> None:
        """Remove statements from the staged metadata; their vectors go before the next write."""
        self._removed.append(self.meta.remove(statement_ids))

    def _remove_vectors(self) -> None:
        # One call per batch, not per replaced statement: FAISS rebuilds IVF and HNSW indexes
        # on removal, and Milvus looks the ids up.
        if self._removed:
            self.store.remove(np.concatenate(self._removed))
            self._removed = []

    def write(self, pending: list[tuple[Statement, list[Chunk]]], progress: Progress | None) -> int:
        """Embed and store a batch of statements with their chunks."""
        self._remove_vectors()  # first: a replaced statement may keep some of its chunk ids
        items = [(s, c) for s, cs in pending for c in cs]
        scalars = {s.id: scalars_of(s) for s, _ in pending}
        for i in range(0, len(items), BATCH):
            part = items[i : i + BATCH]
            ids = np.array([vector_id(c.chunk_id) for _, c in part], dtype=np.int64)
            # A shared store keeps what an interrupted run added: embed only what it lacks.
            keep = np.flatnonzero(~self.store.contains(ids))
            if len(keep):
                vecs = self.w.embedder.embed([part[n][1].text for n in keep])
                self.store.add(ids[keep], vecs, [scalars[part[n][0].id] for n in keep])
            if progress:
                progress(len(part))
        for statement, cs in pending:
            self.meta.add(statement, cs)
        return len(items)

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            if exc_type is None and (self.changed or current_version(self.w.index_dir) is None):
                self._finish()
                self.meta.close()
                publish(self.w.index_dir, self.dir)
                self.store.after_publish()
                return
        finally:
            if self.dir.exists():
                self.meta.close()
                shutil.rmtree(self.dir, ignore_errors=True)

    def _finish(self) -> None:
        self._remove_vectors()
        self.meta.commit()
        rows = list(self.meta.chunk_rows())
        bm25 = BM25Index()
        bm25.build([t for _, t in rows])
        bm25.save(self.dir / FILES["bm25"])
        np.save(self.dir / FILES["bm25_ids"], np.array([i for i, _ in rows], dtype=np.int64))
        info = self.store.save(self.dir)
        stored = self.store.ntotal
        # A shared store (a Milvus collection) may also hold vectors of an interrupted write.
        if stored < len(rows) or (stored > len(rows) and not self.store.shared):
            raise UnscRagError(f"Index inconsistency: {stored} vectors, {len(rows)} chunks.")
        self.w.expected.stamped(
            self.meta.corpus_hash(),
            self.meta.count("statements"),
            len(rows),
            _versions(),
            store=info,
        ).write(self.dir / FILES["manifest"])


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("faiss-cpu", "sentence-transformers", "torch", "bm25s", "unsc-rag"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "absent"
    return out
