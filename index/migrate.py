"""Copy a FAISS index to Milvus without re-embedding: vectors move, metadata and BM25 are copied."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

from index.errors import InputError
from index.layout import new_staging, publish
from index.loaded import FILES, LoadedIndex, load_index
from index.vectors import StoreSpec, open_milvus


def migrate_to_milvus(source: Path, target: Path, spec: StoreSpec, dim: int) -> int:
    """Vectors of `source` into the Milvus collection of `spec`; `target` becomes its index folder."""
    loaded = load_index(source)
    if loaded.manifest.store_info().get("backend") != "faiss":
        raise InputError(f"The index at {source} is not a FAISS index: nothing to migrate.")
    from index.milvus_store import migrate_faiss_to_milvus

    milvus = open_milvus(spec, dim, create=True)
    copied = migrate_faiss_to_milvus(loaded.store, _scalar_rows(loaded), milvus)
    staging = new_staging(target)
    for name in ("meta", "bm25_ids"):
        shutil.copy2(loaded.folder / FILES[name], staging / FILES[name])
    shutil.copytree(loaded.folder / FILES["bm25"], staging / FILES["bm25"])
    manifest = dataclasses.replace(loaded.manifest, store=milvus.describe(), faiss_factory="")
    manifest.write(staging / FILES["manifest"])
    publish(target, staging)
    return copied


def _scalar_rows(loaded: LoadedIndex) -> Iterator[tuple[int, Mapping[str, str]]]:
    from index.milvus_store import scalars_of

    cache: dict[str, Mapping[str, str]] = {}
    for fid, sid in loaded.meta.db.execute(
        "SELECT faiss_id, statement_id FROM chunks ORDER BY faiss_id"
    ):
        if sid not in cache:
            statement = loaded.meta.statement(sid)
            assert statement is not None
            cache[sid] = scalars_of(statement)
        yield int(fid), cache[sid]
