"""The sub-models of the settings tree: each is what one collaborator takes (one default each)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic.dataclasses import dataclass

from index.chunk import ChunkSettings
from index.embed import EmbedderSettings
from index.store import StoreSpec

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class IndexSettings:
    """Where the index is and how it is built: embedder, chunking, vector store."""

    dir: Path = Field(default=PROJECT_ROOT / "data" / "index", description="Index folder in use.")
    bundled_corpus: tuple[Path, ...] = Field(
        default=(
            PROJECT_ROOT / "data/corpus/unsc_statements.jsonl.gz",
            PROJECT_ROOT / "data/corpus/seed.jsonl",
        ),
        description="Files the bundled index is built from by `make index`.",
    )
    checkpoint_chunks: int = Field(
        default=50_000,
        description="Publish a version every this many embedded chunks (resumable ingest).",
    )
    embedder: EmbedderSettings = Field(
        default_factory=EmbedderSettings, description="The encoder (index.embed)."
    )
    chunk: ChunkSettings = Field(
        default_factory=ChunkSettings, description="How statements are cut (index.chunk)."
    )
    store: StoreSpec = Field(
        default_factory=StoreSpec, description="The vector backend of new indexes (index.store)."
    )


@dataclass(frozen=True)
class RetrievalSettings:
    """What `rag.retrieve.Retriever` takes: depths, fusion weights, diversity, reranker."""

    k: int = Field(default=8, description="Passages returned per question.")
    mode: str = Field(default="hybrid", description="Retriever: hybrid, dense or bm25.")
    dense_depth: int = Field(default=60, description="Dense candidates fused per query.")
    bm25_depth: int = Field(default=60, description="BM25 candidates fused per query.")
    rrf_k: int = Field(default=60, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=1.0, description="Weight of the dense ranking in fusion.")
    bm25_weight: float = Field(default=1.0, description="Weight of the BM25 ranking in fusion.")
    max_per_statement: int = Field(
        default=2, description="At most this many passages of one statement."
    )
    max_query_chars: int = Field(
        default=2000, description="Longer questions are refused with a message."
    )
    named_meeting: bool = Field(
        default=True,
        description="A meeting symbol named in the question (S/PV.4644) filters to it.",
    )
    reranker_path: Path | None = Field(
        default=None, description="Local CrossEncoder folder; none by default."
    )
    rerank_depth: int = Field(
        default=30, description="Passages the reranker reorders (the first ones)."
    )


@dataclass(frozen=True)
class EvidenceWeights:
    """What a sentence's score is made of (tuned on the dev set; see bench/evidence.py)."""

    similarity: float = Field(default=1.0, description="Cosine of the sentence and the question.")
    sentence_terms: float = Field(
        default=0.3,
        description="Idf-weighted share of the question's specific terms in the sentence.",
    )
    passage_terms: float = Field(
        default=0.15, description="The same share in its passage with who, when and agenda."
    )
    answer_type: float = Field(
        default=0.25, description="It holds what the answer type needs (a number for 'how many')."
    )
    mention: float = Field(
        default=0.05, description="Its statement is by a delegation the question mentions."
    )
    resolution: float = Field(
        default=0.2, description="Its statement names the resolution the question names."
    )
    sentence_resolution: float = Field(
        default=0.2,
        description="The sentence itself names it: 'how did Albania characterize resolution "
        "2170' is answered where 2170 is.",
    )
    figure_terms: float = Field(
        default=0.15,
        description="A number question's figure stands next to a word of the question "
        "('236 of 605 missing persons' for 'how many missing').",
    )
    rank: float = Field(
        default=0.01,
        description="Per retrieval rank: fusion still knows things the embedder misses.",
    )
    courtesy: float = Field(
        default=0.3, description="Penalty: thanks, greetings and procedure answer nothing."
    )
    fragment: float = Field(
        default=0.15, description="Penalty: cut by a page break, no final stop ('…by the United')."
    )


