"""Pure rendering of the Positions and Timeline tabs (every text escaped): the table of
quotes per delegation and the numbered list of a timeline's marks, each with a button that
opens the statement viewer at its span."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from index.countries import KINDS
from rag.filters import describe
from rag.positions import Positions, Row
from rag.positions_out import record_link
from rag.timeline import Timeline
from rag.types import Evidence
from ui.render import open_button

STYLE = """<style>
table.pos-table { border-collapse: collapse; width: 100%; font-size: .9em; }
table.pos-table th { text-align: left; border-bottom: 2px solid #ccd; padding: 4px 6px; }
table.pos-table td { border-bottom: 1px solid #e4e4ea; padding: 6px; vertical-align: top; }
table.pos-table tr.none td { color: #777; }
table.pos-table tr.weak .pos-quote { border-left-color: #bbb; background: #fafafa; color: #555; }
.pos-quote { margin: 0 0 4px; padding: 3px 8px; border-left: 3px solid #4a7bd0;
  background: #f7f9fd; }
.pos-kind, .pos-meta { font-size: .8em; color: #666; }
.pos-bar { display: inline-block; height: 6px; background: #4a7bd0; border-radius: 3px; }
.pos-summary { font-weight: 600; }
.pos-note { font-size: .85em; color: #8a5a00; }
.tl-marks li { margin: 4px 0; list-style: none; }
.tl-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 5px;
  margin-right: 4px; }
</style>"""


def positions_html(p: Positions, rows: Sequence[Row] | None = None) -> str:
    """The table: one row per delegation, its quotes, where and when, strength, summary."""
    rows = p.rows if rows is None else rows
    if not rows:
        return STYLE + '<div class="ev-empty">No delegation to compare.</div>'
    top = max((r.strength for r in rows), default=0.0) or 1.0
    body = "".join(_row_html(n, r, top) for n, r in enumerate(rows, start=1))
    head = (
        "<tr><th>#</th><th>Delegation</th><th>Quote (exact words)</th><th>Meeting · date</th>"
        "<th>Strength</th><th>Summary / note</th></tr>"
    )
    return f'{STYLE}<table class="pos-table" id="pos-rows">{head}{body}</table>'


def _row_html(n: int, r: Row, top: float) -> str:
    cls = "answered" if r.answered else "weak" if r.quotes else "none"
    quotes = "".join(_quote_html(e) for e in r.quotes) or "—"
    where = "<br>".join(_where_html(e) for e in r.quotes)
    bar = f'<span class="pos-bar" style="width:{max(4, int(60 * r.strength / top))}px"></span>'
    strength = f"{bar} {r.strength:.2f}" if r.quotes else ""
    said = f'<div class="pos-summary">{escape(r.summary.text)}</div>' if r.summary else ""
    note = f'<div class="pos-note">{escape(r.note)}</div>' if r.note else ""
    kind = escape(KINDS.get(r.kind, r.kind))
    return (
        f'<tr class="{cls}" data-delegation="{escape(r.delegation)}"><td>{n}</td>'
        f'<td><strong>{escape(r.delegation)}</strong><div class="pos-kind">{kind}</div></td>'
        f"<td>{quotes}</td><td>{where}</td><td>{strength}</td><td>{said}{note}</td></tr>"
    )


def _quote_html(e: Evidence) -> str:
    text = escape(" ".join(e.quote.split()))
    button = open_button(e.statement.id, e.start, e.end, "Open at the quote")
    return f'<blockquote class="pos-quote">“{text}”<br>{button}</blockquote>'


def _where_html(e: Evidence) -> str:
    st = e.statement
    label = escape(" · ".join(x for x in (st.symbol or "record symbol unknown", st.date) if x))
    link = record_link(st.symbol)
    shown = (
        f'<a href="{escape(link)}" target="_blank" rel="noopener">{label}</a>' if link else label
    )
    return f'{shown}<div class="pos-meta">{escape(st.speaker)}</div>'


def positions_status(p: Positions, rows: int) -> str:
    """One line above the table: scope, rows, answered, time."""
    scope = describe(p.scope) or "the whole index"
    answered = sum(r.answered for r in p.rows)
    notes = "".join(f" {escape(n)}" for n in p.notes)
    return (
        f'<div class="filters-banner">{escape(scope)}: {rows} delegations, {answered} with a '
        f"quote that answers; {p.seconds:.1f} s ({escape(p.backend)}).{notes}</div>"
    )


def timeline_marks(tl: Timeline) -> str:
    """The marks in date order, numbered as on the plot, coloured by delegation."""
    notes = "".join(f'<div class="pos-note">{escape(n)}</div>' for n in tl.notes)
    if not tl.marks:
        return STYLE + notes + '<div class="ev-empty">No statement on this topic.</div>'
    items = "".join(
        f'<li data-n="{m.n}"><span class="tl-swatch" style="background:{tl.colour(m.delegation)}">'
        f"</span><strong>{m.n}</strong> {escape(m.date)} · {escape(m.delegation)} · "
        f"{escape(m.evidence.statement.symbol or m.evidence.statement.id)} · {m.score:.2f}"
        f'<blockquote class="pos-quote">“{escape(" ".join(m.evidence.quote.split()))}”<br>'
        f"{open_button(m.evidence.statement.id, m.evidence.start, m.evidence.end, 'Open at the quote')}"
        "</blockquote></li>"
        for m in tl.marks
    )
    return f'{STYLE}{notes}<ul class="tl-marks">{items}</ul>'
