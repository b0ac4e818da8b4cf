"""The app's named API (`/ask`, `/search`, `/statement`, `/stats`): typed functions whose
docstrings are the API page's descriptions and, with `serve --mcp`, the MCP tools' ones."""

from __future__ import annotations

from typing import Any

import gradio as gr

from index.errors import UnscRagError
from index.records import record_of
from rag.answer_json import answer_summary, passage_json
from rag.filters import parse_filters
from ui.engine import Engine

RETRIEVERS = ("hybrid", "dense", "bm25")


def filter_map(
    country: list[str] | None,
    meeting: list[str] | None,
    speaker: list[str] | None,
    date_from: str,
    date_to: str,
    language: list[str] | None,
) -> dict[str, object]:
    """Named API parameters → the mapping rag.filters.parse_filters takes."""
    return {
        "country": country or [],
        "symbol": meeting or [],
        "speaker": speaker or [],
        "date_from": date_from or "",
        "date_to": date_to or "",
        "spoken_language": language or [],
    }


def register_api(engine: Engine, default_backend: str) -> None:
    """Add the four public endpoints to the Blocks being built (call inside `gr.Blocks`)."""

    def ask_statements(
        question: str,
        country: list[str] | None = None,
        meeting: list[str] | None = None,
        speaker: list[str] | None = None,
        date_from: str = "",
        date_to: str = "",
        language: list[str] | None = None,
        backend: str = "",
        k: int = 8,
    ) -> dict[str, Any]:
        """Answer a question from UN Security Council statements: each quote is the exact words of a statement, cited [n] with its speaker, country, meeting symbol, date and a link to the official record; "Not found in the indexed statements." when nothing answers.

        Args:
            question: The question, in plain language (English, French or Spanish), e.g. "What did Kazakhstan say about peacekeeping?".
            country: Delegations whose statements to search, e.g. ["France", "Russian Federation"]; empty for all.
            meeting: Meeting symbols, e.g. ["S/PV.7606"] or ["S/2020/465"]; a meeting also matches its resumptions.
            speaker: Speaker names (matched as parts of the name), e.g. ["Nebenzia"].
            date_from: Earliest meeting date, YYYY-MM-DD or YYYY.
            date_to: Latest meeting date, YYYY-MM-DD or YYYY.
            language: Languages the statements were spoken in, e.g. ["French"].
            backend: "extractive" (quotes only, fast), "embedded" (adds a checked lead sentence) or "openai"; empty for the server's default.
            k: Passages searched per party (1-20).
        Returns:
            {"answer", "refused", "citations": [{"n", "statement_id", "speaker", "country", "symbol", "date", "url", "quote", "start", "end", "supported"}], "notes", "searched"}
        """
        try:
            flt = parse_filters(filter_map(country, meeting, speaker, date_from, date_to, language))
            pipeline = engine.pipeline(backend or default_backend, "hybrid", _k(k))
            return answer_summary(pipeline.ask(question, None, flt))
        except UnscRagError as err:
            raise gr.Error(str(err)) from None

    def search_statements(
        query: str,
        country: list[str] | None = None,
        meeting: list[str] | None = None,
        speaker: list[str] | None = None,
        date_from: str = "",
        date_to: str = "",
        language: list[str] | None = None,
        k: int = 8,
        retriever: str = "hybrid",
    ) -> list[dict[str, Any]]:
        """Search UN Security Council statements (no language model): the passages that best match, ranked, each with its speaker, country, meeting symbol, date, character offsets and a link to the official record.

        Args:
            query: Words or a question to search for, e.g. "regional hub Almaty".
            country: Delegations whose statements to search, e.g. ["Kazakhstan"]; empty for all.
            meeting: Meeting symbols, e.g. ["S/PV.7606"]; a meeting also matches its resumptions.
            speaker: Speaker names (matched as parts of the name).
            date_from: Earliest meeting date, YYYY-MM-DD or YYYY.
            date_to: Latest meeting date, YYYY-MM-DD or YYYY.
            language: Languages the statements were spoken in, e.g. ["Spanish"].
            k: Number of passages (1-20).
            retriever: "hybrid" (default), "dense" or "bm25".
        Returns:
            A list of {"rank", "score", "statement_id", "text", "start", "end", "symbol", "date", "speaker", "country", "url", "record"}
        """
        if retriever not in RETRIEVERS:
            raise gr.Error(f"Unknown retriever {retriever!r}: use hybrid, dense or bm25.")
        try:
            flt = parse_filters(filter_map(country, meeting, speaker, date_from, date_to, language))
            found = engine.retriever(retriever).search(query, _k(k), flt)
        except UnscRagError as err:
            raise gr.Error(str(err)) from None
        return [passage_json(p, rank) for rank, p in enumerate(found.passages, start=1)]

    def read_statement(statement_id: str, start: int = -1, end: int = -1) -> dict[str, Any]:
        """Read one whole statement by its id (from a citation or a search result), with its record link, its neighbours in the meeting and, when start and end are given, the words at those offsets.

        Args:
            statement_id: The statement's id, e.g. "UNSC_2016_SPV.7606_Kazakhstan".
            start: Offset of a cited span in the statement's text (-1: none).
            end: End offset of the span (-1: none).
        Returns:
            {"statement_id", "text", "speaker", "country", "symbol", "date", "agenda", "url", "record", "quote", "previous_id", "next_id"}
        """
        st = engine.statement(statement_id)
        if st is None:
            raise gr.Error(f"No statement {statement_id!r} in the index: search again for its id.")
        prev, nxt = engine.neighbours(st)
        quote = st.text[start:end] if 0 <= start < end <= len(st.text) else ""
        return {
            "statement_id": st.id,
            "text": st.text,
            "speaker": st.speaker,
            "country": st.country,
            "symbol": st.symbol,
            "date": st.date,
            "agenda": st.agenda,
            "spoken_language": st.spoken_language,
            "quote": quote,
            "previous_id": prev.id if prev else "",
            "next_id": nxt.id if nxt else "",
        } | record_of(st).to_json()

    def index_stats() -> dict[str, Any]:
        """What the index holds: numbers of statements, chunks and meetings, and statements by year, country and meeting.

        Returns:
            {"statements", "chunks", "meetings", "by_year", "by_country", "by_meeting", "by_collection"}
        """
        summary = engine.stats()
        return summary | {"meetings": len(summary["by_meeting"])}

    gr.api(ask_statements, api_name="ask", concurrency_limit=1, concurrency_id="llm")
    gr.api(search_statements, api_name="search")
    gr.api(read_statement, api_name="statement")
    gr.api(index_stats, api_name="stats")


def _k(k: int) -> int:
    return max(1, min(20, int(k or 8)))
