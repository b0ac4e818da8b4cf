"""Core subcommands: ingest, remove, stats, build-bundle (handlers are thin over the library)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import CorruptIndexError, InputError, UnscRagError
from index.integrity import find_damage, verify_version, version_table
from index.layout import VERSIONS, check_writable, current_version, require_version, switch_to
from index.parse import RecordDefaults, check_file, iso_date, read_statements
from index.types import Rejected, Statement
from rag import positions_cli
from rag.settings import Settings


def print_json(obj: object) -> None:
    """Print JSON for scripts."""
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def index_option(p: argparse.ArgumentParser) -> None:
    """--index DIR (default: the bundled index)."""
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")


def register(sub: Any) -> None:
    """Add the core subcommands to the parser."""
    p = sub.add_parser("ingest", help="add statement files to an index")
    p.add_argument("paths", nargs="+", type=Path)
    index_option(p)
    p.add_argument("--symbol", default="", help="meeting symbol for records without a header")
    p.add_argument("--date", default="", help="meeting date YYYY-MM-DD for records without one")
    p.add_argument("--agenda", default="", help="agenda item for records without one")
    p.set_defaults(handler=cmd_ingest)

    p = sub.add_parser("remove", help="remove statements from an index")
    index_option(p)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--id", action="append", default=[], dest="ids")
    g.add_argument("--symbol", default="")
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser("restore", help="put an older kept version of an index back in force")
    index_option(p)
    p.add_argument("--version", default="", help="version to restore (without it: list them)")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("stats", help="what an index holds")
    index_option(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

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

    p = sub.add_parser("migrate", help="copy an index's vectors to Milvus (no re-embedding)")
    p.add_argument("--from", dest="source", type=Path, required=True, help="FAISS index folder")
    p.add_argument("--to-milvus", dest="target_uri", required=True, help="Milvus URI or x.db")
    p.add_argument(
        "--index", type=Path, default=None, help="new index folder (default: FROM-milvus)"
    )
    p.add_argument("--collection", default=None, help="Milvus collection (default: settings)")
    p.set_defaults(handler=cmd_migrate)

    p = sub.add_parser("build-bundle", help="rebuild the bundled index from data/corpus (slow)")
    p.set_defaults(handler=cmd_build_bundle)

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


def _records(
    paths: list[Path], defaults: RecordDefaults, errors: list[str]
) -> Iterator[Statement | Rejected]:
    for path in paths:
        try:
            yield from read_statements(path, defaults)
        except UnscRagError as err:  # a whole file is unusable: reject it, go on with the rest
            errors.append(str(err))
            yield Rejected(str(path), str(err))


def _usable(paths: list[Path]) -> list[str]:
    """The one-sentence problem of each path that cannot be read (checked before any model)."""
    problems = []
    for path in paths:
        try:
            check_file(path)
        except UnscRagError as err:
            problems.append(str(err))
    return problems


def _writable_index(index_dir: Path) -> None:
    """Fail fast: the folder can be written and its version in force (if any) is intact."""
    check_writable(index_dir)
    folder = current_version(index_dir)
    if folder is not None:
        verify_version(folder, index_dir)


def cmd_ingest(args: argparse.Namespace, s: Settings) -> int:
    """Ingest files; one summary line; exit 1 when any record was rejected."""
    from tqdm import tqdm

    if args.date and not iso_date(args.date):
        raise InputError(f"--date {args.date[:40]!r} is not a date: write it as YYYY-MM-DD.")
    defaults = RecordDefaults(args.symbol, args.date, args.agenda)
    index_dir = args.index or s.index.dir
    problems = _usable(args.paths)
    if len(problems) == len(args.paths):  # nothing to ingest: say so without loading a model
        for err in problems:
            print(f"rejected: {err}", file=sys.stderr)
        print(
            f"added 0, unchanged 0, replaced 0, rejected {len(problems)}, removed 0 (nothing read)"
        )
        return 1
    _writable_index(index_dir)
    from rag.components import make_writer  # the model loads here, after the cheap checks

    writer = make_writer(s, index_dir)
    bar = tqdm(unit="chunk", desc="embedding", file=sys.stderr, disable=None)
    summary = writer.ingest(_records(args.paths, defaults, []), progress=bar.update)
    bar.close()
    for err in summary.errors:
        print(f"rejected: {err}", file=sys.stderr)
    print(summary.line())
    return 1 if summary.rejected else 0


def cmd_remove(args: argparse.Namespace, s: Settings) -> int:
    """Remove by id or meeting symbol."""
    index_dir = args.index or s.index.dir
    require_version(index_dir)  # nothing to remove from: say so before loading the model
    _writable_index(index_dir)
    from rag.components import make_writer

    summary = make_writer(s, index_dir).remove(args.ids, args.symbol)
    print(summary.line())
    return 0 if summary.removed else 1


def stats(s: Settings, index_dir: Path | None) -> dict[str, Any]:
    """Counts by collection, year, country and meeting (reads SQLite only: no model loads)."""
    from index.loaded import FILES
    from index.manifest import Manifest
    from index.meta import MetaStore

    root = Path(index_dir or s.index.dir)
    folder = require_version(root)
    verify_version(folder, root)
    manifest = Manifest.read(folder / FILES["manifest"])
    meta = MetaStore(folder / FILES["meta"], readonly=True)
    try:
        summary = meta.summary()
    finally:
        meta.close()
    return summary | {"meetings": len(summary["by_meeting"]), "manifest": manifest.__dict__}


def cmd_restore(args: argparse.Namespace, s: Settings) -> int:
    """List the kept versions of an index, or put one of them back in force."""
    root = Path(args.index or s.index.dir)
    rows = version_table(root)
    if not rows:
        require_version(root)  # the usual "No index at …" sentence
    if not args.version:
        for r in rows:
            mark = "*" if r["in_force"] else " "
            print(f"{mark} {r['version']}  {r['state']}  ({r['summary']})")
        return 0
    damage = find_damage(root / VERSIONS / args.version)
    if damage is not None and (root / VERSIONS / args.version).is_dir():
        raise CorruptIndexError(
            f"Version {args.version} is damaged too ({damage.file}: {damage.what}): "
            "choose another one, or rebuild the index with `unsc-rag ingest`."
        )
    switch_to(root, args.version)
    print(f"restored {args.version} in {root}: it is the version in force now.")
    return 0


def cmd_stats(args: argparse.Namespace, s: Settings) -> int:
    """Print stats as text or JSON."""
    st = stats(s, args.index)
    if args.json:
        print_json(st)
        return 0
    print(f"{st['statements']} statements, {st['chunks']} chunks, {st['meetings']} meetings")
    for key in ("by_collection", "by_year"):
        print(
            f"{key.removeprefix('by_')}: "
            + ", ".join(f"{k or '?'} {v}" for k, v in st[key].items())
        )
    top = list(st["by_country"].items())[:15]
    print("top delegations: " + ", ".join(f"{k or '?'} {v}" for k, v in top))
    d = st["delegations"]
    print(
        f"delegations: {d['delegations']} from {d['spellings']} spellings in the records "
        f"({len(d['variants'])} other names, {len(d['repaired'])} slips repaired, "
        f"{len(d['flagged'])} flagged)"
    )
    return 0


def cmd_build_bundle(args: argparse.Namespace, s: Settings) -> int:
    """Rebuild data/index from the bundled corpus in a scratch folder, then swap it in."""
    index_dir = s.index.dir
    scratch = index_dir.with_name(index_dir.name + ".building")
    shutil.rmtree(scratch, ignore_errors=True)
    args.paths, args.index = list(s.index.bundled_corpus), scratch
    args.symbol = args.date = args.agenda = ""
    code = cmd_ingest(args, s.updated({"index.store.factory": "SQfp16"}))
    if code == 0:
        old = index_dir.with_name(index_dir.name + ".old")
        if index_dir.exists():
            index_dir.rename(old)
        scratch.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
    return code


def cmd_migrate(args: argparse.Namespace, s: Settings) -> int:
    """Copy a FAISS index to Milvus: vectors via reconstruct, metadata and BM25 as they are."""
    from index.migrate import migrate_to_milvus
    from rag.components import make_embedder, store_spec

    s = s.updated(
        {"index.store.backend": "milvus", "index.store.uri": args.target_uri}
        | ({"index.store.collection": args.collection} if args.collection else {})
    )
    target = args.index or args.source.with_name(args.source.name + "-milvus")
    emb = make_embedder(s)
    n = migrate_to_milvus(args.source, target, store_spec(s), emb.dim)
    print(
        f"migrated {n} vectors to {args.target_uri} (collection {s.index.store.collection}); index folder {target}"
    )
    return 0
