"""The Retriever's own logic on a tiny index embedded by FakeEmbedder: fusion, diversity, the
meeting named in a question, filters inside the search, k under narrow filters (milliseconds)."""

from __future__ import annotations

from dataclasses import replace

import pytest

import index.vectors as vectors
from index.store import StoreSpec
from index.types import Statement
from rag.errors import InputError
from rag.retrieve import Retriever, diversify
from rag.settings_models import RetrievalSettings
from tests.unit.fakes import FakeEmbedder, MemoryStore, build_index

NILE = "The dam on the Nile must not deprive Egypt and Sudan of water; talks should resume."
ARCTIC = "Arctic sea ice is melting faster than any model predicted, and fisheries suffer."
FILLER = (
    "Peace and security depend on cooperation, development and dialogue among members. "
    "Regional organisations support peace and security through cooperation."
)


def _st(n: int, country: str, text: str, symbol: str, date: str) -> Statement:
    return Statement(
        id=f"s{n:02d}",
        text=f"Mr. Speaker-{n:02d} ({country}): {text}",
        symbol=symbol,
        date=date,
        speaker=f"Mr. Speaker-{n:02d}",
        country=country,
        agenda="Peace and security",
        collection="test",
    )


def corpus() -> list[Statement]:
    out = [
        _st(1, "France", NILE, "S/PV.8001", "2020-01-10"),
        _st(2, "China", "We support talks on the Nile dam. " + FILLER, "S/PV.8001", "2020-01-10"),
        _st(
            3,
            "Kenya",
            "The Nile dam and its water concern the whole region.",
            "S/PV.8002",
            "2020-02-15",
        ),
        # one long statement: several chunks about peacekeeping
        _st(
            4,
            "United Kingdom",
            " ".join(["Peacekeeping missions protect civilians."] * 30),
            "S/PV.8003",
            "2020-03-01",
        ),
    ]
    out += [
        _st(10 + i, "Brazil" if i % 2 else "India", FILLER, f"S/PV.81{i:02d}", "2021-05-01")
        for i in range(30)
    ]
    tails = ("", " Whales migrate north.", " Whales migrate north and coasts erode.")
    out += [
        _st(50 + i, "Iceland", ARCTIC + t, "S/PV.8200", f"2019-11-0{i + 1}")
        for i, t in enumerate(tails)
    ]
    return out


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("fake") / "ix", corpus())


@pytest.fixture
def embedder():
    return FakeEmbedder()


def retriever(index, embedder, mode="hybrid", **config) -> Retriever:
    return Retriever(index, embedder, RetrievalSettings(mode=mode, **config))


def test_hybrid_is_weighted_reciprocal_rank_fusion_of_the_two_rankings(index, embedder):
    query = "Nile dam water talks"
    every = {"max_per_statement": 0}
    for weights in ({}, {"dense_weight": 2.0, "bm25_weight": 0.5}):
        config = every | weights
        dense = [
            p.chunk_id
            for p in retriever(index, embedder, "dense", **config).search(query, 200).passages
        ]
        bm25 = [
            p.chunk_id
            for p in retriever(index, embedder, "bm25", **config).search(query, 200).passages
        ]
        hits = retriever(index, embedder, **config).search(query, 200).passages
        assert {p.chunk_id for p in hits} == set(dense) | set(bm25)
        wd, wb = weights.get("dense_weight", 1.0), weights.get("bm25_weight", 1.0)
        for p in hits:
            want = sum(
                w / (60 + ranking.index(p.chunk_id) + 1)
                for w, ranking in ((wd, dense), (wb, bm25))
                if p.chunk_id in ranking
            )
            assert p.scores["rrf"] == pytest.approx(want) == p.score
        assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)
    top = hits[0]
    assert top.statement_id == "s01" and set(top.scores) == {"dense", "bm25", "rrf"}
    assert top.statement.text[top.start : top.end] == top.text


def test_a_zero_weight_leaves_the_other_ranking(index, embedder):
    query = "Nile dam water talks"
    dense = retriever(index, embedder, "dense").search(query, 6).passages
    hybrid = retriever(index, embedder, bm25_weight=0.0).search(query, 6).passages
    assert [p.chunk_id for p in hybrid] == [p.chunk_id for p in dense]


def test_diversity_caps_passages_per_statement(index, embedder):
    query = "peacekeeping missions protect civilians"
    capped = retriever(index, embedder, max_per_statement=2).search(query, 6).passages
    assert len(capped) == 6
    assert sum(p.statement_id == "s04" for p in capped) == 2
    free = retriever(index, embedder, max_per_statement=0).search(query, 6).passages
    assert sum(p.statement_id == "s04" for p in free) > 2
    assert diversify(free, 3, 1) == [free[0], *[p for p in free if p.statement_id != "s04"][:2]]


