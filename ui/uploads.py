"""Uploaded files: limits on count, size and type, and private copies under safe names.

Gradio hands over a path in its own cache; the name the browser sent never becomes a path of
ours: each accepted file is copied into a fresh private folder under a cleaned name (letters,
digits, . _ -), which the parser still reads for a meeting symbol or date (S_PV.8422.txt).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError
from rag.settings_models import ServeSettings

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MB = 2**20  # as Gradio counts when it refuses a file over `max_file_size`


@dataclass(frozen=True)
class Limits:
    """What one upload may hold."""

    max_files: int
    max_bytes: int
    suffixes: tuple[str, ...]

    @classmethod
    def from_settings(
        cls, serve: ServeSettings, suffixes: Sequence[str], max_files: int = 0
    ) -> Limits:
        """Limits from `serve.max_upload_files` (or `max_files`) and `serve.max_upload_mb`."""
        return cls(max_files or serve.max_upload_files, serve.max_upload_mb * MB, tuple(suffixes))

    def describe(self) -> str:
        """'up to 20 files of at most 50 MB each (.jsonl, .pdf)' for the upload's label."""
        files = "one file" if self.max_files == 1 else f"up to {self.max_files} files"
        return f"{files} of at most {self.max_bytes // MB} MB each ({', '.join(self.suffixes)})"


def display_name(name: str) -> str:
    """A file name as the user sent it, safe to show (no folders, no control characters)."""
    base = re.split(r"[\\/]", name or "")[-1]
    return "".join(ch for ch in base if ch.isprintable())[:120] or "unnamed"


def safe_name(name: str) -> str:
    """A cleaned name for our copy: its base, letters, digits and . _ - only, no leading dot."""
    cleaned = _UNSAFE.sub("_", display_name(name)).lstrip(".")[:100]
    return cleaned if cleaned.strip("_") else "upload"


def check(paths: Sequence[Path], limits: Limits) -> None:
    """Refuse the whole upload in one sentence when it holds too many or too large files."""
    if len(paths) > limits.max_files:
        raise InputError(
            f"{len(paths)} files were uploaded, more than the {limits.max_files} one upload may "
            f"hold: upload {limits.describe()}, in several batches."
        )
    for path in paths:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise InputError(
                f"{display_name(path.name)} is {size / MB:,.1f} MB, more than the "
                f"{limits.max_bytes // MB} MB an uploaded file may have: split it, or "
                "ingest it on the server with `unsc-rag ingest`."
            )


def known_type(name: str, limits: Limits) -> bool:
    """Whether the name ends in one of the accepted suffixes."""
    return name.lower().endswith(limits.suffixes)


def type_message(name: str, limits: Limits) -> str:
    """The one sentence for a file of a type the upload does not take."""
    return (
        f"{display_name(name)} has an unknown extension: use one of {', '.join(limits.suffixes)}."
    )


@contextmanager
def staged(paths: Sequence[Path]) -> Iterator[list[Path]]:
    """Private copies of the uploads under safe names, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="unsc-upload-"))  # mode 0700
    try:
        copies = []
        for i, path in enumerate(paths):
            sub = folder / str(i)  # one folder per file: two uploads may share a name
            sub.mkdir()
            copies.append(sub / safe_name(path.name))
            shutil.copyfile(path, copies[-1])
        yield copies
    finally:
        shutil.rmtree(folder, ignore_errors=True)
