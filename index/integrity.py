"""Load-time checks of an index version's files: cheap (O(1) per file), run before any load.

A truncated or missing file is found here and named in one sentence that says what to do,
offering the newest older version that passes the same checks (`unsc-rag restore`).
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.errors import CorruptIndexError
from index.layout import CURRENT, VERSIONS

MANIFEST, META, FAISS, BM25, BM25_IDS = (
    "manifest.json",
    "meta.sqlite",
    "vectors.faiss",
    "bm25",
    "bm25_ids.npy",
)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_BM25S_FILES = (
    "data.csc.index.npy",
    "indices.csc.index.npy",
    "indptr.csc.index.npy",
    "params.index.json",
    "vocab.index.json",
)
_IDMAP_MAGIC = (b"IxM2", b"IxMp")  # FAISS IndexIDMap2 / IndexIDMap: the id map is written last


@dataclass(frozen=True)
class Damage:
    """Which file of a version is unusable, and how."""

    file: str  # path relative to the version folder
    what: str  # "truncated: 1,024 bytes of 4,096", "missing", ...


def verify_version(folder: Path, index_dir: Path) -> None:
    """Raise CorruptIndexError when a file of `folder` is missing or damaged."""
    damage = find_damage(folder)
    if damage is None:
        return
    older = intact_older(index_dir, folder.name)
    where = f"The index file {folder / damage.file} is damaged ({damage.what})"
    if older:
        raise CorruptIndexError(
            f"{where}: run `unsc-rag restore --index {index_dir} --version {older}` to go back "
            f"to the last intact version ({_describe(index_dir / VERSIONS / older)}), "
            "or rebuild the index with `unsc-rag ingest`."
        )
    raise CorruptIndexError(
        f"{where} and no intact older version is kept: rebuild it with "
        f"`unsc-rag ingest FILES --index {index_dir}` into an empty folder."
    )


def find_damage(folder: Path) -> Damage | None:
    """The first damaged file of a version folder, or None when every check passes."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        chunks = int(manifest["chunks"])
        backend = (manifest.get("store") or {}).get("backend", "faiss")
    except FileNotFoundError:
        return Damage(MANIFEST, "missing")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        return Damage(MANIFEST, f"unreadable: {type(err).__name__}")
    checks = [(META, _sqlite_damage), (BM25_IDS, lambda p: _npy_damage(p, chunks))]
    if backend == "faiss":
        checks.append((FAISS, lambda p: _faiss_damage(p, chunks)))
    for name, check in checks:
        path = folder / name
        what = "missing" if not path.is_file() else check(path)
        if what:
            return Damage(name, what)
    return _bm25_damage(folder / BM25, chunks)


def intact_older(index_dir: Path, current: str) -> str:
    """The newest version folder other than `current` that passes every check ("" if none)."""
    names = sorted((p.name for p in _versions(index_dir) if p.name != current), reverse=True)
    return next((n for n in names if find_damage(index_dir / VERSIONS / n) is None), "")


def _versions(index_dir: Path) -> list[Path]:
    folder = index_dir / VERSIONS
    if not folder.is_dir():
        return []
    return [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]


def version_table(index_dir: Path) -> list[dict[str, object]]:
    """Every kept version, newest first: name, in force, intact (or what is damaged), counts."""
    pointer = index_dir / CURRENT
    current = pointer.read_text().strip() if pointer.is_file() else ""
    rows = []
    for p in sorted(_versions(index_dir), key=lambda p: p.name, reverse=True):
        damage = find_damage(p)
        rows.append(
            {
                "version": p.name,
                "in_force": p.name == current,
                "state": "intact" if damage is None else f"{damage.file} {damage.what}",
                "summary": _describe(p),
            }
        )
    return rows


def _describe(folder: Path) -> str:
    try:
        m = json.loads((folder / MANIFEST).read_text())
        return f"{m['statements']} statements, built {m['built_at']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "manifest unreadable"


def _size(path: Path) -> int:
    return path.stat().st_size


def _sqlite_damage(path: Path) -> str:
    """SQLite's header records the page size and page count: a cut file is shorter."""
    size = _size(path)
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        return f"not an SQLite database ({size:,} bytes)"
    page = struct.unpack(">H", head[16:18])[0]
    page = 65536 if page == 1 else page
    counter, pages, valid_for = (struct.unpack(">I", head[o : o + 4])[0] for o in (24, 28, 92))
    expected = pages * page if pages and counter == valid_for else 0
    if size % page or size < max(expected, page):
        return f"truncated: {size:,} bytes of {max(expected, page):,}"
    return ""


def _faiss_damage(path: Path, chunks: int) -> str:
    """An IDMap index ends with its id vector: a size_t count, then `chunks` int64 ids."""
    size = _size(path)
    tail = size - 8 * chunks - 8
    with open(path, "rb") as fh:
        magic = fh.read(4)
        if tail >= 4:
            fh.seek(tail)
            count = struct.unpack("<Q", fh.read(8))[0]
    if magic not in _IDMAP_MAGIC:
        return f"not a FAISS id-mapped index ({size:,} bytes)"
    if tail < 4 or count != chunks:
        return f"truncated or cut: {size:,} bytes do not end with the ids of {chunks:,} vectors"
    return ""


def _npy_damage(path: Path, rows: int | None = None) -> str:
    """A .npy header gives shape and dtype: the data after it must be all there."""
    size = _size(path)
    try:
        with open(path, "rb") as fh:
            major, _ = np.lib.format.read_magic(fh)
            read = np.lib.format.read_array_header_1_0
            shape, _, dtype = (read if major == 1 else np.lib.format.read_array_header_2_0)(fh)
            start = fh.tell()
    except (ValueError, OSError, SyntaxError) as err:
        return f"unreadable NumPy header ({str(err)[:80]})"
    need = start + int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size < need:
        return f"truncated: {size:,} bytes of {need:,}"
    if rows is not None and (len(shape) != 1 or shape[0] != rows):
        return f"holds {shape} ids for {rows:,} chunks"
    return ""


def _bm25_damage(folder: Path, chunks: int) -> Damage | None:
    try:
        info = json.loads((folder / "bm25.json").read_text())
        n_docs = int(info["n_docs"])
    except FileNotFoundError:
        return Damage(f"{BM25}/bm25.json", "missing")
    except (OSError, ValueError, KeyError, TypeError) as err:
        return Damage(f"{BM25}/bm25.json", f"unreadable: {type(err).__name__}")
    if n_docs != chunks:
        return Damage(f"{BM25}/bm25.json", f"counts {n_docs:,} documents for {chunks:,} chunks")
    if not info.get("indexed", n_docs > 0):  # no word in any chunk: nothing else is written
        return None
    for file in _BM25S_FILES:
        path = folder / "bm25s" / file
        name = f"{BM25}/bm25s/{file}"
        if not path.is_file():
            return Damage(name, "missing")
        if path.suffix == ".npy" and (what := _npy_damage(path)):
            return Damage(name, what)
        if path.suffix == ".json":
            try:
                json.loads(path.read_text())
            except (OSError, ValueError) as err:
                return Damage(name, f"unreadable: {type(err).__name__}")
    return None
