"""`unsc-rag api`'s limit on chat completions at once: a few run, some wait, the rest get a 503
with a sentence and Retry-After (no model: a stub engine)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from rag.settings import Settings
from ui.api import create_api
from ui.api_gate import Busy, Gate


def test_gate_lets_some_run_some_wait_and_refuses_the_rest() -> None:
    gate = Gate(running=1, waiting=1)
    gate.enter()  # runs
    gate.admitted += 1  # stands for one blocked waiting (enter would block this thread)
    with pytest.raises(Busy, match=r"1 running, 1 waiting\): retry in a few seconds"):
        gate.enter()
    gate.admitted -= 1
    gate.leave()
    with gate.slot():
        assert gate.admitted == 1
    assert gate.admitted == 0


def test_a_stream_gives_its_slot_back_when_read_to_the_end_or_dropped() -> None:
    gate = Gate(running=1, waiting=0)
    gate.enter()
    assert list(gate.held(iter(["a", "b"]))) == ["a", "b"]
    assert gate.admitted == 0
    gate.enter()
    stream = gate.held(iter(["a"]))
    del stream  # the client left before reading: the slot frees anyway
    assert gate.admitted == 0
    gate.enter()  # and it was given back once only: the semaphore still counts one
    with pytest.raises(Busy):
        gate.enter()


class _Pipeline:
    backend = rewriter = None

    def ask(self, *_: Any) -> Any:
        raise AssertionError("a refused request must not be answered")


class _Engine:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def pipeline(self, *_: Any) -> _Pipeline:
        return _Pipeline()


def test_api_refuses_a_chat_completion_with_503_when_too_many_wait() -> None:
    s = Settings().updated({"serve.api_chat_concurrency": 1, "serve.api_chat_queue": 0})
    app = create_api(s, _Engine(s), "extractive")  # type: ignore[arg-type]
    app.state.chat_gate.enter()  # another request holds the one slot
    body = {"messages": [{"role": "user", "content": "What did France say?"}]}
    r = TestClient(app).post("/v1/chat/completions", json=body)
    assert r.status_code == 503
    assert r.headers["retry-after"] == "5"
    error = r.json()["error"]
    assert error["code"] == "server_busy"
    assert "Too many chat completions at once (1 running, 0 waiting)" in error["message"]
