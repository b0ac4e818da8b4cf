"""Core subcommands: search and ask (the index ones are in rag.index_commands)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rag import index_commands, positions_cli
from rag.index_commands import index_option, print_json
from rag.settings import Settings


def register(sub: Any) -> None:
    """Add the core subcommands to the parser: the index ones, then search and ask."""
    index_commands.register(sub)
    p = sub.add_parser("search", help="retrieve passages (no LLM)")
    p.add_argument("query")
    index_option(p)
    p.add_argument("--k", type=int, default=None)
    retriever_option(p)
    filter_options(p)
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("--format", choices=["text", "json", "csv"], default="text")
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("ask", help="answer a question with checked citations")
    p.add_argument("question")
    index_option(p)
    p.add_argument("--backend", default=None, help="embedded, openai or extractive")
    retriever_option(p)
    filter_options(p)
    p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument(
        "--format",
        choices=["text", "json", "md", "csljson", "bibtex", "ris"],
        default="text",
        help="md: Markdown with footnotes; csljson, bibtex, ris: the citations for Zotero & co.",
    )
    p.set_defaults(handler=cmd_ask)

    positions_cli.register(sub)  # compare, timeline


def retriever_option(p: argparse.ArgumentParser) -> None:
    """--retriever hybrid|dense|bm25 (default: the settings' retrieval.mode)."""
    p.add_argument("--retriever", default=None, choices=["hybrid", "dense", "bm25"])


def filter_options(p: argparse.ArgumentParser) -> None:
    """--country --speaker --symbol --date-from --date-to --language --participant --collection."""
    for flag in ("country", "speaker", "symbol", "language", "participant", "collection"):
        p.add_argument(
            f"--{flag}", action="append", default=[], help=f"filter on {flag} (repeatable)"
        )
    p.add_argument("--date-from", default="")
    p.add_argument("--date-to", default="")


def filters_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The filter options as a mapping for rag.filters.parse_filters."""
    return {
        "country": args.country,
        "speaker": args.speaker,
        "symbol": args.symbol,
        "spoken_language": args.language,
        "participant_type": args.participant,
        "collection": args.collection,
        "date_from": args.date_from,
        "date_to": args.date_to,
    }


def cmd_search(args: argparse.Namespace, s: Settings) -> int:
    """Print ranked passages as text, JSON or CSV (each with its record's link)."""
    from rag.answer_json import passage_json, record_line
    from rag.components import make_retriever
    from rag.export import passages_csv
    from rag.filters import describe, parse_filters

    flt = parse_filters(filters_from_args(args))
    retriever = make_retriever(s, args.index, args.retriever)
    found = retriever.search(args.query, args.k or None, flt)
    passages = found.passages
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print_json([passage_json(p, rank) for rank, p in enumerate(passages, start=1)])
        return 0
    if fmt == "csv":
        sys.stdout.write(passages_csv(passages))
        return 0
    if not passages:
        shown = describe(found.filters, found.given)
        print(f"No passage matches{f' the filters ({shown})' if shown else ''}.")
        return 1
    for rank, p in enumerate(passages, start=1):
        print(f"[{rank}] {p.score:.4f}  {p.label()}  ({p.statement_id})")
        print(f"    {record_line(p.statement)}")
        print("    " + " ".join(p.text.split())[:400])
    return 0


def cmd_ask(args: argparse.Namespace, s: Settings) -> int:
    """Stream the answer to stdout (text) or print the checked answer as JSON."""
    from rag.answer_json import answer_to_json, render_text
    from rag.components import make_pipeline
    from rag.export import export_answer
    from rag.filters import parse_filters

    flt = parse_filters(filters_from_args(args))
    pipeline = make_pipeline(s, args.index, args.backend, args.retriever)
    answer = None
    for event in pipeline.ask_stream(args.question, None, flt):
        if event.kind == "answer":
            answer = event.answer
    assert answer is not None
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print_json(answer_to_json(answer))
    elif fmt == "text":
        print(render_text(answer))
    else:
        sys.stdout.write(export_answer(answer, fmt))
    return 0
