"""Load: simulated users of the real app, and concurrent clients of the OpenAI-compatible API.

    nice -n 10 .venv/bin/python bench/load.py                    # 20 users x 5 min, 50 clients
    .venv/bin/python bench/load.py --users 20 --seconds 60 --api-clients 50   # shorter

`unsc-rag serve` runs in a process of its own on 127.0.0.1 over the bundled index; each user is
a gradio_client session doing searches, extractive answers, statement views and (one per
--embedded-every seconds, shared: the model writes one at a time) embedded answers, with a
reading time between actions. Then `unsc-rag api` serves --api-clients clients started together.
Printed: errors, p50/p95 per kind, the furthest queue place a waiting user was shown, and the
server's RSS at start and end (after a warm-up that loads every path once) and every 30 s.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from _bench import ROOT  # offline models and the repo on the path, first

from tests.e2e.conftest import free_port
from tests.kits import api_load, load, procs

QUESTIONS = ROOT / "data" / "eval" / "dev.jsonl"
ENV = {"UNSC_RAG_REWRITE_BACKEND": ""}  # English questions without history: no rewrite


def run_users(index: Path, users: int, seconds: float, embedded_every: float) -> dict[str, Any]:
    """Simulated users through gradio_client; per-kind figures and RSS."""
    from gradio_client import Client

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    plan = load.plan_from(QUESTIONS, think=(3.0, 12.0), embedded_every=embedded_every)

    def client() -> Client:
        return Client(base, verbose=False)

    print(f"\n### {users} users for {seconds:.0f} s through gradio_client\n", flush=True)
    with procs.server(index, port, "extractive", ENV) as proc:
        warm = load.Actions(client(), base)
        warm.search(plan.questions[0])
        warm.answer(plan.questions[0], "extractive")
        warm.statement(plan.statement_ids[0])
        if embedded_every:
            warm.answer(plan.questions[1], "embedded")  # the model loads once, before the clock
        result = load.run_load(base, proc.pid, users, seconds, plan, client)
    return report(result)


def run_api(index: Path, clients: int, rounds: int) -> dict[str, Any]:
    """Concurrent clients of `unsc-rag api`; per-kind figures and RSS."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rows = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line]
    questions = [r["question"] for r in rows]
    print(f"\n### {clients} API clients at once, {rounds} requests each\n", flush=True)
    with api_load.api_server(index, port, ENV) as proc:
        api_load.run_clients(base, proc.pid, clients, 2, questions)  # warm up: threads, caches
        result = api_load.run_clients(base, proc.pid, clients, rounds, questions)
    return report(result)


def report(result: load.LoadResult) -> dict[str, Any]:
    """Print the table and RSS; the figures for the summary."""
    kinds = result.by_kind()
    print("| kind | n | errors | p50 s | p95 s | max s | furthest queue place shown |")
    print("|---|---|---|---|---|---|---|")
    for kind, k in kinds.items():
        place = k["position"] or "-"
        print(f"| {kind} | {k['n']} | {k['errors']} | {k['p50']:.2f} | {k['p95']:.2f} "
              f"| {k['max']:.2f} | {place} |")  # fmt: skip
    (_, start, threads0), (_, end, threads1) = result.rss_kb[0], result.rss_kb[-1]
    print(f"\nserver RSS {start / 1024:.0f} MB at start, {end / 1024:.0f} MB at the end "
          f"(peak {max(r[1] for r in result.rss_kb) / 1024:.0f} MB); threads {threads0} -> "
          f"{threads1}")  # fmt: skip
    print_rss_over_time(result.rss_kb)
    for e in result.errors()[:5]:
        print(f"  error: {e}")
    return {"kinds": kinds, "errors": sum(k["errors"] for k in kinds.values()),
            "rss_mb": (start / 1024, end / 1024)}  # fmt: skip


def print_rss_over_time(samples: list[tuple[float, int, int]], every: float = 30.0) -> None:
    """One RSS sample per `every` seconds (and the last), so a plateau shows apart from growth."""
    shown, due = [], 0.0
    for t, kb, threads in samples:
        if t >= due or (t, kb, threads) == samples[-1]:
            shown.append(f"{t:.0f} s {kb / 1024:.0f} MB ({threads} threads)")
            due = t + every
    print("RSS over time: " + "; ".join(shown))


def line(figures: dict[str, Any]) -> str:
    """'errors 0; search p50 1.2 s p95 2.0 s; …; RSS 900 -> 905 MB'."""
    parts = [f"errors {figures['errors']}"]
    parts += [f"{kind} p50 {k['p50']:.1f} s p95 {k['p95']:.1f} s"
              for kind, k in figures["kinds"].items()]  # fmt: skip
    start, end = figures["rss_mb"]
    return "; ".join(parts) + f"; RSS {start:.0f} -> {end:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(ap)
    args = ap.parse_args()
    results = run(args)
    print("\n## Summary\n")
    for name, figures in results.items():
        print(f"load {name}: {line(figures)}")


def add_arguments(ap: argparse.ArgumentParser) -> None:
    """--users, --seconds, --embedded-every, --api-clients, --api-rounds, --index."""
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=300.0)
    ap.add_argument("--embedded-every", type=float, default=30.0,
                    help="one embedded answer per this many seconds (0: none)")  # fmt: skip
    ap.add_argument("--api-clients", type=int, default=50)
    ap.add_argument("--api-rounds", type=int, default=2)
    ap.add_argument("--index", type=Path, default=ROOT / "data" / "index")


def run(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Both runs (a run with 0 users or 0 clients is left out)."""
    out = {}
    if args.users:
        out["users"] = run_users(args.index, args.users, args.seconds, args.embedded_every)
    if args.api_clients:
        out["api"] = run_api(args.index, args.api_clients, args.api_rounds)
    return out


if __name__ == "__main__":
    main()
