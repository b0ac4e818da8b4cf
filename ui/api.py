"""`unsc-rag api`: an OpenAI-compatible server (FastAPI) whose answers are the checked answers
with their sources: `GET /v1/models`, `POST /v1/chat/completions` (streamed or not),
`POST /v1/search`; the Gradio app can be mounted at /ui in the same process."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from index.errors import IndexMissingError, InputError, ModelError, UnscRagError
from rag.answer_json import passage_json
from rag.errors import BackendError
from rag.filters import describe, parse_filters
from rag.pipeline import Pipeline
from rag.settings import Settings
from ui import openai_format as oa
from ui.api_gate import Busy, Gate
from ui.engine import Engine

log = logging.getLogger("unsc_rag.api")
RETRIEVERS = ("hybrid", "dense", "bm25")


class ApiError(Exception):
    """An error with its HTTP status, shown to the client as an OpenAI error object."""

    def __init__(
        self, status: int, message: str, kind: str, code: str | None = None, retry: int = 0
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.code, self.retry = status, kind, code, retry


class ChatRequest(BaseModel):
    """The chat-completions body; unknown OpenAI fields (temperature, …) are accepted and unused."""

    model_config = ConfigDict(extra="allow")
    model: str = oa.MODEL
    messages: list[dict[str, Any]]
    stream: bool = False
    filters: dict[str, Any] | None = Field(None, description="country, symbol, date_from, …")
    k: int | None = Field(None, ge=1, le=20)
    retriever: str = "hybrid"
    sources_in_text: bool = Field(False, description="Append a 'Sources:' list to the text.")


class SearchRequest(BaseModel):
    """The `/v1/search` body."""

    query: str
    k: int | None = Field(None, ge=1, le=20)
    filters: dict[str, Any] | None = None
    retriever: str = "hybrid"


def as_api_error(err: UnscRagError) -> ApiError:
    """A typed error → its status: 400 for bad input, 503 when a model or index cannot load."""
    if isinstance(err, InputError):
        return ApiError(400, str(err), "invalid_request_error")
    if isinstance(err, ModelError | BackendError | IndexMissingError):
        return ApiError(503, str(err), "server_error", "model_unavailable")
    return ApiError(400, str(err), "invalid_request_error")


def create_api(settings: Settings, engine: Engine, default_backend: str) -> FastAPI:
    """The FastAPI app over a loaded engine (routes, key check, error objects)."""
    app = FastAPI(title="unsc-rag API", description=__doc__, version="1")
    key = settings.serve.api_key

    def check_key(request: Request) -> None:
        if not key:
            return
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), key.encode()):
            raise ApiError(
                401,
                "Invalid API key: send 'Authorization: Bearer KEY'.",
                "invalid_request_error",
                "invalid_api_key",
            )

    _error_handlers(app)
    _routes(app, engine, default_backend, [Depends(check_key)])
    return app


def _routes(app: FastAPI, engine: Engine, default_backend: str, auth: list[Any]) -> None:
    """/v1/models, /v1/chat/completions, /v1/search and /health."""
    started, settings = int(time.time()), engine.settings
    gate = Gate(settings.serve.api_chat_concurrency, settings.serve.api_chat_queue)
    app.state.chat_gate = gate  # for tests and health checks

    @app.get("/v1/models", dependencies=auth)
    def models() -> dict[str, Any]:
        """`unsc-rag` (the server's default backend) and `unsc-rag-<backend>`."""
        return oa.models_body(started)

    @app.post("/v1/chat/completions", dependencies=auth, response_model=None)
    def chat(body: ChatRequest) -> dict[str, Any] | StreamingResponse:
        """The checked answer to the last user message, the earlier turns as its context."""
        question, history = oa.conversation(body.messages)
        flt = parse_filters(body.filters)
        pipeline = _pipeline(engine, body, default_backend, bool(history))
        cid, created = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())
        try:
            gate.enter()  # a full queue answers 503 now, before any byte of a stream
        except Busy as err:
            raise ApiError(503, str(err), "server_error", "server_busy", retry=5) from None
        if not body.stream:
            try:
                answer = pipeline.ask(question, history, flt)
            finally:
                gate.leave()
            return oa.completion_body(answer, cid, body.model, created, body.sources_in_text)
        events = stream_answer(
            pipeline, question, history, flt, (cid, body.model, created), body.sources_in_text
        )
        return StreamingResponse(gate.held(events), media_type="text/event-stream")

    @app.post("/v1/search", dependencies=auth)
    def search(body: SearchRequest) -> dict[str, Any]:
        """Ranked passages (no model), each with its record link."""
        found = engine.retriever(_retriever(body.retriever)).search(
            body.query, body.k or settings.retrieval.k, parse_filters(body.filters)
        )
        rows = [passage_json(p, rank) for rank, p in enumerate(found.passages, start=1)]
        return {"object": "list", "data": rows, "filters": describe(found.filters, found.given)}

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Up, and how many statements the index holds."""
        return {"status": "ok", "statements": engine.stats()["statements"]}


def _retriever(name: str) -> str:
    if name not in RETRIEVERS:
        raise InputError(f"Unknown retriever {name!r}: use hybrid, dense or bm25.")
    return name


def _pipeline(engine: Engine, body: ChatRequest, default: str, follow_up: bool) -> Pipeline:
    """The pipeline for the requested model, its models loaded now (a 503 before any byte)."""
    try:
        backend = oa.backend_of(body.model, default)
    except LookupError as err:
        raise ApiError(404, str(err), "invalid_request_error", "model_not_found") from None
    pipeline = engine.pipeline(
        backend, _retriever(body.retriever), body.k or engine.settings.retrieval.k
    )
    for model in (pipeline.backend, pipeline.rewriter if follow_up else None):
        load = getattr(model, "load", None)
        if callable(load):
            load()
    return pipeline


def stream_answer(
    pipeline: Pipeline,
    question: str,
    history: list[tuple[str, str]],
    flt: Any,
    ids: tuple[str, str, int],
    sources_in_text: bool,
) -> Iterator[str]:
    """SSE lines: progress as Open WebUI status events, then the checked answer in pieces (the
    lead is shown only once checked), one source event per citation, the citations, [DONE]."""

    def sse(obj: dict[str, Any]) -> str:
        return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"

    def event(ev: dict[str, Any]) -> str:  # a chunk without choices: strict SDKs skip it
        return sse(oa.chunk(*ids, event=ev))

    yield sse(oa.chunk(*ids, {"role": "assistant", "content": ""}))
    try:
        for ev in pipeline.ask_stream(question, history, flt):
            if ev.kind == "retrieval":
                searched = "; ".join(
                    filter(None, (describe(r.filters, r.given) for r in ev.retrievals))
                )
                yield event(
                    oa.status_event(
                        f"Searched the statements{f' ({searched})' if searched else ''}"
                    )
                )
            elif ev.kind == "evidence" and ev.answer is not None and pipeline.backend.writes:
                yield event(
                    oa.status_event(
                        f"{len(ev.answer.citations())} quotes found; checking the lead sentence"
                    )
                )
            elif ev.kind == "answer" and ev.answer is not None:
                yield from (
                    sse(oa.chunk(*ids, {"content": p}))
                    for p in oa.pieces(oa.reply_text(ev.answer, sources_in_text))
                )
                citations = oa.api_citations(ev.answer)
                yield from (event(oa.source_event(c)) for c in citations)
                yield event(oa.status_event("Answer checked", done=True))
                yield sse(oa.chunk(*ids, {}, finish_reason="stop", citations=citations))
    except UnscRagError as err:
        yield sse(oa.error_body(str(err), "server_error"))
    yield "data: [DONE]\n\n"


def _error_handlers(app: FastAPI) -> None:
    """Every error leaves as an OpenAI error object with one sentence, never a traceback."""

    def reply(err: ApiError) -> JSONResponse:
        headers = {"Retry-After": str(err.retry)} if err.retry else None
        body = oa.error_body(str(err), err.kind, err.code)
        return JSONResponse(body, status_code=err.status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, err: ApiError) -> JSONResponse:
        return reply(err)

    @app.exception_handler(UnscRagError)
    async def typed_error(_: Request, err: UnscRagError) -> JSONResponse:
        return reply(as_api_error(err))

    @app.exception_handler(RequestValidationError)
    async def bad_body(_: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        message = f"Invalid request body: {where or 'body'}: {first.get('msg', 'not valid')}."
        return reply(ApiError(400, message, "invalid_request_error"))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, err: HTTPException) -> JSONResponse:
        return reply(ApiError(err.status_code, str(err.detail), "invalid_request_error"))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, err: Exception) -> JSONResponse:
        log.exception("unexpected error")  # the traceback stays in the server's log
        return reply(ApiError(500, "Internal error: see the server log.", "server_error"))


def build_server_app(
    settings: Settings, index_dir: Path | None = None, with_ui: bool = False, embedder: Any = None
) -> FastAPI:
    """The API over one engine; with `with_ui` the Gradio app is mounted at /ui (and its MCP
    tools when settings.serve.mcp_server)."""
    backend = (
        settings.answer.backend
        if settings.answer.backend in ("embedded", "openai")
        else "extractive"
    )
    if not with_ui:
        engine = Engine(settings, Path(index_dir or settings.index.dir), embedder)
        return create_api(settings, engine, backend)
    import gradio as gr

    from ui.access import Access
    from ui.app import CSS, build_app_engine

    access = Access.from_settings(settings.serve)
    demo, engine = build_app_engine(settings, index_dir, embedder, access)
    api = create_api(settings, engine, backend)
    return gr.mount_gradio_app(
        api,
        demo,
        path="/ui",
        css=CSS,
        auth=access.auth(),
        mcp_server=settings.serve.mcp_server,
    )


def serve_api(settings: Settings, index_dir: Path | None = None, with_ui: bool = False) -> None:
    """Serve until interrupted (uvicorn, settings.serve.host:api_port)."""
    import uvicorn

    if not settings.serve.api_key and settings.serve.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning(
            "unsc-rag api listens on %s without an API key: set --api-key", settings.serve.host
        )
    app = build_server_app(settings, index_dir, with_ui)
    uvicorn.run(app, host=settings.serve.host, port=settings.serve.api_port, log_level="info")
