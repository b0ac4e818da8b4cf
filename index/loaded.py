"""A loaded index version: manifest, metadata, vector store and BM25, checked at load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.integrity import verify_version
from index.layout import require_version
from index.lexical import BM25Index
from index.manifest import Manifest
from index.meta import MetaStore
from index.store import StoreSpec, VectorStore
from index.types import Filters
from index.vectors import DEFAULT_SPEC, make_store, stored_spec

FILES = {
    "manifest": "manifest.json",
    "meta": "meta.sqlite",
    "bm25": "bm25",
    "bm25_ids": "bm25_ids.npy",
}


@dataclass
class LoadedIndex:
    """Everything a retriever needs from one index version."""

    folder: Path
    manifest: Manifest
    meta: MetaStore
    store: VectorStore
    bm25: BM25Index
    bm25_ids: np.ndarray  # vector id of each BM25 document position

    def dense_search(
        self, queries: np.ndarray, k: int, filters: Filters, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest chunks among those the filters allow (`allowed`: their ids), inside the search."""
        return self.store.search(queries, k, allowed, filters)

    def bm25_mask(self, allowed: np.ndarray | None) -> np.ndarray | None:
        """A 0/1 mask over BM25 documents for a set of allowed vector ids."""
        if allowed is None:
            return None
        return np.isin(self.bm25_ids, allowed).astype(np.float32)


def load_index(
    index_dir: Path, expected: Manifest | None = None, spec: StoreSpec = DEFAULT_SPEC
) -> LoadedIndex:
    """Load the version in force; with `expected`, a manifest mismatch raises a clear error."""
    folder = require_version(Path(index_dir))
    verify_version(folder, Path(index_dir))  # damaged files named before anything loads
    manifest = Manifest.read(folder / FILES["manifest"])
    if expected is not None:
        manifest.check_compatible(expected, Path(index_dir))
    return LoadedIndex(
        folder=folder,
        manifest=manifest,
        meta=MetaStore(folder / FILES["meta"], readonly=True),
        store=make_store(stored_spec(manifest.store_info(), spec), manifest.dim, folder),
        bm25=BM25Index.load(folder / FILES["bm25"]),
        bm25_ids=np.load(folder / FILES["bm25_ids"]),
    )
