"""User filters (CLI options, JSON, UI) → index.types.Filters, validated with clear messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from index.types import Filters
from rag.errors import InputError

KEYS = (
    "country",
    "speaker",
    "symbol",
    "date_from",
    "date_to",
    "spoken_language",
    "participant_type",
    "collection",
    "statement_id",
)
_FIELD = {
    "country": "countries",
    "speaker": "speakers",
    "symbol": "symbols",
    "spoken_language": "spoken_languages",
    "participant_type": "participant_types",
    "collection": "collections",
    "statement_id": "statement_ids",
}


def parse_filters(raw: Mapping[str, object] | Filters | None) -> Filters:
    """Validate a mapping of filter keys; values may be a string, comma list, or list."""
    if raw is None:
        return Filters()
    if isinstance(raw, Filters):
        return raw
    if not isinstance(raw, Mapping):
        raise InputError("Filters must map filter names to values, e.g. {'country': 'France'}.")
    unknown = sorted(set(raw) - set(KEYS), key=str)
    if unknown:
        raise InputError(
            f"Unknown filter {', '.join(repr(str(k)[:30]) for k in unknown[:3])}: "
            f"use one of {', '.join(KEYS)}."
        )
    values: dict[str, object] = {}
    for key, value in raw.items():
        if value in (None, "", [], ()):
            continue
        if key in ("date_from", "date_to"):
            values[key] = _iso(key, value)
        else:
            values[_FIELD[key]] = _as_tuple(key, value)
    f = Filters(**values)  # type: ignore[arg-type]
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise InputError(f"date_from {f.date_from} is after date_to {f.date_to}: swap them.")
    return f


def _as_tuple(key: str, value: object) -> tuple[str, ...]:
    items = value if isinstance(value, list | tuple) else str(value).split("|")
    return tuple(_text(key, s).strip() for s in map(str, items) if s.strip())


def _text(key: str, text: str) -> str:
    """The text itself, or a clear error when it holds a character that cannot be searched."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        bad = ord(err.object[err.start])
        raise InputError(f"{key} holds an invalid character (U+{bad:04X}): retype it.") from None
    return text


def _iso(key: str, value: object) -> str:
    text = _text(key, str(value)).strip()
    if re.fullmatch(r"[0-9]{4}", text) and text != "0000":  # a bare year means its whole span
        return f"{text}-01-01" if key == "date_from" else f"{text}-12-31"
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"{key} {text[:40]!r} is not a date: write it as YYYY-MM-DD.") from None


# Meeting records ("S/PV.4644") and the letters that record videoconferences ("S/2020/274").
_SYMBOL = re.compile(r"(?<![\w/])S/(?:PV\.\d+|\d{4}/\d+)(?![\w/])", re.IGNORECASE)


def named_symbols(text: str) -> tuple[str, ...]:
    """The meeting symbols a question names, upper-cased, in order, without repeats."""
    return tuple(dict.fromkeys(m.upper() for m in _SYMBOL.findall(text)))


def describe(f: Filters, given: Filters | None = None) -> str:
    """Human summary of the filters in force ("" when none); a field that `given` (the user's
    own filters) lacks was named in the question, and the summary says so."""
    named = " (named in the question)"

    def part(label: str, values: tuple[str, ...], mine: tuple[str, ...]) -> str:
        if not values:
            return ""
        return f"{label}: {', '.join(values)}" + (named if given and values != mine else "")

    g = given or Filters()
    dates_named = given is not None and (f.date_from, f.date_to) != (g.date_from, g.date_to)
    parts = [
        part("country", f.countries, g.countries),
        part("speaker", f.speakers + f.participant_types, g.speakers + g.participant_types),
        part("meeting", f.symbols, g.symbols),
        f"from {f.date_from}" if f.date_from else "",
        f"to {f.date_to}" + (named if dates_named else "") if f.date_to else "",
        part("language", f.spoken_languages, g.spoken_languages),
        part("collection", f.collections, g.collections),
    ]
    return "; ".join(p for p in parts if p)
