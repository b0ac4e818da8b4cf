"""The suite's settings ignore the caller's UNSC_RAG_* environment (tests/conftest.py)."""

from __future__ import annotations

import os

from rag.settings import Settings
from tests.conftest import isolated_settings


def test_the_callers_variables_are_gone_and_later_ones_are_ignored(settings, monkeypatch):
    assert not [n for n in os.environ if n.upper().startswith("UNSC_RAG_")]
    defaults = Settings().settings_hash()
    monkeypatch.setenv("UNSC_RAG_K", "99")
    monkeypatch.setenv("unsc_rag_backend", "openai")
    monkeypatch.setenv("UNSC_RAG_RETRIEVAL__DENSE_DEPTH", "7")
    real = Settings()  # the real class still reads the environment ...
    assert (real.retrieval.k, real.answer.backend, real.retrieval.dense_depth) == (99, "openai", 7)
    fresh = isolated_settings()
    assert (fresh.retrieval.k, fresh.answer.backend) == (8, "embedded")  # ... the suite's do not
    assert (settings.retrieval.k, settings.answer.backend) == (8, "embedded")
    assert fresh.retrieval.dense_depth == 60
    assert isinstance(fresh, Settings) and fresh.settings_hash() == defaults
    assert isolated_settings(retrieval={"k": 3}).retrieval.k == 3
