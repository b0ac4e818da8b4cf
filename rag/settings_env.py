"""The flat environment names of before the settings tree (UNSC_RAG_K), kept as aliases."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic_settings import EnvSettingsSource

# Flat name → the nested field(s) it sets. A nested variable (UNSC_RAG_RETRIEVAL__K) wins.
FLAT_NAMES: dict[str, tuple[str, ...]] = {
    "index_dir": ("index.dir",),
    "bundled_corpus": ("index.bundled_corpus",),
    "checkpoint_chunks": ("index.checkpoint_chunks",),
    "embedder_path": ("index.embedder.model_path",),
    "embed_batch_size": ("index.embedder.batch_size",),
    "encode_processes": ("index.embedder.processes",),
    "threads": ("index.embedder.threads", "answer.embedded.n_threads"),
    "chunk_max_tokens": ("index.chunk.max_tokens",),
    "chunk_overlap_tokens": ("index.chunk.overlap_tokens",),
    "chunk_header": ("index.chunk.header",),
    "store": ("index.store.backend",),
    "faiss_factory": ("index.store.factory",),
    "approx_threshold": ("index.store.approx_threshold",),
    "approx_factory": ("index.store.approx_factory",),
    "milvus_uri": ("index.store.uri",),
    "milvus_collection": ("index.store.collection",),
    "milvus_token": ("index.store.token",),
    "k": ("retrieval.k",),
    "dense_depth": ("retrieval.dense_depth",),
    "bm25_depth": ("retrieval.bm25_depth",),
    "rrf_k": ("retrieval.rrf_k",),
    "dense_weight": ("retrieval.dense_weight",),
    "bm25_weight": ("retrieval.bm25_weight",),
    "max_per_statement": ("retrieval.max_per_statement",),
    "reranker_path": ("retrieval.reranker_path",),
    "named_meeting": ("retrieval.named_meeting",),
    "max_query_chars": ("retrieval.max_query_chars",),
    "backend": ("answer.backend",),
    "rewrite_backend": ("answer.rewrite_backend",),
    "lead_sentence": ("answer.lead",),
    "lead_max_tokens": ("answer.lead_max_tokens",),
    "llm_timeout_s": ("answer.timeout_s",),
    "quotes_per_party": ("answer.evidence.per_party",),
    "quote_margin": ("answer.evidence.margin",),
    "list_quotes": ("answer.evidence.list_size",),
    "min_similarity": ("answer.evidence.min_similarity",),
    "min_coverage": ("answer.evidence.min_coverage",),
    "min_names": ("answer.evidence.min_names",),
    "llm_model_path": ("answer.embedded.model_path",),
    "llm_context_tokens": ("answer.embedded.n_ctx",),
    "model_cache_dir": ("answer.embedded.cache_dir",),
    "openai_base_url": ("answer.openai.base_url",),
    "openai_model": ("answer.openai.model",),
    "openai_api_key": ("answer.openai.api_key",),
    "openai_timeout_s": ("answer.openai.timeout_s",),
    "host": ("serve.host",),
    "api_port": ("serve.api_port",),
    "api_key": ("serve.api_key",),
    "mcp_server": ("serve.mcp_server",),
    "port": ("serve.port",),
    "auth": ("serve.auth",),
    "auth_file": ("serve.auth_file",),
    "loopback_writes": ("serve.loopback_writes",),
    "max_upload_mb": ("serve.max_upload_mb",),
    "max_upload_files": ("serve.max_upload_files",),
}


class FlatEnvSource(EnvSettingsSource):
    """Reads UNSC_RAG_<FLAT NAME> as the nested UNSC_RAG_<GROUP>__<FIELD> it stands for."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        env = super()._load_env_vars()
        prefix = self.env_prefix if self.case_sensitive else self.env_prefix.lower()
        delimiter = self.env_nested_delimiter or "__"
        nested: dict[str, str | None] = {}
        for flat, paths in FLAT_NAMES.items():
            name = prefix + (flat if self.case_sensitive else flat.lower())
            if name in env:
                nested |= {prefix + path.replace(".", delimiter): env[name] for path in paths}
        return nested
