"""The real app in Chromium: ask, follow a citation, filter, search, evaluate, ingest uploads."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUESTIONS = [json.loads(line) for line in (FIXTURES / "small_questions.jsonl").open()]
KAZAKHSTAN = next(q for q in QUESTIONS if q["qid"] == "q001")


def ask(page, question: str) -> float:
    """Type and send a question; wait for the checked answer; seconds taken."""
    before = page.locator("#chat .answer:not(.streaming)").count()
    page.fill("#question textarea", question)
    t0 = time.perf_counter()
    page.click("#ask")
    page.wait_for_function(
        f"document.querySelectorAll('#chat .answer:not(.streaming)').length > {before}"
    )
    return time.perf_counter() - t0


def pick(page, dropdown: str, value: str) -> None:
    """Choose a value in a gradio multiselect dropdown (its label may add a count: "France (6)")."""
    page.click(f"{dropdown} input")
    page.fill(f"{dropdown} input", value)
    label = re.compile(rf"^{re.escape(value)}( \(\d+\))?$".replace("/", r"\/"))
    page.get_by_role("option", name=label).first.click()
    page.keyboard.press("Escape")


def test_ask_then_citation_shows_exact_words(page, shots, small_index):
    elapsed = ask(page, KAZAKHSTAN["question"])
    page.screenshot(path=shots / "1-answer.png", full_page=True)
    chips = page.locator("#chat a.cite-chip")
    assert chips.count() >= 1, "the answer has no citation"
    assert page.locator("#evidence .ev-card").count() >= 1
    print(f"extractive answer in {elapsed:.1f}s")

    chips.first.click()
    mark = page.locator("#viewer mark#cited-span")
    mark.wait_for()
    assert page.locator("#evidence .ev-card.focused").count() == 1
    sid = page.locator("#viewer .viewer").get_attribute("data-sid")
    statement = small_index.meta.statement(sid)
    assert statement is not None and "Kazakhstan" in statement.country
    # The browser renders the text it was given; the highlight is words of the statement.
    assert mark.inner_text().strip() in statement.text.replace("\r", "")
    assert mark.is_visible()
    page.screenshot(path=shots / "2-statement.png", full_page=True)

    # A follow-up uses the conversation; then the chat can be cleared.
    ask(page, "And which city did it propose for a regional hub?")
    assert page.locator("#evidence .ev-turn").count() == 2
    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#chat .answer').length === 0")


def test_enter_sends_and_the_answer_is_quotes_with_who_said_them(page, shots):
    before = page.locator("#chat .answer:not(.streaming)").count()
    page.fill("#question textarea", "Which city did Kazakhstan offer for a UN regional hub?")
    page.press("#question textarea", "Enter")
    page.wait_for_function(
        f"document.querySelectorAll('#chat .answer:not(.streaming)').length > {before}"
    )
    answer = page.locator("#chat .answer").last
    quote = answer.locator("blockquote.quote").first
    assert "Almaty" in quote.inner_text() and "Kazakhstan (Mr. Kabentayev" in quote.inner_text()
    assert (
        "country: Kazakhstan (named in the question)"
        in page.locator("#chat .filters-banner").last.inner_text()
    )
    page.screenshot(path=shots / "1-enter.png", full_page=True)


def test_empty_question_is_a_clear_message(page):
    page.click("#ask")
    page.get_by_text("Type a question first.").wait_for()


def test_country_filter_limits_passages(page, shots):
    pick(page, "#f-country", "France")
    elapsed = ask(page, "What did the speaker say about the humanitarian situation?")
    page.screenshot(path=shots / "1-filtered-answer.png", full_page=True)
    assert "country: France" in page.locator("#chat .filters-banner").last.inner_text()
    page.get_by_role("tab", name="Search").click()
    page.fill("#search-query textarea", "humanitarian situation")
    page.click("#search-go")
    page.locator("#search-results .ev-card").first.wait_for()
    heads = page.locator("#search-results .ev-card .ev-head").all_inner_texts()
    assert heads and all("(France)" in h for h in heads), heads
    page.screenshot(path=shots / "2-filtered-search.png", full_page=True)
    print(f"filtered answer in {elapsed:.1f}s; {len(heads)} search results, all France")


def test_meeting_named_in_the_search_filters_to_it(page, shots):
    page.get_by_role("tab", name="Search").click()
    page.fill("#search-query textarea", "Iraq disarmament resolution 1441 at S/PV.4644")
    page.click("#search-go")
    page.locator("#search-results .ev-card").first.wait_for()
    banner = page.locator("#search-banner .filters-banner").inner_text()
    assert "meeting: S/PV.4644 (named in the question)" in banner
    cards = page.locator("#search-results .ev-card").all_inner_texts()
    assert cards and all("S/PV.4644" in c for c in cards), cards
    page.screenshot(path=shots / "named-meeting.png", full_page=True)


def test_statement_viewer_opens_neighbours(page, shots):
    pick(page, "#f-symbol", "S/PV.8706")
    page.get_by_role("tab", name="Search").click()
    page.fill("#search-query textarea", "Council")
    page.click("#search-go")
    page.locator("#search-results .open-stmt").first.click()
    viewer = page.locator("#search-viewer .viewer")
    viewer.wait_for()
    first = viewer.get_attribute("data-sid")
    page.locator("#search-viewer .nb .open-stmt").first.click()
    page.wait_for_function(
        f"document.querySelector('#search-viewer .viewer').dataset.sid !== {json.dumps(first)}"
    )
    page.screenshot(path=shots / "neighbour.png", full_page=True)


def test_evaluate_tab_shows_metrics(page, shots):
    page.get_by_role("tab", name="Evaluate").click()
    assert not page.locator("#eval-missing").count(), "the eval entry point is not installed"
    assert page.locator("#eval-set input").input_value() == "dev.jsonl"  # data/eval/, no path box
    assert not page.locator("#eval-path").count()
    page.locator("#eval-upload input[type=file]").set_input_files(
        str(FIXTURES / "small_questions.jsonl")
    )
    page.wait_for_timeout(500)
    page.fill("#eval-ks textarea", "1,5,10")
    page.click("#eval-run")
    page.locator("#eval-status", has_text="questions from small_questions.jsonl").wait_for(
        timeout=180_000
    )
    table = page.locator("#eval-metrics")
    assert "recall@5" in table.inner_text()
    assert re.search(r"hybrid", table.inner_text())
    page.screenshot(path=shots / "metrics.png", full_page=True)


def test_upload_malformed_files(page, shots, tmp_path):
    page.get_by_role("tab", name="Library").click()
    summary = page.locator("#library-summary")
    before = int(re.search(r"(\d+) statements", summary.inner_text()).group(1))
    good = {
        "id": "E2E_upload_1",
        "symbol": "S/PV.9999",
        "date": "2024-01-01",
        "speaker": "Ms. Test",
        "country": "Testland",
        "text": "Ms. Test (Testland): We support the mandate renewal of the mission.",
    }
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(good) + "\n{this is not json\n")
    unknown = tmp_path / "notes.docx"
    unknown.write_text("not a statement file")
    page.locator("#ingest-files input[type=file]").set_input_files([str(broken), str(unknown)])
    page.wait_for_timeout(500)
    page.click("#ingest-go")
    page.locator("#ingest-result", has_text="Added").wait_for(timeout=120_000)
    report = page.locator("#ingest-report").inner_text()
    page.screenshot(path=shots / "upload-errors.png", full_page=True)
    assert "unknown extension" in report
    assert "broken.jsonl line 2: not valid JSON" in report
    # Only the valid record of broken.jsonl is added; notes.docx adds nothing.
    summary.get_by_text(f"{before + 1} statements").wait_for()
