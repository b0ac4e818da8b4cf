"""`unsc-rag serve` and `unsc-rag api`: registered through the `unsc_rag.commands` entry point."""

from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Any

from rag.errors import InputError
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
    given = {"serve.host": args.host, "serve.port": args.port, "answer.backend": args.backend}
    given |= {"serve.mcp_server": True} if args.mcp else {}
    s = s.updated({k: v for k, v in given.items() if v is not None})
    check_before_loading(s, args.index)
    from ui.app import serve  # gradio loads only for this command

    serve(s, args.index, share=args.share)
    return 0


def check_before_loading(s: Settings, index_dir: Path | None) -> None:
    """Cheap checks before any model loads: an intact index, and the port free to listen on."""
    from index.integrity import verify_version
    from index.layout import require_version

    root = Path(index_dir or s.index.dir)
    verify_version(require_version(root), root)
    _port_free(s.serve.host, s.serve.port)


def _port_free(host: str, port: int) -> None:
    """Refuse, in one sentence, a port another program listens on."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            sock.bind((host, port))
        except OSError as err:
            raise InputError(
                f"Cannot listen on {host}:{port} ({err.strerror}): stop the program using "
                "it or choose another --port."
            ) from None


def cmd_api(args: argparse.Namespace, s: Settings) -> int:
    """Serve the OpenAI-compatible API until interrupted."""
    options = {
        "serve.host": args.host,
        "serve.api_port": args.port,
        "serve.api_key": args.api_key,
        "answer.backend": args.backend,
        "serve.mcp_server": True if args.mcp else None,
    }
    s = s.updated({k: v for k, v in options.items() if v is not None})
    root = Path(args.index or s.index.dir)
    from index.integrity import verify_version
    from index.layout import require_version

    verify_version(require_version(root), root)
    _port_free(s.serve.host, s.serve.api_port)
    from ui.api import serve_api  # fastapi and uvicorn load only for this command

    serve_api(s, args.index, args.ui)
    return 0
