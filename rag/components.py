"""Builds collaborators from the settings tree (the one place defaults are wired)."""

from __future__ import annotations

from pathlib import Path

from index.build import IndexWriter, expected_manifest
from index.chunk import ChunkSettings
from index.embed import Embedder, SentenceTransformerEmbedder
from index.loaded import LoadedIndex, load_index
from index.store import StoreSpec
from index.vectors import store_names
from rag.backends.base import Backend
from rag.backends.registry import make_backend as registry_make_backend
from rag.errors import InputError
from rag.evidence import EvidenceConfig, EvidenceFinder
from rag.pipeline import AnswerConfig, Pipeline
from rag.rerank import CrossEncoderReranker
from rag.retrieve import RetrievalConfig, Retriever
from rag.settings import Settings


def chunk_settings(s: Settings) -> ChunkSettings:
    """Chunking as configured."""
    return ChunkSettings(s.chunk_max_tokens, s.chunk_overlap_tokens, s.chunk_header)


def make_embedder(s: Settings) -> Embedder:
    """The configured sentence-transformers embedder (cached per model path)."""
    import torch  # the encoder shares the 2 cores with FAISS: cap threads explicitly

    torch.set_num_threads(max(1, s.threads))
    return SentenceTransformerEmbedder(
        s.embedder_path, batch_size=s.embed_batch_size, processes=s.encode_processes
    )


def make_writer(
    s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None
) -> IndexWriter:
    """An index writer over the configured (or given) index folder."""
    return IndexWriter(
        index_dir or s.index_dir,
        embedder or make_embedder(s),
        chunk_settings(s),
        store_spec(s),
        checkpoint_chunks=s.checkpoint_chunks,
    )


def store_spec(s: Settings) -> StoreSpec:
    """The vector backend as configured."""
    if s.store not in store_names():
        raise InputError(f"Unknown store {s.store!r}: use {' or '.join(store_names())}.")
    if s.store == "milvus" and not s.milvus_uri:
        raise InputError(
            "--store milvus needs --milvus-uri (a file.db for Milvus Lite, or http://host:19530)."
        )
    return StoreSpec(
        backend=s.store,
        factory=s.faiss_factory,
        approx_threshold=s.approx_threshold,
        approx_factory=s.approx_factory,
        uri=s.milvus_uri,
        collection=s.milvus_collection,
        token=s.milvus_token,
    )


def open_index(
    s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None
) -> LoadedIndex:
    """Load an index and check it was built with the embedder and chunking in force."""
    emb = embedder or make_embedder(s)
    writer_chunks = ChunkSettings(
        min(s.chunk_max_tokens, emb.max_tokens), s.chunk_overlap_tokens, s.chunk_header
    )
    return load_index(
        index_dir or s.index_dir,
        expected_manifest(emb, writer_chunks, s.faiss_factory),
        store_spec(s.model_copy(update={"store": "faiss"})),  # the manifest names the backend
    )


def retrieval_config(s: Settings) -> RetrievalConfig:
    """Retrieval depths and weights as configured."""
    return RetrievalConfig(
        dense_depth=s.dense_depth,
        bm25_depth=s.bm25_depth,
        rrf_k=s.rrf_k,
        dense_weight=s.dense_weight,
        bm25_weight=s.bm25_weight,
        max_per_statement=s.max_per_statement,
        max_query_chars=s.max_query_chars,
        named_meeting=s.named_meeting,
    )


def make_retriever(
    s: Settings,
    index_dir: Path | None = None,
    mode: str = "hybrid",
    embedder: Embedder | None = None,
    index: LoadedIndex | None = None,
) -> Retriever:
    """A retriever over the configured index, with the configured reranker if any."""
    emb = embedder or make_embedder(s)
    idx = index or open_index(s, index_dir, emb)
    reranker = CrossEncoderReranker(s.reranker_path) if s.reranker_path else None
    return Retriever(idx, emb, retrieval_config(s), mode=mode, reranker=reranker)


def make_backend(s: Settings, name: str | None = None) -> Backend:
    """The named (or configured) LLM backend with options from the settings."""
    name = name or s.backend
    per_backend: dict[str, dict[str, object]] = {
        "embedded": {
            "model_path": s.llm_model_path,
            "n_ctx": s.llm_context_tokens,
            "n_threads": s.threads,
            "cache_dir": s.model_cache_dir,
        },
        "openai": {
            "base_url": s.openai_base_url,
            "model": s.openai_model,
            "api_key": s.openai_api_key,
            "timeout_s": s.openai_timeout_s,
        },
    }
    return registry_make_backend(name, **per_backend.get(name, {}))


def assemble_pipeline(
    s: Settings,
    retriever: Retriever,
    backend: Backend,
    k: int | None = None,
    rewriter: Backend | None = None,
) -> Pipeline:
    """Wire a pipeline from parts that are already loaded (the app caches them)."""
    config = AnswerConfig(
        k=k or s.k,
        lead=s.lead_sentence,
        lead_max_tokens=s.lead_max_tokens,
        timeout_s=s.llm_timeout_s,
        settings_hash=s.settings_hash(),
    )
    return Pipeline(retriever, backend, make_evidence(s, retriever), config, rewriter)


def make_evidence(s: Settings, retriever: Retriever) -> EvidenceFinder:
    """Sentence-level evidence over the retriever's embedder and BM25 terms."""
    bm25 = retriever.index.bm25
    config = EvidenceConfig(
        per_party=s.quotes_per_party,
        margin=s.quote_margin,
        list_size=s.list_quotes,
        min_similarity=s.min_similarity,
        min_coverage=s.min_coverage,
        min_names=s.min_names,
    )
    return EvidenceFinder(retriever.embedder.embed, bm25.terms, bm25.idf, config)


def make_rewriter(s: Settings, backend: Backend) -> Backend | None:
    """The model that rewrites questions when the answer backend writes nothing."""
    if backend.writes or not s.rewrite_backend:
        return None
    return make_backend(s, s.rewrite_backend)


def make_pipeline(
    s: Settings,
    index_dir: Path | None = None,
    backend: str | None = None,
    mode: str = "hybrid",
    embedder: Embedder | None = None,
    index: LoadedIndex | None = None,
) -> Pipeline:
    """Retriever + backend + citation checker, wired from the settings."""
    emb = embedder or make_embedder(s)
    retriever = make_retriever(s, index_dir, mode, emb, index)
    answerer = make_backend(s, backend)
    return assemble_pipeline(s, retriever, answerer, rewriter=make_rewriter(s, answerer))
