"""A positions table as JSON, CSV, Markdown or plain text (pure): one row per delegation,
each quote with its statement id and character span, meeting, date and a link to the record."""

from __future__ import annotations

import csv
import io
from typing import Any

from index.countries import KINDS
from rag.filters import describe
from rag.positions import Positions, Row
from rag.types import Evidence, attribution

CSV_COLUMNS = (
    "delegation", "kind", "answered", "quote", "speaker", "symbol", "date", "statement_id",
    "start", "end", "link", "strength", "summary", "note",
)  # fmt: skip


def record_link(symbol: str) -> str:
    """The official record of a meeting on the UN's document server ("" without a symbol)."""
    return f"https://undocs.org/en/{symbol.replace(' ', '')}" if symbol else ""


def flat(text: str) -> str:
    """Whitespace collapsed: what a table cell shows of an exact quote."""
    return " ".join(text.split())


def quote_json(e: Evidence) -> dict[str, Any]:
    """One quote: exact words, where they are in the statement, who, where and when."""
    st = e.statement
    return {
        "quote": e.quote,
        "statement_id": st.id,
        "start": e.start,
        "end": e.end,
        "speaker": st.speaker,
        "symbol": st.symbol,
        "date": st.date,
        "link": record_link(st.symbol),
        "score": round(e.score, 4),
    }


def row_json(row: Row) -> dict[str, Any]:
    """One row as data."""
    return {
        "delegation": row.delegation,
        "kind": row.kind,
        "answered": row.answered,
        "spoke": row.spoke,
        "strength": round(row.strength, 4),
        "quotes": [quote_json(e) for e in row.quotes],
        "summary": row.summary.text if row.summary else "",
        "summary_dropped": row.dropped,
        "note": row.note,
    }


def to_json(p: Positions) -> dict[str, Any]:
    """The whole table as data (`compare --json`)."""
    return {
        "question": p.question,
        "scope": describe(p.scope),
        "notes": list(p.notes),
        "backend": p.backend,
        "seconds": round(p.seconds, 3),
        "rows": [row_json(r) for r in p.rows],
    }


def to_csv(p: Positions) -> str:
    """One line per quote (a row without quotes: one line with its note)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_COLUMNS)
    for row in p.rows:
        for e in row.quotes or (None,):
            w.writerow(_cells(row, e))
    return out.getvalue()


def _cells(row: Row, e: Evidence | None) -> list[object]:
    st = e.statement if e else None
    return [
        row.delegation,
        KINDS.get(row.kind, row.kind),
        "yes" if row.answered else "closest" if row.quotes else "no",
        flat(e.quote) if e else "",
        st.speaker if st else "",
        st.symbol if st else "",
        st.date if st else "",
        st.id if st else "",
        e.start if e else "",
        e.end if e else "",
        record_link(st.symbol) if st else "",
        round(row.strength, 4),
        row.summary.text if row.summary else "",
        row.note,
    ]


def _md(text: str) -> str:
    return flat(text).replace("|", "\\|")


def to_markdown(p: Positions) -> str:
    """A Markdown table: delegation, quotes with where and when, strength, summary or note."""
    scope = describe(p.scope)
    lines = [f"**{_md(p.question)}**" + (f" ({_md(scope)})" if scope else ""), ""]
    lines += ["| Delegation | Quote | Meeting, date | Strength | Summary / note |"]
    lines += ["|---|---|---|---|---|"]
    for row in p.rows:
        quotes = "<br>".join(f"“{_md(e.quote)}”" for e in row.quotes)
        where = "<br>".join(_where_md(e) for e in row.quotes)
        said = row.summary.text if row.summary else row.note
        strength = f"{row.strength:.2f}" if row.quotes else ""
        lines.append(f"| {_md(row.delegation)} | {quotes} | {where} | {strength} | {_md(said)} |")
    return "\n".join(lines) + "\n"


def _where_md(e: Evidence) -> str:
    st = e.statement
    label = ", ".join(x for x in (st.symbol, st.date) if x) or st.id
    link = record_link(st.symbol)
    return f"[{_md(label)}]({link})" if link else _md(label)


def to_text(p: Positions) -> str:
    """For the terminal: each delegation, then its quotes with who, where and when."""
    scope = describe(p.scope)
    out = [f"{p.question}" + (f"  [{scope}]" if scope else "")]
    for n, row in enumerate(p.rows, start=1):
        head = f"{n:>2}. {row.delegation} ({KINDS.get(row.kind, row.kind)})"
        out.append(head + (f"  strength {row.strength:.2f}" if row.quotes else ""))
        if row.summary:
            out.append(f"    {row.summary.text}")
        for e in row.quotes:
            out.append(f"    “{flat(e.quote)}” — {attribution(e.statement)} [{e.statement.id}]")
        if row.note:
            out.append(f"    ({row.note})")
    out.append(f"{len(p.rows)} delegations in {p.seconds:.1f} s ({p.backend})")
    return "\n".join(out)
