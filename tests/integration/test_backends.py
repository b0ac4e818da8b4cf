"""Both backends with the real bundled GGUF: in-process, and over xllamacpp's own HTTP server.

xllamacpp's server answers whatever `model` name it is sent, so the unknown-model error is
tested against the scripted stdlib server in tests/unit/test_backends_unit.py instead.
"""

from __future__ import annotations

import socket
import threading

import pytest

from rag.backends import GenerationParams, make_backend
from rag.backends.embedded import EmbeddedBackend
from rag.backends.openai_http import OpenAIBackend
from rag.errors import BackendError
from tests.conftest import LLM_ALIAS as ALIAS

pytestmark = pytest.mark.slow

CAPITAL = [
    {
        "role": "user",
        "content": "What is the capital of France? Answer in one short sentence.",
    }
]
SHORT = GenerationParams(max_tokens=12, timeout_s=120)


@pytest.fixture(scope="session")
def embedded() -> EmbeddedBackend:
    backend = EmbeddedBackend(n_ctx=1024)
    backend.load()
    return backend


def test_embedded_streams_a_right_answer(embedded: EmbeddedBackend) -> None:
    deltas = list(embedded.stream(CAPITAL, SHORT))
    assert len(deltas) > 1
    assert "Paris" in "".join(deltas)


def test_embedded_serialises_concurrent_generations(embedded: EmbeddedBackend) -> None:
    answers: list[str] = []

    def ask() -> None:
        answers.append("".join(embedded.stream(CAPITAL, GenerationParams(max_tokens=8))))

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == 2 and all("Paris" in a for a in answers)


def test_embedded_stops_when_the_reader_stops(embedded: EmbeddedBackend) -> None:
    ask = [{"role": "user", "content": "Count from 1 to 200, separated by commas."}]
    stream = embedded.stream(ask, GenerationParams(max_tokens=400))
    next(stream)
    stream.close()  # cancels the generation and frees the model for the next caller
    assert "Paris" in "".join(embedded.stream(CAPITAL, SHORT))


def test_embedded_prompt_too_long_is_a_clear_error(embedded: EmbeddedBackend) -> None:
    ask = [{"role": "user", "content": "word " * 1500}]
    with pytest.raises(BackendError, match="does not fit the embedded model's context of 1024"):
        list(embedded.stream(ask, SHORT))


def test_server_listens_on_loopback_only(server_url: str) -> None:
    assert server_url.startswith("http://127.0.0.1:")


def test_openai_backend_streams_from_a_real_server(server_url: str) -> None:
    backend = make_backend("openai", base_url=server_url + "/v1", model=ALIAS)
    assert backend.name == "openai"
    deltas = list(backend.stream(CAPITAL, SHORT))
    assert len(deltas) > 1
    assert "Paris" in "".join(deltas)


def test_openai_backend_lists_the_served_model(server_url: str) -> None:
    assert ALIAS in OpenAIBackend(server_url, ALIAS).available_models()


def test_openai_backend_stop_sequence(server_url: str) -> None:
    backend = OpenAIBackend(server_url, ALIAS)
    params = GenerationParams(max_tokens=40, stop=(",",))
    ask = [{"role": "user", "content": "List the numbers 1 to 10 separated by commas."}]
    assert "," not in "".join(backend.stream(ask, params))


def test_openai_backend_on_an_unused_port_says_so() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = OpenAIBackend(f"http://127.0.0.1:{port}", ALIAS, retries=1, backoff_s=0.01)
    with pytest.raises(BackendError, match=r"connection refused\. Start it or set"):
        list(backend.stream(CAPITAL, SHORT))


def test_embedded_side_http_port_is_locked(embedded: EmbeddedBackend) -> None:
    import httpx

    from rag.backends import embedded as module

    (loaded,) = [v for k, v in module._LOADED.items() if k[1] == embedded.context_tokens]
    url = str(loaded.server.listening_address)
    assert url.startswith("http://127.0.0.1:")
    assert httpx.get(url + "/v1/models", timeout=10).status_code == 401
