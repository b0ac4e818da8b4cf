"""Simulated users of the real app: searches, extractive and embedded answers, statement views.

Each user has its own gradio_client session and loops until the time is up: it picks an action,
runs it, then waits a reading time. Embedded answers come from a shared budget (one per
`embedded_every` seconds): the model answers one at a time. Each job's latency, error and the
queue positions it was told are kept; the server's RSS is read from /proc/PID/status.
Shared by tests/integration/test_load.py and bench/reliability.py.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from eval.metrics import percentile
from tests.kits import gradio_raw
from tests.kits.procs import proc_status

KINDS = ("search", "extractive", "embedded", "statement", "api_chat", "api_search")
WEIGHTS = {"search": 0.4, "extractive": 0.3, "statement": 0.3}


@dataclass
class Sample:
    """One action of one user."""

    kind: str
    seconds: float
    error: str | None = None
    position: int = 0  # the furthest queue position it was shown (1: next); 0: none shown


@dataclass
class LoadResult:
    """Every sample of a run and the server's memory."""

    users: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    rss_kb: list[tuple[float, int, int]] = field(default_factory=list)  # (time, kB, threads)

    def by_kind(self) -> dict[str, dict[str, Any]]:
        """n, errors, p50/p95/max seconds and the furthest queue position, per kind."""
        out = {}
        for kind in KINDS:
            got = [s for s in self.samples if s.kind == kind]
            if not got:
                continue
            ok = sorted(s.seconds for s in got if s.error is None) or [0.0]
            out[kind] = {
                "n": len(got),
                "errors": sum(s.error is not None for s in got),
                "p50": statistics.median(ok),
                "p95": percentile(ok, 95),
                "max": ok[-1],
                "behind": sum(s.position > 1 for s in got),  # shown a place behind others
                "position": max(s.position for s in got),
            }
        return out

    def errors(self) -> list[str]:
        """The distinct error messages (first 200 characters)."""
        return sorted({(s.error or "")[:200] for s in self.samples if s.error})


class Actions:
    """The app's endpoints for one user: the named API when it exists, else the UI's events."""

    def __init__(self, client: Any, base: str, cookies: dict[str, str] | None = None) -> None:
        self.client, self.base = client, base
        self.http = httpx.Client(timeout=600, cookies=cookies or {})
        self.session = getattr(client, "session_hash", "")  # the viewer's events: same tab
        named = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
        self.named = named
        self.ask_name = "/ask" if "/ask" in named else _first_with(named, "question")
        self.search_name = "/search" if "/search" in named else _first_with(named, "query")

    def search(self, query: str) -> tuple[Any, list[int]]:
        """Run a search; its output and the queue ranks seen."""
        return _run(self.client, self.search_name, self._args(self.search_name, query))

    def answer(self, question: str, backend: str) -> tuple[Any, list[int]]:
        """Ask a question with a backend; its output and the queue ranks seen."""
        return _run(self.client, self.ask_name, self._args(self.ask_name, question, backend))

    def statement(self, statement_id: str) -> tuple[Any, list[int]]:
        """Open a statement: /statement, or the viewer's 'open' event as a browser sends it."""
        if "/statement" in self.named:
            return _run(self.client, "/statement", {"statement_id": statement_id})
        event = {"sid": statement_id, "start": -1, "end": -1}
        out = gradio_raw.call(
            self.http, self.base, "on_open", [], event_data=event, session=self.session
        )
        if out.error:
            raise RuntimeError(out.error)
        return out.data, out.ranks

    def _args(self, name: str, text: str, backend: str = "") -> dict[str, Any]:
        """Every parameter of an endpoint: the text first, the backend, defaults for the rest."""
        args: dict[str, Any] = {}
        for i, p in enumerate(self.named[name]["parameters"]):
            kind = str(p.get("python_type", {}).get("type", ""))
            if i == 0:
                value: Any = text
            elif backend and (p["parameter_name"] == "backend" or "'extractive'" in kind):
                value = backend
            elif p.get("parameter_has_default"):
                value = p.get("parameter_default")
            else:
                value = "" if kind == "str" else None
            args[p["parameter_name"]] = value
        return args


def _first_with(named: dict[str, Any], first: str) -> str:
    for name, info in named.items():
        params = info.get("parameters") or []
        if params and params[0]["parameter_name"] == first:
            return name
    raise KeyError(f"no endpoint whose first parameter is {first!r}")


