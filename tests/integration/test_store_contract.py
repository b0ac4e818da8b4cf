"""One contract for every vector store: FAISS, Milvus (Milvus Lite) and a third, in-memory store
that only registers itself with the factory (tests/unit/fakes.py) pass it alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import index.vectors as vectors
from index.errors import IndexMissingError, UnscRagError
from index.faiss_store import FaissStore
from index.migrate import copy_vectors
from index.milvus_expr import filters_to_expr
from index.milvus_store import MilvusStore, MilvusUnavailableError
from index.store import StoreSpec, VectorStore
from index.types import Filters
from index.vectors import make_store, register_store, stored_spec
from tests.unit.fakes import MemoryStore

DIM = 16
N = 60
COUNTRIES = ["france", "china", "côte d'ivoire", 'odd "quoted" \\ name']


@dataclass
class Backend:
    """A store under test, built by the factory, and how to open what it saved."""

    spec: StoreSpec
    folder: Path
    store: VectorStore
    # Opens the saved version afresh, as a new process would (Milvus Lite rereads its file).
    reload: Callable[[dict[str, str]], VectorStore]


@pytest.fixture(params=["faiss", "milvus", "memory"])
def backend(request, tmp_path, monkeypatch) -> Backend:
    monkeypatch.setattr(vectors, "STORES", dict(vectors.STORES))
    register_store("memory", MemoryStore.open)  # the third backend: one registration, no more
    spec = StoreSpec(request.param, uri=str(tmp_path / "milvus.db"), collection="chunks")
    store = make_store(spec, DIM)

    def reload(info: dict[str, str]) -> VectorStore:
        if isinstance(store, MilvusStore):
            from milvus_lite.server_manager import server_manager_instance

            store.close()
            server_manager_instance.release_server(spec.uri)  # drop the in-process server
        return make_store(stored_spec(info, spec), DIM, tmp_path)

    return Backend(spec, tmp_path, store, reload)


def _data(n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    vecs = rng.standard_normal((n, DIM)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(n, dtype=np.int64) * 7919 + 2**40  # large, sparse ids like chunk hashes
    return ids, vecs


def _scalars(n: int) -> list[dict[str, str]]:
    return [
        {
            "country_key": COUNTRIES[i % 4],
            "symbol_base": f"S/PV.{8000 + i % 3}",
            "date": f"2020-01-{i % 28 + 1:02d}",
            "speaker": ["mr. o'neil", "ms. 50%_x", "mr. ab"][i % 3],
            "statement_id": f"s{i}",
        }
        for i in range(n)
    ]


@pytest.fixture
def filled(backend) -> tuple[Backend, np.ndarray, np.ndarray]:
    ids, vecs = _data()
    backend.store.add(ids, vecs, _scalars(N))
    return backend, ids, vecs


def test_the_factory_builds_each_backend(backend):
    assert backend.store.ntotal == 0 and backend.store.dim == DIM
    assert isinstance(backend.store.shared, bool)
    with pytest.raises(UnscRagError, match="Unknown vector store 'qdrant'"):
        make_store(StoreSpec("qdrant"), DIM)


def test_add_counts_and_lists_ids(filled):
    b, ids, _ = filled
    assert b.store.ntotal == N
    assert sorted(b.store.all_ids().tolist()) == sorted(ids.tolist())
    assert b.store.contains(np.array([ids[3], 12345, ids[7]])).tolist() == [True, False, True]


def test_search_finds_each_vector_first(filled):
    b, ids, vecs = filled
    scores, found = b.store.search(vecs[:5], 3)
    assert found.shape == (5, 3) and found.dtype == np.int64
    assert found[:, 0].tolist() == ids[:5].tolist()
    assert np.allclose(scores[:, 0], 1.0, atol=1e-4)
    assert (np.diff(scores, axis=1) <= 1e-6).all()


def test_k_beyond_the_store_pads_with_minus_one(filled):
    b, ids, vecs = filled
    scores, found = b.store.search(vecs[:2], N + 5)
    assert found.shape == (2, N + 5)
    assert sorted(found[0, :N].tolist()) == sorted(ids.tolist())
    assert (found[:, N:] == -1).all() and np.isneginf(scores[:, N:]).all()


def test_search_with_allowed_returns_only_allowed_and_k_of_them(filled):
    b, ids, vecs = filled
    allowed = ids[[3, 17, 29, 41, 58]]
    _, found = b.store.search(vecs[:4], 5, allowed=allowed)
    assert all(set(row.tolist()) == set(allowed.tolist()) for row in found)
    _, found = b.store.search(vecs[:4], 3, allowed=allowed)
    assert all(len(set(row.tolist())) == 3 and set(row) <= set(allowed) for row in found)


def test_narrow_allowed_set_still_returns_k(filled):
    b, ids, vecs = filled
    allowed = ids[[11, 50]]
    _, found = b.store.search(vecs[:1], 2, allowed=allowed)
    assert sorted(found[0].tolist()) == sorted(allowed.tolist())


def test_empty_allowed_set_returns_nothing(filled):
    b, _, vecs = filled
    _, found = b.store.search(vecs[:1], 3, allowed=np.zeros(0, dtype=np.int64))
    assert (found == -1).all()


def test_filters_and_their_allowed_ids_select_the_same_vectors(filled):
    # The caller passes both: FAISS and the memory store use the ids, Milvus its expression.
    b, ids, vecs = filled
    china = ids[[i for i, s in enumerate(_scalars(N)) if s["country_key"] == "china"]]
    _, found = b.store.search(vecs[:3], 20, allowed=china, filters=Filters(countries=("China",)))
    assert all(set(row[row >= 0].tolist()) == set(china.tolist()) for row in found)


def test_replace_is_remove_then_add_same_id(filled):
    b, ids, vecs = filled
    new = -vecs[:1]
    assert b.store.remove(ids[:1]) == 1
    b.store.add(ids[:1], new)
    assert b.store.ntotal == N
    _, found = b.store.search(new, 1)
    assert found[0, 0] == ids[0]
    assert np.allclose(b.store.reconstruct(ids[:1]), new, atol=1e-6)
    b.store.save(b.folder)
    b.store.after_publish()  # a replaced statement keeping a chunk: the re-added id survives
    assert b.store.ntotal == N and b.store.contains(ids[:1]).all()
    assert b.store.search(new, 1)[1][0, 0] == ids[0]


def test_remove_drops_ids_from_search_and_count(filled):
    b, ids, vecs = filled
    assert b.store.remove(np.concatenate([ids[:10], [12345]])) == 10
    assert b.store.remove(ids[:3]) == 0  # already removed
    assert b.store.ntotal == N - 10
    _, found = b.store.search(vecs[:10], 5)
    assert not set(found.ravel().tolist()) & set(ids[:10].tolist())
    assert set(b.store.all_ids().tolist()) == set(ids[10:].tolist())
    assert not b.store.contains(ids[:10]).any()


def test_writes_reach_readers_of_the_saved_version_only_after_publish(filled):
    b, ids, _ = filled
    info = b.store.save(b.folder)
    b.store.after_publish()
    reader = make_store(stored_spec(info, b.spec), DIM, b.folder)  # the version in force
    b.store.remove(ids[:5])
    assert reader.ntotal == N and reader.contains(ids[:5]).all()  # still needs them
    b.store.save(b.folder)
    b.store.after_publish()
    reader = make_store(stored_spec(info, b.spec), DIM, b.folder)  # the new version
    assert reader.ntotal == N - 5 and not reader.contains(ids[:5]).any()


def test_reload_from_disk_keeps_vectors(filled):
    b, ids, vecs = filled
    b.store.remove(ids[:2])
    before = b.store.search(vecs[2:6], 4)[1]
    info = b.store.save(b.folder)
    b.store.after_publish()
    store = b.reload(info)
    assert store.ntotal == N - 2
    assert store.search(vecs[2:6], 4)[1].tolist() == before.tolist()
    assert np.allclose(store.reconstruct(ids[2:4]), vecs[2:4], atol=1e-6)


# ---- Milvus only --------------------------------------------------------------------------


@pytest.fixture
def milvus(tmp_path) -> MilvusStore:
    return MilvusStore(str(tmp_path / "m.db"), "chunks", DIM)


def test_filter_expression_runs_inside_the_search(milvus):
    ids, vecs = _data()
    scalars = _scalars(N)
    milvus.add(ids, vecs, scalars)
    for country in ["Côte d'Ivoire", 'odd "quoted" \\ name']:
        expr = filters_to_expr(Filters(countries=(country,)))
        _, found = milvus.search_filtered(vecs[:1], 20, expr)
        want = {
            int(i) for i, s in zip(ids, scalars, strict=True) if s["country_key"] == country.lower()
        }
        assert len(want) == 15 and set(found[0][found[0] >= 0].tolist()) == want
    f = Filters(speakers=("50%_X",), symbols=("S/PV.8001 (Resumption 1)",), date_to="2020-01-10")
    _, found = milvus.search_filtered(vecs[:1], 10, filters_to_expr(f))
    want = {
        int(i)
        for i, s in zip(ids, scalars, strict=True)
        if s["speaker"] == "ms. 50%_x"
        and s["symbol_base"] == "S/PV.8001"
        and s["date"] <= "2020-01-10"
    }
    assert want and set(found[0][found[0] >= 0].tolist()) == want


def test_adding_the_same_ids_twice_leaves_no_duplicates(milvus):
    ids, vecs = _data()
    milvus.add(ids[:40], vecs[:40])  # an ingest interrupted part-way ...
    milvus.add(ids, vecs)  # ... resumed from the start
    assert milvus.ntotal == N
    assert len(np.unique(milvus.all_ids())) == N


def test_unreachable_milvus_is_one_clear_sentence():
    with pytest.raises(MilvusUnavailableError) as err:
        MilvusStore("http://127.0.0.1:1", "chunks", DIM)
    text = str(err.value)
    assert "Cannot reach Milvus at http://127.0.0.1:1" in text and "\n" not in text
    assert isinstance(err.value, UnscRagError)


def test_missing_collection_is_index_missing(tmp_path):
    with pytest.raises(IndexMissingError, match="No Milvus collection 'absent'"):
        MilvusStore(str(tmp_path / "m.db"), "absent", DIM, create=False)


def test_migrate_copies_faiss_vectors_with_metadata(milvus):
    ids, vecs = _data()
    faiss_store = FaissStore(DIM, "Flat")
    faiss_store.add(ids, vecs)
    rows = list(zip(ids.tolist(), _scalars(N), strict=True))
    assert copy_vectors(faiss_store, iter(rows), milvus, batch=25) == N
    assert copy_vectors(faiss_store, iter(rows[:30]), milvus) == 30  # resumed
    assert milvus.ntotal == N
    assert np.allclose(milvus.reconstruct(ids[[5, 9]]), vecs[[5, 9]], atol=1e-6)
    _, found = milvus.search_filtered(vecs[:1], 20, filters_to_expr(Filters(countries=("China",))))
    assert set(found[0][found[0] >= 0].tolist()) == {int(i) for i in ids[1::4]}
