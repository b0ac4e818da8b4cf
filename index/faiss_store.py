"""Vector store on FAISS (sole faiss importer): IndexIDMap2, inner product, filters inside search."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss as _faiss
import numpy as np

from index.store import Scalars, StoreSpec, empty_results, padded
from index.types import Filters

# faiss's SWIG stubs are incomplete (no SearchParametersHNSW, no IndexIDMap2.id_map): untyped.
faiss: Any = _faiss

# Below this many allowed ids, a filtered search scores the allowed vectors exactly: approximate
# indexes miss results under narrow filters (bench/SCALE.md: HNSW recall@10 0.26 at one country),
# and a few thousand dot products are cheap.
EXACT_FILTER_LIMIT = 20_000
FAISS_FILE = "vectors.faiss"


class FaissStore:
    """An `IndexIDMap2` over any FAISS factory string ("Flat", "SQfp16", "HNSW32", "IVF1024,Flat").

    The vectors are a file of each index version: writes change this in-memory copy only, and
    `save` writes it, as the `target` index type, into the new version's folder."""

    shared = False

    def __init__(
        self,
        dim: int,
        factory: str = "Flat",
        index: Any = None,
        *,
        target: str | None = None,
        approx_threshold: int = 0,
        approx_factory: str = "IVF4096,Flat",
    ) -> None:
        self.dim = dim
        self.factory = factory  # the index type in memory
        self.index = index if index is not None else _new(dim, factory)
        self.nprobe = 16
        self.ef_search = 64
        # What `save` writes: `target`, except that a Flat index past `approx_threshold`
        # vectors becomes `approx_factory` (0: never).
        self.target = target or factory
        self.approx_threshold, self.approx_factory = approx_threshold, approx_factory

    @property
    def ntotal(self) -> int:
        """Number of stored vectors."""
        return int(self.index.ntotal)

    def add(
        self, ids: np.ndarray, vectors: np.ndarray, scalars: Sequence[Scalars] | None = None
    ) -> None:
        """Add vectors under int64 ids, training the inner index first when it needs it.

        `scalars` are not kept: filters reach FAISS as the allowed-id set."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(ids) == 0:
            return
        inner = faiss.downcast_index(self.index.index)
        if not inner.is_trained:
            inner.train(vectors)
        self.index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
        ivf = faiss.try_extract_index_ivf(inner)
        if ivf is not None:
            ivf.make_direct_map(True)  # lets IVF reconstruct vectors (needed to rebuild on remove)

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids; indexes that cannot remove in place (HNSW) are rebuilt without them."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return 0
        if isinstance(self._inner(), faiss.IndexFlatCodes):
            return int(self.index.remove_ids(faiss.IDSelectorBatch(ids)))
        # IDMap2's in-place removal assumes the inner index compacts like Flat; IVF does not
        # (ids come back shifted) and HNSW cannot remove: rebuild from the kept vectors.
        all_ids, vecs = self.all_vectors()
        keep = ~np.isin(all_ids, ids)
        before = self.ntotal
        self.index = _new(self.dim, self.factory)
        self.add(all_ids[keep], vecs[keep])
        return before - self.ntotal

    def all_ids(self) -> np.ndarray:
        """Every stored id."""
        return faiss.vector_to_array(self.index.id_map).astype(np.int64)

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """Which of `ids` are stored."""
        return np.isin(np.asarray(ids, dtype=np.int64), self.all_ids())

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors of `ids` (decoded, so float32 even for SQfp16)."""
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self.index.reconstruct(int(i)) for i in ids]).astype(np.float32)

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (id, vector), read in bulk from the inner index's storage."""
        n = self.ntotal
        if n == 0:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        return self.all_ids(), np.asarray(self._inner().reconstruct_n(0, n), dtype=np.float32)

    def needs_training(self) -> bool:
        """True for an empty index that must be trained (IVF, PQ) before vectors are added."""
        return not self._inner().is_trained

    def converted(self, factory: str, max_train: int = 200_000) -> FaissStore:
        """The same vectors in another index type, trained on (a sample of) all of them."""
        ids, vecs = self.all_vectors()
        out = FaissStore(
            self.dim,
            factory,
            approx_threshold=self.approx_threshold,
            approx_factory=self.approx_factory,
        )
        if out.needs_training() and len(vecs):
            rng = np.random.default_rng(0)
            sample = vecs[rng.choice(len(vecs), min(len(vecs), max_train), replace=False)]
            faiss.downcast_index(out.index.index).train(sample)
        out.add(ids, vecs)
        return out

    def search(
        self,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        filters: Filters | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product; with `allowed`, only those ids compete (inside the search)."""
        if allowed is None and filters is not None and not filters.is_empty():
            raise ValueError("FaissStore filters by id: pass the allowed ids of the filters.")
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        k = max(1, k)
        # One query is fastest on one thread: FAISS's pool costs ~20 ms per call on 2 busy
        # cores against 0.5 ms for the scan itself (bench/README.md).
        threads = faiss.omp_get_max_threads()
        if len(queries) <= 8:
            faiss.omp_set_num_threads(1)
        try:
            return padded(*self._search(queries, k, allowed), k)
        finally:
            faiss.omp_set_num_threads(threads)

    def _search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if self.ntotal == 0:
            return empty_results(len(queries), k)
        k = min(k, self.ntotal)  # FAISS would pad itself, at the cost of a larger heap
        if allowed is None:
            return self.index.search(queries, k, params=self._params(None))
        allowed = np.asarray(allowed, dtype=np.int64)
        if len(allowed) == 0:
            return empty_results(len(queries), k)
        narrow = len(allowed) <= EXACT_FILTER_LIMIT
        if narrow and isinstance(self._inner(), faiss.IndexHNSW):
            return self._exact(queries, k, allowed)
        return self.index.search(queries, k, params=self._params(allowed, exhaustive=narrow))

    def _inner(self) -> Any:
        return faiss.downcast_index(self.index.index)

    def _params(self, allowed: np.ndarray | None, exhaustive: bool = False) -> Any:
        sel = faiss.IDSelectorBatch(allowed) if allowed is not None else None
        inner = self._inner()
        if isinstance(inner, faiss.IndexHNSW):
            return faiss.SearchParametersHNSW(sel=sel, efSearch=self.ef_search)
        if isinstance(inner, faiss.IndexIVF):
            # Under a narrow filter, probing every list makes IVF exact: approximate search
            # would miss allowed vectors that sit in unprobed lists.
            nprobe = inner.nlist if exhaustive else self.nprobe
            return faiss.SearchParametersIVF(sel=sel, nprobe=nprobe)
        return faiss.SearchParameters(sel=sel)

    def _exact(
        self, queries: np.ndarray, k: int, allowed: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        vecs = self.reconstruct(allowed)
        scores = queries @ vecs.T
        k = min(k, len(allowed))
        top = np.argsort(-scores, axis=1)[:, :k]
        return np.take_along_axis(scores, top, axis=1), allowed[top]

    def save(self, folder: Path) -> dict[str, str]:
        """Write the index into `folder` as its target type; the manifest's record of it."""
        factory = self.target
        if factory == "Flat" and self.approx_threshold and self.ntotal >= self.approx_threshold:
            factory = self.approx_factory
        if self.factory != factory:
            converted = self.converted(factory)
            self.index, self.factory = converted.index, converted.factory
        faiss.write_index(self.index, str(folder / FAISS_FILE))
        return {"backend": "faiss", "factory": factory}

    def after_publish(self) -> None:
        """Nothing waits for the switch: the file is part of the version."""

    @classmethod
    def load(
        cls,
        folder: Path,
        factory: str,
        approx_threshold: int = 0,
        approx_factory: str = "IVF4096,Flat",
    ) -> FaissStore:
        """Read the index `save` wrote into `folder` (its manifest names the `factory`)."""
        index = faiss.read_index(str(folder / FAISS_FILE))
        return cls(
            index.d,
            factory,
            index=index,
            approx_threshold=approx_threshold,
            approx_factory=approx_factory,
        )


def open_store(spec: StoreSpec, dim: int, folder: Path | None = None) -> FaissStore:
    """A new index's store (folder None), or the one a version folder holds."""
    if folder is None:
        # Vectors go into a Flat index first: IVF/PQ are trained at save time on all of them,
        # not on whichever first batch happened to arrive.
        return FaissStore(
            dim,
            "Flat",
            target=spec.factory,
            approx_threshold=spec.approx_threshold,
            approx_factory=spec.approx_factory,
        )
    # An existing index keeps the type it was built with (its manifest's factory).
    return FaissStore.load(folder, spec.factory, spec.approx_threshold, spec.approx_factory)


def _new(dim: int, factory: str) -> Any:
    inner = faiss.index_factory(dim, factory, faiss.METRIC_INNER_PRODUCT)
    return faiss.IndexIDMap2(inner)


def set_threads(n: int) -> None:
    """Cap FAISS's OpenMP threads (the machine has 2 cores shared with the encoder)."""
    faiss.omp_set_num_threads(n)


def faiss_version() -> str:
    """The faiss library version, for the manifest."""
    return str(faiss.__version__)