def _run(client: Any, api_name: str, args: dict[str, Any]) -> tuple[Any, list[int]]:
    """Submit a job and poll its status until done: (result, queue ranks it was told)."""
    from gradio_client.utils import Status

    job = client.submit(api_name=api_name, **args)
    ranks: list[int] = []
    while not job.done():
        status = job.status()
        if status.code == Status.IN_QUEUE and status.rank is not None:
            ranks.append(int(status.rank))
        time.sleep(0.05)
    return job.result(), ranks


def watch_ranks(jobs: list[Any]) -> list[int]:
    """Poll submitted jobs until all are done: every queue rank they were told (0: next)."""
    from gradio_client.utils import Status

    ranks: list[int] = []
    while not all(job.done() for job in jobs):
        for job in jobs:
            status = job.status()
            if status.code == Status.IN_QUEUE and status.rank is not None:
                ranks.append(int(status.rank))
        time.sleep(0.05)
    return ranks


@dataclass
class Plan:
    """What the simulated users do."""

    questions: list[str]
    statement_ids: list[str]
    think: tuple[float, float] = (3.0, 12.0)  # seconds a user reads before the next action
    embedded_every: float = 0.0  # one embedded answer per this many seconds (0: none)
    seed: int = 12


def plan_from(questions_file: Path, **options: Any) -> Plan:
    """Questions and statement ids (their gold statements) from an evaluation file."""
    rows = [json.loads(line) for line in Path(questions_file).read_text().splitlines() if line]
    questions = [r["question"] for r in rows if r.get("question")]
    ids = sorted({i for r in rows for i in r.get("gold_ids") or []})
    return Plan(questions, ids, **options)


def run_load(
    base: str, pid: int, users: int, seconds: float, plan: Plan, client_factory: Callable[[], Any]
) -> LoadResult:
    """`users` threads, each its own client, for `seconds`; the server's RSS every 5 s."""
    result = LoadResult(users, seconds)
    lock = threading.Lock()
    budget = _Budget(plan.embedded_every)
    start = time.perf_counter()
    stop = start + seconds

    def user(n: int) -> None:
        rng = random.Random(plan.seed * 1000 + n)
        actions = Actions(client_factory(), base)
        time.sleep(rng.uniform(0, plan.think[1]))  # users arrive spread out
        while time.perf_counter() < stop:
            sample = _act(actions, rng, plan, budget)
            with lock:
                result.samples.append(sample)
            time.sleep(rng.uniform(*plan.think))

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]

    def sample() -> None:
        status = proc_status(pid)
        result.rss_kb.append((time.perf_counter() - start, status["VmRSS"], status["Threads"]))

    sample()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        time.sleep(5)
        sample()
    return result


class _Budget:
    """One embedded answer per `every` seconds, shared by all users."""

    def __init__(self, every: float) -> None:
        self.every, self.next = every, time.perf_counter() + every / 2
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.every <= 0 or time.perf_counter() < self.next:
                return False
            self.next += self.every
            return True


def _act(actions: Actions, rng: random.Random, plan: Plan, budget: _Budget) -> Sample:
    """One action, timed; an exception is the sample's error."""
    kind = "embedded" if budget.take() else rng.choices(*zip(*WEIGHTS.items(), strict=True))[0]
    t0 = time.perf_counter()
    ranks: list[int] = []
    try:
        if kind == "search":
            out, ranks = actions.search(rng.choice(plan.questions))
        elif kind == "statement":
            out, ranks = actions.statement(rng.choice(plan.statement_ids))
        else:
            out, ranks = actions.answer(rng.choice(plan.questions), kind)
        _check(kind, out)
        error = None
    except Exception as err:  # a load run counts every failure, whatever it is
        error = f"{type(err).__name__}: {err}"
    position = max(ranks) + 1 if ranks else 0
    return Sample(kind, time.perf_counter() - t0, error, position)


def _check(kind: str, out: Any) -> None:
    """An output that is not what the action gives is an error too: an answer is refused or
    carries citations, each naming its statement and quote."""
    text = json.dumps(out, default=str)
    if kind == "statement" and "statement" not in text and "viewer" not in text:
        raise AssertionError("no statement in the output")
    if kind not in ("extractive", "embedded"):
        return
    if isinstance(out, dict) and "citations" in out:
        cites = out["citations"]
        if not (cites or out.get("refused")) or not all(
            c.get("statement_id") and c.get("quote") for c in cites
        ):
            raise AssertionError(f"an answer without citations: {out.get('answer', '')[:120]!r}")
    elif not re.search(r"cite-chip|Not found", text):
        raise AssertionError("no answer in the output")
