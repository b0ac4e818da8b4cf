"""One settings tree (pydantic-settings): every field described, env prefix UNSC_RAG_."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Defaults for every collaborator; override with UNSC_RAG_<FIELD> or CLI options."""

    model_config = SettingsConfigDict(env_prefix="UNSC_RAG_", extra="ignore")

    index_dir: Path = Field(PROJECT_ROOT / "data" / "index", description="Index folder in use.")
    bundled_corpus: tuple[Path, ...] = Field(
        (
            PROJECT_ROOT / "data/corpus/unsc_statements.jsonl.gz",
            PROJECT_ROOT / "data/corpus/seed.jsonl",
        ),
        description="Files the bundled index is built from by `make index`.",
    )
    embedder_path: Path | None = Field(
        None,
        description="Sentence-transformers model folder; default: the packaged all-MiniLM-L6-v2.",
    )
    embed_batch_size: int = Field(32, description="Chunks per encoder batch.")
    chunk_max_tokens: int = Field(
        200, description="Word pieces per chunk, header included (model window 254)."
    )
    chunk_overlap_tokens: int = Field(
        48, description="Sentences carried over between chunks, in word pieces."
    )
    chunk_header: bool = Field(
        True, description="Prefix country and agenda to the indexed chunk text."
    )
    faiss_factory: str = Field("Flat", description="FAISS index_factory string of new indexes.")
    approx_threshold: int = Field(
        500_000, description="Chunk count past which new indexes use `approx_factory`."
    )
    approx_factory: str = Field(
        "IVF4096,Flat", description="Approximate FAISS index for large indexes."
    )
    threads: int = Field(2, description="CPU threads for FAISS and the encoder.")
    encode_processes: int = Field(
        1, description="Encoder processes for large ingests (one per 2+ cores; 1 = in-process)."
    )
    checkpoint_chunks: int = Field(
        50_000, description="Publish a version every this many embedded chunks (resumable ingest)."
    )
    store: str = Field("faiss", description="Vector backend of new indexes: faiss or milvus.")
    milvus_uri: str = Field(
        "", description="Milvus Lite file (path.db) or cluster URI (http://host:19530)."
    )
    milvus_collection: str = Field("unsc_rag", description="Milvus collection name.")
    milvus_token: str | None = Field(None, description="Milvus cluster token (user:password).")
    # Retrieval
    k: int = Field(8, description="Passages returned per question.")
    dense_depth: int = Field(60, description="Dense candidates fused per query.")
    bm25_depth: int = Field(60, description="BM25 candidates fused per query.")
    rrf_k: int = Field(60, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(1.0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(1.0, description="Weight of the BM25 ranking in fusion.")
    max_per_statement: int = Field(2, description="At most this many passages of one statement.")
    reranker_path: Path | None = Field(
        None, description="Local CrossEncoder folder; none by default."
    )
    named_meeting: bool = Field(
        True, description="A meeting symbol named in the question (S/PV.4644) filters to it."
    )
    max_query_chars: int = Field(2000, description="Longer questions are refused with a message.")
    # Answering
    backend: str = Field("embedded", description="LLM backend: embedded, openai or extractive.")
    llm_model_path: Path | None = Field(
        None, description="GGUF file; default: the packaged Qwen2.5 1.5B."
    )
    model_cache_dir: Path = Field(
        Path.home() / ".cache" / "unsc-rag" / "models",
        description="Where the packaged GGUF is assembled.",
    )
    llm_context_tokens: int = Field(4096, description="Context window given to the embedded model.")
    openai_base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="OpenAI-compatible server URL."
    )
    openai_model: str = Field("default", description="Model name on the OpenAI-compatible server.")
    openai_api_key: str | None = Field(
        None, description="API key for the OpenAI-compatible server."
    )
    openai_timeout_s: float = Field(
        120.0, description="Timeout per request to the server, in seconds."
    )
    lead_sentence: bool = Field(
        True, description="Let a writing backend add one lead sentence, checked like any claim."
    )
    lead_max_tokens: int = Field(80, description="Longest lead sentence, in tokens.")
    rewrite_backend: str = Field(
        "embedded",
        description="Model that rewrites follow-ups and French/Spanish questions when the "
        "answer backend writes nothing (extractive); empty: no rewriting.",
    )
    quotes_per_party: int = Field(
        3, description="Quotes shown per party (a second one only when nearly as good)."
    )
    quote_margin: float = Field(
        0.25, description="A further quote is shown when its evidence score is this close."
    )
    list_quotes: int = Field(
        6, description="Quotes from distinct statements for 'which delegations' questions."
    )
    llm_timeout_s: float = Field(300.0, description="Longest wait for one answer, in seconds.")
    min_similarity: float = Field(
        0.30,
        description="Below this similarity of the best sentence to the question, nothing "
        "answers it: the answer says so (calibrated: eval calibrate).",
    )
    min_coverage: float = Field(
        0.62,
        description="Share (idf-weighted) of the question's specific terms the evidence "
        "passages must contain, else nothing answers (calibrated: eval calibrate).",
    )
    min_names: float = Field(
        0.5,
        description="Share of the names a question uses (Tigray, Nord Stream) that the "
        "evidence passages must contain, else nothing answers.",
    )
    # Serving
    host: str = Field("127.0.0.1", description="Address the app listens on.")
    port: int = Field(7860, description="Port of the app.")
    auth: str | None = Field(None, description="Basic auth 'user:password' for the app, if set.")
    # API
    api_port: int = Field(8000, description="Port of `unsc-rag api` (OpenAI-compatible server).")
    api_key: str | None = Field(
        None,
        description="Bearer key `unsc-rag api` requires; none: no key (keep it on 127.0.0.1).",
        repr=False,
        exclude=True,  # never dumped, so never in the settings hash or a report
    )
    mcp_server: bool = Field(
        False, description="Serve the app's MCP tools at /gradio_api/mcp/ (`serve --mcp`)."
    )

    def settings_hash(self) -> str:
        """Short hash of every setting, stamped on answers and evaluation reports."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]
