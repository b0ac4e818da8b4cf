"""The Positions and Timeline tabs in Chromium over the small index: one row per delegation
that spoke, quotes that open the viewer at their words, sorting, presets, downloads, the plot;
and the Country dropdown with one entry (and its count) per delegation."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from tests.e2e.test_app import pick


def pick_again(page, dropdown: str, value: str) -> None:
    """A further choice in a multiselect: its list opens again only once it lost the focus."""
    page.locator(f"{dropdown} input").blur()
    pick(page, dropdown, value)


MEETING = "S/PV.8706"  # the resumption in the small index: eight speakers
QUESTION = "Which delegations welcomed the Jerusalem appeal signed in Rabat?"


def compare(page) -> float:
    """Click Compare; wait for the table; seconds taken."""
    before = page.locator("#pos-status").inner_text()
    t0 = time.perf_counter()
    page.click("#pos-go")
    page.wait_for_function(
        "(b) => document.querySelector('#pos-status').innerText !== b "
        "&& document.querySelector('#pos-table table.pos-table')",
        arg=before,
    )
    return time.perf_counter() - t0


def rows(page) -> list[str]:
    return page.locator("#pos-table tr[data-delegation]").evaluate_all(
        "els => els.map(e => e.dataset.delegation)"
    )


def test_positions_table_one_row_per_speaker_quotes_open_the_viewer(page, shots, small_index):
    page.get_by_role("tab", name="Positions").click()
    page.fill("#pos-question textarea", QUESTION)
    pick(page, "#pos-symbol", MEETING)
    elapsed = compare(page)
    page.screenshot(path=shots / "1-positions.png", full_page=True)
    names = rows(page)
    assert len(names) == 8 and "Iran (Islamic Republic of)" in names, names
    assert {"Azerbaijan", "Sudan", "Morocco"} <= set(names)
    morocco = page.locator('#pos-table tr[data-delegation="Morocco"]')
    assert "Jerusalem" in morocco.locator(".pos-quote").first.inner_text()
    morocco.locator(".open-stmt").first.click()
    mark = page.locator("#pos-viewer mark#cited-span")
    mark.wait_for()
    sid = page.locator("#pos-viewer .viewer").get_attribute("data-sid")
    statement = small_index.meta.statement(sid)
    assert statement is not None and statement.country == "Morocco"
    assert " ".join(mark.inner_text().split()) in " ".join(statement.text.split())
    page.screenshot(path=shots / "2-quote-in-statement.png", full_page=True)

    page.get_by_label("delegation", exact=True).check()
    page.wait_for_function(
        "document.querySelector('#pos-table tr[data-delegation]').dataset.delegation === 'Azerbaijan'"
    )
    assert rows(page) == sorted(names, key=str.lower)
    with page.expect_download() as dl:
        page.click("#pos-csv")
    table = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"))))
    assert {r["delegation"] for r in table} == set(names)
    with page.expect_download() as dl:
        page.click("#pos-md")
    assert "| Morocco |" in Path(dl.value.path()).read_text(encoding="utf-8")
    print(f"positions table of {len(names)} delegations in {elapsed:.1f}s")


def test_p5_preset_gives_no_statement_rows_for_those_who_did_not_speak(page, shots):
    page.get_by_role("tab", name="Positions").click()
    page.fill("#pos-question textarea", QUESTION)
    pick(page, "#pos-symbol", MEETING)
    page.click("#pos-p5")
    page.wait_for_function("document.querySelectorAll('#pos-countries .token').length === 5")
    compare(page)
    assert rows(page) == [
        "China",
        "France",
        "Russian Federation",
        "United Kingdom",
        "United States",
    ]
    notes = page.locator("#pos-table tr.none .pos-note").all_inner_texts()
    assert len(notes) == 5 and all(n.startswith("No statement by") for n in notes), notes
    page.screenshot(path=shots / "p5.png", full_page=True)


def test_timeline_plots_marks_that_open_their_statement(page, shots):
    page.get_by_role("tab", name="Timeline").click()
    page.fill("#tl-topic textarea", "the humanitarian situation")
    pick(page, "#tl-countries", "France")
    pick_again(page, "#tl-countries", "Russian Federation")
    page.click("#tl-go")
    page.locator("#tl-marks li").first.wait_for()
    page.locator("#tl-plot img").wait_for()
    assert page.locator("#tl-marks li").count() >= 2
    page.locator("#tl-marks .open-stmt").first.click()
    page.locator("#tl-viewer mark#cited-span").wait_for()
    page.screenshot(path=shots / "timeline.png", full_page=True)


def test_country_dropdown_has_one_entry_per_delegation_with_counts(page, shots):
    page.click("#f-country input")
    page.fill("#f-country input", "United")
    options = page.get_by_role("option").all_inner_texts()
    page.screenshot(path=shots / "country-dropdown.png")
    page.keyboard.press("Escape")
    uk = [o for o in options if o.startswith("United Kingdom")]
    assert uk == ["United Kingdom (3)"], options  # three spellings in the records
    assert not [o for o in options if "ofAmerica" in o or "Of America" in o], options
