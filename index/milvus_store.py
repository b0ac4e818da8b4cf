"""Vector store on Milvus (sole pymilvus importer): index.store.VectorStore, filters inside."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException

from index.errors import IndexMissingError, IndexWriteError, ManifestMismatchError, UnscRagError
from index.milvus_expr import filters_to_expr
from index.store import SCALAR_FIELDS, Scalars, StoreSpec, empty_results
from index.types import Filters

# Scalar fields (index.store.SCALAR_FIELDS) stored beside each vector, so filter expressions run
# inside the search; these four also get an index on a cluster.
INDEXED_SCALARS = ("country_key", "symbol_base", "collection", "statement_id")
MAX_CHARS = 255  # values are cut to this many characters (VARCHAR max_length is in bytes)
BATCH = 2_000  # rows per upsert: ~3 MB of dim-384 vectors, well under gRPC's 64 MB limit
_MISSING_CODE = 100  # Milvus: collection does not exist


class MilvusStoreError(UnscRagError):
    """A Milvus request failed (bad filter expression, server-side error)."""


class MilvusUnavailableError(MilvusStoreError):
    """The Milvus server (or Milvus Lite file) cannot be reached or opened."""


@contextmanager
def _translated(where: str, action: str, write: bool = False) -> Iterator[None]:
    """Turn a MilvusException into one sentence of the project's typed errors."""
    try:
        yield
    except MilvusException as err:
        msg = f"Milvus at {where} failed to {action}: {err.message} (code {err.code})."
        if err.code == _MISSING_CODE:
            raise IndexMissingError(
                f"The Milvus collection at {where} is missing: rebuild it with "
                "`unsc-rag ingest --store milvus`."
            ) from err
        raise (IndexWriteError if write else MilvusStoreError)(msg) from err


def connect(uri: str | Path, token: str | None = None, timeout: float = 10.0) -> MilvusClient:
    """A client for a Milvus server URL or a Milvus Lite `.db` file, or one clear error."""
    uri = str(uri)
    try:
        return MilvusClient(uri=uri, token=token or "", timeout=timeout)
    except MilvusException as err:
        raise MilvusUnavailableError(
            f"Cannot reach Milvus at {_redact(uri)} ({err.message}): start the server or "
            "fix the Milvus URI in the settings."
        ) from err


def _redact(uri: str) -> str:
    return uri.split("@")[-1] if "://" in uri else uri


