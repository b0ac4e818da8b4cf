"""Backends without a model: SSE parsing, retries against a real local HTTP server, registry, GGUF
assembly on small fake part files."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag.backends import GenerationParams, complete, gguf, make_backend, register, registry
from rag.backends.embedded import EmbeddedBackend
from rag.backends.openai_http import OpenAIBackend, delta_text, parse_sse, root_url
from rag.errors import BackendError, ModelError

ASK = [{"role": "user", "content": "Hello?"}]
FAST = GenerationParams(max_tokens=8, timeout_s=5)

# --- a scripted OpenAI-compatible server (stdlib, 127.0.0.1, random port) ---------------------

Reply = tuple[int, dict[str, str], bytes]


def sse(*texts: str) -> Reply:
    events = [{"choices": [{"delta": {"role": "assistant", "content": None}}]}]
    events += [{"choices": [{"delta": {"content": t}}]} for t in texts]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return 200, {"Content-Type": "text/event-stream"}, body.encode()


def js(status: int, body: object, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(body).encode()


class Fake:
    """Replies to chat requests from a script, in order; records what it received."""

    def __init__(self) -> None:
        self.script: list[Reply] = []
        self.models: list[str] = ["a", "b"]
        self.requests: list[dict[str, object]] = []
        self.delay_s = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                data = [{"id": m, "object": "model"} for m in fake.models]
                self._send(js(200, {"object": "list", "data": data}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                fake.requests.append({"body": body, "auth": self.headers.get("Authorization")})
                time.sleep(fake.delay_s)
                self._send(fake.script.pop(0) if fake.script else sse("ok"))

            def _send(self, reply: Reply) -> None:
                status, headers, payload = reply
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler still sleeping must not delay teardown
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def backend(self, **options: object) -> OpenAIBackend:
        return OpenAIBackend(self.url, "m", backoff_s=0.01, **options)  # type: ignore[arg-type]


@pytest.fixture
def fake() -> Iterator[Fake]:
    server = Fake()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- SSE parsing -------------------------------------------------------------------------------


def test_parse_sse_skips_comments_and_fields_and_stops_at_done() -> None:
    lines = [": ping", "event: message", 'data: {"choices":[{"delta":{"content":"a"}}]}', ""]
    lines += ['data:{"choices":[{"delta":{"content":"b"}}]}', "data: [DONE]", "data: {bad"]
    assert [delta_text(e) for e in parse_sse(lines)] == ["a", "b"]


def test_parse_sse_raises_on_non_json_and_on_error_events() -> None:
    with pytest.raises(BackendError, match="OpenAI-style JSON"):
        list(parse_sse(["data: <html>"]))
    with pytest.raises(BackendError, match="mid-answer: overloaded"):
        list(parse_sse(['data: {"error": {"message": "overloaded"}}']))


def test_delta_text_handles_role_only_and_legacy_chunks() -> None:
    assert delta_text({"choices": [{"delta": {"role": "assistant", "content": None}}]}) == ""
    assert delta_text({"choices": [{"text": "x"}]}) == "x"
    assert delta_text({}) == ""


def test_root_url_accepts_v1_and_trailing_slash() -> None:
    assert root_url("http://h:1/v1/") == root_url("http://h:1/") == "http://h:1"


# --- HTTP behaviour against the real local server ---------------------------------------------


def test_streams_deltas_and_sends_bearer_key(fake: Fake) -> None:
    fake.script = [sse("Par", "is")]
    assert list(fake.backend(api_key="k").stream(ASK, FAST)) == ["Par", "is"]
    assert fake.requests[0]["auth"] == "Bearer k"
    body = fake.requests[0]["body"]
    assert isinstance(body, dict) and body["stream"] is True and body["model"] == "m"


def test_retries_a_500_then_succeeds(fake: Fake) -> None:
    fake.script = [js(500, {"error": {"message": "boom"}}), sse("fine")]
    assert complete(fake.backend(), ASK, FAST) == "fine"
    assert len(fake.requests) == 2


def test_429_honours_retry_after_then_succeeds(fake: Fake) -> None:
    fake.script = [js(429, {"error": "slow down"}, **{"Retry-After": "0"}), sse("ok")]
    assert complete(fake.backend(), ASK, FAST) == "ok"


def test_gives_up_after_retries_with_status_and_message(fake: Fake) -> None:
    fake.script = [js(503, {"error": {"message": "loading"}})] * 3
    with pytest.raises(BackendError, match=r"HTTP 503 after 3 attempts: loading"):
        complete(fake.backend(retries=2), ASK, FAST)
    assert len(fake.requests) == 3


def test_does_not_retry_a_400(fake: Fake) -> None:
    fake.script = [js(400, {"error": {"message": "bad max_tokens"}})]
    with pytest.raises(BackendError, match=r"HTTP 400: bad max_tokens"):
        complete(fake.backend(), ASK, FAST)
    assert len(fake.requests) == 1


def test_unknown_model_404_lists_available_models(fake: Fake) -> None:
    fake.script = [js(404, {"error": {"message": "The model `m` does not exist."}})]
    with pytest.raises(BackendError, match=r"has no model 'm'; available: a, b\.$"):
        complete(fake.backend(), ASK, FAST)


def test_unknown_model_in_an_ollama_style_error_body(fake: Fake) -> None:
    fake.script = [js(400, {"error": 'model "m" not found, try pulling it first'})]
    with pytest.raises(BackendError, match=r"has no model 'm'"):
        complete(fake.backend(), ASK, FAST)


def test_404_for_a_listed_model_is_not_called_unknown(fake: Fake) -> None:
    fake.models = ["m"]
    fake.script = [js(404, {"error": "no such route"})]
    with pytest.raises(BackendError, match=r"HTTP 404: no such route"):
        complete(fake.backend(), ASK, FAST)


def test_unauthorised_names_the_key_setting(fake: Fake) -> None:
    fake.script = [js(401, {"error": {"message": "bad key"}})]
    with pytest.raises(BackendError, match="UNSC_RAG_OPENAI_API_KEY"):
        complete(fake.backend(), ASK, FAST)


def test_garbage_body_is_a_clear_error(fake: Fake) -> None:
    fake.script = [(200, {"Content-Type": "text/html"}, b"data: <html>proxy login</html>\n\n")]
    with pytest.raises(BackendError, match="did not answer with OpenAI-style JSON"):
        complete(fake.backend(), ASK, FAST)


def test_a_non_streamed_json_answer_is_accepted(fake: Fake) -> None:
    fake.script = [js(200, {"choices": [{"message": {"role": "assistant", "content": "whole"}}]})]
    assert list(fake.backend().stream(ASK, FAST)) == ["whole"]


def test_read_timeout_is_a_clear_error(fake: Fake) -> None:
    fake.delay_s = 1.0
    with pytest.raises(BackendError, match=r"did not answer within 0\.2 s"):
        complete(fake.backend(), ASK, GenerationParams(timeout_s=0.2))


def test_server_down_after_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    backend = OpenAIBackend(url + "/v1", "m", retries=2, backoff_s=0.01)
    message = f"Cannot reach the LLM server at {url}: connection refused. Start it or set"
    with pytest.raises(BackendError, match=message):
        complete(backend, ASK, FAST)


def test_bad_messages_are_refused_before_any_request() -> None:
    with pytest.raises(BackendError, match="No messages"):
        complete(OpenAIBackend("http://127.0.0.1:9", "m"), [], FAST)
    with pytest.raises(BackendError, match="role"):
        complete(OpenAIBackend("http://127.0.0.1:9", "m"), [{"role": "bot", "content": ""}])


# --- registry ----------------------------------------------------------------------------------


def test_unknown_backend_lists_known_names() -> None:
    with pytest.raises(BackendError, match=r"known backends: .*embedded.*openai"):
        make_backend("nope")


def test_wrong_option_is_a_backend_error() -> None:
    with pytest.raises(BackendError, match="Wrong options for the LLM backend 'openai'"):
        make_backend("openai", base_url="http://x", model="m", colour="red")


def test_make_backend_builds_the_named_backend() -> None:
    backend = make_backend("openai", base_url="http://h:1/v1", model="m", context_tokens=4096)
    assert isinstance(backend, OpenAIBackend) and backend.context_tokens == 4096
    assert isinstance(make_backend("embedded", model_path=Path("x.gguf")), EmbeddedBackend)


class Echo:
    name = "echo"
    context_tokens = 100

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        yield from messages[-1]["content"].split(" ")


def test_register_adds_a_backend_and_refuses_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "BACKENDS", dict(registry.BACKENDS))
    register("echo", Echo)
    assert complete(make_backend("echo"), [{"role": "user", "content": "a b"}]) == "ab"
    with pytest.raises(BackendError, match="already registered"):
        register("echo", Echo)
    register("echo", Echo, replace=True)


# --- embedded: model-file errors (no model is loaded) ------------------------------------------


def test_missing_model_file_is_one_sentence(tmp_path: Path) -> None:
    backend = EmbeddedBackend(model_path=tmp_path / "none.gguf")
    with pytest.raises(ModelError, match=r"cannot be loaded: No such file.*make setup"):
        complete(backend, ASK, FAST)


def test_a_file_that_is_not_gguf_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"<html>not a model</html>")
    with pytest.raises(ModelError, match="it is not a GGUF file"):
        EmbeddedBackend(model_path=bad).load()


# --- GGUF assembly -----------------------------------------------------------------------------


def make_parts(folder: Path, count: int) -> tuple[list[Path], str]:
    """Parts named like the wheels' (part01.bin …); returns them and the sha of the whole."""
    parts, digest = [], hashlib.sha256()
    for number in range(1, count + 1):
        data = f"<{number}>".encode() * 3
        part = folder / f"pkg{number}" / "data" / f"part{number:02d}.bin"
        part.parent.mkdir(parents=True)
        part.write_bytes(data)
        parts.append(part)
        digest.update(data)
    return parts, digest.hexdigest()


