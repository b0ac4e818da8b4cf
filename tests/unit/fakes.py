"""Deterministic stand-ins for the heavy interfaces, for tests (and benches) of pure logic only.

- `FakeEmbedder`: the index.embed.Embedder protocol on a hashed bag of words (no model).
- `FakeBackend`: the rag.backends.base.Backend protocol replaying scripted replies (no LLM).
- `MemoryStore`: a third index.store.VectorStore (exact numpy search), registered through
  index.vectors.register_store by the tests that use it.
- `bow` / `terms`: the embed function and tokenizer alone.
- `build_index`: a real index (SQLite, BM25, a vector store) of given statements, embedded by a
  FakeEmbedder, in milliseconds.

Features about the model, the index or the browser are tested with the real thing
(tests/integration, tests/e2e); these fakes only make the logic around them fast to test.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from index.build import IndexWriter
from index.chunk import ChunkSettings
from index.loaded import LoadedIndex, load_index
from index.store import Scalars, StoreSpec, padded
from index.types import Filters, Statement
from index.vectors import DEFAULT_SPEC
from rag.backends.base import GenerationParams, Message, check_messages

_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Function words would dominate a bag of words (every passage has "the"): the fake drops them.
_STOPWORDS = "a an and are as at be by for from has have in is it its of on or that the this to"
STOPWORDS = frozenset((_STOPWORDS + " was were we will with").split(" "))


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


class FakeEmbedder:
    """The Embedder protocol without a model: hashed bag of words, the real model's dimension."""

    def __init__(self, dim: int = 384, max_tokens: int = 254, name: str = "fake-bow") -> None:
        self.name, self.dim, self.max_tokens = name, dim, max_tokens
        self.calls = 0  # texts embedded, so tests can check what was (not) encoded

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit float32 vectors of shape (len(texts), dim); all zeros for a text of stopwords."""
        self.calls += len(texts)
        return bow(list(texts), self.dim, STOPWORDS)

    def count_tokens(self, text: str) -> int:
        """Words and punctuation marks, standing in for word pieces."""
        return len(_TOKEN.findall(text))


Script = Sequence[str] | Callable[[list[Message]], str]


class FakeBackend:
    """A scripted LLM: each call streams the next reply of a list, or what a function returns.

    Register it as the real registry does: `register("fake", partial(FakeBackend, replies))`."""

    writes = True  # it stands for a model: the pipeline asks it for lead sentences

    def __init__(
        self, replies: Script = (), name: str = "fake", context_tokens: int = 4096
    ) -> None:
        self.replies, self.name, self.context_tokens = replies, name, context_tokens
        self.calls: list[list[Message]] = []  # the messages of every call, in order
        self.params: list[GenerationParams] = []

    def stream(self, messages: list[Message], params: GenerationParams) -> Iterator[str]:
        """Yield the scripted reply word by word, as a model streams tokens."""
        check_messages(messages)
        self.calls.append(messages)
        self.params.append(params)
        yield from re.findall(r"\s*\S+", self._reply(messages))

    def _reply(self, messages: list[Message]) -> str:
        if callable(self.replies):
            return self.replies(messages)
        n = len(self.calls) - 1
        if n >= len(self.replies):
            raise AssertionError(f"FakeBackend: no scripted reply for call {n + 1}: {messages!r}")
        return self.replies[n]


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


SMALL_CHUNKS = ChunkSettings(max_tokens=60, overlap_tokens=0)  # a few sentences: several chunks


def build_index(
    folder: Path,
    statements: Sequence[Statement],
    embedder: FakeEmbedder | None = None,
    spec: StoreSpec = DEFAULT_SPEC,
    chunking: ChunkSettings = SMALL_CHUNKS,
) -> LoadedIndex:
    """Ingest `statements` into a new index at `folder` with the real writer, and load it."""
    summary = IndexWriter(folder, embedder or FakeEmbedder(), chunking, spec).ingest(statements)
    assert summary.added == len(statements), summary.errors
    return load_index(folder, spec=spec)


class BowEmbedder:
    """An Embedder over `bow` vectors with a word-count tokenizer (index writer tests)."""

    name = "bow-fake"
    dim = 512
    max_tokens = 256

    def embed(self, texts: list[str]) -> np.ndarray:
        """Bag-of-words vectors of the texts."""
        return bow(texts)

    def count_tokens(self, text: str) -> int:
        """Words, standing in for word pieces."""
        return len(text.split())
