"""The app's named API through gradio_client, and its MCP tools through the mcp client over
streamable HTTP, against the real app on 127.0.0.1 (extractive backend, small real index)."""

from __future__ import annotations

import ast
import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import start_app

QUESTION = "Which city did Kazakhstan propose for a UN regional hub?"


@pytest.fixture(scope="module")
def client(settings, embedder, small_index_dir):
    """An app of its own over the small index (read only; the upload test writes e2e_index)."""
    from gradio_client import Client

    demo, url = start_app(settings, small_index_dir, embedder, "extractive")
    yield Client(url, verbose=False)
    demo.close()


def test_the_api_has_four_named_endpoints_with_named_parameters(client):
    info = client.view_api(print_info=False, return_format="dict")
    named = info["named_endpoints"]
    assert set(named) == {"/ask", "/search", "/statement", "/stats"}
    assert not info["unnamed_endpoints"]  # the UI's own events are private
    params = [p["parameter_name"] for p in named["/ask"]["parameters"]]
    assert params[:4] == ["question", "country", "meeting", "speaker"] and "backend" in params
    assert "not found in the indexed statements" in named["/ask"]["description"].lower()


def test_ask_by_name_returns_the_checked_answer_with_record_links(client):
    out = client.predict(question=QUESTION, country=["Kazakhstan"], api_name="/ask")
    assert not out["refused"] and "Almaty" in out["answer"]
    cite = out["citations"][0]
    assert cite["url"] == "https://undocs.org/en/S/PV.7606" and cite["symbol"] == "S/PV.7606"
    st = client.predict(
        statement_id=cite["statement_id"],
        start=cite["start"],
        end=cite["end"],
        api_name="/statement",
    )
    assert st["quote"] == cite["quote"] and st["text"][cite["start"] : cite["end"]] == cite["quote"]


def test_search_and_stats_by_name(client):
    rows = client.predict(query="EUFOR Althea", k=3, api_name="/search")
    assert len(rows) == 3 and all(r["url"].startswith("https://undocs.org/en/") for r in rows)
    assert any(r["record"] == "record symbol unknown; draft S/2024/788" for r in rows)
    assert client.predict(api_name="/stats")["statements"] == 89


def test_an_api_error_is_one_sentence(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="not a date"):
        client.predict(query="peace", date_from="last year", api_name="/search")


@pytest.fixture(scope="module")
def mcp_url(settings, embedder, small_index_dir):
    demo, url = start_app(
        settings.updated({"serve.mcp_server": True}), small_index_dir, embedder, "extractive"
    )
    yield url + "gradio_api/mcp/"
    demo.close()


async def _mcp(url: str, calls: list[tuple[str, dict]]):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async with streamable_http_client(url) as (read, write, _), ClientSession(read, write) as s:
        await s.initialize()
        tools = (await s.list_tools()).tools
        results = [await s.call_tool(name, args) for name, args in calls]
    return tools, results


def test_mcp_lists_and_calls_the_tools(mcp_url):
    calls = [
        ("search_statements", {"query": "regional hub Almaty", "country": ["Kazakhstan"], "k": 2}),
        ("ask_statements", {"question": QUESTION, "backend": "extractive"}),
    ]
    # In a thread of its own: the session's Playwright browser holds this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        tools, (found, asked) = pool.submit(asyncio.run, _mcp(mcp_url, calls)).result()
    by_name = {t.name: t for t in tools}
    assert {"search_statements", "ask_statements"} <= set(by_name)
    assert set(by_name) <= {"search_statements", "ask_statements", "read_statement", "index_stats"}
    ask = by_name["ask_statements"]
    assert "official record" in ask.description
    assert {"question", "country", "meeting", "date_from"} <= set(ask.inputSchema["properties"])
    assert "e.g." in ask.inputSchema["properties"]["country"]["description"]
    assert not found.isError and not asked.isError
    # Gradio gives a tool's result as the text of the endpoint's return value (a Python literal)
    rows = ast.literal_eval(found.content[0].text)
    assert (
        rows[0]["country"] == "Kazakhstan" and rows[0]["url"] == "https://undocs.org/en/S/PV.7606"
    )
    answer = ast.literal_eval(asked.content[0].text)
    assert "Almaty" in answer["answer"] and answer["citations"][0]["url"].startswith(
        "https://undocs.org/"
    )
