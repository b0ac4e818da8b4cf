"""Load: simulated users through gradio_client against `unsc-rag serve`, and concurrent
clients of `unsc-rag api`, each in its own process (small sizes; bench/load.py runs 20 users
for 5 minutes and 50 API clients on the bundled index)."""

from __future__ import annotations

import json

from gradio_client import Client

from tests.conftest import SMALL_QUESTIONS
from tests.e2e.conftest import free_port
from tests.kits import api_load, load, procs

ENV = {"UNSC_RAG_REWRITE_BACKEND": ""}  # English questions, no history: no model needed


def test_users_get_answers_without_errors_and_memory_stays_flat(small_index_dir):
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    plan = load.plan_from(SMALL_QUESTIONS, think=(0.2, 1.5))

    def client() -> Client:
        return Client(base, verbose=False)

    with procs.server(small_index_dir, port, "extractive", ENV) as proc:
        # Warm up at the measured concurrency: each worker thread's buffers and arenas exist
        # once; what grows after that grows with the work done.
        load.run_load(base, proc.pid, 4, 12, plan, client)
        start = procs.rss_kb(proc.pid)
        result = load.run_load(base, proc.pid, 4, 20, plan, client)
        end = procs.rss_kb(proc.pid)
    kinds = result.by_kind()
    print(f"\nRSS {start / 1024:.0f} -> {end / 1024:.0f} MB;", json.dumps(kinds, indent=1))
    assert result.errors() == []
    assert set(kinds) == {"search", "extractive", "statement"}
    assert all(k["n"] >= 3 for k in kinds.values()), kinds
    assert kinds["search"]["p95"] < 15 and kinds["statement"]["p95"] < 15
    assert end < start * 1.2 + 50_000, (start, end)  # kB: no growth with the work done


def test_answers_wait_their_turn_and_are_told_their_place(small_index_dir):
    """Answers run one at a time: users asking together are each told their place."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    plan = load.plan_from(SMALL_QUESTIONS, think=(0.0, 0.1))
    with procs.server(small_index_dir, port, "extractive", ENV) as proc:
        load.run_load(base, proc.pid, 1, 1, plan, lambda: Client(base, verbose=False))
        clients = [load.Actions(Client(base, verbose=False), base) for _ in range(4)]
        jobs = [a.client.submit(api_name=a.ask_name, **a._args(a.ask_name, q, "extractive"))
                for a, q in zip(clients, plan.questions, strict=False)]  # fmt: skip
        seen = load.watch_ranks(jobs)
        answers = [job.result() for job in jobs]
    assert all(a["citations"] or a["refused"] for a in answers), answers
    assert any(a["citations"] for a in answers), answers
    assert max(seen) >= 1, seen  # someone was told they were behind another answer


def test_api_clients_get_checked_answers_without_errors(small_index_dir):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    questions = [json.loads(line)["question"] for line in SMALL_QUESTIONS.open()]
    with api_load.api_server(small_index_dir, port, ENV) as proc:
        api_load.run_clients(base, proc.pid, 10, 4, questions)  # warm up: threads, caches
        result = api_load.run_clients(base, proc.pid, 10, 2, questions)
    kinds = result.by_kind()
    print("\n", json.dumps(kinds, indent=1), result.rss_kb)
    assert result.errors() == []
    assert kinds["api_chat"]["n"] == 10 and kinds["api_search"]["n"] == 10
    (_, start, _), (_, end, _) = result.rss_kb
    assert end < start * 1.2 + 50_000, (start, end)
