"""Index subcommands: ingest, remove, restore, stats, migrate, build-bundle (thin handlers)."""

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
from rag.settings import Settings


def print_json(obj: object) -> None:
    """Print JSON for scripts."""
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def index_option(p: argparse.ArgumentParser) -> None:
    """--index DIR (default: the bundled index)."""
    p.add_argument("--index", type=Path, default=None, help="index folder (default: bundled)")


def register(sub: Any) -> None:
    """Add the index subcommands: ingest, remove, restore, stats, migrate, build-bundle."""
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
