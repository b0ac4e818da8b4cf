"""`unsc-rag serve`: registered through the `unsc_rag.commands` entry point."""

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
    p.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, s: Settings) -> int:
    """Serve until interrupted."""
    given = {"serve.host": args.host, "serve.port": args.port, "answer.backend": args.backend}
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
    with socket.socket(socket.AF_INET6 if ":" in s.serve.host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            sock.bind((s.serve.host, s.serve.port))
        except OSError as err:
            raise InputError(
                f"Cannot listen on {s.serve.host}:{s.serve.port} ({err.strerror}): stop the program using "
                "it or choose another --port."
            ) from None