def test_a_meeting_named_in_the_question_filters_to_it(index, embedder):
    r = retriever(index, embedder)
    assert {p.statement.symbol for p in r.search("Nile dam water", 5).passages} >= {
        "S/PV.8001",
        "S/PV.8002",
    }
    assert {p.statement.symbol for p in r.search("Nile dam water at S/PV.8002", 5).passages} == {
        "S/PV.8002"
    }
    chosen = r.search("Nile dam water at S/PV.8002", 5, filters={"symbol": "S/PV.8001"}).passages
    assert {p.statement.symbol for p in chosen} == {"S/PV.8001"}  # the user's filter wins
    assert len({p.statement.symbol for p in r.search("Nile dam water S/PV.9999", 5).passages}) > 1
    off = retriever(index, embedder, named_meeting=False)
    assert (
        len({p.statement.symbol for p in off.search("Nile dam water at S/PV.8002", 5).passages}) > 1
    )


def test_a_narrow_filter_still_returns_k_from_inside_the_search(index, embedder):
    query = "peace and security cooperation"
    shallow = {"dense_depth": 1, "bm25_depth": 1, "max_per_statement": 1}
    r = retriever(index, embedder, **shallow)
    # The candidate pool (4 * k per statement = 12) holds no Icelandic statement unfiltered ...
    pool = (
        retriever(index, embedder, **(shallow | {"max_per_statement": 0}))
        .search(query, 12)
        .passages
    )
    assert all(p.statement.country != "Iceland" for p in pool)
    # ... yet filtered, all three come back: the filter runs inside both searches.
    hits = r.search(query, 3, filters={"country": "Iceland"}).passages
    assert sorted(p.statement_id for p in hits) == ["s50", "s51", "s52"]
    assert all(
        "dense" in p.scores for p in hits
    )  # found by the dense search despite no shared word


def test_date_and_speaker_filters(index, embedder):
    r = retriever(index, embedder)
    hits = r.search(
        "Nile dam", 10, filters={"date_from": "2020-01-01", "date_to": "2020-01-31"}
    ).passages
    assert hits and {p.statement.date for p in hits} == {"2020-01-10"}
    hits = r.search("Nile dam", 10, filters={"speaker": "speaker-03"}).passages
    assert [p.statement_id for p in hits] == ["s03"]


def test_a_filter_matching_nothing_searches_nothing(index, embedder):
    assert (
        retriever(index, embedder).search("Nile", 5, filters={"country": "Atlantis"}).passages == ()
    )
    assert embedder.calls == 0


def test_bm25_alone_embeds_nothing(index, embedder):
    assert retriever(index, embedder, "bm25").search("Nile dam", 3).passages
    assert embedder.calls == 0
    retriever(index, embedder, "dense").search("Nile dam", 3)
    assert embedder.calls == 1


@pytest.mark.parametrize(
    ("query", "k", "message"),
    [("   ", 5, "empty"), ("x" * 3000, 5, "shorten it"), ("Nile", 0, "at least 1")],
)
def test_bad_input_is_one_clear_error(index, embedder, query, k, message):
    with pytest.raises(InputError, match=message):
        retriever(index, embedder).search(query, k)


def test_unknown_mode_is_refused(index, embedder):
    with pytest.raises(InputError, match="Unknown retriever 'sparse'"):
        retriever(index, embedder, "sparse")


def test_a_third_store_gives_the_same_results(index, tmp_path, monkeypatch, embedder):
    monkeypatch.setattr(vectors, "STORES", dict(vectors.STORES))
    vectors.register_store("memory", MemoryStore.open)
    memory = build_index(tmp_path / "ix", corpus(), spec=StoreSpec("memory"))
    assert memory.manifest.store == {"backend": "memory"}

    def scored(idx, query, flt):  # every candidate (k past the chunk count) with its stage scores
        hits = (
            retriever(idx, embedder, max_per_statement=0).search(query, 200, filters=flt).passages
        )
        return hits[0].chunk_id, {
            (p.chunk_id, round(p.scores.get("dense", 0), 5), round(p.scores.get("bm25", 0), 5))
            for p in hits
        }

    for query, flt in [("Nile dam water", None), ("sea ice peace", {"country": "Iceland"})]:
        assert scored(memory, query, flt) == scored(index, query, flt)
    assert replace(memory.manifest, store={}, built_at="") == replace(
        index.manifest, store={}, built_at="", faiss_factory=""
    )
