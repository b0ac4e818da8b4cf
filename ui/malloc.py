"""glibc malloc settings for the long-running servers (`serve`, `api`), measured in bench/memory.py.

Each answer encodes its candidate sentences in batches whose activations are tens of MB. glibc
serves such blocks from the arena of the worker thread that asks (Gradio and Starlette run
handlers on up to 40 threads) once its sliding mmap threshold has risen, and keeps them after
free: RSS grew about 350 MB over the first 12 answers and kept growing. A fixed threshold sends
every large block to mmap, given back to the system at free, and two arenas bound what
fragmented small blocks can hold. Explicit MALLOC_* variables win over these values;
UNSC_RAG_MALLOC_TUNE=0 leaves glibc's defaults (for A/B runs).
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX = -1, -3, -8  # glibc's mallopt parameters
ARENAS = 2
MMAP_THRESHOLD = 1 << 20  # bytes: blocks this large and larger go to mmap (not the heap)
TRIM_THRESHOLD = 8 << 20  # bytes of free heap top kept before it is given back


def tune() -> dict[str, int]:
    """Apply the settings not given in the environment; what was set (empty off glibc)."""
    wanted = {
        "MALLOC_ARENA_MAX": (M_ARENA_MAX, ARENAS),
        "MALLOC_MMAP_THRESHOLD_": (M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        "MALLOC_TRIM_THRESHOLD_": (M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    }
    libc = _libc()
    if libc is None or os.environ.get("UNSC_RAG_MALLOC_TUNE", "1") == "0":
        return {}
    done = {}
    for name, (param, value) in wanted.items():
        if name not in os.environ and libc.mallopt(param, value) == 1:
            done[name] = value
    return done


def trim() -> bool:
    """Give free heap pages back to the system (malloc_trim); False off glibc."""
    libc = _libc()
    return bool(libc and libc.malloc_trim(0))


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        _ = libc.mallopt, libc.malloc_trim  # glibc has both; musl has no mallopt
    except (OSError, AttributeError):
        return None
    return libc
