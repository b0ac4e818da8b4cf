"""Processes of the app for load runs: `unsc-rag serve` or `unsc-rag api` in a process of its
own (so its RSS is the app's alone), started until ready and stopped after; its memory read
from /proc (psutil is not installed)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def rss_kb(pid: int) -> int:
    """Resident memory of a process in kB (VmRSS; psutil is not installed)."""
    return proc_status(pid)["VmRSS"]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS (kB) and Threads of a process, from /proc/PID/status."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            out[key] = int(value.split()[0])
    return out


@contextmanager
def server(
    index_dir: Path, port: int, backend: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """`unsc-rag serve` in a process of its own (so its RSS is the app's alone), until ready."""
    args = ["serve", "--index", str(index_dir), "--port", str(port), "--backend", backend]
    with process(args, f"http://127.0.0.1:{port}/config", env) as proc:
        yield proc


@contextmanager
def process(
    args: list[str], ready_url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen]:
    """`unsc-rag ARGS` in a process of its own, until `ready_url` answers; stopped after."""
    cmd = [str(Path(sys.executable).parent / "unsc-rag"), *args]
    proc = subprocess.Popen(
        cmd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.time() + 300
        while not _ready(ready_url):
            if proc.poll() is not None:
                tail = proc.stderr.read().decode()[-500:] if proc.stderr else ""
                raise RuntimeError(f"unsc-rag {args[0]} stopped: {tail}")
            if time.time() > deadline:
                raise RuntimeError(f"unsc-rag {args[0]} was not ready within 300 s")
            time.sleep(1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).is_success
    except httpx.HTTPError:
        return False
