"""Vector store on Milvus (sole pymilvus importer): the FaissStore interface, filters inside."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from pymilvus import DataType, MilvusClient
from pymilvus.exceptions import MilvusException

from index.countries import country_key
from index.errors import IndexMissingError, IndexWriteError, ManifestMismatchError, UnscRagError
from index.meta import symbol_base
from index.types import Filters, Statement

# Scalar fields stored beside each vector, so filter expressions run inside the search.
SCALAR_FIELDS = (
    "country_key",
    "symbol_base",
    "date",
    "spoken_language",
    "participant_type",
    "collection",
    "statement_id",
    "speaker",
)
INDEXED_SCALARS = ("country_key", "symbol_base", "collection", "statement_id")
MAX_CHARS = 255  # values are cut to this many characters (VARCHAR max_length is in bytes)
BATCH = 2_000  # rows per upsert: ~3 MB of dim-384 vectors, well under gRPC's 64 MB limit
_MISSING_CODE = 100  # Milvus: collection does not exist


class MilvusStoreError(UnscRagError):
    """A Milvus request failed (bad filter expression, server-side error)."""


class MilvusUnavailableError(MilvusStoreError):
    """The Milvus server (or Milvus Lite file) cannot be reached or opened."""


def scalars_of(statement: Statement) -> dict[str, str]:
    """The normalised scalar fields of a statement's chunks (what `filters_to_expr` compares)."""
    return {
        "country_key": country_key(statement.country),
        "symbol_base": symbol_base(statement.symbol),
        "date": statement.date,
        "spoken_language": statement.spoken_language.lower(),
        "participant_type": statement.participant_type.lower(),
        "collection": statement.collection,
        "statement_id": statement.id,
        "speaker": statement.speaker.lower(),
    }


def quote(value: str) -> str:
    """A Milvus string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _like_quote(fragment: str) -> str:
    """A `like` pattern matching `fragment` anywhere, its own % and _ taken literally."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return quote(f"%{escaped}%")


def filters_to_expr(f: Filters) -> str:
    """Filters → a Milvus boolean expression with MetaStore.allowed_ids semantics; "" for none."""
    parts: list[str] = []

    def any_of(name: str, values: Iterable[str]) -> None:
        vals = list(dict.fromkeys(values))
        if vals:
            parts.append(f"{name} in [{', '.join(quote(v) for v in vals)}]")

    any_of("country_key", (country_key(c) for c in f.countries))
    any_of("symbol_base", (symbol_base(s) for s in f.symbols))
    any_of("spoken_language", (x.lower() for x in f.spoken_languages))
    any_of("participant_type", (x.lower() for x in f.participant_types))
    any_of("collection", f.collections)
    any_of("statement_id", f.statement_ids)
    if f.speakers:
        likes = [f"speaker like {_like_quote(s.lower())}" for s in f.speakers]
        parts.append("(" + " or ".join(likes) + ")")
    if f.date_from:
        parts.append(f"date >= {quote(f.date_from)}")
    if f.date_to:
        parts.append(f'(date != "" and date <= {quote(f.date_to)})')
    return " and ".join(parts)


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
    """One Milvus collection: int64 id (the FAISS id), a float vector, and SCALAR_FIELDS."""

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
        """Number of stored vectors."""
        with _translated(self.where, "count vectors"):
            rows = self.client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(rows[0]["count(*)"])

    def add(
        self,
        ids: np.ndarray,
        vectors: np.ndarray,
        scalars: Sequence[Mapping[str, str]] | None = None,
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

    def remove(self, ids: np.ndarray) -> int:
        """Delete ids; returns how many of them were stored."""
        ids = np.asarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return 0
        present = self._present(ids)
        with _translated(self.where, "delete vectors", write=True):
            for start in range(0, len(present), BATCH):
                self.client.delete(self.collection, ids=present[start : start + BATCH])
        return len(present)

    def _present(self, ids: np.ndarray) -> list[int]:
        out: list[int] = []
        with _translated(self.where, "look up ids"):
            for start in range(0, len(ids), BATCH):
                part = [int(i) for i in ids[start : start + BATCH]]
                rows = self.client.query(
                    self.collection, filter=f"id in {part}", output_fields=["id"]
                )
                out += [int(r["id"]) for r in rows]
        return out

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
        return np.asarray(sorted(out), dtype=np.int64)

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors of `ids`, in that order."""
        if len(ids) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _translated(self.where, "read vectors"):
            rows = self.client.get(self.collection, ids=[int(i) for i in ids])
        by_id = {int(r["id"]): r["vector"] for r in rows}
        return np.asarray([by_id[int(i)] for i in ids], dtype=np.float32)

    def search(
        self, queries: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k by inner product; with `allowed`, only those ids compete (inside the search)."""
        if allowed is None:
            return self.search_filtered(queries, k, "")
        allowed = np.asarray(allowed, dtype=np.int64)
        if len(allowed) == 0:
            return _empty(len(np.atleast_2d(queries)), max(1, k))
        return self.search_filtered(queries, k, f"id in {[int(i) for i in allowed]}")

    def search_filtered(
        self, queries: np.ndarray, k: int, expr: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k among rows matching a Milvus expression (see `filters_to_expr`); -1 pads."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        k = max(1, k)
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
        scores, ids = _empty(len(queries), k)
        for row, found in enumerate(hits):
            for col, hit in enumerate(found[:k]):
                ids[row, col] = int(hit["id"])
                scores[row, col] = float(hit["distance"])
        return scores, ids

    def close(self) -> None:
        """Close the client connection."""
        self.client.close()

    def drop(self) -> None:
        """Delete the whole collection."""
        with _translated(self.where, "drop the collection", write=True):
            self.client.drop_collection(self.collection)


def _row(i: int, vector: np.ndarray, scalars: Mapping[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": i, "vector": vector.tolist()}
    for name in SCALAR_FIELDS:
        row[name] = str(scalars.get(name, ""))[:MAX_CHARS]
    return row


def _empty(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, dtype=np.int64)


class Reconstructs(Protocol):
    """What `migrate_faiss_to_milvus` needs from a FaissStore."""

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors of `ids`."""
        ...


def migrate_faiss_to_milvus(
    faiss_store: Reconstructs,
    meta_rows: Iterable[tuple[int, Mapping[str, str]]],
    milvus_store: MilvusStore,
    batch: int = BATCH,
) -> int:
    """Copy vectors (no re-embedding) with their scalar fields; resumable, returns rows copied."""
    copied = 0
    rows = iter(meta_rows)
    while part := list(islice(rows, batch)):
        ids = np.asarray([i for i, _ in part], dtype=np.int64)
        milvus_store.add(ids, faiss_store.reconstruct(ids), [s for _, s in part])
        copied += len(part)
    return copied
