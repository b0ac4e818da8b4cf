"""Filters → Milvus boolean expressions over the scalar fields of index.store (pure, no pymilvus)."""

from __future__ import annotations

from collections.abc import Iterable

from index.countries import country_key
from index.meta import symbol_base
from index.types import Filters


def quote(value: str) -> str:
    """A Milvus string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _like_quote(fragment: str) -> str:
    """A `like` pattern matching `fragment` anywhere, its own % and _ taken literally."""
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return quote(f"%{escaped}%")


def filters_to_expr(f: Filters) -> str:
    """Filters → a Milvus expression over `scalars_of` fields, as MetaStore.allowed_ids; "" for none."""
    parts: list[str] = []

    def any_of(name: str, values: Iterable[str]) -> None:
        vals = list(dict.fromkeys(values))
        if vals:
            parts.append(f"{name} in [{', '.join(quote(v) for v in vals)}]")

    any_of("country_key", (country_key(c) for c in f.countries))
    any_of("symbol_base", (symbol_base(s) for s in f.symbols))
    any_of("spoken_language", (x.lower() for x in f.spoken_languages))
    any_of("participant_type", (x.lower() for x in f.participant_types))
    any_of("collection", f.collections)
    any_of("statement_id", f.statement_ids)
    if f.speakers:
        likes = [f"speaker like {_like_quote(s.lower())}" for s in f.speakers]
        parts.append("(" + " or ".join(likes) + ")")
    if f.date_from:
        parts.append(f"date >= {quote(f.date_from)}")
    if f.date_to:
        parts.append(f'(date != "" and date <= {quote(f.date_to)})')
    return " and ".join(parts)