@dataclass(frozen=True)
class EvidenceSettings:
    """What `rag.evidence.EvidenceFinder` takes: quotes kept, and when nothing answers."""

    weights: EvidenceWeights = Field(
        default_factory=EvidenceWeights, description="Weights of a sentence's evidence score."
    )
    per_party: int = Field(
        default=3, description="Quotes shown per party (a second one only when nearly as good)."
    )
    per_party_position: int = Field(
        default=4,
        description="Quotes per party for a question on a position ('what did France say "
        "about the dam'): a stance is told over several sentences (extractive accuracy, "
        "3 → 4 → 5: dev 0.824 → 0.824 → 0.835, fresh 0.680 → 0.707 → 0.707; citation "
        "precision on dev 0.598 → 0.558 → 0.543).",
    )
    margin: float = Field(
        default=0.5,
        description="A further quote is shown when its evidence score is this close (dev "
        "accuracy of the quotes: 0.25 → 0.694, 0.35 → 0.753, 0.5 → 0.788, 0.7 → 0.788).",
    )
    list_size: int = Field(
        default=8, description="Quotes from distinct statements for 'which delegations' questions."
    )
    local_min_sentences: int = Field(
        default=10,
        description="From this many candidate sentences on, a term in most of them weighs less.",
    )
    max_quote_chars: int = Field(
        default=600,
        description="A sentence is extended by its neighbour up to this many characters.",
    )
    min_similarity: float = Field(
        default=0.30,
        description="Below this similarity of the best sentence to the question, nothing "
        "answers it: the answer says so (calibrated: eval calibrate).",
    )
    min_coverage: float = Field(
        default=0.62,
        description="Share (idf-weighted) of the question's specific terms the evidence "
        "passages must contain, else nothing answers (calibrated: eval calibrate).",
    )
    min_names: float = Field(
        default=0.5,
        description="Share of the names a question uses (Tigray, Nord Stream) that the "
        "evidence passages must contain, else nothing answers.",
    )
    min_topic: float = Field(
        default=0.5,
        description="Share of the countries a question names as its topic ('displaced in "
        "Somalia') that the evidence passages must name, else nothing answers.",
    )
    weak_similarity: float = Field(
        default=0.4,
        description="Nothing answers when the best sentence is below this similarity and "
        "below `weak_terms` of the question's terms (fresh2: Italy's and Viet Nam's sentences "
        "at the right meeting for figures they never gave).",
    )
    weak_terms: float = Field(default=0.1, description="See `weak_similarity`.")
    min_coverage_whole: float = Field(
        default=0.4, description="`min_coverage` when a filter left few statements, read whole."
    )
    trusted_similarity: float = Field(
        default=0.55,
        description="Statements read whole: enough when the best sentence is this close.",
    )
    top_passages: int = Field(
        default=4, description="Passages whose words count for coverage (all, when read whole)."
    )
    max_candidates: int = Field(
        default=160,
        description="Most sentences scored with the encoder per search (a whole meeting has "
        "thousands); those sharing most of the question's words are kept.",
    )
    key_idf: float = Field(
        default=6.0,
        description="'Who raised X' / 'which delegations said X': a name of the question this "
        "rare (idf; 'Sergewa' 7.5, 'UNAMI' 4.8, 'Council' 1.3) must be in every listed quote.",
    )
    list_terms: float = Field(
        default=0.5,
        description="'Which delegations said X': a statement is listed when its best sentence "
        "holds this share of the question's names (or of its specific terms, if it names none).",
    )


@dataclass(frozen=True)
class EmbeddedSettings:
    """Options of `rag.backends.embedded.EmbeddedBackend` (its keyword arguments)."""

    model_path: Path | None = Field(
        default=None, description="GGUF file; default: the packaged Qwen2.5 1.5B."
    )
    n_ctx: int = Field(default=4096, description="Context window given to the embedded model.")
    n_threads: int = Field(default=2, description="CPU threads of the embedded model.")
    cache_ram_mb: int = Field(
        default=0,
        description="RAM for llama.cpp's cache of earlier prompts (MiB; 0: none). Its own "
        "default, 8192, kept each answer's prompt state: RSS grew with every answer.",
    )
    cache_dir: Path | None = Field(
        default=None,
        description="Where the packaged GGUF is assembled; default: ~/.cache/unsc-rag/models.",
    )


