"""Fuzzing the index writer with generated ingests: every statement is stored exactly once.

Ids come from a small alphabet, so the same id repeats inside one file and across ingests
(before the fix, an id repeated inside one batch crashed the SQLite insert).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.build import IndexWriter
from index.chunk import ChunkSettings
from index.loaded import load_index
from index.types import Statement
from tests.unit.fakes import BowEmbedder

EXAMPLES = max(5, int(os.environ.get("UNSC_FUZZ_EXAMPLES", "60")) // 4)
WORDS = st.sampled_from(["peace", "council", "resolution", "Mali", "the", "ceasefire", "."])
STATEMENT = st.builds(
    lambda i, words: Statement(id=f"s{i}", text=" ".join(words), country="France"),
    st.integers(0, 6),
    st.lists(WORDS, min_size=1, max_size=400),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ingests=st.lists(st.lists(STATEMENT, max_size=8), min_size=1, max_size=3))
def test_ingests_keep_the_last_text_of_every_id(tmp_path_factory, ingests):
    folder = tmp_path_factory.mktemp("w") / "ix"
    writer = IndexWriter(folder, BowEmbedder(), ChunkSettings(max_tokens=60, overlap_tokens=10))
    expected: dict[str, str] = {}
    for batch in ingests:
        writer.ingest(batch)
        expected |= {s.id: s.text for s in batch}
    idx = load_index(folder)
    got = {sid: idx.meta.statement(sid).text for sid in expected}  # type: ignore[union-attr]
    assert got == expected and idx.meta.count("statements") == len(expected)
    assert idx.store.ntotal == idx.meta.count("chunks") == len(idx.bm25_ids)
    idx.meta.close()
