"""A limit on chat completions at once in `unsc-rag api`: a few run, a bounded number wait.

Without it every request got a worker thread of its own (40 at once on 2 cores): each answer
slower, and each thread its own malloc arena and encoder buffers. A request that finds the
queue full is refused at once with a sentence and Retry-After, instead of waiting unboundedly.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Busy(Exception):
    """Too many requests already run or wait; the message says so in one sentence."""


class Gate:
    """`running` at a time; up to `waiting` more block until a slot frees; others get Busy."""

    def __init__(self, running: int, waiting: int) -> None:
        self.running, self.waiting = max(1, running), max(0, waiting)
        self._slots = threading.Semaphore(self.running)
        self._lock = threading.Lock()
        self.admitted = 0  # running plus waiting

    def enter(self) -> None:
        """Take a slot (waiting for one if the queue has room); raise Busy when it is full."""
        with self._lock:
            if self.admitted >= self.running + self.waiting:
                raise Busy(
                    f"Too many chat completions at once ({self.running} running, "
                    f"{self.waiting} waiting): retry in a few seconds."
                )
            self.admitted += 1
        self._slots.acquire()

    def leave(self) -> None:
        """Give the slot back."""
        self._slots.release()
        with self._lock:
            self.admitted -= 1

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold a slot for the block."""
        self.enter()
        try:
            yield
        finally:
            self.leave()

    def held(self, events: Iterator[str]) -> Iterator[str]:
        """`events` holding a slot taken by `enter` until they end, fail or are dropped (a
        streamed answer runs while the client reads it)."""
        return _Held(self, events)


class _Held:
    """An iterator that gives its gate's slot back exactly once, however it stops."""

    def __init__(self, gate: Gate, events: Iterator[str]) -> None:
        self.gate, self.events, self.open = gate, events, True

    def __iter__(self) -> _Held:
        return self

    def __next__(self) -> str:
        try:
            return next(self.events)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Give the slot back (once)."""
        if self.open:
            self.open = False
            self.gate.leave()

    def __del__(self) -> None:  # a stream never read (the client left first) frees it too
        self.close()
