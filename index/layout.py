"""On-disk layout of an index folder and its atomic version switch (crash-safe writes)."""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from index.errors import IndexMissingError, IndexWriteError, InputError

CURRENT = "CURRENT"
VERSIONS = "versions"
_T = TypeVar("_T")


def current_version(index_dir: Path) -> Path | None:
    """The folder of the version in force, or None for an empty/new index folder."""
    pointer = index_dir / CURRENT
    if not pointer.is_file():
        return None
    folder = index_dir / VERSIONS / pointer.read_text().strip()
    if not folder.is_dir():
        raise IndexMissingError(
            f"The index at {index_dir} points to a missing version {folder.name}: "
            "rebuild it with `unsc-rag ingest`."
        )
    return folder


def require_version(index_dir: Path) -> Path:
    """The version in force, or a clear error when there is no index there."""
    folder = current_version(index_dir)
    if folder is None:
        raise IndexMissingError(
            f"No index at {index_dir}: build one with `unsc-rag ingest FILES --index {index_dir}`, "
            "or leave out --index to use the bundled one."
        )
    return folder


def new_staging(index_dir: Path) -> Path:
    """A fresh temporary folder inside the index folder (same filesystem, so rename is atomic)."""
    try:
        (index_dir / VERSIONS).mkdir(parents=True, exist_ok=True)
        for old in (index_dir / VERSIONS).glob(".tmp-*"):  # left by a killed writer
            shutil.rmtree(old, ignore_errors=True)
        staging = index_dir / VERSIONS / f".tmp-{uuid.uuid4().hex[:8]}"
        staging.mkdir()
        return staging
    except OSError as err:
        raise IndexWriteError(_write_message(index_dir, err.errno, err.strerror or "")) from err


def publish(index_dir: Path, staging: Path) -> Path:
    """Make `staging` the version in force: rename it, then swap the CURRENT pointer atomically."""
    # Microseconds: checkpoints publish several versions a second, and names sort by age.
    name = datetime.now(UTC).strftime("v%Y%m%dT%H%M%S.%f") + "-" + uuid.uuid4().hex[:6]
    final = index_dir / VERSIONS / name
    pointer = index_dir / CURRENT
    previous = pointer.read_text().strip() if pointer.is_file() else ""
    _fsync_tree(staging)
    os.rename(staging, final)
    try:
        _point_to(index_dir, name)
    except BaseException:  # e.g. a full disk: the old version stays in force, drop the new one
        shutil.rmtree(final, ignore_errors=True)
        raise
    _prune(index_dir, keep={name, previous})
    return final


def switch_to(index_dir: Path, name: str) -> Path:
    """Put a kept version back in force (the CURRENT swap, nothing rebuilt)."""
    folder = index_dir / VERSIONS / name
    if not re.fullmatch(r"v[\w.-]+", name) or not folder.is_dir():
        raise InputError(f"No version {name!r} in {index_dir / VERSIONS}: list them with restore.")
    _point_to(index_dir, name)
    return folder


def _point_to(index_dir: Path, name: str) -> None:
    tmp = index_dir / f".{CURRENT}.tmp"
    with open(tmp, "w") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)  # the one atomic step: before it, the old version rules
    _fsync_dir(index_dir)


def _prune(index_dir: Path, keep: set[str]) -> None:
    """Delete every version but `keep`: the new one and the one it replaced are kept, so a
    damaged file in the version in force can be rolled back (`unsc-rag restore`)."""
    for old in (index_dir / VERSIONS).iterdir():
        if not old.name.startswith(".") and old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def check_writable(index_dir: Path) -> None:
    """Fail now, with one sentence, when the index folder cannot be created or written."""
    folder = Path(index_dir)
    with write_errors(folder):
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{uuid.uuid4().hex[:8]}"
        probe.write_bytes(b"")
        probe.unlink()


@contextmanager
def write_errors(index_dir: Path) -> Iterator[None]:
    """Turn the failures of a write (disk full, read-only folder) into one IndexWriteError."""
    try:
        yield
    except OSError as err:
        raise IndexWriteError(
            _write_message(index_dir, err.errno, err.strerror or str(err))
        ) from err
    except sqlite3.OperationalError as err:  # "database or disk is full", "readonly database"
        text = str(err)
        code = errno.ENOSPC if "full" in text else errno.EROFS if "readonly" in text else errno.EIO
        raise IndexWriteError(_write_message(index_dir, code, str(err))) from err
    except RuntimeError as err:  # FAISS: "... write error in .../vectors.faiss: ... (reason)"
        found = re.search(r"write error in .*\((.+)\)\s*$", str(err))
        if found is None:
            raise
        code = errno.ENOSPC if "space" in found.group(1) else errno.EIO
        raise IndexWriteError(_write_message(index_dir, code, found.group(1))) from err


def guarded_write(method: Callable[..., _T]) -> Callable[..., _T]:
    """Decorate an index writer's method: its write failures become IndexWriteError."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> _T:
        with write_errors(self.index_dir):
            return method(self, *args, **kwargs)

    return wrapper


def _write_message(index_dir: Path, code: int | None, reason: str) -> str:
    if code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return (
            f"The disk holding {index_dir} is full ({reason}): free some space or choose "
            "another --index folder; the index in force is unchanged."
        )
    return (
        f"Cannot write the index folder {index_dir} ({reason}): choose a writable --index "
        "folder; the index in force is unchanged."
    )


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
