"""The embedded LLM answering through the browser: a streamed answer or an honest refusal."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

QUESTION = json.loads(
    (Path(__file__).parents[1] / "fixtures/small_questions.jsonl").open().readline()
)

QUOTES = """() => document.querySelector('#chat .answer.streaming blockquote.quote') !== null
  || document.querySelector('#chat .answer:not(.streaming)') !== null"""
FIRST_TOKEN = """() => {
  const s = document.querySelector('#chat .answer.streaming .lead');
  return (s && s.textContent.replace('▍', '').trim().length > 0)
    || document.querySelector('#chat .answer:not(.streaming)') !== null;
}"""


@pytest.mark.slow
def test_embedded_answer_streams(app_factory, page_factory, small_index_dir, shots):
    page = page_factory(app_factory(small_index_dir, "embedded"))
    page.fill("#question textarea", QUESTION["question"])
    t0 = time.perf_counter()
    page.click("#ask")
    page.wait_for_function(QUOTES, timeout=240_000)
    quotes = time.perf_counter() - t0
    streaming = page.locator("#chat .answer.streaming").count() == 1
    page.wait_for_function(FIRST_TOKEN, timeout=240_000)
    first = time.perf_counter() - t0
    page.screenshot(path=shots / "1-streaming.png", full_page=True)
    page.locator("#chat .answer:not(.streaming)").wait_for(timeout=300_000)
    full = time.perf_counter() - t0
    page.screenshot(path=shots / "2-answer.png", full_page=True)
    text = page.locator("#chat .answer").last.inner_text()
    refused = "Not found in the indexed statements." in text
    assert refused or page.locator("#chat a.cite-chip").count() >= 1, text
    # The quotes were on screen while the model was still writing its lead sentence.
    assert refused or streaming, "the quotes appeared only with the final answer"
    assert refused or page.locator("#evidence .ev-card").count() >= 1
    print(
        f"\nembedded backend (cold, model load included): quotes {quotes:.1f}s, first token "
        f"{first:.1f}s, full answer {full:.1f}s, refused={refused}\n{text}"
    )
