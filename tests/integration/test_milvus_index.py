"""The whole index on Milvus Lite: ingest, filters inside Milvus, replace, resume, migrate."""

from __future__ import annotations

import json

import pytest

import index.build as build
from index.parse import read_statements
from rag.cli import main
from rag.components import make_retriever, make_writer, open_index
from tests.conftest import SMALL_CORPUS


def subset(tmp_path, n: int):
    path = tmp_path / f"s{n}.jsonl"
    path.write_text("\n".join(SMALL_CORPUS.read_text(encoding="utf-8").splitlines()[:n]) + "\n")
    return path


@pytest.fixture
def milvus_settings(settings, tmp_path):
    return settings.updated(
        {"index.store.backend": "milvus", "index.store.uri": str(tmp_path / "m.db")}
    )


class CountingEmbedder:
    """The real embedder, counting how many texts it encodes."""

    def __init__(self, inner):
        self.inner, self.encoded = inner, 0
        self.name, self.dim, self.max_tokens = inner.name, inner.dim, inner.max_tokens

    def embed(self, texts):
        self.encoded += len(texts)
        return self.inner.embed(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def test_ingest_search_filter_replace_on_milvus(tmp_path, milvus_settings, embedder, capsys):
    index = tmp_path / "ix"
    data = subset(tmp_path, 12)
    summary = make_writer(milvus_settings, index, embedder).ingest(read_statements(data))
    assert summary.added == 12
    loaded = open_index(milvus_settings, index, embedder)
    assert loaded.manifest.store["backend"] == "milvus"
    assert loaded.store.ntotal == loaded.meta.count("chunks")
    r = make_retriever(milvus_settings, embedder=embedder, index=loaded)
    rows = [json.loads(x) for x in data.read_text().splitlines()]
    country = rows[0]["country"]
    hits = r.search("security council", k=3, filters={"country": country}).passages
    assert hits and all(h.statement.country == country for h in hits)
    # replace one statement: its old vectors leave Milvus once the new version is published
    rows[0]["text"] = "Mr. X (France): A new short text about the Nile dam and water."
    data.write_text("".join(json.dumps(x) + "\n" for x in rows))
    summary = make_writer(milvus_settings, index, embedder).ingest(read_statements(data))
    assert (summary.replaced, summary.unchanged) == (1, 11)
    loaded = open_index(milvus_settings, index, embedder)
    assert loaded.store.ntotal == loaded.meta.count("chunks")
    assert main(["stats", "--index", str(index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["statements"] == 12


def test_replacing_a_statement_that_keeps_its_first_chunks_keeps_their_vectors(
    tmp_path, milvus_settings, embedder
):
    # Text appended at the end: the first chunks keep their ids, so the removal of the old
    # chunks must not delete them from the collection once the new version is published.
    data = subset(tmp_path, 3)
    rows = [json.loads(x) for x in data.read_text().splitlines()]
    index = tmp_path / "ix"
    make_writer(milvus_settings, index, embedder).ingest(read_statements(data))
    rows[0]["text"] += " We thank the presidency for convening this debate."
    data.write_text("".join(json.dumps(x) + "\n" for x in rows))
    for _ in range(2):  # the second ingest checks the index the first one left
        summary = make_writer(milvus_settings, index, embedder).ingest(read_statements(data))
        loaded = open_index(milvus_settings, index, embedder)
        assert loaded.store.ntotal == loaded.meta.count("chunks")
    assert (summary.unchanged, summary.replaced) == (3, 0)


def test_interrupted_milvus_ingest_resumes_without_duplicates(
    tmp_path, milvus_settings, embedder, monkeypatch
):
    monkeypatch.setattr(build, "BATCH", 8)  # small batches so some land before the interruption
    data = subset(tmp_path, 10)
    records = list(read_statements(data))

    def interrupted():
        yield from records[:6]
        raise KeyboardInterrupt  # the user pressed Ctrl-C mid-ingest

    index = tmp_path / "ix"
    counting = CountingEmbedder(embedder)
    with pytest.raises(KeyboardInterrupt):
        make_writer(milvus_settings, index, counting).ingest(interrupted())
    first = counting.encoded
    assert first > 0
    counting.encoded = 0
    summary = make_writer(milvus_settings, index, counting).ingest(iter(records))
    loaded = open_index(milvus_settings, index, embedder)
    total = loaded.meta.count("chunks")
    assert summary.added == 10 and loaded.store.ntotal == total  # no duplicates
    assert counting.encoded < total  # the chunks Milvus already had were not embedded again


def test_migrate_faiss_index_to_milvus_keeps_results(
    tmp_path, settings, embedder, small_index_dir, capsys
):
    target = tmp_path / "ix-m"
    code = main(
        [
            "migrate",
            "--from",
            str(small_index_dir),
            "--to-milvus",
            str(tmp_path / "mig.db"),
            "--index",
            str(target),
        ]
    )
    assert code == 0 and "migrated" in capsys.readouterr().out
    faiss_r = make_retriever(settings, small_index_dir, embedder=embedder)
    milvus_r = make_retriever(settings, target, embedder=embedder)
    for q in ("Iraq weapons inspectors", "sexual exploitation by peacekeepers"):
        assert [p.chunk_id for p in faiss_r.search(q, 5).passages] == [
            p.chunk_id for p in milvus_r.search(q, 5).passages
        ]


def test_milvus_without_uri_is_a_clear_error(tmp_path, capsys):
    assert (
        main(
            [
                "ingest",
                str(subset(tmp_path, 1)),
                "--index",
                str(tmp_path / "x"),
                "--store",
                "milvus",
            ]
        )
        == 2
    )
    assert "needs --milvus-uri" in capsys.readouterr().err
