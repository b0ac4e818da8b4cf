"""Chat tab: streamed answers with citation chips, the evidence panel and the statement viewer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any

import gradio as gr

from index.errors import UnscRagError
from rag.filters import parse_filters
from rag.types import Answer
from ui import render
from ui.engine import Engine

BACKENDS = ("extractive", "embedded", "openai")
QUEUE_NOTE = (
    "Answers are served one at a time: the embedded model writes one at a time on this "
    "server's 2 cores (about 10 s each). While others' answers run, the answer box shows your "
    "place in the queue and the expected wait; Search runs beside them."
)
MODES = ("hybrid", "dense", "bm25")

# Delegated listeners: cards are re-rendered on every answer, the container stays.
# Chips live in the chatbot, outside this element, hence the one document-level listener.
EVIDENCE_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('.open-stmt');
  if (!b) return;
  trigger('open', {sid: b.dataset.sid, start: +b.dataset.start, end: +b.dataset.end});
});
if (!window.__unscChips) {
  window.__unscChips = true;
  document.addEventListener('click', (e) => {
    const a = e.target.closest('a.cite-chip');
    if (!a) return;
    e.preventDefault();
    const card = document.getElementById(a.dataset.card);
    if (!card) return;
    document.querySelectorAll('.ev-card.focused').forEach((c) => c.classList.remove('focused'));
    card.classList.add('focused');
    card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
    const open = card.querySelector('.open-stmt');
    if (open) open.click();
  }, true);
}
"""
VIEWER_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('.open-stmt');
  if (!b) return;
  trigger('open', {sid: b.dataset.sid, start: +b.dataset.start, end: +b.dataset.end});
});
watch('value', () => {
  const m = element.querySelector('#cited-span');
  const box = element.querySelector('.viewer-text');
  if (m && box) box.scrollTop = m.offsetTop - box.offsetTop - box.clientHeight / 3;
});
"""


@dataclass
class FilterControls:
    """The filter and settings inputs shared by the Chat and Search tabs."""

    country: gr.Dropdown
    symbol: gr.Dropdown
    date_from: gr.Textbox
    date_to: gr.Textbox
    language: gr.Dropdown
    participant: gr.Dropdown
    k: gr.Slider
    mode: gr.Radio
    backend: gr.Radio

    def filter_inputs(self) -> list[Any]:
        """Components whose values make the filters, in `filters_from` order."""
        return [
            self.country,
            self.symbol,
            self.date_from,
            self.date_to,
            self.language,
            self.participant,
        ]


def build_filters(engine: Engine, backend: str) -> FilterControls:
    """Filters (choices from the index) and settings for k, retriever and backend."""
    with gr.Accordion("Filters and settings", open=True):
        with gr.Row():
            country = gr.Dropdown(
                engine.country_choices(), multiselect=True, label="Country",
                elem_id="f-country", scale=2,
            )  # fmt: skip
            symbol = gr.Dropdown(
                engine.choices("symbol_base"), multiselect=True, label="Meeting",
                allow_custom_value=True, elem_id="f-symbol",
            )  # fmt: skip
            date_from = gr.Textbox(label="From", placeholder="YYYY or YYYY-MM-DD", elem_id="f-from")
            date_to = gr.Textbox(label="To", placeholder="YYYY or YYYY-MM-DD", elem_id="f-to")
            language = gr.Dropdown(
                engine.choices("spoken_language"), multiselect=True, label="Spoken language"
            )
            participant = gr.Dropdown(
                engine.choices("participant_type"), multiselect=True, label="Participant type"
            )
        with gr.Row():
            k = gr.Slider(1, 20, value=engine.settings.retrieval.k, step=1, label="Passages (k)")
            mode = gr.Radio(
                list(MODES),
                value=engine.settings.retrieval.mode,
                label="Retriever",
                elem_id="f-mode",
            )
            backend_radio = gr.Radio(
                list(BACKENDS), value=backend, label="Answer backend", elem_id="f-backend"
            )
    return FilterControls(
        country, symbol, date_from, date_to, language, participant, k, mode, backend_radio
    )


def filters_from(
    country: Any, symbol: Any, date_from: str, date_to: str, language: Any, participant: Any
) -> dict[str, object]:
    """Filter component values → the mapping rag.filters.parse_filters takes."""
    return {
        "country": country or [],
        "symbol": symbol or [],
        "date_from": date_from or "",
        "date_to": date_to or "",
        "spoken_language": language or [],
        "participant_type": participant or [],
    }


def build_chat(engine: Engine, fc: FilterControls) -> None:
    """Chatbot and question box on the left; evidence and statement viewer on the right."""
    history = gr.State([])  # (question, answer text) pairs for follow-ups
    turns = gr.State([])  # (question, evidence cards html) per turn
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label="Answers",
                height=520,
                elem_id="chat",
                sanitize_html=False,
                feedback_options=None,
            )
            question = gr.Textbox(  # one line: Enter sends, Shift+Enter breaks the line
                label="Question",
                elem_id="question",
                lines=1,
                max_lines=6,
                placeholder="e.g. What did Kazakhstan say about peacekeeping?",
            )
            with gr.Row():
                ask = gr.Button("Ask", variant="primary", elem_id="ask")
                clear = gr.Button("Clear chat", elem_id="clear")
            gr.Markdown(QUEUE_NOTE, elem_id="queue-note", elem_classes=["queue-note"])
        with gr.Column(scale=2):
            gr.Markdown("### Evidence")
            evidence = gr.HTML(
                render.evidence_panel([]),
                elem_id="evidence",
                js_on_load=EVIDENCE_JS,
                elem_classes=["scroll-panel"],
            )
            gr.Markdown("### Statement")
            viewer = gr.HTML(
                '<div class="ev-empty">Open a statement from a card.</div>',
                elem_id="viewer",
                js_on_load=VIEWER_JS,
            )
    inputs = [question, chat, history, turns, *fc.filter_inputs(), fc.k, fc.mode, fc.backend]
    outputs = [chat, history, turns, evidence, question]
    # One answer at a time: the embedded model has 2 cores; searches run beside it.
    for trigger in (ask.click, question.submit):
        trigger(
            partial(answer_stream, engine),
            inputs,
            outputs,
            concurrency_limit=1,
            concurrency_id="llm",
            api_visibility="private",  # the UI's own event; clients call /ask
        )
    clear.click(
        lambda: ([], [], [], render.evidence_panel([]), ""),
        None,
        outputs,
        api_visibility="private",
    )
    bind_open(engine, [evidence, viewer], viewer)


def bind_open(engine: Engine, sources: list[gr.HTML], viewer: gr.HTML) -> None:
    """'Open statement' buttons in `sources` show the statement in `viewer`."""

    def on_open(evt: gr.EventData) -> str:  # gradio fills `evt` by this annotation
        return open_statement(engine, evt)

    for html in sources:
        html.open(on_open, None, viewer, api_visibility="private")


def answer_stream(
    engine: Engine, question: str, chat: list, history: list, turns: list, *rest: Any
) -> Iterator[tuple]:
    """Stream one answer: what was searched, the quotes as soon as they are chosen, the lead
    sentence's tokens, then the checked answer with its evidence cards."""
    *filter_values, k, mode, backend = rest
    question = (question or "").strip()
    if not question:
        gr.Warning("Type a question first.")
        yield chat, history, turns, render.evidence_panel(turns), ""
        return
    turn = len(turns) + 1
    chat = [
        *chat,
        {"role": "user", "content": question},
        {"role": "assistant", "content": render.streaming_html("", "")},
    ]
    yield chat, history, turns, render.evidence_panel(turns), ""
    try:
        flt = parse_filters(filters_from(*filter_values))
        pipeline = engine.pipeline(backend, mode, int(k))
        banner, quotes, raw = "", "", ""
        for event in pipeline.ask_stream(question, [tuple(h) for h in history], flt):
            if event.kind == "retrieval":
                banner = render.searched_banner(event.retrievals)
            elif event.kind == "evidence" and event.answer is not None:
                quotes = render.quotes_html(event.answer, turn)
                cards = [*turns, (question, render.evidence_cards(event.answer, turn))]
                chat[-1] = _assistant(render.streaming_html(raw, banner, quotes))
                yield chat, history, turns, render.evidence_panel(cards), ""
                continue
            elif event.kind == "token":
                raw += event.text
            elif event.kind == "answer" and event.answer is not None:
                yield finish(event.answer, turn, banner, chat, history, turns)
                return
            else:
                continue
            chat[-1] = _assistant(render.streaming_html(raw, banner, quotes))
            yield chat, history, turns, gr.skip(), ""
    except UnscRagError as err:
        raise gr.Error(escape(str(err))) from None  # toasts render HTML


def _assistant(html: str) -> dict[str, str]:
    return {"role": "assistant", "content": html}


def finish(answer: Answer, turn: int, banner: str, chat: list, history: list, turns: list) -> tuple:
    """Replace the streamed text by the checked answer and add its evidence cards."""
    chat[-1] = _assistant(render.answer_html(answer, turn, banner))
    text = render.REFUSAL_TEXT if answer.refused else answer.text
    history = [*history, (answer.question, text)]
    turns = [*turns, (answer.question, render.evidence_cards(answer, turn))]
    return chat, history, turns, render.evidence_panel(turns), ""


def open_statement(engine: Engine, evt: gr.EventData) -> str:
    """The whole statement with the cited span marked, and its neighbours."""
    data = evt._data or {}
    st = engine.statement(str(data.get("sid", "")))
    if st is None:
        raise gr.Error("That statement is no longer in the index: ask again to refresh.")
    prev, nxt = engine.neighbours(st)
    return render.statement_html(
        st, int(data.get("start", -1)), int(data.get("end", -1)), prev, nxt
    )
