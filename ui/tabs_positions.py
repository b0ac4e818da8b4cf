"""Positions and Timeline tabs: where each delegation stands (a table of exact, cited quotes,
downloadable as CSV and Markdown) and a delegation's statements on a topic over time."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from index.delegation_table import P5
from index.errors import UnscRagError
from rag.filters import parse_filters
from rag.plot import timeline_figure
from rag.positions import Positions, preset, sort_rows
from rag.positions_out import to_csv, to_markdown
from rag.question import analyse
from rag.timeline import build_timeline
from ui.engine import Engine
from ui.positions_html import positions_html, positions_status, timeline_marks
from ui.tabs_chat import VIEWER_JS, FilterControls, bind_open
from ui.tabs_search import RESULTS_JS

SORT_CHOICES = [
    ("speaking order", "order"),
    ("delegation", "delegation"),
    ("date", "date"),
    ("strength of the evidence", "strength"),
]


def build_positions_tabs(engine: Engine, fc: FilterControls) -> None:
    """The Positions and Timeline tabs (inside the app's gr.Tabs)."""
    with gr.Tab("Positions", id="positions"):
        build_positions(engine, fc)
    with gr.Tab("Timeline", id="timeline"):
        build_timeline_tab(engine)


def _scope_inputs(engine: Engine, prefix: str) -> tuple[Any, Any, Any]:
    symbol = gr.Dropdown(
        engine.choices("symbol_base"), multiselect=True, allow_custom_value=True,
        label="Meeting", elem_id=f"{prefix}-symbol",
    )  # fmt: skip
    date_from = gr.Textbox(label="From", placeholder="YYYY or YYYY-MM-DD", elem_id=f"{prefix}-from")
    date_to = gr.Textbox(label="To", placeholder="YYYY or YYYY-MM-DD", elem_id=f"{prefix}-to")
    return symbol, date_from, date_to


def build_positions(engine: Engine, fc: FilterControls) -> None:
    """Question, scope, delegations with presets; the table, its downloads and the viewer."""
    gr.Markdown(
        "Where each delegation stands: one row per delegation that spoke (or that you name), "
        "its best answering sentences as exact quotes. Name a meeting or dates, or delegations."
    )
    with gr.Row():
        question = gr.Textbox(
            label="Question or topic", elem_id="pos-question", scale=4,
            placeholder="e.g. Did the resolution contain an automatic trigger for the use of force?",
        )  # fmt: skip
        go = gr.Button("Compare", variant="primary", elem_id="pos-go", scale=1)
    with gr.Row():
        symbol, date_from, date_to = _scope_inputs(engine, "pos")
        countries = gr.Dropdown(
            engine.country_choices(), multiselect=True, elem_id="pos-countries", scale=2,
            label="Delegations (empty: every delegation that spoke)",
        )  # fmt: skip
    with gr.Row():
        p5 = gr.Button("P5", size="sm", elem_id="pos-p5")
        council = gr.Button("Council members of that year", size="sm", elem_id="pos-council")
        speakers = gr.Button("Every speaker", size="sm", elem_id="pos-speakers")
        sort = gr.Radio(SORT_CHOICES, value="order", label="Sort by", elem_id="pos-sort")
        summaries = gr.Checkbox(
            False, label="One-line summary by the model (checked; slower)", elem_id="pos-llm"
        )
    status, table, csv, md = _positions_outputs(engine)
    state = gr.State(None)
    inputs = [question, symbol, date_from, date_to, countries, sort, summaries, fc.backend]
    for trigger in (go.click, question.submit):
        trigger(
            partial(compare, engine), inputs, [status, table, state, csv, md],
            concurrency_limit=1, concurrency_id="llm", api_visibility="private",
        )  # fmt: skip
    # The UI's own events: clients use the named endpoints (/ask, /search, ...).
    sort.change(resort, [state, sort], [table], api_visibility="private")
    p5.click(lambda: gr.update(value=list(P5)), None, [countries], api_visibility="private")
    speakers.click(lambda: gr.update(value=[]), None, [countries], api_visibility="private")
    council.click(
        partial(council_preset, engine), [question, symbol, date_from, date_to], [countries],
        api_visibility="private",
    )  # fmt: skip


def _positions_outputs(engine: Engine) -> tuple[Any, Any, Any, Any]:
    """Status line, table, the two downloads, and the statement viewer its quotes open."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            status = gr.HTML("", elem_id="pos-status")
            table = gr.HTML(
                '<div class="ev-empty">The table appears here.</div>',
                elem_id="pos-table", js_on_load=RESULTS_JS, elem_classes=["scroll-panel"],
            )  # fmt: skip
            with gr.Row():
                csv = gr.DownloadButton("Download CSV", interactive=False, elem_id="pos-csv")
                md = gr.DownloadButton("Download Markdown", interactive=False, elem_id="pos-md")
        with gr.Column(scale=2):
            viewer = gr.HTML(
                '<div class="ev-empty">Open a quote to read it in its statement.</div>',
                elem_id="pos-viewer", js_on_load=VIEWER_JS,
            )  # fmt: skip
    bind_open(engine, [table, viewer], viewer)
    return status, table, csv, md


def _scope(symbol: Any, date_from: str, date_to: str) -> dict[str, object]:
    return {"symbol": symbol or [], "date_from": date_from or "", "date_to": date_to or ""}


def compare(
    engine: Engine,
    question: str,
    symbol: Any,
    date_from: str,
    date_to: str,
    countries: Any,
    sort: str,
    summaries: bool,
    backend: str,
) -> tuple[Any, ...]:
    """The table for the question under the scope, and its CSV and Markdown files."""
    if not (question or "").strip():
        gr.Warning("Type a question or a topic first.")
        return gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
    writer = backend if summaries and backend in ("embedded", "openai") else None
    if summaries and writer is None:
        gr.Warning("Choose the embedded or openai backend for summaries; showing quotes only.")
    try:
        finder = engine.positions(writer)
        table = finder.compare(question, list(countries or []), _scope(symbol, date_from, date_to))
    except UnscRagError as err:
        raise gr.Error(str(err)) from None
    rows = sort_rows(table.rows, sort or "order")
    csv_path, md_path = write_downloads(replace(table, rows=tuple(rows)))
    return (
        positions_status(table, len(rows)),
        positions_html(table, rows),
        table,
        gr.update(value=str(csv_path), interactive=True),
        gr.update(value=str(md_path), interactive=True),
    )


def write_downloads(table: Positions) -> tuple[Path, Path]:
    """The table as positions.csv and positions.md in a fresh temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="unsc-positions-"))
    csv_path, md_path = folder / "positions.csv", folder / "positions.md"
    csv_path.write_text(to_csv(table), encoding="utf-8")
    md_path.write_text(to_markdown(table), encoding="utf-8")
    return csv_path, md_path