@dataclass(frozen=True)
class OpenAISettings:
    """Options of `rag.backends.openai_http.OpenAIBackend` (its keyword arguments)."""

    base_url: str = Field(
        default="http://127.0.0.1:8080/v1", description="OpenAI-compatible server URL."
    )
    model: str = Field(default="default", description="Model name on the OpenAI-compatible server.")
    api_key: str | None = Field(
        default=None, description="API key for the OpenAI-compatible server."
    )
    timeout_s: float = Field(
        default=120.0, description="Timeout per request to the server, in seconds."
    )


@dataclass(frozen=True)
class AnswerSettings:
    """How `rag.pipeline.Pipeline` answers: backends, lead sentence, evidence."""

    backend: str = Field(
        default="embedded", description="LLM backend: embedded, openai or extractive."
    )
    rewrite_backend: str = Field(
        default="embedded",
        description="Model that rewrites follow-ups and French/Spanish questions when the "
        "answer backend writes nothing (extractive); empty: no rewriting.",
    )
    lead: bool = Field(
        default=True,
        description="Let a writing backend add one lead sentence, checked like any claim.",
    )
    lead_max_tokens: int = Field(default=60, description="Longest lead sentence, in tokens.")
    timeout_s: float = Field(default=300.0, description="Longest wait for one answer, in seconds.")
    whole_chunks: int = Field(
        default=48, description="A search whose filters leave this few chunks reads them all."
    )
    meeting_chunks: int = Field(
        default=400,
        description="'Which delegations said X at meeting M': the meeting is read whole when "
        "it has at most this many chunks.",
    )
    evidence: EvidenceSettings = Field(
        default_factory=EvidenceSettings, description="Sentence-level evidence (rag.evidence)."
    )
    embedded: EmbeddedSettings = Field(
        default_factory=EmbeddedSettings, description="The embedded GGUF backend."
    )
    openai: OpenAISettings = Field(
        default_factory=OpenAISettings, description="The OpenAI-compatible backend."
    )


@dataclass(frozen=True)
class ServeSettings:
    """Where the app listens, who may log in and write, and what may be uploaded."""

    host: str = Field(default="127.0.0.1", description="Address the app listens on.")
    port: int = Field(default=7860, description="Port of the app.")
    auth: str | None = Field(
        default=None,
        description="No longer read (it held a plain password): `serve` stops and says to "
        "use auth_file when it is set.",
    )
    auth_file: Path | None = Field(
        default=None,
        description="Credentials file written by `unsc-rag passwd` (salted scrypt hashes): "
        "when set, everyone logs in, and its maintainers may ingest, remove and evaluate.",
    )
    loopback_writes: bool = Field(
        default=True,
        description="Without auth_file, browsers on this machine (127.0.0.1, ::1) may ingest, "
        "remove and evaluate; others only read. Turn off behind a proxy on this machine.",
    )
    max_upload_mb: int = Field(default=50, description="Largest file one may upload, in MB.")
    max_upload_files: int = Field(default=20, description="Most files one ingest may upload.")
    api_port: int = Field(default=8000, description="Port of `unsc-rag api` (OpenAI-compatible).")
    api_key: str | None = Field(
        default=None,
        description="Bearer key `unsc-rag api` requires; none: no key (keep it on 127.0.0.1).",
        repr=False,  # never printed; settings_hash leaves it out (SECRETS)
    )
    mcp_server: bool = Field(
        default=False, description="Serve the app's MCP tools at /gradio_api/mcp/ (`serve --mcp`)."
    )
    api_chat_concurrency: int = Field(
        default=2, description="Chat completions `unsc-rag api` answers at once (2 cores)."
    )
    api_chat_queue: int = Field(
        default=64,
        description="Chat completions that may wait for a turn; more get 503 'retry' at once.",
    )
