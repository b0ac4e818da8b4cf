"""`unsc-rag serve`, `api` and `passwd`: registered through the `unsc_rag.commands` entry point."""

from __future__ import annotations

import argparse
import getpass
import socket
import sys
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
        "--auth-file",
        type=Path,
        default=None,
        help="credentials file (unsc-rag passwd): everyone logs in; its maintainers may write",
    )
    p.add_argument(
        "--mcp",
        action="store_true",
        help="also serve the MCP tools search_statements and ask_statements at /gradio_api/mcp/",
    )
    p.set_defaults(handler=cmd_serve)
    register_passwd(sub)

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
    from ui import malloc

    malloc.tune()  # before the models load and the worker threads start (see ui/malloc.py)
    given = {
        "serve.host": args.host,
        "serve.port": args.port,
        "answer.backend": args.backend,
        "serve.auth_file": args.auth_file,
    }
    given |= {"serve.mcp_server": True} if args.mcp else {}
    s = s.updated({k: v for k, v in given.items() if v is not None})
    check_before_loading(s, args.index)
    check_access(s, args.share)
    from ui.app import serve  # gradio loads only for this command
    from ui.memtrace import trace_from_env

    trace_from_env()  # UNSC_RAG_TRACEMALLOC: bench/memory.py's diagnostics, off by default
    serve(s, args.index, share=args.share)
    return 0


def check_access(s: Settings, share: bool) -> None:
    """A readable credentials file; a warning line when others can reach an app without one."""
    from ui.access import CredentialFile, exposure

    if s.serve.auth:
        raise InputError(
            "UNSC_RAG_AUTH (a plain 'user:password') is no longer read: add users with "
            "`unsc-rag passwd NAME --file FILE` and set UNSC_RAG_AUTH_FILE=FILE instead."
        )
    if s.serve.auth_file:
        CredentialFile(s.serve.auth_file)
    warning = exposure(s.serve, share)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)


def register_passwd(sub: Any) -> None:
    """Add the `passwd` subcommand."""
    p = sub.add_parser("passwd", help="add a user to the credentials file, or change or remove one")
    p.add_argument("name", help="user name (letters, digits, . _ @ -)")
    p.add_argument(
        "--file", type=Path, default=None, help="credentials file (default: UNSC_RAG_AUTH_FILE)"
    )
    p.add_argument(
        "--role",
        choices=["visitor", "maintainer"],
        default=None,
        help="default: visitor for a new user, unchanged otherwise",
    )
    p.add_argument("--remove", action="store_true", help="remove the user")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    p.set_defaults(handler=cmd_passwd)


def cmd_passwd(args: argparse.Namespace, s: Settings) -> int:
    """Add, change or remove one user; the password is asked for and only its hash is kept."""
    from ui.access import VISITOR, User, check_name, hash_password, read_users, write_users

    path = args.file or s.serve.auth_file
    if path is None:
        raise InputError("Say which credentials file: --file FILE, or set UNSC_RAG_AUTH_FILE.")
    name = check_name(args.name)
    users = read_users(path) if Path(path).exists() else {}
    if args.remove:
        if users.pop(name, None) is None:
            raise InputError(f"{path} has no user {name!r}: nothing removed.")
        write_users(path, users)
        print(f"removed {name} from {path}")
        return 0
    role = args.role or (users[name].role if name in users else VISITOR)
    password = _new_password(args.password_stdin)
    users[name] = User(name, role, hash_password(password))
    write_users(path, users)
    print(f"{name} ({role}) saved in {path}; only a salted scrypt hash of the password is kept")
    return 0


def _new_password(from_stdin: bool) -> str:
    """The new password, from stdin or typed twice; at least 8 characters."""
    from ui.access import MIN_PASSWORD

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("New password: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("The two passwords differ: nothing was saved.")
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"The password is shorter than {MIN_PASSWORD} characters: nothing was saved."
        )
    return password


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
    from ui import malloc

    malloc.tune()
    options = {
        "serve.host": args.host,
        "serve.api_port": args.port,
        "serve.api_key": args.api_key,
        "answer.backend": args.backend,
        "serve.mcp_server": True if args.mcp else None,
    }
    s = s.updated({k: v for k, v in options.items() if v is not None})
    if args.ui:
        check_access(s, False)  # the mounted app has the same login and write rules
    root = Path(args.index or s.index.dir)
    from index.integrity import verify_version
    from index.layout import require_version

    verify_version(require_version(root), root)
    _port_free(s.serve.host, s.serve.api_port)
    from ui.api import serve_api  # fastapi and uvicorn load only for this command
    from ui.memtrace import trace_from_env

    trace_from_env()
    serve_api(s, args.index, args.ui)
    return 0
