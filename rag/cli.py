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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; user errors print one sentence to stderr and exit non-zero."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
        return int(args.handler(args, settings))
    except UnscRagError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the index is unchanged.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
