"""The `unsc-rag` command line (thin): parses options, calls the library, prints one-line errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

from index.errors import UnscRagError
from rag import commands
from rag.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    """All subcommands: the core ones and those that outer layers (ui, eval) register."""
    parser = argparse.ArgumentParser(prog="unsc-rag", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    commands.register(sub)
    # ui and eval add `serve` and `eval` through entry points, so rag never imports them.
    for ep in entry_points(group="unsc_rag.commands"):
        ep.load()(sub)
    _add_store_options(sub)
    return parser


def _add_store_options(sub: argparse._SubParsersAction) -> None:
    """--store and --milvus-uri on every (nested) subcommand: any of them may open an index."""
    for p in sub.choices.values():
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            _add_store_options(nested[0])
            continue
        p.add_argument(
            "--store",
            choices=["faiss", "milvus"],
            default=None,
            help="vector backend of a new index (default: faiss)",
        )
        p.add_argument(
            "--milvus-uri",
            default=None,
            help="Milvus Lite file (x.db) or cluster URI (http://host:19530)",
        )


def _settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with the store options given on the command line."""
    given = {"index.store.backend": args.store, "index.store.uri": args.milvus_uri}
    return Settings().updated({path: v for path, v in given.items() if v is not None})


def main(argv: list[str] | None = None) -> int:
    """Run one command; user errors print one sentence to stderr and exit non-zero."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args, _settings(args)))
    except UnscRagError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the index is unchanged.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