class MilvusStore:
    """One Milvus collection: int64 id (the chunk's vector id), a float vector, and SCALAR_FIELDS.

    Every index version shares the collection, so adds are upserts visible at once (an
    interrupted ingest resumes from them), while removals stay pending, hidden from this store
    only, until `after_publish`: readers of the version in force still need those vectors."""

    shared = True

    def __init__(
        self,
        uri: str | Path,
        collection: str,
        dim: int,
        token: str | None = None,
        create: bool = True,
        index_type: str = "AUTOINDEX",
    ) -> None:
        self.uri = str(uri)
        self.collection = collection
        self.dim = dim
        self.index_type = index_type
        self.ef_search = 64
        self._pending: set[int] = set()  # removed here, deleted from Milvus after the switch
        self.where = f"{_redact(self.uri)} (collection {collection})"
        self.client = connect(self.uri, token)
        with _translated(self.where, "open the collection"):
            exists = self.client.has_collection(collection)
            if exists:
                self._check_dim()
                self.client.load_collection(collection)  # a reopened collection starts released
            elif create:
                self._create()
        if not exists and not create:
            raise IndexMissingError(
                f"No Milvus collection {collection!r} at {_redact(self.uri)}: build it with "
                "`unsc-rag ingest --store milvus`."
            )

    def _check_dim(self) -> None:
        fields = self.client.describe_collection(self.collection)["fields"]
        dims = [f["params"].get("dim") for f in fields if f["name"] == "vector"]
        if not dims or int(dims[0]) != self.dim:
            raise ManifestMismatchError(
                f"The Milvus collection at {self.where} holds vectors of dimension "
                f"{dims[0] if dims else 'none'}, not {self.dim}: use another collection."
            )

    def _create(self) -> None:
        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
        for name in SCALAR_FIELDS:
            schema.add_field(name, DataType.VARCHAR, max_length=4 * MAX_CHARS)
        params = self.client.prepare_index_params()
        params.add_index(field_name="vector", index_type=self.index_type, metric_type="IP")
        # Scalar indexes speed up filters on a cluster; Milvus Lite evaluates filters without
        # them and spends ~0.5 s per index waiting on creation, so local files skip them.
        for name in () if self.uri.endswith(".db") else INDEXED_SCALARS:
            params.add_index(field_name=name, index_type="INVERTED")
        self.client.create_collection(
            self.collection, schema=schema, index_params=params, consistency_level="Strong"
        )

    def describe(self) -> dict[str, str]:
        """What the manifest records about this backend (no credentials)."""
        from importlib.metadata import version

        return {
            "backend": "milvus",
            "uri": _redact(self.uri),
            "collection": self.collection,
            "index_type": self.index_type,
            "pymilvus": version("pymilvus"),
        }

    @property
    def ntotal(self) -> int:
        """Number of stored vectors (pending removals excluded)."""
        with _translated(self.where, "count vectors"):
            rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"]) - len(self._pending)

    def add(
        self, ids: np.ndarray, vectors: np.ndarray, scalars: Sequence[Scalars] | None = None
    ) -> None:
        """Upsert vectors (and their scalar fields) by id: re-adding an id replaces it."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        for start in range(0, len(ids), BATCH):
            stop = start + BATCH
            rows = [
                _row(int(i), v, scalars[start + n] if scalars is not None else {})
                for n, (i, v) in enumerate(zip(ids[start:stop], vectors[start:stop], strict=True))
            ]
            with _translated(self.where, "store vectors", write=True):
                self.client.upsert(self.collection, rows)
        self._pending.difference_update(int(i) for i in ids)  # re-added: no longer removed

    def remove(self, ids: np.ndarray) -> int:
        """Hide ids from this store now, delete them after the switch; how many were stored."""
        stored = self._present(np.asarray(ids, dtype=np.int64))
        self._pending.update(stored)
        return len(stored)

    def after_publish(self) -> None:
        """Delete the pending removals, now that the version in force no longer has them."""
        pending = sorted(self._pending)
        with _translated(self.where, "delete vectors", write=True):
            for start in range(0, len(pending), BATCH):
                self.client.delete(self.collection, ids=pending[start : start + BATCH])
        self._pending.clear()

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """Which of `ids` are stored (what an interrupted ingest left need not be embedded)."""
        ids = np.asarray(ids, dtype=np.int64)
        return np.isin(ids, np.asarray(self._present(ids), dtype=np.int64))

    def _present(self, ids: np.ndarray) -> list[int]:
        out: list[int] = []
        with _translated(self.where, "look up ids"):
            for start in range(0, len(ids), BATCH):
                part = [int(i) for i in ids[start : start + BATCH]]
                rows = self.client.query(
                    self.collection, filter=f"id in {part}", output_fields=["id"]
                )
                out += [int(r["id"]) for r in rows]
        return [i for i in out if i not in self._pending]

    def all_ids(self) -> np.ndarray:
        """Every stored id."""
        out: list[int] = []
        with _translated(self.where, "list ids"):
            it = self.client.query_iterator(
                self.collection, batch_size=10_000, output_fields=["id"]
            )
            while batch := it.next():
                out += [int(r["id"]) for r in batch]
            it.close()
        return np.asarray(sorted(set(out) - self._pending), dtype=np.int64)

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors of `ids`, in that order."""
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _translated(self.where, "read vectors"):
            rows = self.client.get(self.collection, ids=[int(i) for i in ids])
        by_id = {int(r["id"]): r["vector"] for r in rows}
        return np.asarray([by_id[int(i)] for i in ids], dtype=np.float32)

    def search(
        self,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        filters: Filters | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product among allowed ids; filters run as an expression inside Milvus."""
        if filters is not None and not filters.is_empty():
            # One expression on the scalar fields: cheaper than a list of thousands of ids.
            return self.search_filtered(queries, k, filters_to_expr(filters))
        if allowed is None:
            return self.search_filtered(queries, k, "")
        allowed = np.asarray(allowed, dtype=np.int64)
        if len(allowed) == 0:
            return empty_results(len(np.atleast_2d(queries)), max(1, k))
        return self.search_filtered(queries, k, f"id in {[int(i) for i in allowed]}")

    def search_filtered(
        self, queries: np.ndarray, k: int, expr: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k among rows matching a Milvus expression (see `filters_to_expr`); -1 pads."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        k = max(1, k)
        if self._pending:
            hidden = f"id not in {sorted(self._pending)}"
            expr = f"({expr}) and {hidden}" if expr else hidden
        params = {"metric_type": "IP", "params": {"ef": max(self.ef_search, k)}}
        with _translated(self.where, "search"):
            hits = self.client.search(
                self.collection,
                data=queries.tolist(),
                filter=expr,
                limit=k,
                output_fields=["id"],
                search_params=params,
            )
        scores, ids = empty_results(len(queries), k)
        for row, found in enumerate(hits):
            for col, hit in enumerate(found[:k]):
                ids[row, col] = int(hit["id"])
                scores[row, col] = float(hit["distance"])
        return scores, ids

    def save(self, folder: Path) -> dict[str, str]:
        """Nothing to write into the version folder: the manifest's record of the collection."""
        return self.describe()

    def close(self) -> None:
        """Close the client connection."""
        self.client.close()

    def drop(self) -> None:
        """Delete the whole collection."""
        with _translated(self.where, "drop the collection", write=True):
            self.client.drop_collection(self.collection)


def _row(i: int, vector: np.ndarray, scalars: Scalars) -> dict[str, Any]:
    row: dict[str, Any] = {"id": i, "vector": vector.tolist()}
    for name in SCALAR_FIELDS:
        row[name] = str(scalars.get(name, ""))[:MAX_CHARS]
    return row


def open_store(spec: StoreSpec, dim: int, folder: Path | None = None) -> MilvusStore:
    """The collection of `spec`: created for a new index (folder None), required otherwise."""
    # Milvus Lite's approximate index returned wrong neighbours under narrow filters
    # (bench/SCALE.md): a local file gets an exact FLAT index; a cluster keeps AUTOINDEX.
    index_type = "FLAT" if spec.uri.endswith(".db") else "AUTOINDEX"
    return MilvusStore(spec.uri, spec.collection, dim, spec.token, folder is None, index_type)
