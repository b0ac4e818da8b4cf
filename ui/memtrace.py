"""Memory diagnostics of a running server, off unless UNSC_RAG_TRACEMALLOC names a report file.

With it set, SIGUSR1 writes a JSON report (RSS, the Python heap traced, the allocation sites
that grew most since the last report) to that file, and SIGUSR2 does the same after glibc's
malloc_trim. Tracing (tracemalloc) starts at the first report: tracing the models' loading
would take minutes, and what matters is what grows after the warm-up. bench/memory.py
reads it to tell Python-heap growth from native growth. A signal, not an HTTP endpoint:
only the process's owner can send one.
"""

from __future__ import annotations

import json
import os
import signal
import tracemalloc
from pathlib import Path
from typing import Any

from ui.malloc import trim as malloc_trim

ENV = "UNSC_RAG_TRACEMALLOC"
FRAMES = 6  # enough to see which caller of a library allocates
_state: dict[str, Any] = {}


def trace_from_env() -> bool:
    """Install the signal handlers when the variable is set."""
    path = os.environ.get(ENV, "")
    if not path:
        return False
    _state["path"] = Path(path)
    signal.signal(signal.SIGUSR1, lambda *_: write_report(trim=False))
    signal.signal(signal.SIGUSR2, lambda *_: write_report(trim=True))
    return True


def rss_kb() -> int:
    """This process's resident memory in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def write_report(trim: bool, top: int = 12) -> dict[str, Any]:
    """RSS, traced heap and the top growing allocation sites since the last report."""
    before = rss_kb()
    if not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
        _state["last"] = tracemalloc.take_snapshot()
    if trim:
        malloc_trim()
    snap = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(False, tracemalloc.__file__)]
    )
    diffs = snap.compare_to(_state["last"], "traceback")[:top]
    _state["last"] = snap
    current, peak = tracemalloc.get_traced_memory()
    report = {
        "rss_kb": before,
        "rss_after_trim_kb": rss_kb() if trim else None,
        "traced_kb": current // 1024,
        "traced_peak_kb": peak // 1024,
        "threads": len(os.listdir("/proc/self/task")),
        "top": [
            {
                "kb": d.size_diff // 1024,
                "count": d.count_diff,
                "where": [f"{f.filename}:{f.lineno}" for f in d.traceback[-FRAMES:]],
            }
            for d in diffs
        ],
    }
    tmp = _state["path"].with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1))
    tmp.replace(_state["path"])  # readers never see half a report
    return report
