"""Statements and chunks in SQLite: metadata, offsets, and filter → allowed ids (sole sqlite user)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from index.countries import country_key
from index.delegation_map import DelegationMap, Spoke
from index.types import Chunk, Filters, Statement

# `chunks.faiss_id` is the chunk's vector id in whichever store holds the vectors (FAISS or
# Milvus). The column keeps its first name: bundled and user indexes on disk have it, and
# renaming it would need a migration of every meta.sqlite; the Python API says `vector_id`.
SCHEMA = """
CREATE TABLE IF NOT EXISTS statements (
  id TEXT PRIMARY KEY, text TEXT NOT NULL, text_hash TEXT NOT NULL,
  symbol TEXT, symbol_base TEXT, date TEXT, speaker TEXT, country TEXT, country_key TEXT,
  spoken_language TEXT, agenda TEXT, participant_type TEXT, collection TEXT,
  source_file TEXT, page INTEGER, speech_no INTEGER, extra TEXT);
CREATE TABLE IF NOT EXISTS chunks (
  faiss_id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL,
  statement_id TEXT NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, ordinal INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_statement ON chunks(statement_id);
CREATE INDEX IF NOT EXISTS statements_symbol ON statements(symbol_base);
CREATE INDEX IF NOT EXISTS statements_country ON statements(country_key);
"""
_COLUMNS = (
    "id, text, text_hash, symbol, symbol_base, date, speaker, country, country_key, "
    "spoken_language, agenda, participant_type, collection, source_file, page, speech_no, extra"
)
_RESUMPTION = re.compile(r"\s*\((?:Resumption|Part)\s*\d*\)\s*$", re.I)


def text_hash(text: str) -> str:
    """Hash of a statement's text, to tell unchanged from changed on re-ingest."""
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def symbol_base(symbol: str) -> str:
    """ "S/PV.8699 (Resumption 1)" → "S/PV.8699"; a meeting matches its resumptions."""
    return _RESUMPTION.sub("", symbol.strip()).upper()


def vector_id(chunk_id: str) -> int:
    """The int64 id of a chunk's vector in every store: its content hash, kept positive."""
    return int(chunk_id[:15], 16)


class MetaStore:
    """A SQLite file of statements and chunks."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            self.db.executescript(SCHEMA)
        self._delegations: DelegationMap | None = None

    @property
    def delegations_map(self) -> DelegationMap:
        """Stored spellings → delegations (read once; rebuilt after a write)."""
        if self._delegations is None:
            self._delegations = DelegationMap.load(self.db)
        return self._delegations

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def hashes(self) -> dict[str, str]:
        """statement id → text hash, for the add/unchanged/replace decision."""
        return dict(self.db.execute("SELECT id, text_hash FROM statements").fetchall())

    def add(self, statement: Statement, chunks: list[Chunk]) -> None:
        """Insert one statement and its chunks."""
        s = statement
        self._delegations = None
        extra = s.extra | ({"country_raw": s.country_raw} if s.country_raw else {})
        row = (
            s.id,
            s.text,
            text_hash(s.text),
            s.symbol,
            symbol_base(s.symbol),
            s.date,
            s.speaker,
            s.country,
            country_key(s.country),
            s.spoken_language,
            s.agenda,
            s.participant_type,
            s.collection,
            s.source_file,
            s.page,
            s.speech_no,
            json.dumps(extra),
        )
        self.db.execute(f"INSERT INTO statements ({_COLUMNS}) VALUES ({','.join('?' * 17)})", row)
        self.db.executemany(
            'INSERT INTO chunks (faiss_id, chunk_id, statement_id, start, "end", ordinal, text) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    vector_id(c.chunk_id),
                    c.chunk_id,
                    c.statement_id,
                    c.start,
                    c.end,
                    c.ordinal,
                    c.text,
                )
                for c in chunks
            ],
        )

    def remove(self, statement_ids: Iterable[str]) -> np.ndarray:
        """Delete statements and their chunks; returns the removed chunks' vector ids."""
        ids = list(statement_ids)
        self._delegations = None
        removed: list[int] = []
        for part in _batches(ids, 500):
            marks = ",".join("?" * len(part))
            q = f"SELECT faiss_id FROM chunks WHERE statement_id IN ({marks})"
            removed += [r[0] for r in self.db.execute(q, part)]
            self.db.execute(f"DELETE FROM chunks WHERE statement_id IN ({marks})", part)
            self.db.execute(f"DELETE FROM statements WHERE id IN ({marks})", part)
        return np.asarray(removed, dtype=np.int64)

    def ids_for_symbol(self, symbol: str) -> list[str]:
        """Statement ids of a meeting (its resumptions included)."""
        q = "SELECT id FROM statements WHERE symbol_base = ?"
        return [r[0] for r in self.db.execute(q, (symbol_base(symbol),))]

    def commit(self) -> None:
        """Commit the transaction."""
        self.db.commit()

    def chunk_rows(self) -> Iterator[tuple[int, str]]:
        """(vector id, indexed text) of every chunk in a stable order, for the BM25 build."""
        yield from self.db.execute("SELECT faiss_id, text FROM chunks ORDER BY faiss_id")

    def statement(self, statement_id: str) -> Statement | None:
        """One statement by id."""
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM statements WHERE id = ?", (statement_id,)
        ).fetchone()
        return self._statement(row) if row else None

    def chunk_statement_ids(self) -> Iterator[tuple[int, str]]:
        """(vector id, statement id) of every chunk in a stable order, for copying vectors."""
        yield from self.db.execute("SELECT faiss_id, statement_id FROM chunks ORDER BY faiss_id")

    def chunks_by_vector_ids(self, ids: list[int]) -> dict[int, sqlite3.Row]:
        """Chunk rows keyed by vector id."""
        out: dict[int, sqlite3.Row] = {}
        for part in _batches(ids, 500):
            q = f'SELECT faiss_id AS vector_id, chunk_id, statement_id, start, "end", ordinal, text FROM chunks WHERE faiss_id IN ({",".join("?" * len(part))})'
            out.update({r["vector_id"]: r for r in self.db.execute(q, part)})
        return out

    # The old name, kept while callers outside index/ (rag/retrieve.py) move to the new one.
    chunks_by_faiss_ids = chunks_by_vector_ids

    def statement_chunks(self, statement_id: str) -> list[sqlite3.Row]:
        """Chunks of a statement in order."""
        q = 'SELECT faiss_id AS vector_id, chunk_id, start, "end", ordinal FROM chunks WHERE statement_id = ? ORDER BY ordinal'
        return list(self.db.execute(q, (statement_id,)))

    def neighbours(self, statement_id: str) -> tuple[str | None, str | None]:
        """Ids of the previous and next speaker in the same meeting (by speech number)."""
        q = (
            "SELECT id FROM statements WHERE symbol_base = (SELECT symbol_base FROM statements "
            "WHERE id = ?) AND symbol_base != '' AND speech_no IS NOT NULL ORDER BY speech_no, id"
        )
        ids = [r[0] for r in self.db.execute(q, (statement_id,))]
        if statement_id not in ids:
            return None, None
        i = ids.index(statement_id)
        return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)

    def allowed_ids(self, filters: Filters) -> np.ndarray | None:
        """Vector ids of the chunks that satisfy `filters`; None when nothing is filtered."""
        if filters.is_empty():
            return None
        where, args = self._where(filters)
        q = f"SELECT c.faiss_id FROM chunks c JOIN statements s ON s.id = c.statement_id WHERE {where}"
        return np.fromiter((r[0] for r in self.db.execute(q, args)), dtype=np.int64)

    def delegations(self, filters: Filters | None = None) -> list[Spoke]:
        """The delegations with statements under `filters`, in order of first statement."""
        where, args = self._where(filters or Filters())
        q = (
            f"SELECT s.id, s.country, s.date, s.speech_no FROM statements s WHERE {where} "
            "ORDER BY s.date, s.speech_no, s.id"
        )
        return self.delegations_map.spoke(self.db.execute(q, args))

    def count(self, table: str) -> int:
        """Row count of `statements` or `chunks`."""
        assert table in ("statements", "chunks")
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def group_counts(self, column: str) -> dict[str, int]:
        """Statements per value of a column (collection, year, country, symbol_base, ...);
        per delegation name for `country` (its spellings counted together)."""
        if column == "country":
            return self.delegations_map.counts()
        expr = {"year": "substr(date, 1, 4)"}.get(column, column)
        assert re.fullmatch(r"[a-z_]+|substr\(date, 1, 4\)", expr)
        q = f"SELECT COALESCE({expr}, ''), COUNT(*) FROM statements GROUP BY 1 ORDER BY 2 DESC"
        return {str(k): int(v) for k, v in self.db.execute(q)}

    def summary(self) -> dict[str, Any]:
        """Counts of statements and chunks, and statements by collection, year, country, meeting."""
        return {
            "statements": self.count("statements"),
            "chunks": self.count("chunks"),
            "by_collection": self.group_counts("collection"),
            "by_year": dict(sorted(self.group_counts("year").items())),
            "by_country": self.group_counts("country"),
            "by_meeting": self.group_counts("symbol_base"),
            "delegations": self.delegations_map.report(),
        }

    def _where(self, filters: Filters) -> tuple[str, list[object]]:
        return _where(filters, self.delegations_map)

    def _statement(self, row: sqlite3.Row) -> Statement:
        return _statement(row, self.delegations_map)

    def corpus_hash(self) -> str:
        """Hash over every statement id and text hash: the identity of the indexed corpus."""
        return corpus_hash_of(self.db.execute("SELECT id, text_hash FROM statements"))


