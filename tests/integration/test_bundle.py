"""The bundled index in data/index matches data/corpus and the settings in force."""

from __future__ import annotations

import json

from index.meta import corpus_hash_of, text_hash
from index.parse import read_statements
from rag.cli import main
from rag.components import make_retriever, open_index

SEED_ID = "UNSC_2016_SPV.7606_Kazakhstan"


def test_bundled_index_is_the_bundled_corpus(settings, embedder):
    idx = open_index(settings, None, embedder)  # raises if built with other settings
    statements = [s for path in settings.index.bundled_corpus for s in read_statements(path)]
    assert len(statements) == 3258
    assert idx.manifest.corpus_hash == corpus_hash_of((s.id, text_hash(s.text)) for s in statements)
    assert idx.meta.count("statements") == 3258
    assert idx.store.ntotal == idx.meta.count("chunks") == idx.manifest.chunks == len(idx.bm25_ids)
    seed = idx.meta.statement(SEED_ID)
    assert seed is not None
    assert (seed.speaker, seed.country, seed.spoken_language, seed.symbol, seed.date) == (
        "Mr. Kabentayev",
        "Kazakhstan",
        "Spanish",
        "S/PV.7606",
        "2016-01-19",
    )
    assert seed.agenda == "Protection of civilians in armed conflict"
    hits = (
        make_retriever(settings, embedder=embedder, index=idx)
        .search("Kazakhstan peacekeeping Western Sahara protection of civilians", k=3)
        .passages
    )
    assert hits[0].statement_id == SEED_ID


def test_stats_defaults_to_the_bundled_index(capsys):
    assert main(["stats", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["statements"] == 3258 and st["by_collection"]["unsc_2020"] == 2649
