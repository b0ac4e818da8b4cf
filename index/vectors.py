"""Where an index keeps its vectors: a FAISS file in the version folder, or a Milvus collection."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.store import FaissStore
from index.types import Filters, Statement

FAISS_FILE = "vectors.faiss"


@dataclass(frozen=True)
class StoreSpec:
    """Which vector backend a new index uses, and how to reach it (token never written down)."""

    backend: str = "faiss"  # "faiss" or "milvus"
    factory: str = "Flat"  # FAISS index_factory string of new indexes
    approx_threshold: int = 0  # past this many chunks a Flat index becomes `approx_factory`
    approx_factory: str = "IVF4096,Flat"
    milvus_uri: str = ""  # a Milvus Lite .db path or http://host:19530
    milvus_collection: str = "unsc_rag"
    milvus_token: str | None = None


DEFAULT_SPEC = StoreSpec()


class Vectors(Protocol):
    """The vector side of a staged index write; `add` is the one required method."""

    def add(self, ids: np.ndarray, vectors: np.ndarray, statements: list[Statement]) -> None:
        """Store vectors under ids; `statements[i]` is the statement of vector i."""
        ...


class FaissVectors:
    """Vectors in a FAISS file that is rewritten into each new version folder."""

    def __init__(self, store: FaissStore, factory: str, spec: StoreSpec) -> None:
        self.store, self.factory, self.spec = store, factory, spec

    def add(self, ids: np.ndarray, vectors: np.ndarray, statements: list[Statement]) -> None:
        """Add to the staged copy."""
        self.store.add(ids, vectors)

    def remove(self, ids: np.ndarray) -> None:
        """Remove from the staged copy (the published version is untouched until the switch)."""
        self.store.remove(ids)

    def missing(self, ids: np.ndarray) -> np.ndarray:
        """Ids that still need embedding: all of them (a killed FAISS write keeps nothing)."""
        return ids

    def ntotal(self) -> int:
        """Vectors stored."""
        return self.store.ntotal

    def save(self, folder: Path) -> dict[str, str]:
        """Write the FAISS file (converted to the target type) and describe it for the manifest."""
        factory = self.factory
        if self.spec.approx_threshold and self.store.ntotal >= self.spec.approx_threshold:
            factory = self.spec.approx_factory if factory == "Flat" else factory
        if self.store.factory != factory:
            self.store = self.store.converted(factory)
        self.store.save(folder / FAISS_FILE)
        return {"backend": "faiss", "factory": factory}

    def after_publish(self) -> None:
        """Nothing left to do: the file is part of the version."""


class MilvusVectors:
    """Vectors in a Milvus collection, upserted by id (so an interrupted ingest resumes)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._removed: list[np.ndarray] = []

    def add(self, ids: np.ndarray, vectors: np.ndarray, statements: list[Statement]) -> None:
        """Upsert with the statements' scalar fields, so filters run inside Milvus."""
        from index.milvus_store import scalars_of

        self.store.add(ids, vectors, [scalars_of(s) for s in statements])

    def remove(self, ids: np.ndarray) -> None:
        """Defer: readers of the published version still need these vectors until the switch."""
        self._removed.append(np.asarray(ids, dtype=np.int64))

    def missing(self, ids: np.ndarray) -> np.ndarray:
        """Ids not in the collection yet: what an interrupted ingest left to embed."""
        present = set(self.store._present(ids))
        return np.array([i for i in ids if int(i) not in present], dtype=np.int64)

    def ntotal(self) -> int:
        """Vectors stored (may include vectors of a write that was interrupted)."""
        return int(self.store.ntotal)

    def save(self, folder: Path) -> dict[str, str]:
        """Nothing to write locally; describe the collection for the manifest."""
        return dict(self.store.describe())

    def after_publish(self) -> None:
        """Delete the vectors of removed or replaced statements, now that nobody reads them."""
        if self._removed:
            self.store.remove(np.concatenate(self._removed))
            self._removed = []


def open_milvus(spec: StoreSpec, dim: int, create: bool) -> Any:
    """A MilvusStore (pymilvus is imported only when Milvus is used)."""
    from index.milvus_store import MilvusStore

    # Milvus Lite's approximate index returned wrong neighbours under narrow filters
    # (bench/SCALE.md): a local file gets an exact FLAT index; a cluster keeps AUTOINDEX.
    index_type = "FLAT" if spec.milvus_uri.endswith(".db") else "AUTOINDEX"
    return MilvusStore(
        spec.milvus_uri, spec.milvus_collection, dim, spec.milvus_token, create, index_type
    )


def new_vectors(spec: StoreSpec, dim: int) -> Vectors:
    """Vectors of a new index."""
    if spec.backend == "milvus":
        return MilvusVectors(open_milvus(spec, dim, create=True))
    # Vectors go into a Flat index first: IVF/PQ are trained at save time on all of them,
    # not on whichever first batch happened to arrive.
    return FaissVectors(FaissStore(dim, "Flat"), spec.factory, spec)


def stored_spec(info: dict[str, str], spec: StoreSpec) -> StoreSpec:
    """The spec of an existing index: its manifest's backend, reached as the settings say."""
    if info.get("backend") != "milvus":
        return StoreSpec(
            "faiss", info.get("factory", spec.factory), spec.approx_threshold, spec.approx_factory
        )
    uri = spec.milvus_uri or info.get(
        "uri", ""
    )  # a cluster URI comes from settings, a .db from the manifest
    return StoreSpec(
        "milvus",
        milvus_uri=uri,
        milvus_collection=info.get("collection", spec.milvus_collection),
        milvus_token=spec.milvus_token,
    )


def load_store(folder: Path, info: dict[str, str], spec: StoreSpec, dim: int) -> Any:
    """The searchable store of a published version."""
    if info.get("backend") == "milvus":
        return open_milvus(stored_spec(info, spec), dim, create=False)
    return FaissStore.load(folder / FAISS_FILE, info.get("factory", "Flat"))


def dense_search(
    store: Any, queries: np.ndarray, k: int, filters: Filters, allowed: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Dense search with filters inside it: Milvus evaluates an expression, FAISS an id selector."""
    if hasattr(store, "search_filtered") and not filters.is_empty():
        from index.milvus_store import filters_to_expr

        return store.search_filtered(queries, k, filters_to_expr(filters))
    return store.search(queries, k, allowed)