def test_parts_sort_by_number_not_by_text() -> None:
    names = [Path(f"part{n}.bin") for n in (10, 2, 1, 11)]
    assert [p.name for p in gguf.sort_parts(names)] == [
        "part1.bin",
        "part2.bin",
        "part10.bin",
        "part11.bin",
    ]


def test_assembles_in_order_and_reuses_the_verified_file(tmp_path: Path) -> None:
    parts, sha = make_parts(tmp_path, 11)
    target = tmp_path / "out" / "m.gguf"
    order = gguf.sort_parts(reversed(parts))
    assert gguf.assemble(order, target, sha) == target
    assert target.read_bytes() == b"".join(p.read_bytes() for p in parts)
    stamp = target.stat().st_mtime_ns
    for part in parts:  # a verified file needs no parts any more
        part.unlink()
    assert gguf.assemble(order, target, sha) == target
    assert target.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in target.parent.iterdir()) == ["m.gguf", "m.gguf.sha256"]


def test_a_changed_file_is_rebuilt(tmp_path: Path) -> None:
    parts, sha = make_parts(tmp_path, 3)
    target = tmp_path / "m.gguf"
    gguf.assemble(parts, target, sha)
    target.write_bytes(b"corrupted")
    gguf.assemble(parts, target, sha)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == sha


def test_sha_mismatch_fails_and_leaves_no_file(tmp_path: Path) -> None:
    parts, _ = make_parts(tmp_path, 3)
    target = tmp_path / "out" / "m.gguf"
    with pytest.raises(ModelError, match="expected 000000000000"):
        gguf.assemble(parts, target, "0" * 64)
    assert list(target.parent.iterdir()) == []


def test_missing_part_file_names_it(tmp_path: Path) -> None:
    parts, sha = make_parts(tmp_path, 3)
    parts[1].unlink()
    with pytest.raises(ModelError, match=r"part02\.bin is missing; run `make setup`"):
        gguf.assemble(parts, tmp_path / "m.gguf", sha)
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == []


def test_missing_part_package_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf, "PART_PACKAGE", "no_such_unsc_part_{}")
    with pytest.raises(ModelError, match=r"Model part 1 of 22 \(package no_such_unsc_part_1\)"):
        gguf.installed_parts()


def test_installed_parts_are_the_22_wheels_in_order() -> None:
    parts = gguf.installed_parts()
    assert [p.name for p in parts] == [f"part{n:02d}.bin" for n in range(1, 23)]