def corpus_hash_of(pairs: Iterable[tuple[str, str]]) -> str:
    """Order-free hash of (statement id, text hash) pairs."""
    h = hashlib.sha256()
    for sid, th in sorted((str(a), str(b)) for a, b in pairs):
        h.update(f"{sid}\x00{th}\n".encode())
    return h.hexdigest()[:20]


def _where(f: Filters, delegations: DelegationMap) -> tuple[str, list[object]]:
    parts: list[str] = []
    args: list[object] = []

    def any_of(expr: str, values: tuple[str, ...]) -> None:
        if values:
            parts.append(f"{expr} IN ({','.join('?' * len(values))})")
            args.extend(values)

    if f.countries:
        where, more = delegations.condition(f.countries)
        parts.append(where)
        args.extend(more)
    any_of("s.symbol_base", tuple(symbol_base(x) for x in f.symbols))
    any_of("lower(s.spoken_language)", tuple(x.lower() for x in f.spoken_languages))
    any_of("lower(s.participant_type)", tuple(x.lower() for x in f.participant_types))
    any_of("s.collection", f.collections)
    any_of("s.id", f.statement_ids)
    if f.speakers:
        parts.append("(" + " OR ".join("lower(s.speaker) LIKE ?" for _ in f.speakers) + ")")
        args.extend(f"%{x.lower()}%" for x in f.speakers)
    if f.date_from:
        parts.append("s.date >= ?")
        args.append(f.date_from)
    if f.date_to:
        parts.append("s.date != '' AND s.date <= ?")
        args.append(f.date_to)
    return " AND ".join(parts) or "1", args


def _statement(row: sqlite3.Row, delegations: DelegationMap) -> Statement:
    extra = json.loads(row["extra"] or "{}")
    stored = row["country"] or ""
    raw = extra.pop("country_raw", stored)
    country = delegations.of_row(row["id"], stored).name
    return Statement(
        id=row["id"],
        text=row["text"],
        symbol=row["symbol"] or "",
        date=row["date"] or "",
        speaker=row["speaker"] or "",
        country=country,
        country_raw=raw if raw != country else "",
        spoken_language=row["spoken_language"] or "",
        agenda=row["agenda"] or "",
        participant_type=row["participant_type"] or "",
        collection=row["collection"] or "",
        source_file=row["source_file"] or "",
        page=row["page"],
        speech_no=row["speech_no"],
        extra=extra,
    )


def _batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
