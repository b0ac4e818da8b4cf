"""Builds collaborators from the settings tree (the one place defaults are wired)."""

from __future__ import annotations

from pathlib import Path

from index.build import IndexWriter, expected_manifest
from index.chunk import ChunkSettings
from index.embed import Embedder, SentenceTransformerEmbedder
from index.loaded import LoadedIndex, load_index
from rag.settings import Settings


def chunk_settings(s: Settings) -> ChunkSettings:
    """Chunking as configured."""
    return ChunkSettings(s.chunk_max_tokens, s.chunk_overlap_tokens, s.chunk_header)


def make_embedder(s: Settings) -> Embedder:
    """The configured sentence-transformers embedder (cached per model path)."""
    import torch  # the encoder shares the 2 cores with FAISS: cap threads explicitly

    torch.set_num_threads(max(1, s.threads))
    return SentenceTransformerEmbedder(s.embedder_path, batch_size=s.embed_batch_size)


def make_writer(s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None) -> IndexWriter:
    """An index writer over the configured (or given) index folder."""
    return IndexWriter(
        index_dir or s.index_dir, embedder or make_embedder(s), chunk_settings(s), s.faiss_factory
    )


def open_index(s: Settings, index_dir: Path | None = None, embedder: Embedder | None = None) -> LoadedIndex:
    """Load an index and check it was built with the embedder and chunking in force."""
    emb = embedder or make_embedder(s)
    writer_chunks = ChunkSettings(
        min(s.chunk_max_tokens, emb.max_tokens), s.chunk_overlap_tokens, s.chunk_header
    )
    return load_index(index_dir or s.index_dir, expected_manifest(emb, writer_chunks, s.faiss_factory))
