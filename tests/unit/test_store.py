"""FaissStore on seeded random vectors (the store takes arrays, never models)."""

from dataclasses import replace

import numpy as np
import pytest

from index.faiss_store import FaissStore
from index.store import StoreSpec
from index.types import Filters
from index.vectors import make_store, stored_spec


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


def _saved(spec: StoreSpec, n: int, folder):
    store = make_store(spec, 16)
    store.add(np.arange(n, dtype=np.int64), unit(n, seed=3))
    return store.save(folder)


def test_a_new_index_is_built_flat_and_saved_as_its_target_type(tmp_path):
    spec = StoreSpec("faiss", factory="SQfp16")
    info = _saved(spec, 50, tmp_path)
    assert info == {"backend": "faiss", "factory": "SQfp16"}
    loaded = make_store(stored_spec(info, StoreSpec()), 16, tmp_path)
    assert isinstance(loaded, FaissStore) and loaded.ntotal == 50
    assert (loaded.factory, loaded.target) == ("SQfp16", "SQfp16")  # kept on the next write


def test_a_flat_index_past_the_threshold_is_saved_approximate(tmp_path):
    spec = StoreSpec("faiss", approx_threshold=300, approx_factory="IVF4,Flat")
    assert _saved(spec, 299, tmp_path)["factory"] == "Flat"
    info = _saved(spec, 300, tmp_path)
    assert info["factory"] == "IVF4,Flat"
    loaded = make_store(stored_spec(info, spec), 16, tmp_path)
    assert loaded.ntotal == 300 and loaded.search(unit(300, seed=3)[:1], 1)[1][0, 0] == 0
    # a non-Flat index keeps its type whatever its size
    assert _saved(replace(spec, factory="SQfp16"), 400, tmp_path)["factory"] == "SQfp16"


def test_filters_without_their_allowed_ids_are_refused():
    store = FaissStore(16)
    store.add(np.arange(3, dtype=np.int64), unit(3))
    with pytest.raises(ValueError, match="pass the allowed ids"):
        store.search(unit(1), 2, filters=Filters(countries=("France",)))
    assert store.search(unit(1), 2, filters=Filters())[1].shape == (1, 2)
