"""`compare` and `timeline` subcommands: a positions table and a timeline from the terminal."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from rag.settings import Settings


def register(sub: Any) -> None:
    """Add `compare` and `timeline` to the parser."""
    from rag.positions import PRESETS, SORTS

    p = sub.add_parser("compare", help="where each delegation stands: exact quotes per row")
    p.add_argument("question")
    _common(p)
    p.add_argument("--symbol", action="append", default=[], help="meeting (repeatable)")
    p.add_argument("--preset", choices=PRESETS, default=None, help="p5, or council (that year)")
    p.add_argument("--sort", choices=SORTS, default="order")
    p.add_argument("--backend", default="extractive", help="extractive (default), embedded, openai")
    fmt = p.add_mutually_exclusive_group()
    for flag in ("json", "csv", "md"):
        fmt.add_argument(f"--{flag}", action="store_true", help=f"print {flag}")
    p.set_defaults(handler=cmd_compare)

    p = sub.add_parser("timeline", help="a delegation's statements on a topic over time (PNG)")
    p.add_argument("topic")
    _common(p)
    p.add_argument("--json", action="store_true", help="print the marks as JSON")
    p.set_defaults(handler=cmd_timeline)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")
    p.add_argument("--countries", default="", help='comma list: "United States,China"')
    p.add_argument("--date-from", default="")
    p.add_argument("--date-to", default="")
    p.add_argument("--out", type=Path, default=None, help="write to this file (timeline: PNG)")


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def _parts(s: Settings, args: argparse.Namespace) -> tuple[Any, Any]:
    from rag.components import make_evidence, make_retriever

    retriever = make_retriever(s, args.index)
    return retriever, make_evidence(s, retriever)


def cmd_compare(args: argparse.Namespace, s: Settings) -> int:
    """Print (or write) a positions table as text, JSON, CSV or Markdown."""
    from rag import positions_out as out
    from rag.components import make_backend
    from rag.filters import parse_filters
    from rag.positions import PositionFinder, preset, sort_rows
    from rag.question import analyse

    retriever, evidence = _parts(s, args)
    backend = make_backend(s, args.backend)
    finder = PositionFinder(retriever, evidence, backend)
    given = {"symbol": args.symbol, "date_from": args.date_from, "date_to": args.date_to}
    names = _names(args.countries)
    if args.preset:
        scope, _ = finder.scope(analyse(args.question, finder.known()), parse_filters(given))
        names += preset(args.preset, retriever, scope)
    table = finder.compare(args.question, names, given)
    table = replace(table, rows=tuple(sort_rows(table.rows, args.sort)))
    if args.json:
        text = json.dumps(out.to_json(table), indent=2, ensure_ascii=False)
    elif args.csv:
        text = out.to_csv(table)
    else:
        text = out.to_markdown(table) if args.md else out.to_text(table)
    _emit(text, args.out)
    return 0 if any(r.quotes for r in table.rows) else 1


def cmd_timeline(args: argparse.Namespace, s: Settings) -> int:
    """Write the timeline PNG (default timeline.png) and list its marks."""
    from rag.plot import save_png, timeline_figure
    from rag.timeline import build_timeline

    retriever, evidence = _parts(s, args)
    scope = {"date_from": args.date_from, "date_to": args.date_to}
    tl = build_timeline(retriever, evidence, args.topic, _names(args.countries), scope)
    png = save_png(timeline_figure(tl), args.out or Path("timeline.png"))
    if args.json:
        print(json.dumps(timeline_json(tl, png), indent=2, ensure_ascii=False))
        return 0 if tl.marks else 1
    for m in tl.marks:
        st = m.evidence.statement
        quote = " ".join(m.evidence.quote.split())
        print(f"{m.n:>3}. {m.date} {m.delegation} ({st.symbol or st.id}) {m.score:.2f}: “{quote}”")
    for note in tl.notes:
        print(note)
    print(f"{len(tl.marks)} statements plotted in {tl.seconds:.1f} s → {png}", file=sys.stderr)
    return 0 if tl.marks else 1


def timeline_json(tl: Any, png: Path | None = None) -> dict[str, Any]:
    """The marks as data: number, delegation, date, score and the quote with its span."""
    from rag.positions_out import quote_json

    marks = [
        {"n": m.n, "delegation": m.delegation, "date": m.date, **quote_json(m.evidence)}
        for m in tl.marks
    ]
    return {"topic": tl.topic, "png": str(png or ""), "notes": list(tl.notes), "marks": marks}


def _emit(text: str, path: Path | None) -> None:
    if path is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
