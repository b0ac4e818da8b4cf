"""Typed records of the index: a Statement and the Chunks cut from it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Statement:
    """One statement (speech) as it stands in the record; `text` is never normalised."""

    id: str
    text: str
    symbol: str = ""
    date: str = ""  # ISO yyyy-mm-dd, "" when unknown
    speaker: str = ""
    country: str = ""
    spoken_language: str = ""
    agenda: str = ""
    participant_type: str = ""
    collection: str = ""  # e.g. "unsc_2020", "umuc_raw", "user"
    source_file: str = ""
    page: int | None = None  # first page in a PDF record
    speech_no: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Chunk:
    """A span of one statement: `text` is normalised for embedding; start/end index Statement.text."""

    chunk_id: str
    statement_id: str
    start: int
    end: int
    text: str
    ordinal: int = 0  # position of the chunk inside its statement
