"""The vector store interface every backend implements, and what backends share (no backend here).

Backends live one per module (`index/faiss_store.py`, `index/milvus_store.py`); `index/vectors.py`
builds them by name (`make_store`). The store takes arrays, never models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from pydantic import Field
from pydantic.dataclasses import dataclass

from index.countries import country_key
from index.meta import symbol_base
from index.types import Filters, Statement

# Filterable fields of a statement, kept beside each vector by stores that filter on metadata
# themselves (Milvus) rather than on the allowed-id set SQLite computes.
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
Scalars = Mapping[str, str]


@dataclass(frozen=True)
class StoreSpec:
    """Which vector backend an index uses and how to reach it (a token is never written down)."""

    backend: str = Field(
        default="faiss", description="Vector backend of new indexes: faiss or milvus."
    )
    factory: str = Field(default="Flat", description="FAISS index_factory string of new indexes.")
    approx_threshold: int = Field(
        default=500_000,
        description="Chunk count past which new indexes use `approx_factory` (0: never).",
    )
    approx_factory: str = Field(
        default="IVF4096,Flat", description="Approximate FAISS index for large indexes."
    )
    uri: str = Field(
        default="", description="Milvus Lite file (path.db) or cluster URI (http://host:19530)."
    )
    collection: str = Field(default="unsc_rag", description="Milvus collection name.")
    token: str | None = Field(default=None, description="Milvus cluster token (user:password).")


class VectorStore(Protocol):
    """Int64 ids → unit float32 vectors, searched by inner product with filters inside the search.

    A store is opened for one index version. Writes (`add`, `remove`) are staged: `save` writes
    what the new version needs into its folder, and `after_publish` runs once that version is in
    force. The same contract test (tests/integration/test_store_contract.py) runs on every backend.
    """

    dim: int
    # True when the vectors outlive index versions (a server collection shared by every version),
    # so the store may also hold vectors of an interrupted write; False when they are a file of
    # the version, so the store holds exactly the version's vectors.
    shared: bool

    @property
    def ntotal(self) -> int:
        """Number of vectors this store returns (removed ones excluded)."""
        ...

    def add(
        self, ids: np.ndarray, vectors: np.ndarray, scalars: Sequence[Scalars] | None = None
    ) -> None:
        """Store vectors under ids (re-adding an id replaces it); `scalars[i]` describes vector i."""
        ...

    def remove(self, ids: np.ndarray) -> int:
        """Remove ids from this store's results and count; returns how many of them were stored."""
        ...

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """A boolean mask: which of `ids` are stored (what a resumed ingest need not embed again)."""
        ...

    def search(
        self,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        filters: Filters | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores and int64 ids, shape (n_queries, k), best first; missing results have id -1.

        Only ids in `allowed` compete (None: all). `filters` are the same restriction as
        metadata (the caller passes both): a store keeping `scalars` may evaluate them instead."""
        ...

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of `ids`, in that order."""
        ...

    def all_ids(self) -> np.ndarray:
        """Every stored id."""
        ...

    def save(self, folder: Path) -> dict[str, str]:
        """Write what a new version needs into `folder`; what the manifest records (no secrets)."""
        ...

    def after_publish(self) -> None:
        """The version saved last is in force: apply what had to wait for it (deferred removals)."""
        ...


def scalars_of(statement: Statement) -> dict[str, str]:
    """The normalised scalar fields of a statement's chunks, as MetaStore.allowed_ids compares them."""
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


def empty_results(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Search results with nothing found: scores -inf, ids -1, shape (n, k)."""
    return np.full((n, k), -np.inf, dtype=np.float32), np.full((n, k), -1, dtype=np.int64)


def padded(scores: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Results widened to k columns with -1 ids (and -inf scores wherever the id is -1)."""
    if ids.shape[1] == k and (ids >= 0).all():
        return scores, ids  # the usual case: nothing to pad, no copy
    out_scores, out_ids = empty_results(len(ids), k)
    width = min(k, ids.shape[1])
    out_ids[:, :width] = ids[:, :width]
    out_scores[:, :width] = np.where(ids[:, :width] >= 0, scores[:, :width], -np.inf)
    return out_scores, out_ids
