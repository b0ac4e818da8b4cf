"""The real app in Chromium: record links in cards and viewer, and the downloads under an answer
and under the search results."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_app import KAZAKHSTAN, ask


def test_answer_downloads_and_record_links(page, shots):
    ask(page, KAZAKHSTAN["question"])
    link = page.locator("#evidence .ev-card a.rec-link").first
    assert link.get_attribute("href") == "https://undocs.org/en/S/PV.7606"
    assert link.get_attribute("target") == "_blank"
    downloads = page.locator("#chat .downloads").last
    assert downloads.inner_text().startswith("Download: Markdown · CSL-JSON · BibTeX · RIS")
    with page.expect_download() as md_info:
        downloads.locator('a[data-format="md"]').click()
    md = Path(md_info.value.path()).read_text(encoding="utf-8")
    assert md_info.value.suggested_filename == "unsc-answer-1.md"
    assert "[^1]: Mr. Kabentayev, Kazakhstan, S/PV.7606, 19 January 2016" in md
    with page.expect_download() as csl_info:
        downloads.locator('a[data-format="csljson"]').click()
    items = json.loads(Path(csl_info.value.path()).read_text(encoding="utf-8"))
    assert (
        items[0]["number"] == "S/PV.7606" and items[0]["URL"] == "https://undocs.org/en/S/PV.7606"
    )
    page.locator("#chat a.cite-chip").first.click()
    viewer_link = page.locator("#viewer a.rec-link")
    viewer_link.wait_for()
    assert viewer_link.get_attribute("href") == "https://undocs.org/en/S/PV.7606"
    page.screenshot(path=shots / "answer-downloads.png", full_page=True)


def test_search_results_download_as_csv_and_unknown_symbols_are_said(page, shots):
    page.get_by_role("tab", name="Search").click()
    page.fill("#search-query textarea", "EUFOR Althea draft resolution")
    page.click("#search-go")
    page.locator("#search-results .ev-card").first.wait_for()
    metas = page.locator("#search-results .ev-meta").all_inner_texts()
    assert any("record symbol unknown; draft S/2024/" in m for m in metas), metas
    with page.expect_download() as info:
        page.locator('#search-results a[data-format="csv"]').click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert text.startswith("rank,score,statement_id") and "https://undocs.org/en/" in text
    page.screenshot(path=shots / "search-csv.png", full_page=True)
