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
    assert Settings().k == 99  # the real class still reads the environment ...
    fresh = isolated_settings()
    assert (fresh.k, fresh.backend) == (8, "embedded")  # ... the suite's settings do not
    assert (settings.k, settings.backend) == (8, "embedded")
    assert isinstance(fresh, Settings) and fresh.settings_hash() == defaults
    assert isolated_settings(k=3).k == 3
