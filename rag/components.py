"""Builds collaborators from the settings tree: each takes its own sub-model, nothing is copied."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from index.build import IndexWriter, expected_manifest
from index.embed import Embedder, SentenceTransformerEmbedder
from index.loaded import LoadedIndex, load_index
from index.store import StoreSpec
from index.vectors import store_names
from rag.backends.base import Backend
from rag.backends.registry import make_backend as registry_make_backend
from rag.errors import InputError
from rag.evidence import EvidenceFinder
from rag.pipeline import Pipeline
from rag.rerank import CrossEncoderReranker
from rag.retrieve import Retriever
from rag.settings import Settings


def make_embedder(s: Settings) -> Embedder:
    """The configured sentence-transformers embedder (cached per model path)."""
    return SentenceTransformerEmbedder(s.index.embedder)


def make_writer(
    s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None
) -> IndexWriter:
    """An index writer over the configured (or given) index folder."""
    return IndexWriter(
        index_dir or s.index.dir,
        embedder or make_embedder(s),
        s.index.chunk,
        store_spec(s),
        checkpoint_chunks=s.index.checkpoint_chunks,
    )


def store_spec(s: Settings) -> StoreSpec:
    """The vector backend as configured, checked."""
    spec = s.index.store
    if spec.backend not in store_names():
        raise InputError(f"Unknown store {spec.backend!r}: use {' or '.join(store_names())}.")
    if spec.backend == "milvus" and not spec.uri:
        raise InputError(
            "--store milvus needs --milvus-uri (a file.db for Milvus Lite, or http://host:19530)."
        )
    return spec


def open_index(
    s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None
) -> LoadedIndex:
    """Load an index and check it was built with the embedder and chunking in force."""
    emb = embedder or make_embedder(s)
    chunk = s.index.chunk
    writer_chunks = replace(chunk, max_tokens=min(chunk.max_tokens, emb.max_tokens))
    return load_index(
        index_dir or s.index.dir,
        expected_manifest(emb, writer_chunks, s.index.store.factory),
        replace(s.index.store, backend="faiss"),  # the manifest names the backend
    )


def make_retriever(
    s: Settings,
    index_dir: Path | None = None,
    mode: str | None = None,
    embedder: Embedder | None = None,
    index: LoadedIndex | None = None,
) -> Retriever:
    """A retriever over the configured index, in the given (or configured) mode."""
    emb = embedder or make_embedder(s)
    idx = index or open_index(s, index_dir, emb)
    config = replace(s.retrieval, mode=mode) if mode else s.retrieval
    reranker = CrossEncoderReranker(config.reranker_path) if config.reranker_path else None
    return Retriever(idx, emb, config, reranker=reranker)


def make_backend(s: Settings, name: str | None = None) -> Backend:
    """The named (or configured) LLM backend with its options from the settings."""
    name = name or s.answer.backend
    options = {"embedded": asdict(s.answer.embedded), "openai": asdict(s.answer.openai)}
    return registry_make_backend(name, **options.get(name, {}))


def assemble_pipeline(
    s: Settings, retriever: Retriever, backend: Backend, rewriter: Backend | None = None
) -> Pipeline:
    """Wire a pipeline from loaded parts; `s` is what this answer uses (see for_request)."""
    return Pipeline(retriever, backend, make_evidence(s, retriever), s, rewriter)


def make_evidence(s: Settings, retriever: Retriever) -> EvidenceFinder:
    """Sentence-level evidence over the retriever's embedder and BM25 terms."""
    bm25 = retriever.index.bm25
    return EvidenceFinder(
        retriever.embedder.embed, bm25.terms, bm25.idf, s.answer.evidence, spell=bm25.spelled
    )


def make_rewriter(s: Settings, backend: Backend) -> Backend | None:
    """The model that rewrites questions when the answer backend writes nothing."""
    if backend.writes or not s.answer.rewrite_backend:
        return None
    return make_backend(s, s.answer.rewrite_backend)


def make_pipeline(
    s: Settings,
    index_dir: Path | None = None,
    backend: str | None = None,
    mode: str | None = None,
    embedder: Embedder | None = None,
    index: LoadedIndex | None = None,
) -> Pipeline:
    """Retriever + backend + citation checker, wired from the settings."""
    s = s.for_request(mode=mode, backend=backend, index_dir=index_dir)
    emb = embedder or make_embedder(s)
    retriever = make_retriever(s, embedder=emb, index=index)
    answerer = make_backend(s)
    return assemble_pipeline(s, retriever, answerer, make_rewriter(s, answerer))
