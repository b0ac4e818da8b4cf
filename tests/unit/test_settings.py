"""The settings tree: nested and flat environment names, updates, and the hash per request."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rag.settings import Settings
from rag.settings_env import FLAT_NAMES


def test_nested_variables_set_the_tree(monkeypatch):
    monkeypatch.setenv("UNSC_RAG_RETRIEVAL__K", "10")
    monkeypatch.setenv("UNSC_RAG_ANSWER__EVIDENCE__PER_PARTY", "2")
    monkeypatch.setenv("UNSC_RAG_INDEX__CHUNK__HEADER", "false")
    monkeypatch.setenv("unsc_rag_answer__evidence__weights__mention", "0.5")
    s = Settings()
    assert (s.retrieval.k, s.answer.evidence.per_party, s.index.chunk.header) == (10, 2, False)
    assert s.answer.evidence.weights.mention == 0.5 and s.retrieval.dense_depth == 60


def test_the_readme_examples_still_work(monkeypatch):
    monkeypatch.setenv("UNSC_RAG_BACKEND", "openai")
    monkeypatch.setenv("UNSC_RAG_OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("UNSC_RAG_OPENAI_MODEL", "llama3.1")
    monkeypatch.setenv("UNSC_RAG_NAMED_MEETING", "false")
    s = Settings()
    assert s.answer.backend == "openai" and not s.retrieval.named_meeting
    assert (s.answer.openai.base_url, s.answer.openai.model) == (
        "http://127.0.0.1:11434/v1",
        "llama3.1",
    )


def test_flat_names_are_aliases_and_the_nested_name_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("UNSC_RAG_K", "12")
    monkeypatch.setenv("UNSC_RAG_INDEX_DIR", str(tmp_path))
    monkeypatch.setenv("unsc_rag_rewrite_backend", "")
    monkeypatch.setenv("UNSC_RAG_QUOTES_PER_PARTY", "1")
    monkeypatch.setenv("UNSC_RAG_MIN_COVERAGE", "0.5")
    monkeypatch.setenv("UNSC_RAG_THREADS", "1")
    monkeypatch.setenv("UNSC_RAG_BUNDLED_CORPUS", '["a.jsonl"]')
    s = Settings()
    assert (s.retrieval.k, s.index.dir, s.answer.rewrite_backend) == (12, tmp_path, "")
    assert (s.answer.evidence.per_party, s.answer.evidence.min_coverage) == (1, 0.5)
    assert s.index.embedder.threads == s.answer.embedded.n_threads == 1
    assert s.index.bundled_corpus == (Path("a.jsonl"),)
    monkeypatch.setenv("UNSC_RAG_RETRIEVAL__K", "5")
    assert Settings().retrieval.k == 5


def test_every_flat_name_points_at_a_setting():
    data = Settings.model_validate({}).model_dump()
    for flat, paths in FLAT_NAMES.items():
        for path in paths:
            node = data
            for part in path.split("."):
                assert part in node, f"{flat} → {path}"
                node = node[part]


def test_every_setting_is_described():
    def check(cls: type) -> None:
        fields = getattr(cls, "model_fields", None) or cls.__pydantic_fields__
        for name, info in fields.items():
            assert info.description, f"{cls.__name__}.{name}"
            kind = info.annotation
            if dataclasses.is_dataclass(kind):
                check(kind)  # type: ignore[arg-type]

    check(Settings)


def test_updated_changes_one_field_and_validates(settings):
    s = settings.updated({"retrieval.k": "3", "index.store.backend": "milvus"})
    assert (s.retrieval.k, s.index.store.backend) == (3, "milvus")
    assert settings.retrieval.k == 8 and type(s) is type(settings)
    with pytest.raises(KeyError):
        settings.updated({"retrieval.kk": 3})


def test_the_hash_covers_the_requests_choices(settings):
    assert settings.for_request().settings_hash() == settings.settings_hash()
    assert settings.for_request(k=8).settings_hash() == settings.settings_hash()
    hashes = {
        settings.for_request(k=5).settings_hash(),
        settings.for_request(k=6).settings_hash(),
        settings.for_request(mode="bm25").settings_hash(),
        settings.for_request(backend="extractive").settings_hash(),
        settings.settings_hash(),
    }
    assert len(hashes) == 5
