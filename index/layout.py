"""On-disk layout of an index folder and its atomic version switch (crash-safe writes)."""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

from index.errors import IndexMissingError, IndexWriteError

CURRENT = "CURRENT"
VERSIONS = "versions"


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
        raise IndexWriteError(
            f"Cannot write the index folder {index_dir} ({err.strerror}): choose a writable "
            "--index folder."
        ) from err


def publish(index_dir: Path, staging: Path) -> Path:
    """Make `staging` the version in force: rename it, then swap the CURRENT pointer atomically."""
    name = datetime.now(UTC).strftime("v%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    final = index_dir / VERSIONS / name
    _fsync_tree(staging)
    os.rename(staging, final)
    tmp = index_dir / f".{CURRENT}.tmp"
    with open(tmp, "w") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)  # the one atomic step: before it, the old version rules
    _fsync_dir(index_dir)
    _prune(index_dir, keep=name)
    return final


def _prune(index_dir: Path, keep: str) -> None:
    for old in (index_dir / VERSIONS).iterdir():
        if old.name != keep and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)


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
