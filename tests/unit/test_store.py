"""FaissStore on seeded random vectors (the store takes arrays, never models)."""

import numpy as np
import pytest

from index.store import FaissStore


def unit(n: int, d: int = 16, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("factory", ["Flat", "SQfp16", "HNSW32", "IVF8,Flat"])
def test_remove_keeps_id_mapping_for_every_index_type(factory):
    vecs = unit(800)
    ids = np.arange(800, dtype=np.int64) * 11 + 5
    store = FaissStore(16, "Flat")
    store.add(ids, vecs)
    store = store.converted(factory)
    store.nprobe = 8  # all lists: exact, so the assertions are about ids, not recall
    assert store.remove(ids[:10]) == 10 and store.ntotal == 790
    _, got = store.search(vecs[10:20], 1)
    assert got[:, 0].tolist() == ids[10:20].tolist()  # IVF ids shifted here before the fix
    _, got = store.search(vecs[:3], 5)
    assert not set(got.ravel()) & set(ids[:10].tolist())


def test_conversion_trains_on_all_vectors_and_keeps_them():
    vecs = unit(2000, seed=1)
    ids = np.arange(2000, dtype=np.int64)
    flat = FaissStore(16)
    flat.add(ids, vecs)
    ivf = flat.converted("IVF16,Flat")
    assert ivf.ntotal == 2000 and ivf.factory == "IVF16,Flat"
    got_ids, got_vecs = ivf.all_vectors()
    order = np.argsort(got_ids)
    assert np.allclose(got_vecs[order], vecs, atol=1e-6)


def test_filtered_search_returns_only_allowed_and_k_of_them():
    vecs = unit(500, seed=2)
    ids = np.arange(500, dtype=np.int64)
    for factory in ("Flat", "HNSW32", "IVF8,Flat"):
        store = FaissStore(16)
        store.add(ids, vecs)
        store = store.converted(factory)
        allowed = np.array([3, 99, 250, 400, 401, 499])
        _, got = store.search(vecs[:2], 4, allowed)
        assert all(len([i for i in row if i >= 0]) == 4 for row in got)
        assert set(got.ravel()) <= set(allowed.tolist())
        _, none = store.search(vecs[:1], 4, np.array([], dtype=np.int64))
        assert (none == -1).all()
