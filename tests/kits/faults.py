"""Disk full, read-only index folder and truncated files: inject the fault, prove nothing lost.

A full disk and a read-only folder are real: a small tmpfs (filled to leave N bytes free) and
a tmpfs remounted read-only. Without the right to mount, a full disk is simulated with
RLIMIT_FSIZE in a child ingest (writes past the limit fail with EFBIG), and a read-only
folder with chmod when not root; as root without mount, that check is skipped, with a reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from index.errors import CorruptIndexError, IndexWriteError
from index.layout import VERSIONS
from tests.kits.crash import classify, consistency, pairs_or_empty, records_of, statement_pairs


class Unavailable(Exception):
    """The fault cannot be injected here (no mount rights): the caller says why."""


@dataclass
class Fault:
    """The outcome of one injected fault."""

    name: str
    message: str = ""  # the one sentence the user got
    problems: list[str] = field(default_factory=list)


def folder_bytes(folder: Path) -> int:
    """Bytes of all files under a folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


@contextmanager
def tmpfs(mount: Path, size: int) -> Iterator[Path]:
    """A tmpfs of `size` bytes at `mount` (raises Unavailable without the right to mount)."""
    mount.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Unavailable(f"cannot mount a tmpfs ({done.stderr.strip() or done.returncode})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def can_mount(work: Path) -> bool:
    """True when a tmpfs can be mounted here (root with CAP_SYS_ADMIN)."""
    try:
        with tmpfs(work / f"probe-{uuid.uuid4().hex[:6]}", 1 << 20):
            return True
    except Unavailable:
        return False


def _one_line(message: str) -> bool:
    return bool(message) and "\n" not in message and len(message) < 600


def _fill(folder: Path, leave: int) -> None:
    """Write a filler file leaving about `leave` bytes free on folder's filesystem."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


def disk_full(base: Path, work: Path, data: Path, leave: int, opener: Any, writer: Any) -> Fault:
    """Ingest into a disk with `leave` bytes free: one sentence, the old index intact, and
    once space is freed the next ingest completes."""
    from index.parse import read_statements

    fault = Fault(f"disk full, {leave:,} bytes free")
    old, new = pairs_or_empty(base, opener), records_of(data)
    with tmpfs(work / "full", folder_bytes(base) + leave + (8 << 20)) as mnt:
        index = mnt / "index"
        shutil.copytree(base, index)
        _fill(mnt, leave)
        try:
            summary = writer(index).ingest(read_statements(data))
            fault.message = f"(no error: {summary.line()})"
        except IndexWriteError as err:
            fault.message = str(err)
            if not _one_line(str(err)) or "full" not in str(err):
                fault.problems.append(f"unclear message: {str(err)[:200]}")
        fault.problems += _check_state(index, old, new, opener, expect=("old", "new"))
        (mnt / "filler").unlink()
        writer(index).ingest(read_statements(data))
        fault.problems += _check_state(index, old, new, opener, expect=("new",))
    return fault


def disk_full_by_rlimit(base: Path, work: Path, data: Path, limit: int, opener: Any) -> Fault:
    """The fallback without mount rights: the real CLI in a child whose files may not pass
    `limit` bytes (RLIMIT_FSIZE; SIGXFSZ ignored, so writes fail with EFBIG)."""
    import resource
    import signal

    fault = Fault(f"file size limit {limit:,} bytes (RLIMIT_FSIZE)")
    old, new = pairs_or_empty(base, opener), records_of(data)
    index = work / "rlimit-index"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)

    def limit_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "rag", "ingest", str(data), "--index", str(index)],
        capture_output=True,
        text=True,
        preexec_fn=limit_files,  # the child runs no threads before exec
        check=False,
    )
    fault.message = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    if done.returncode == 0:
        fault.message = "(no error: the limit was not reached)"
    elif done.returncode != 2 or not fault.message.endswith("the index in force is unchanged."):
        fault.problems.append(f"exit {done.returncode}, stderr ends {fault.message[:200]!r}")
    fault.problems += _check_state(index, old, new, opener, expect=("old", "new"))
    return fault


def _check_state(
    index: Path, old: set, new: list, opener: Any, expect: tuple[str, ...]
) -> list[str]:
    try:
        idx = opener(index)
    except Exception as err:  # the guarantee under test: the index loads after the fault
        return [f"index unloadable: {type(err).__name__}: {str(err)[:200]}"]
    state = classify(statement_pairs(idx), old, new)
    problems = consistency(idx)
    idx.meta.close()
    if state not in expect:
        problems.append(f"index holds {state!r}, expected {' or '.join(expect)}")
    leftovers = [p.name for p in (index / VERSIONS).iterdir() if p.name.startswith(".")]
    return problems + ([f"staging folders left: {leftovers}"] if leftovers else [])


def read_only(base: Path, work: Path, data: Path, opener: Any, writer: Any) -> Fault:
    """A read-only index folder: searching works; ingest and remove say so in one sentence."""
    from index.parse import read_statements
    from rag.cli import main

    old = pairs_or_empty(base, opener)
    with read_only_copy(base, work) as (index, how):
        fault = Fault(f"read-only index folder ({how})")
        idx = opener(index)
        if statement_pairs(idx) != old:
            fault.problems.append("a read-only index does not load its statements")
        idx.meta.close()
        try:
            writer(index).ingest(read_statements(data))
            fault.problems.append("an ingest into a read-only folder raised nothing")
        except IndexWriteError as err:
            fault.message = str(err)
            if not _one_line(str(err)) or "Read-only" not in str(err):
                fault.problems.append(f"unclear message: {str(err)[:200]}")
        for argv, code in (
            (["stats", "--index", str(index)], 0),
            (["ingest", str(data), "--index", str(index)], 2),
            (["remove", "--index", str(index), "--id", next(iter(old))[0]], 2),
        ):
            got, err_text = _cli(main, argv)
            if got != code or (code == 2 and not err_text.startswith("error: Cannot write")):
                fault.problems.append(f"{argv[0]}: exit {got}, {err_text[:120]!r}")
    return fault


@contextmanager
def read_only_copy(base: Path, work: Path) -> Iterator[tuple[Path, str]]:
    """A copy of the index on a tmpfs remounted read-only; without mount rights, a copy with
    its write permission removed (which binds everyone but root)."""
    try:
        with tmpfs(work / "ro", folder_bytes(base) + (8 << 20)) as mnt:
            shutil.copytree(base, mnt / "index")
            subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
            yield mnt / "index", "tmpfs remounted read-only"
            return
    except Unavailable as err:
        if os.geteuid() == 0:
            raise Unavailable(f"{err}; as root, permission bits would not stop a write") from err
    index = work / "ro-index"
    shutil.copytree(base, index)
    paths = [index, *index.rglob("*")]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield index, "write permission removed"
    finally:
        for p in paths:
            p.chmod(0o755 if p.is_dir() else 0o644)


def _cli(main: Any, argv: list[str]) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, err.getvalue().strip()


def truncated(base: Path, work: Path, file: str, keep_older: bool, opener: Any) -> Fault:
    """Cut a file of the version in force in half: a typed error naming the file and the way
    back (an older intact version, restored with `unsc-rag restore`)."""
    from rag.cli import main

    fault = Fault(f"truncated {file}" + ("" if keep_older else ", no older version"))
    index = work / "truncated"
    shutil.rmtree(index, ignore_errors=True)
    shutil.copytree(base, index)
    current = (index / "CURRENT").read_text().strip()
    older = sorted(p.name for p in (index / VERSIONS).iterdir() if p.name != current)
    if not keep_older:
        for name in older:
            shutil.rmtree(index / VERSIONS / name)
    target = index / VERSIONS / current / file
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    try:
        opener(index).meta.close()
        fault.problems.append("a truncated file loaded without an error")
        return fault
    except CorruptIndexError as err:
        fault.message = str(err)
    wanted = [str(target)]
    wanted += [f"unsc-rag restore --index {index} --version {older[-1]}"] if keep_older else []
    wanted += [] if keep_older else ["no intact older version"]
    missing = [w for w in wanted if w not in fault.message]
    if missing or not _one_line(fault.message):
        fault.problems.append(f"the message lacks {missing}: {fault.message[:300]}")
    if keep_older:
        code, err_text = _cli(main, ["restore", "--index", str(index), "--version", older[-1]])
        if code != 0:
            fault.problems.append(f"restore failed: {err_text[:200]}")
        else:
            idx = opener(index)
            fault.problems += consistency(idx)
            idx.meta.close()
    return fault
