"""SQL of the statements table: filters as a WHERE clause, rows as Statements (pure)."""

from __future__ import annotations

import json
import re
import sqlite3

from index.delegation_map import DelegationMap
from index.types import Filters, Statement

_RESUMPTION = re.compile(r"\s*\((?:Resumption|Part)\s*\d*\)\s*$", re.I)


def symbol_base(symbol: str) -> str:
    """ "S/PV.8699 (Resumption 1)" → "S/PV.8699"; a meeting matches its resumptions."""
    return _RESUMPTION.sub("", symbol.strip()).upper()


def where_sql(f: Filters, delegations: DelegationMap) -> tuple[str, list[object]]:
    """The SQL condition (on statements `s`) and its arguments for some filters."""
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


def statement_of_row(row: sqlite3.Row, delegations: DelegationMap) -> Statement:
    """A statements row as a Statement, its country read through the delegation table."""
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
