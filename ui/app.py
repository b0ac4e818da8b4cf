"""The Gradio app: chat with evidence, search, evaluation and library tabs; `serve` launches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from index.embed import Embedder
from rag.settings import Settings
from ui.access import Access
from ui.endpoints import register_api
from ui.engine import Engine
from ui.tabs_chat import build_chat, build_filters
from ui.tabs_eval import build_eval
from ui.tabs_library import build_library, show_writes
from ui.tabs_positions import build_positions_tabs
from ui.tabs_search import build_search
from ui.uploads import MB

TITLE = "UN Security Council statements — research assistant"
LOGIN = "Log in with the name and password a maintainer gave you (`unsc-rag passwd`)."
CSS = """
.scroll-panel { max-height: 560px; overflow-y: auto; }
.filters-banner { font-size: .85em; color: #555; border-left: 3px solid #4a7bd0;
  padding: 2px 8px; margin-bottom: 6px; background: #f2f6fc; }
.answer .lead { font-weight: 600; margin-bottom: 6px; }
.answer blockquote.quote { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #4a7bd0;
  background: #f7f9fd; }
.answer blockquote.quote .who { font-size: .82em; color: #555; margin-bottom: 2px; }
.answer .note { font-size: .85em; color: #8a5a00; margin-top: 4px; }
.answer.refused { color: #8a1f11; }
a.cite-chip { display: inline-block; padding: 0 5px; margin: 0 1px; border-radius: 8px;
  background: #e3ecfb; color: #1d4ea3 !important; font-size: .8em; font-weight: 600;
  text-decoration: none !important; cursor: pointer; }
a.cite-chip:hover { background: #c7d8f7; }
.ev-turn h4 { margin: 10px 0 4px; font-size: .9em; color: #444; }
.ev-card { border: 1px solid #ddd; border-radius: 8px; padding: 8px 10px; margin: 6px 0;
  background: #fff; transition: box-shadow .2s, border-color .2s; }
.ev-card.focused, .ev-card:target { border-color: #4a7bd0; box-shadow: 0 0 0 3px #c7d8f7; }
.ev-head { font-size: .92em; }
.ev-label { font-weight: 700; color: #1d4ea3; }
.ev-meta { font-size: .8em; color: #666; margin: 2px 0 6px; }
.ev-text, .viewer-text { white-space: pre-wrap; font-size: .88em; line-height: 1.45; }
.viewer-text { max-height: 420px; overflow-y: auto; border-top: 1px solid #eee; padding-top: 6px; }
mark.cited { background: #ffe27a; padding: 0 1px; }
button.open-stmt { margin-top: 6px; font-size: .8em; padding: 2px 8px; border-radius: 6px;
  border: 1px solid #4a7bd0; color: #1d4ea3; background: #fff; cursor: pointer; }
.viewer .nav .nb { font-size: .85em; margin: 2px 0; }
.ev-empty { color: #888; font-style: italic; padding: 8px; }
.queue-note { font-size: .8em; color: #666; }
a.rec-link { color: #1d4ea3 !important; text-decoration: none !important; font-weight: 600; }
a.rec-link:hover { text-decoration: underline !important; }
.rec-unknown { font-style: italic; }
.downloads { font-size: .8em; color: #555; margin-top: 6px; }
a.dl-link { color: #1d4ea3 !important; border: 1px solid #c7d8f7; border-radius: 6px;
  padding: 0 6px; text-decoration: none !important; }
.streaming .cursor { animation: blink 1s steps(2) infinite; }
@keyframes blink { 50% { opacity: 0; } }
"""


def build_app(
    settings: Settings,
    index_dir: Path | None = None,
    embedder: Embedder | None = None,
    access: Access | None = None,
) -> gr.Blocks:
    """The whole app over one index; the embedder and index are loaded here, once. Visitors
    read; maintainers (see ui/access.py) also see and may use ingest, removal and Evaluate."""
    return build_app_engine(settings, index_dir, embedder, access)[0]


def build_app_engine(
    settings: Settings,
    index_dir: Path | None = None,
    embedder: Embedder | None = None,
    access: Access | None = None,
) -> tuple[gr.Blocks, Engine]:
    """The app and the engine it runs on (`unsc-rag api --ui` shares the engine)."""
    access = access or Access.from_settings(settings.serve)
    engine = Engine(settings, Path(index_dir or settings.index.dir), embedder)
    chosen = settings.answer.backend
    backend = chosen if chosen in ("embedded", "openai") else "extractive"
    with gr.Blocks(title=TITLE) as demo:
        gr.Markdown(
            f"## {TITLE}\nAnswers cite the exact words of the statements; click a [n] to see them."
        )
        fc = build_filters(engine, backend)
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                build_chat(engine, fc)
            with gr.Tab("Search", id="search"):
                build_search(engine, fc)
            build_positions_tabs(engine, fc)  # the Positions and Timeline tabs
            with gr.Tab("Evaluate", id="evaluate", visible=False) as evaluate:
                build_eval(engine, access)
            with gr.Tab("Library", id="library"):
                writes = build_library(engine, fc, access)
        show_writes(demo, access, [evaluate, writes])
        register_api(engine, backend)  # /ask, /search, /statement, /stats (and the MCP tools)
    # Searches run side by side; the answer event has its own limit of one (see tabs_chat).
    demo.queue(default_concurrency_limit=4)
    return demo, engine


def launch(
    demo: gr.Blocks,
    settings: Settings,
    share: bool = False,
    block: bool = True,
    access: Access | None = None,
    **extra: Any,
) -> Any:
    """Start the server on settings.serve.host:port with the app's CSS, the login of the
    credentials file (if any) and the upload size limit."""
    access = access or Access.from_settings(settings.serve, share)
    return demo.launch(
        server_name=settings.serve.host,
        server_port=settings.serve.port,
        share=share,
        auth=access.auth(),
        auth_message=LOGIN if access.auth() else None,
        max_file_size=settings.serve.max_upload_mb * MB,
        css=CSS,
        prevent_thread_lock=not block,
        footer_links=["api"],
        quiet=not block,
        mcp_server=settings.serve.mcp_server,
        **extra,
    )


def serve(settings: Settings, index_dir: Path | None = None, share: bool = False) -> None:
    """Build the app and serve it until interrupted."""
    access = Access.from_settings(settings.serve, share)
    launch(build_app(settings, index_dir, access=access), settings, share, access=access)
