"""`unsc-rag serve` and `unsc-rag api`: registered through the `unsc_rag.commands` entry point."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rag.settings import Settings


def register(sub: Any) -> None:
    """Add the `serve` subcommand."""
    p = sub.add_parser("serve", help="start the web app (127.0.0.1 by default)")
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 7860)")
    p.add_argument("--backend", default=None, help="embedded, openai or extractive")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    p.add_argument(
        "--mcp",
        action="store_true",
        help="also serve the MCP tools search_statements and ask_statements at /gradio_api/mcp/",
    )
    p.set_defaults(handler=cmd_serve)

    p = sub.add_parser("api", help="OpenAI-compatible server with sources (127.0.0.1:8000)")
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")
    p.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default 8000)")
    p.add_argument("--api-key", default=None, help="require 'Authorization: Bearer KEY'")
    p.add_argument("--backend", default=None, help="default backend: embedded, openai, extractive")
    p.add_argument("--ui", action="store_true", help="also serve the web app at /ui")
    p.add_argument("--mcp", action="store_true", help="with --ui: MCP tools at /ui/gradio_api/mcp/")
    p.set_defaults(handler=cmd_api)


def cmd_serve(args: argparse.Namespace, s: Settings) -> int:
    """Serve until interrupted."""
    from ui.app import serve  # gradio loads only for this command

    update = {
        k: v
        for k, v in {"host": args.host, "port": args.port, "backend": args.backend}.items()
        if v is not None
    } | ({"mcp_server": True} if args.mcp else {})
    serve(s.model_copy(update=update), args.index, share=args.share)
    return 0


def cmd_api(args: argparse.Namespace, s: Settings) -> int:
    """Serve the OpenAI-compatible API until interrupted."""
    from ui.api import serve_api  # fastapi and uvicorn load only for this command

    options = {
        "host": args.host,
        "api_port": args.port,
        "api_key": args.api_key,
        "backend": args.backend,
        "mcp_server": True if args.mcp else None,
    }
    serve_api(
        s.model_copy(update={k: v for k, v in options.items() if v is not None}),
        args.index,
        args.ui,
    )
    return 0
