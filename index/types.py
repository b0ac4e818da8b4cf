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
    # The record's own spelling of `country` when it differs ("United States ofAmerica",
    # "spoke in French"); `country` is then the delegation's name (index.countries).
    country_raw: str = ""


@dataclass(frozen=True)
class Chunk:
    """A span of one statement: `text` is normalised for embedding; start/end index Statement.text."""

    chunk_id: str
    statement_id: str
    start: int
    end: int
    text: str
    ordinal: int = 0  # position of the chunk inside its statement


@dataclass(frozen=True)
class Filters:
    """Metadata constraints applied inside each search; empty fields constrain nothing."""

    countries: tuple[str, ...] = ()  # canonical keys (index.countries.country_key)
    speakers: tuple[str, ...] = ()  # matched case-insensitively as substrings
    symbols: tuple[str, ...] = ()  # "S/PV.8699" also matches "S/PV.8699 (Resumption 1)"
    date_from: str = ""
    date_to: str = ""
    spoken_languages: tuple[str, ...] = ()
    participant_types: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    statement_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when no field constrains anything."""
        return self == Filters()


@dataclass(frozen=True)
class Rejected:
    """A record that could not become a Statement, with where (file, line) and why."""

    where: str
    reason: str