def resort(table: Positions | None, sort: str) -> Any:
    """The same table in another order (nothing is searched again)."""
    if table is None:
        return gr.skip()
    return positions_html(table, sort_rows(table.rows, sort or "order"))


def council_preset(engine: Engine, question: str, symbol: Any, date_from: str, date_to: str) -> Any:
    """The P5 and the elected members of the year of the meeting or dates."""
    try:
        finder = engine.positions()
        analysis = analyse(question or "", finder.known())
        scope, _ = finder.scope(analysis, parse_filters(_scope(symbol, date_from, date_to)))
        return gr.update(value=preset("council", finder.retriever, scope))
    except UnscRagError as err:
        raise gr.Error(str(err)) from None


def build_timeline_tab(engine: Engine) -> None:
    """Topic, delegations and dates; the plot, the numbered quotes and the viewer."""
    gr.Markdown(
        "When a delegation spoke on a topic and what it said: one mark per statement "
        "(x: date, y: relevance), numbered as in the list below the plot."
    )
    with gr.Row():
        topic = gr.Textbox(label="Topic", elem_id="tl-topic", scale=4,
                           placeholder="e.g. humanitarian access in Syria")  # fmt: skip
        go = gr.Button("Plot", variant="primary", elem_id="tl-go", scale=1)
    with gr.Row():
        countries = gr.Dropdown(
            engine.country_choices(), multiselect=True, max_choices=8, scale=2,
            label="Delegations (up to 8)", elem_id="tl-countries",
        )  # fmt: skip
        date_from = gr.Textbox(label="From", placeholder="YYYY or YYYY-MM-DD", elem_id="tl-from")
        date_to = gr.Textbox(label="To", placeholder="YYYY or YYYY-MM-DD", elem_id="tl-to")
    plot = gr.Plot(label="Statements over time", elem_id="tl-plot", format="png")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            marks = gr.HTML("", elem_id="tl-marks", js_on_load=RESULTS_JS,
                            elem_classes=["scroll-panel"])  # fmt: skip
        with gr.Column(scale=2):
            viewer = gr.HTML(
                '<div class="ev-empty">Open a mark\'s quote to read its statement.</div>',
                elem_id="tl-viewer", js_on_load=VIEWER_JS,
            )  # fmt: skip
    inputs = [topic, countries, date_from, date_to]
    for trigger in (go.click, topic.submit):
        trigger(partial(plot_timeline, engine), inputs, [plot, marks],
                concurrency_limit=1, concurrency_id="llm", api_visibility="private")  # fmt: skip
    bind_open(engine, [marks, viewer], viewer)


def plot_timeline(engine: Engine, topic: str, countries: Any, date_from: str, date_to: str) -> Any:
    """The timeline figure and its numbered list of quotes."""
    if not (topic or "").strip() or not countries:
        gr.Warning("Type a topic and choose at least one delegation.")
        return gr.skip(), gr.skip()
    try:
        finder = engine.positions()
        scope: dict[str, object] = {"date_from": date_from or "", "date_to": date_to or ""}
        tl = build_timeline(finder.retriever, finder.evidence, topic, list(countries), scope)
    except UnscRagError as err:
        raise gr.Error(str(err)) from None
    return timeline_figure(tl), timeline_marks(tl)
