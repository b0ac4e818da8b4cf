"""Concurrent clients of the OpenAI-compatible API (`unsc-rag api` in its own process).

Each client is a thread with its own HTTP connection; it sends `rounds` requests, alternating
chat completions (extractive: a checked answer whose citations must name statements) and
`/v1/search`. Latency and errors per kind, and the server's RSS before and after.
Shared by tests/integration/test_load.py and bench/load.py.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.kits.load import LoadResult, Sample
from tests.kits.procs import proc_status, process


@contextmanager
def api_server(index_dir: Path, port: int, env: dict[str, str] | None = None) -> Iterator[Any]:
    """`unsc-rag api` (extractive by default) on 127.0.0.1:port, until /health answers."""
    args = ["api", "--index", str(index_dir), "--port", str(port), "--backend", "extractive"]
    with process(args, f"http://127.0.0.1:{port}/health", env) as proc:
        yield proc


def chat(http: httpx.Client, base: str, question: str) -> None:
    """One chat completion; an error unless it is a checked answer with citations or a
    plain 'not found'."""
    body = {"model": "unsc-rag-extractive", "messages": [{"role": "user", "content": question}]}
    r = http.post(f"{base}/v1/chat/completions", json=body)
    r.raise_for_status()
    message = r.json()["choices"][0]["message"]
    citations = message.get("citations") or []
    if citations and not all(c.get("statement_id") and c.get("quote") for c in citations):
        raise AssertionError("a citation without its statement or quote")
    if not citations and "[1]" in message["content"]:
        raise AssertionError("labels in the text but no citations")
    if not message["content"].strip():
        raise AssertionError("an empty answer")


def search(http: httpx.Client, base: str, query: str) -> None:
    """One /v1/search; an error unless it returns passages."""
    r = http.post(f"{base}/v1/search", json={"query": query, "k": 5})
    r.raise_for_status()
    if not r.json()["data"]:
        raise AssertionError("no passages")


def run_clients(
    base: str, pid: int, clients: int, rounds: int, questions: list[str], seed: int = 12
) -> LoadResult:
    """`clients` threads started together, each sending `rounds` requests back to back."""
    result = LoadResult(clients, 0.0)
    lock, gate = threading.Lock(), threading.Barrier(clients)
    start = time.perf_counter()

    def client(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        with httpx.Client(timeout=900) as http:
            gate.wait()  # all at once: the server sees `clients` requests in flight
            for i in range(rounds):
                kind = "api_chat" if (n + i) % 2 == 0 else "api_search"
                t0 = time.perf_counter()
                try:
                    (chat if kind == "api_chat" else search)(http, base, rng.choice(questions))
                    error = None
                except Exception as err:  # every failure counts, whatever it is
                    error = f"{type(err).__name__}: {err}"
                with lock:
                    result.samples.append(Sample(kind, time.perf_counter() - t0, error))

    status = proc_status(pid)
    result.rss_kb.append((0.0, status["VmRSS"], status["Threads"]))
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - start
    status = proc_status(pid)
    result.rss_kb.append((result.seconds, status["VmRSS"], status["Threads"]))
    return result
