"""Deterministic stand-ins for the heavy interfaces, for tests (and benches) of pure logic only.

- `MemoryStore`: a third index.store.VectorStore (exact numpy search), registered through
  index.vectors.register_store by the tests that use it.
- `bow` / `terms`: the embed function and tokenizer alone.

Features about the model, the index or the browser are tested with the real thing
(tests/integration, tests/e2e); these fakes only make the logic around them fast to test.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.store import Scalars, StoreSpec, padded
from index.types import Filters

_WORD = re.compile(r"[a-z0-9]+")


def terms(text: str) -> list[str]:
    """Lower-cased words and numbers, unstemmed."""
    return _WORD.findall(text.lower())


def _slot(word: str, dim: int) -> int:
    # A stable hash (not Python's salted hash()): the same word gets the same slot in every run.
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big") % dim


def bow(texts: list[str], dim: int = 512, stopwords: frozenset[str] = frozenset()) -> np.ndarray:
    """Normalised hashed bag-of-words vectors: shared words make texts similar."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in terms(t):
            if w not in stopwords:
                out[i, _slot(w, dim)] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)


class MemoryStore:
    """A VectorStore in a dict, searched exactly with numpy; `save` writes one .npz file."""

    shared = False
    FILE = "vectors.npz"

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._vectors: dict[int, np.ndarray] = {}

    @classmethod
    def open(cls, spec: StoreSpec, dim: int, folder: Path | None = None) -> MemoryStore:
        """The index.vectors opener: an empty store, or the one saved in a version folder."""
        store = cls(dim)
        if folder is not None:
            saved = np.load(folder / cls.FILE)
            store.add(saved["ids"], saved["vectors"])
        return store

    @property
    def ntotal(self) -> int:
        """Number of stored vectors."""
        return len(self._vectors)

    def add(
        self, ids: np.ndarray, vectors: np.ndarray, scalars: Sequence[Scalars] | None = None
    ) -> None:
        """Store (or replace) vectors by id."""
        for i, v in zip(ids, np.asarray(vectors, dtype=np.float32), strict=True):
            self._vectors[int(i)] = v

    def remove(self, ids: np.ndarray) -> int:
        """Drop ids; how many were stored."""
        return sum(self._vectors.pop(int(i), None) is not None for i in ids)

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """Which ids are stored."""
        return np.array([int(i) in self._vectors for i in ids], dtype=bool)

    def search(
        self,
        queries: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        filters: Filters | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Exact top-k by inner product among the allowed ids."""
        ids = self.all_ids()
        if allowed is not None:
            ids = ids[np.isin(ids, allowed)]
        queries = np.asarray(queries, dtype=np.float32).reshape(-1, self.dim)
        scores = queries @ self.reconstruct(ids).T
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        return padded(np.take_along_axis(scores, top, axis=1), ids[top], max(1, k))

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        """Stored vectors of ids, in order."""
        return np.array([self._vectors[int(i)] for i in ids], dtype=np.float32).reshape(
            -1, self.dim
        )

    def all_ids(self) -> np.ndarray:
        """Every stored id, sorted."""
        return np.array(sorted(self._vectors), dtype=np.int64)

    def save(self, folder: Path) -> dict[str, str]:
        """Write ids and vectors into the version folder."""
        ids = self.all_ids()
        np.savez(folder / self.FILE, ids=ids, vectors=self.reconstruct(ids))
        return {"backend": "memory"}

    def after_publish(self) -> None:
        """Nothing waits for the switch."""
