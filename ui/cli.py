"""`unsc-rag serve`: registered through the `unsc_rag.commands` entry point."""

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
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, s: Settings) -> int:
    """Serve until interrupted."""
    from ui.app import serve  # gradio loads only for this command

    given = {"serve.host": args.host, "serve.port": args.port, "answer.backend": args.backend}
    serve(
        s.updated({k: v for k, v in given.items() if v is not None}), args.index, share=args.share
    )
    return 0
