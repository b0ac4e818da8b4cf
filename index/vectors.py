"""Vector stores by name: `make_store(spec, dim)` builds the backend a spec or manifest names.

A backend is one module with a class implementing index.store.VectorStore and an
`open_store(spec, dim, folder)` function; adding one is that module plus one entry in STORES
(or `register_store` from outside, as the tests do). Each backend's heavy dependency is
imported only when an index uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.errors import InputError
from index.store import StoreSpec, VectorStore

StoreOpener = Callable[[StoreSpec, int, Path | None], VectorStore]
"""(spec, dim, folder) → a store: a new index's when folder is None, else the version's in it."""

DEFAULT_SPEC = StoreSpec()


def _faiss(spec: StoreSpec, dim: int, folder: Path | None) -> VectorStore:
    from index.faiss_store import open_store

    return open_store(spec, dim, folder)


def _milvus(spec: StoreSpec, dim: int, folder: Path | None) -> VectorStore:
    from index.milvus_store import open_store  # pymilvus only when Milvus is used

    return open_store(spec, dim, folder)


STORES: dict[str, StoreOpener] = {"faiss": _faiss, "milvus": _milvus}


def register_store(name: str, opener: StoreOpener, *, replace: bool = False) -> None:
    """Add a backend under `name`; re-registering needs replace=True."""
    if name in STORES and not replace:
        raise InputError(f"A vector store named {name!r} is already registered.")
    STORES[name] = opener


def store_names() -> tuple[str, ...]:
    """The registered backends, sorted."""
    return tuple(sorted(STORES))


def make_store(spec: StoreSpec, dim: int, folder: Path | None = None) -> VectorStore:
    """The store of `spec`: empty for a new index (folder None), else the one saved in `folder`."""
    opener = STORES.get(spec.backend)
    if opener is None:
        raise InputError(
            f"Unknown vector store {spec.backend!r}: use one of {', '.join(store_names())}."
        )
    return opener(spec, dim, folder)


def stored_spec(info: dict[str, str], spec: StoreSpec) -> StoreSpec:
    """The spec of an existing index: the backend its manifest names, reached as the settings say.

    The manifest decides what was built (backend, FAISS factory, collection); the settings say
    how to reach it now: a cluster URI and token come from them, a Milvus Lite path from the
    manifest when the settings name none."""
    return replace(
        spec,
        backend=info.get("backend", "faiss"),
        factory=info.get("factory", spec.factory),
        uri=spec.uri or info.get("uri", ""),
        collection=info.get("collection", spec.collection),
    )
