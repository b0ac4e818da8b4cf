"""The index's identity: embedder, dimension, chunking, corpus hash, versions, build time."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from index.errors import ManifestMismatchError

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Manifest:
    """What an index was built with; settings that change vectors or chunks must match at load."""

    embedder: str
    dim: int
    chunk_max_tokens: int
    chunk_overlap_tokens: int
    chunk_header: bool
    bm25_stemmer: str
    faiss_factory: str
    format_version: int = FORMAT_VERSION
    corpus_hash: str = ""
    statements: int = 0
    chunks: int = 0
    built_at: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    store: dict[str, str] = field(default_factory=dict)  # vector backend: faiss file or Milvus

    # Fields whose difference makes the index unusable with the settings in force.
    IDENTITY = (
        "format_version",
        "embedder",
        "dim",
        "chunk_max_tokens",
        "chunk_overlap_tokens",
        "chunk_header",
        "bm25_stemmer",
    )

    def check_compatible(self, expected: Manifest, where: Path) -> None:
        """Raise ManifestMismatchError naming each setting that differs."""
        diffs = [
            f"{k} is {getattr(self, k)!r} there but {getattr(expected, k)!r} now"
            for k in self.IDENTITY
            if getattr(self, k) != getattr(expected, k)
        ]
        if diffs:
            raise ManifestMismatchError(
                f"The index at {where} was built with other settings ({'; '.join(diffs)}): "
                "rebuild it with `unsc-rag ingest` into a new --index folder, or use the settings "
                "it was built with."
            )

    def stamped(
        self,
        corpus_hash: str,
        statements: int,
        chunks: int,
        versions: dict[str, str],
        store: dict[str, str] | None = None,
    ) -> Manifest:
        """A copy with the corpus identity, counts, versions and build time filled in."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        versions = {"python": platform.python_version(), **versions}
        d = asdict(self) | {
            "corpus_hash": corpus_hash,
            "statements": statements,
            "chunks": chunks,
            "built_at": now,
            "versions": versions,
            "store": store or self.store_info(),
            "faiss_factory": (store or {}).get("factory", ""),
        }
        return Manifest(**d)

    def store_info(self) -> dict[str, str]:
        """The vector backend; indexes written before the field existed are FAISS files."""
        return self.store or {"backend": "faiss", "factory": self.faiss_factory}

    def write(self, path: Path) -> None:
        """Write as JSON."""
        path.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read a manifest.json; unknown keys are an error (a newer format)."""
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError) as err:
            raise ManifestMismatchError(
                f"The index manifest {path} is unreadable ({err}): rebuild the index."
            ) from err
