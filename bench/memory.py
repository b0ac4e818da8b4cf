"""Memory per request kind: where the app's RSS goes under repeated requests, and whether it stops.

    nice .venv/bin/python bench/memory.py                         # 5 rounds x 20 of each kind
    .venv/bin/python bench/memory.py --rounds 3 --per-round 10 --env MALLOC_ARENA_MAX=2

`unsc-rag serve` runs in a process of its own on the bundled index with UNSC_RAG_TRACEMALLOC
set (ui/memtrace.py). After a warm-up that runs every path once, each kind runs alone for
--rounds rounds of --per-round requests (--concurrency at once, as users do; embedded answers
--embedded-per-round, one at a time); after each round the server's RSS and its traced Python
heap (traced from the end of the warm-up; --no-trace: RSS only, at full speed) are printed, so
growth per kind shows, and whether it is Python objects (traced grows too) or native memory
(RSS alone grows); UNSC_RAG_MALLOC_TUNE=0 in --env gives glibc's defaults (ui/malloc.py). Kinds: search, extractive, statement, embedded (one session
per thread, reused) and new_session (a new gradio_client session per search). At the end
malloc_trim shows how much of the RSS is free heap glibc kept.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _bench import ROOT  # offline models and the repo on the path, first

from tests.e2e.conftest import free_port
from tests.kits import load, procs

QUESTIONS = ROOT / "data" / "eval" / "dev.jsonl"
ENV = {"UNSC_RAG_REWRITE_BACKEND": ""}  # English questions without history: no rewrite
KINDS = ("search", "extractive", "statement", "embedded", "new_session")


def report(pid: int, path: Path | None, trim: bool = False) -> dict[str, Any]:
    """Ask the server for its memory report (a signal) and read it; RSS alone without one."""
    if path is None:
        status = procs.proc_status(pid)
        rss = status["VmRSS"]
        return {"rss_kb": rss, "traced_kb": 0, "threads": status["Threads"], "top": [],
                "rss_after_trim_kb": rss}  # fmt: skip
    path.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR2 if trim else signal.SIGUSR1)
    deadline = time.time() + 120
    while not path.exists():
        if time.time() > deadline:
            raise RuntimeError("the server wrote no memory report within 120 s")
        time.sleep(0.2)
    return json.loads(path.read_text())


def action(kind: str, base: str, plan: load.Plan) -> Callable[[load.Actions | None, int], None]:
    """One request of a kind; `actions` is the thread's own session (None: a new one)."""
    from gradio_client import Client

    def run(actions: load.Actions | None, i: int) -> None:
        q = plan.questions[i % len(plan.questions)]
        if kind == "new_session":
            load.Actions(Client(base, verbose=False), base).search(q)
            return
        assert actions is not None
        if kind == "search":
            actions.search(q)
        elif kind == "statement":
            actions.statement(plan.statement_ids[i % len(plan.statement_ids)])
        else:
            actions.answer(q, kind)

    return run


def run_round(
    sessions: list[load.Actions], run: Callable[[load.Actions | None, int], None], n: int, at: int
) -> list[str]:
    """`n` requests spread over the sessions' threads; the errors."""
    errors: list[str] = []
    counter = iter(range(at, at + n))
    lock = threading.Lock()

    def worker(actions: load.Actions) -> None:
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                run(actions, i)
            except Exception as err:  # a bench counts every failure, whatever it is
                errors.append(f"{type(err).__name__}: {err}"[:200])

    threads = [threading.Thread(target=worker, args=(a,)) for a in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--per-round", type=int, default=20)
    ap.add_argument("--embedded-per-round", type=int, default=2)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated, in this order")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server")
    ap.add_argument("--index", type=Path, default=ROOT / "data" / "index")
    ap.add_argument("--no-trace", action="store_true", help="RSS only (tracemalloc slows it)")
    args = ap.parse_args()
    from gradio_client import Client

    port = free_port()
    out = None if args.no_trace else Path(f"/tmp/unsc-rag-memory-{os.getpid()}.json")
    base = f"http://127.0.0.1:{port}/"
    env = ENV | {"UNSC_RAG_TRACEMALLOC": str(out or "")} | dict(e.split("=", 1) for e in args.env)
    plan = load.plan_from(QUESTIONS)
    kinds = [k for k in args.kinds.split(",") if k]
    print(f"server env: {' '.join(args.env) or '(default)'}; {args.rounds} rounds x "
          f"{args.per_round} ({args.embedded_per_round} embedded), {args.concurrency} at once\n")  # fmt: skip
    with procs.server(args.index, port, "extractive", env) as proc:
        sessions = [
            load.Actions(Client(base, verbose=False), base) for _ in range(args.concurrency)
        ]
        for kind in kinds:  # warm-up: every path once, at the measured concurrency
            n = 1 if kind == "embedded" else args.concurrency
            run_round(sessions if n > 1 else sessions[:1], action(kind, base, plan), n, 0)
        first = last = report(proc.pid, out)
        print(f"after warm-up: RSS {first['rss_kb'] / 1024:.0f} MB, Python heap traced "
              f"{first['traced_kb'] / 1024:.0f} MB, {first['threads']} threads\n")  # fmt: skip
        print("| kind | round | RSS MB | ΔRSS MB | traced MB | Δtraced MB | threads | errors |")
        print("|---|---|---|---|---|---|---|---|")
        for kind in kinds:
            embedded = kind == "embedded"
            n = args.embedded_per_round if embedded else args.per_round
            use = sessions[:1] if embedded else sessions  # the model writes one at a time
            for r in range(1, args.rounds + 1):
                errors = run_round(use, action(kind, base, plan), n, r * n)
                now = report(proc.pid, out)
                print(f"| {kind} | {r} | {now['rss_kb'] / 1024:.0f} | "
                      f"{(now['rss_kb'] - last['rss_kb']) / 1024:+.0f} | "
                      f"{now['traced_kb'] / 1024:.0f} | "
                      f"{(now['traced_kb'] - last['traced_kb']) / 1024:+.1f} | "
                      f"{now['threads']} | {len(errors)} |", flush=True)  # fmt: skip
                for e in sorted(set(errors))[:3]:
                    print(f"  error: {e}")
                last = now
            for top in now["top"][:3]:
                print(f"  grew {top['kb']:+d} kB ({top['count']:+d}) at {' <- '.join(top['where'][::-1][:3])}")  # fmt: skip
        trimmed = report(proc.pid, out, trim=True)
    grown = (trimmed["rss_kb"] - first["rss_kb"]) / 1024
    print(f"\nRSS {first['rss_kb'] / 1024:.0f} -> {trimmed['rss_kb'] / 1024:.0f} MB ({grown:+.0f}); "
          f"after malloc_trim {trimmed['rss_after_trim_kb'] / 1024:.0f} MB; Python heap "
          f"{first['traced_kb'] / 1024:.0f} -> {trimmed['traced_kb'] / 1024:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
