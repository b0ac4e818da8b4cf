"""Shared fixtures: the real embedder and a real index of a small real corpus, built once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The suite runs on the defaults whatever the caller's shell sets: every Settings() built in
# this process (CLI calls included) and in its subprocesses reads no UNSC_RAG_* variable.
# pydantic-settings matches names case-insensitively, so any case is dropped.
for _name in [n for n in os.environ if n.upper().startswith("UNSC_RAG_")]:
    del os.environ[_name]

FIXTURES = Path(__file__).parent / "fixtures"
SMALL_CORPUS = FIXTURES / "small_corpus.jsonl"
SMALL_QUESTIONS = FIXTURES / "small_questions.jsonl"


class IsolatedSettings(Settings):
    """Settings from their defaults and init arguments only: no environment variable is read."""

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **sources):
        return (init_settings,)  # dropped: the environment, dotenv and secrets sources


def isolated_settings(**overrides: object) -> Settings:
    """Default settings with `overrides`, whatever the environment says."""
    return IsolatedSettings(**overrides)


@pytest.fixture(scope="session")
def settings():
    """Default settings (the bundled models), isolated from the user's environment."""
    return isolated_settings()


@pytest.fixture(scope="session")
def embedder(settings):
    """The real all-MiniLM-L6-v2 from its package."""
    from rag.components import make_embedder

    return make_embedder(settings)


@pytest.fixture(scope="session")
def small_index_dir(tmp_path_factory, settings, embedder) -> Path:
    """A real index (real embedder, FAISS, BM25, SQLite) of 89 real statements."""
    from index.parse import read_statements
    from rag.components import make_writer

    folder = tmp_path_factory.mktemp("small") / "index"
    summary = make_writer(settings, folder, embedder).ingest(read_statements(SMALL_CORPUS))
    assert summary.added == 89 and summary.rejected == 0
    return folder


@pytest.fixture(scope="session")
def small_index(settings, embedder, small_index_dir):
    """The small index, loaded."""
    from rag.components import open_index

    return open_index(settings, small_index_dir, embedder)


@pytest.fixture(scope="session")
def retriever(settings, embedder, small_index):
    """A hybrid retriever over the small index."""
    from rag.components import make_retriever

    return make_retriever(settings, embedder=embedder, index=small_index)


LLM_ALIAS = "qwen2.5-coder-1.5b-instruct"


@pytest.fixture(scope="session")
def server_url():
    """xllamacpp's own OpenAI-compatible server on the bundled GGUF, on 127.0.0.1 only."""
    import xllamacpp

    from rag.backends.gguf import default_model_path

    params = xllamacpp.CommonParams()
    params.model.path = str(default_model_path())
    params.n_ctx = 4096
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.hostnames = ["127.0.0.1"]
    params.model_alias = {LLM_ALIAS}
    params.verbosity = 0
    server = xllamacpp.Server(params)
    yield str(server.listening_address)
    del server
