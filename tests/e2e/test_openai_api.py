"""`unsc-rag api` against the official `openai` client and raw SSE: the real server on
127.0.0.1 over the small real index, read only (extractive backend; one test with the embedded
model). Not the e2e copy of the index: the upload test adds statements to that one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import openai
import pytest

from tests.e2e.conftest import free_port

KEY = "test-key-123"
QUESTION = "Which city did Kazakhstan propose for a UN regional hub?"


def serve(app) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread until the test module ends."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the API server did not start"
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=30)


def api_settings(settings, **extra):
    return settings.updated({"answer.backend": "extractive", "answer.rewrite_backend": "", **extra})


@pytest.fixture(scope="module")
def api_url(settings, embedder, small_index_dir) -> Iterator[str]:
    from ui.api import build_server_app

    app = build_server_app(
        api_settings(settings, **{"serve.api_key": KEY}), small_index_dir, embedder=embedder
    )
    yield from serve(app)


@pytest.fixture(scope="module")
def client(api_url) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{api_url}/v1", api_key=KEY, max_retries=0, timeout=600)


def test_models_lists_unsc_rag_and_the_backends(client):
    ids = [m.id for m in client.models.list()]
    assert ids == ["unsc-rag", "unsc-rag-extractive", "unsc-rag-embedded", "unsc-rag-openai"]


def test_chat_completion_is_the_checked_answer_with_its_citations(client):
    resp = client.chat.completions.create(
        model="unsc-rag",
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": QUESTION},
        ],
        extra_body={"filters": {"country": ["Kazakhstan"]}},
    )
    message = resp.choices[0].message
    assert "Almaty" in message.content and "[1]" in message.content
    citations = message.model_extra["citations"]
    first = citations[0]
    assert set(first) >= {"n", "statement_id", "speaker", "country", "symbol", "date", "url",
                          "quote", "start", "end", "supported"}  # fmt: skip
    assert first["n"] == 1 and first["url"] == "https://undocs.org/en/S/PV.7606"
    assert first["country"] == "Kazakhstan"
    assert " ".join(first["quote"].split()) in message.content  # the exact words, one line


def test_streamed_answer_is_the_same_text_and_ends_with_the_citations(client):
    plain = client.chat.completions.create(
        model="unsc-rag-extractive", messages=[{"role": "user", "content": QUESTION}]
    )
    stream = client.chat.completions.create(
        model="unsc-rag-extractive", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    text, last = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            if chunk.choices[0].finish_reason == "stop":
                last = chunk
    assert text == plain.choices[0].message.content
    assert (
        last is not None
        and last.model_extra["citations"] == plain.choices[0].message.model_extra["citations"]
    )


def test_a_follow_up_uses_the_conversation(client):
    first = client.chat.completions.create(
        model="unsc-rag",
        messages=[{"role": "user", "content": "What did Kazakhstan say about peacekeeping?"}],
    )
    follow = client.chat.completions.create(
        model="unsc-rag",
        messages=[
            {"role": "user", "content": "What did Kazakhstan say about peacekeeping?"},
            {"role": "assistant", "content": first.choices[0].message.content},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "And which city did it propose for a regional hub?"}
                ],
            },
        ],
    )
    assert "Almaty" in follow.choices[0].message.content


def test_raw_sse_source_events_are_well_formed(api_url):
    body = {
        "model": "unsc-rag",
        "stream": True,
        "messages": [{"role": "user", "content": QUESTION}],
    }
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.stream(
        "POST", f"{api_url}/v1/chat/completions", json=body, headers=headers, timeout=600
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    objs = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    assert all(o["object"] == "chat.completion.chunk" for o in objs)
    sources = [o["event"] for o in objs if o.get("event", {}).get("type") == "source"]
    final = next(o for o in objs if o.get("citations"))
    assert len(sources) == len(final["citations"]) >= 1
    for ev, cite in zip(sources, final["citations"], strict=True):
        data = ev["data"]
        assert (
            data["source"]["name"].startswith(f"[{cite['n']}] ")
            and data["source"]["url"] == cite["url"]
        )
        assert data["document"] == [cite["quote"]]
        assert data["metadata"] == [
            {"source": cite["url"], "name": data["source"]["name"], "url": cite["url"]}
        ]
    assert any(o.get("event", {}).get("type") == "status" for o in objs)


def test_search_returns_passages_with_links(api_url):
    r = httpx.post(
        f"{api_url}/v1/search",
        json={"query": "EUFOR Althea", "k": 3, "filters": {"date_from": "2024"}},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    rows = r.json()["data"]
    assert r.status_code == 200 and len(rows) == 3
    assert all(
        row["record"] == "record symbol unknown; draft " + row["related_document"] for row in rows
    )


def test_errors_are_openai_error_objects(client, api_url):
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(
            model="unsc-rag", messages=[{"role": "user", "content": "  "}]
        )
    assert empty.value.status_code == 400 and "question is empty" in empty.value.message
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="gpt-4", messages=[{"role": "user", "content": QUESTION}]
        )
    bad = openai.OpenAI(base_url=f"{api_url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as denied:
        bad.models.list()
    assert denied.value.status_code == 401
    r = httpx.post(
        f"{api_url}/v1/chat/completions",
        json={"model": "unsc-rag"},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert r.status_code == 400 and set(r.json()["error"]) == {"message", "type", "param", "code"}
    assert "Traceback" not in r.text
    r = httpx.post(
        f"{api_url}/v1/search",
        json={"query": "x", "filters": {"date_from": "soon"}},
        headers={"Authorization": f"Bearer {KEY}"},
    )
    assert r.status_code == 400 and "not a date" in r.json()["error"]["message"]


def test_a_model_that_cannot_load_is_a_503(settings, embedder, small_index_dir, tmp_path):
    from ui.api import build_server_app

    broken = api_settings(settings, **{"answer.embedded.model_path": tmp_path / "missing.gguf"})
    for url in serve(build_server_app(broken, small_index_dir, embedder=embedder)):
        c = openai.OpenAI(base_url=f"{url}/v1", api_key="none", max_retries=0)
        with pytest.raises(openai.InternalServerError) as err:
            c.chat.completions.create(
                model="unsc-rag-embedded",
                messages=[{"role": "user", "content": QUESTION}],
                stream=True,
            )
        assert err.value.status_code == 503 and "Traceback" not in err.value.message


def test_one_process_serves_the_api_and_the_ui(settings, embedder, small_index_dir):
    from ui.api import build_server_app

    for url in serve(
        build_server_app(api_settings(settings), small_index_dir, with_ui=True, embedder=embedder)
    ):
        assert httpx.get(f"{url}/v1/models").json()["data"][0]["id"] == "unsc-rag"
        page = httpx.get(f"{url}/ui/", follow_redirects=True)
        assert page.status_code == 200 and "<html" in page.text.lower()


@pytest.mark.slow
def test_the_embedded_model_streams_a_checked_answer(client):
    stream = client.chat.completions.create(
        model="unsc-rag-embedded", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    text, citations = "", []
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
            citations = chunk.model_extra.get("citations") or citations
    assert (
        "Almaty" in text and citations and citations[0]["url"].startswith("https://undocs.org/en/")
    )
