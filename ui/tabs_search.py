"""Search tab: retrieval only (no LLM), results as evidence cards with the statement viewer."""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

import gradio as gr

from index.errors import UnscRagError
from rag.filters import parse_filters
from ui import render
from ui.engine import Engine
from ui.tabs_chat import VIEWER_JS, FilterControls, bind_open, filters_from

RESULTS_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('.open-stmt');
  if (!b) return;
  trigger('open', {sid: b.dataset.sid, start: +b.dataset.start, end: +b.dataset.end});
});
"""


def build_search(engine: Engine, fc: FilterControls) -> None:
    """Query box, ranked passage cards, and a statement viewer."""
    with gr.Row():
        query = gr.Textbox(label="Search the statements", elem_id="search-query", scale=4)
        go = gr.Button("Search", variant="primary", elem_id="search-go", scale=1)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            banner = gr.HTML("", elem_id="search-banner")
            results = gr.HTML(
                '<div class="ev-empty">Results appear here.</div>',
                elem_id="search-results",
                js_on_load=RESULTS_JS,
                elem_classes=["scroll-panel"],
            )
        with gr.Column(scale=2):
            viewer = gr.HTML(
                '<div class="ev-empty">Open a statement from a result.</div>',
                elem_id="search-viewer",
                js_on_load=VIEWER_JS,
            )
    inputs = [query, *fc.filter_inputs(), fc.k, fc.mode]
    for trigger in (go.click, query.submit):
        trigger(partial(search, engine), inputs, [banner, results], api_visibility="private")
    bind_open(engine, [results, viewer], viewer)


def search(engine: Engine, query: str, *rest: Any) -> tuple[str, str]:
    """Ranked passages for the query under the filters in force."""
    *filter_values, k, mode = rest
    if not (query or "").strip():
        gr.Warning("Type something to search for.")
        return gr.skip(), gr.skip()
    try:
        flt = parse_filters(filters_from(*filter_values))
        found = engine.retriever(mode).search(query, int(k), flt)
    except UnscRagError as err:
        raise gr.Error(escape(str(err))) from None  # toasts render HTML
    return render.searched_banner([found]), render.search_results(found.passages)
