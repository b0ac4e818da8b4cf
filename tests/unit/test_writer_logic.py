"""IndexWriter over any registered store, embedded by FakeEmbedder: add, replace, remove."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import index.vectors as vectors
from index.build import IndexWriter
from index.loaded import LoadedIndex, load_index
from index.store import StoreSpec
from index.types import Statement
from tests.unit.fakes import SMALL_CHUNKS, FakeEmbedder, MemoryStore

TEXT = " ".join(f"Sentence {n} is about the mandate of mission {n}." for n in range(12))


def statements() -> list[Statement]:
    return [
        Statement(
            id=f"s{i}", text=f"Mr. A{i} (Chile): {TEXT}", symbol=f"S/PV.90{i}", country="Chile"
        )
        for i in range(3)
    ]


def consistent(ix: LoadedIndex) -> int:
    rows = ix.meta.count("chunks")
    assert ix.store.ntotal == rows == len(ix.bm25_ids)
    assert ix.store.contains(ix.bm25_ids).all()
    return rows


@pytest.fixture(params=["faiss", "memory"])
def spec(request, monkeypatch) -> StoreSpec:
    monkeypatch.setattr(vectors, "STORES", dict(vectors.STORES))
    vectors.register_store("memory", MemoryStore.open)
    return StoreSpec(request.param)


def test_add_replace_remove_keep_vectors_and_chunks_in_step(tmp_path, spec):
    folder, emb = tmp_path / "ix", FakeEmbedder()
    writer = IndexWriter(folder, emb, SMALL_CHUNKS, spec)
    first = writer.ingest(statements())
    chunks = consistent(load_index(folder, spec=spec))
    assert first.added == 3 and emb.calls == chunks > 3

    emb.calls = 0
    assert writer.ingest(statements()).unchanged == 3 and emb.calls == 0
    # appended text: the replaced statement keeps its first chunks (same ids) and gains some
    changed = [
        replace(s, text=s.text + " A new closing sentence.") if s.id == "s1" else s
        for s in statements()
    ]
    summary = writer.ingest(changed)
    assert (summary.replaced, summary.unchanged) == (1, 2)
    before = consistent(load_index(folder, spec=spec))
    assert before >= chunks and 0 < emb.calls < chunks  # only s1's chunks were embedded

    assert writer.remove(symbol="S/PV.902").removed == 1
    ix = load_index(folder, spec=spec)
    assert consistent(ix) < before and ix.meta.statement("s2") is None
    assert ix.manifest.store["backend"] == spec.backend
    q = FakeEmbedder().embed(["mandate of mission 3"])
    assert (ix.store.search(q, 3, np.zeros(0, dtype=np.int64))[1] == -1).all()
