"""Copy an index's vectors to another store without re-embedding: metadata and BM25 are copied."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from index.errors import InputError
from index.layout import new_staging, publish
from index.loaded import FILES, LoadedIndex, load_index
from index.store import Scalars, StoreSpec, VectorStore, scalars_of
from index.vectors import make_store

COPY_BATCH = 2_000  # vectors read and written per step


def copy_vectors(
    source: VectorStore,
    rows: Iterable[tuple[int, Scalars]],
    target: VectorStore,
    batch: int = COPY_BATCH,
) -> int:
    """Copy the vectors of `rows` (id, scalar fields) from one store to another; rows copied.

    Adding an id twice replaces it, so an interrupted copy is resumed by running it again."""
    copied = 0
    it = iter(rows)
    while part := list(islice(it, batch)):
        ids = np.asarray([i for i, _ in part], dtype=np.int64)
        target.add(ids, source.reconstruct(ids), [s for _, s in part])
        copied += len(part)
    return copied


def migrate_to_milvus(source: Path, target: Path, spec: StoreSpec, dim: int) -> int:
    """Vectors of a FAISS index into the Milvus collection of `spec`; `target` is its index folder."""
    loaded = load_index(source)
    if loaded.manifest.store_info().get("backend") != "faiss":
        raise InputError(f"The index at {source} is not a FAISS index: nothing to migrate.")
    return copy_index(loaded, target, dataclasses.replace(spec, backend="milvus"), dim)


def copy_index(loaded: LoadedIndex, target: Path, spec: StoreSpec, dim: int) -> int:
    """A loaded index's vectors into a new store of `spec`, published as the index at `target`."""
    store = make_store(spec, dim)
    copied = copy_vectors(loaded.store, _scalar_rows(loaded), store)
    staging = new_staging(target)
    for name in ("meta", "bm25_ids"):
        shutil.copy2(loaded.folder / FILES[name], staging / FILES[name])
    shutil.copytree(loaded.folder / FILES["bm25"], staging / FILES["bm25"])
    info = store.save(staging)
    manifest = dataclasses.replace(
        loaded.manifest, store=info, faiss_factory=info.get("factory", "")
    )
    manifest.write(staging / FILES["manifest"])
    publish(target, staging)
    store.after_publish()
    return copied


def _scalar_rows(loaded: LoadedIndex) -> Iterator[tuple[int, Scalars]]:
    cache: dict[str, Scalars] = {}
    for vid, sid in loaded.meta.chunk_statement_ids():
        if sid not in cache:
            statement = loaded.meta.statement(sid)
            assert statement is not None
            cache[sid] = scalars_of(statement)
        yield int(vid), cache[sid]
