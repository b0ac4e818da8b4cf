"""One settings tree (pydantic-settings): every field described, env prefix UNSC_RAG_."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from rag.settings_env import FlatEnvSource
from rag.settings_models import (
    PROJECT_ROOT,
    AnswerSettings,
    IndexSettings,
    RetrievalSettings,
    ServeSettings,
)

__all__ = ["PROJECT_ROOT", "Settings"]


# Keys and passwords: kept in the settings, never in a hash or a report.
SECRETS: dict[str, Any] = {"serve": {"api_key"}, "index": {"store": {"token"}}}


class Settings(BaseSettings):
    """Defaults for every collaborator: UNSC_RAG_<GROUP>__<FIELD>, flat aliases, CLI options."""

    model_config = SettingsConfigDict(
        env_prefix="UNSC_RAG_", env_nested_delimiter="__", extra="ignore"
    )

    index: IndexSettings = Field(
        default_factory=IndexSettings, description="The index: folder, embedder, chunks, store."
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, description="What the retriever takes."
    )
    answer: AnswerSettings = Field(
        default_factory=AnswerSettings, description="Backends, lead sentence and evidence."
    )
    serve: ServeSettings = Field(default_factory=ServeSettings, description="The web app.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Nested variables first, then the flat names as aliases."""
        flat = FlatEnvSource(settings_cls)
        return init_settings, env_settings, flat, dotenv_settings, file_secret_settings

    def settings_hash(self) -> str:
        """Short hash of every setting but the secrets, stamped on answers and reports."""
        blob = json.dumps(self.model_dump(mode="json", exclude=SECRETS), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def updated(self, changes: Mapping[str, Any]) -> Self:
        """A validated copy with dotted fields changed: {"retrieval.k": 3, "index.dir": p}."""
        data = self.model_dump()
        for path, value in changes.items():
            *groups, name = path.split(".")
            node = data
            for group in groups:
                node = node[group]
            if name not in node:
                raise KeyError(f"No setting {path!r}.")
            node[name] = value
        return self.model_validate(data)

    def for_request(
        self,
        k: int | None = None,
        mode: str | None = None,
        backend: str | None = None,
        index_dir: Path | None = None,
    ) -> Self:
        """These settings with one request's k, retriever, backend and index: what it uses."""
        chosen = {
            "retrieval.k": k,
            "retrieval.mode": mode,
            "answer.backend": backend,
            "index.dir": Path(index_dir) if index_dir else None,
        }
        return self.updated({path: v for path, v in chosen.items() if v is not None})
