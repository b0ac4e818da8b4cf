"""Hybrid retrieval on the real small index: filters inside the search, aliases, bad input."""

from __future__ import annotations

import json

import pytest

from index.countries import country_key
from rag.cli import main
from rag.errors import InputError
from rag.lc import UnscRetriever
from tests.conftest import SMALL_CORPUS

ROWS = [json.loads(x) for x in SMALL_CORPUS.read_text(encoding="utf-8").splitlines()]


def test_seed_question_finds_the_seed(retriever):
    hits = retriever.search("kazakstan peacekeeping western sahara", k=5).passages
    assert hits[0].statement_id == "UNSC_2016_SPV.7606_Kazakhstan"
    assert set(hits[0].scores) >= {"dense", "bm25", "rrf"}
    assert hits[0].statement.text[hits[0].start : hits[0].end] == hits[0].text


@pytest.mark.parametrize(
    "alias", ["UK", "United Kingdom", "United Kingdom of Great Britain and Northern Ireland"]
)
def test_country_filter_with_aliases_returns_k_from_that_country(retriever, alias):
    uk = [r for r in ROWS if country_key(r["country"]) == country_key("UK")]
    assert len(uk) >= 2
    hits = retriever.search("peace and security", k=3, filters={"country": alias}).passages
    assert len(hits) == min(3, 2 * len(uk))  # diversity allows 2 passages per statement
    assert {country_key(h.statement.country) for h in hits} == {country_key("UK")}


def test_symbol_filter_matches_resumptions_and_date_range(retriever):
    resumed = next(r for r in ROWS if "Resumption" in (r["symbol"] or ""))
    base = resumed["symbol"].split(" (")[0]
    hits = retriever.search("international law", k=50, filters={"symbol": base}).passages
    assert hits and all(h.statement.symbol.startswith(base) for h in hits)
    hits = retriever.search(
        "international law", k=20, filters={"date_from": "2020-01-01", "date_to": "2020-03-31"}
    ).passages
    assert hits and all("2020-01-01" <= h.statement.date <= "2020-03-31" for h in hits)


def test_a_meeting_named_in_the_question_filters_to_it(retriever):
    query = "Iraq disarmament resolution 1441 inspections"
    unfiltered = retriever.search(query, k=5).passages
    assert {h.statement.symbol for h in unfiltered} != {"S/PV.4644"}
    named = retriever.search(f"{query} at S/PV.4644", k=5).passages
    assert named and {h.statement.symbol for h in named} == {"S/PV.4644"}
    # The user's own meeting filter wins over the one named in the question.
    chosen = retriever.search(
        f"{query} at S/PV.4644", k=5, filters={"symbol": "S/PV.4726"}
    ).passages
    assert chosen and {h.statement.symbol.split(" (")[0] for h in chosen} == {"S/PV.4726"}


def test_a_meeting_the_index_lacks_or_a_disabled_setting_filters_nothing(retriever):
    from dataclasses import replace as dc_replace

    from rag.retrieve import Retriever

    query = "Iraq disarmament resolution 1441 inspections"
    assert (
        len({h.statement.symbol for h in retriever.search(f"{query} S/PV.9999", k=5).passages}) > 1
    )
    off = Retriever(
        retriever.index, retriever.embedder, dc_replace(retriever.config, named_meeting=False)
    )
    assert len({h.statement.symbol for h in off.search(f"{query} at S/PV.4644", k=5).passages}) > 1


def test_filter_matching_nothing_returns_no_passage(retriever):
    assert retriever.search("peace", k=5, filters={"country": "Atlantis"}).passages == ()


def test_diversity_limits_passages_per_statement(retriever):
    hits = retriever.search("Iraq weapons inspections resolution 1441", k=10).passages
    per = {}
    for h in hits:
        per[h.statement_id] = per.get(h.statement_id, 0) + 1
    assert max(per.values()) <= 2


@pytest.mark.parametrize(
    "query,filters,message",
    [
        ("   ", None, "The question is empty"),
        ("x" * 10_000, None, "shorten it"),
        ("peace", {"colour": "red"}, "Unknown filter 'colour'"),
        ("peace", {"date_from": "yesterday"}, "is not a date"),
    ],
)
def test_bad_queries_raise_one_clear_sentence(retriever, query, filters, message):
    with pytest.raises(InputError, match=message):
        retriever.search(query, k=5, filters=filters)


def test_modes_rank_differently_but_all_work(settings, embedder, small_index):
    from rag.components import make_retriever

    for mode in ("dense", "bm25"):
        r = make_retriever(settings, mode=mode, embedder=embedder, index=small_index)
        hits = r.search("women peace and security", k=5).passages
        assert hits and all(mode in h.scores for h in hits)


def test_langchain_adapter(retriever):
    docs = UnscRetriever(retriever=retriever, k=3, filters={"country": "Kazakhstan"}).invoke(
        "civilians"
    )
    assert docs and all(d.metadata["country"] == "Kazakhstan" for d in docs)
    assert docs[0].metadata["symbol"] and docs[0].metadata["start"] < docs[0].metadata["end"]


def test_search_cli_json_and_messages(small_index_dir, capsys):
    assert (
        main(
            [
                "search",
                "peacekeepers sexual exploitation",
                "--index",
                str(small_index_dir),
                "--k",
                "3",
                "--json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert set(rows[0]) >= {
        "rank",
        "score",
        "statement_id",
        "chunk_id",
        "text",
        "start",
        "end",
        "symbol",
        "date",
        "speaker",
        "country",
    }
    assert main(["search", "peace", "--index", str(small_index_dir), "--country", "Atlantis"]) == 1
    assert "No passage matches the filters (country: Atlantis)" in capsys.readouterr().out
    assert (
        main(["search", "peace", "--index", str(small_index_dir), "--date-from", "2020-02-30"]) == 2
    )
    assert "is not a date" in capsys.readouterr().err
