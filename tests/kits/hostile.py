"""Hostile statements in the real app, in Chromium: they must render as text, never as markup.

The fixtures (tests/fixtures/hostile/) carry injected instructions, fake [n] labels and
speaker lines, and HTML/JS/Markdown payloads, each of which sets `window.__xss = N` (and some
call alert) if it ever runs. After each step the page is probed: no payload ran, no dialog
opened, no element or javascript: link from a statement exists, and the text shows literally.
Shared by tests/e2e/test_hostile.py and bench/reliability.py.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
FILES = (HOSTILE / "hostile.jsonl", HOSTILE / "hostile_record.txt")
MARKER = "Zanzibarian"  # a made-up word every hostile statement holds, to search for them
# What the page must not hold, anywhere: an element a payload made (each carries class=hostile
# or data-hostile, which sanitizers keep even when they strip the handler), a link made from a
# statement ("hostile link N"), or any javascript: URL.
PROBE_JS = """() => {
  const found = [];
  const show = (el) => found.push(el.outerHTML.slice(0, 160));
  document.querySelectorAll('.hostile, [data-hostile], #injected').forEach(show);
  document.querySelectorAll('img[alt*="hostile"]').forEach(show);
  document.querySelectorAll('a').forEach((a) => {
    const href = a.getAttribute('href') || '';
    if (/hostile link/i.test(a.textContent) || /^\\s*javascript:/i.test(href)) show(a);
  });
  return {xss: window.__xss === undefined ? null : String(window.__xss),
          injected: [...new Set(found)]};
}"""


@dataclass
class Step:
    """One surface of the app shown with hostile statements on it."""

    surface: str
    payloads: int = 0  # distinct payloads (window.__xss numbers) whose text is on the page
    executed: list[str] = field(default_factory=list)  # payloads that ran, dialogs that opened
    injected: list[str] = field(default_factory=list)  # elements or links from a statement
    literal: bool = True  # the payload text is shown as typed
    numbers: set[int] = field(default_factory=set)  # which payloads


def payload_numbers(text: str) -> set[int]:
    """The payload numbers whose code shows in the text."""
    return {int(n) for n in re.findall(r"__xss=(\d+)", text)}


def build_index(base: Path, dest: Path, writer: Any) -> Path:
    """A copy of `base` with the hostile statements ingested beside the real ones."""
    from index.parse import read_statements

    shutil.copytree(base, dest)
    for path in FILES:
        summary = writer(dest).ingest(read_statements(path))
        assert summary.rejected == 0, summary.errors
    return dest


def probe(
    page: Any, surface: str, dialogs: list[str], selector: str, expect: tuple[str, ...]
) -> Step:
    """Probe the page after showing hostile text in `selector`."""
    result = page.evaluate(PROBE_JS)
    text = page.locator(selector).first.inner_text()
    numbers = payload_numbers(text)
    step = Step(surface, payloads=len(numbers), injected=result["injected"], numbers=numbers)
    if result["xss"] is not None:
        step.executed.append(f"window.__xss = {result['xss']}")
    step.executed += [f"dialog: {d}" for d in dialogs]
    dialogs.clear()
    step.literal = all(e in text for e in expect)
    return step


def walk(page: Any, dialogs: list[str], upload: Path) -> list[Step]:
    """Show the hostile statements on every surface: search, viewer, chat, library, upload."""
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    steps = [_search(page, dialogs)]
    steps += _viewers(page, dialogs)
    steps += _chat(page, dialogs)
    steps += _library(page, dialogs, upload)
    return steps


def payloads_covered(steps: list[Step]) -> int:
    """Distinct payloads of the fixtures shown on at least one surface."""
    return len(set().union(*(s.numbers for s in steps))) if steps else 0


def _search(page: Any, dialogs: list[str]) -> Step:
    page.get_by_role("tab", name="Search").click()
    k = page.locator("input[type=number]").first  # the "Passages (k)" slider's box: show 20
    k.fill("20")
    k.press("Enter")
    page.fill("#search-query textarea", f"{MARKER} water")
    page.click("#search-go")
    page.locator("#search-results .ev-card").first.wait_for()
    page.wait_for_timeout(500)
    expect = ("<img src=x", "<script class=hostile", "[hostile link 5](javascript:")
    return probe(page, "search results", dialogs, "#search-results", expect)


def _viewers(page: Any, dialogs: list[str]) -> list[Step]:
    """Open each distinct statement of the results (a statement may have several cards)."""
    steps = []
    buttons = page.locator("#search-results .open-stmt")
    seen: set[str] = set()
    for i in range(buttons.count()):
        sid = buttons.nth(i).get_attribute("data-sid") or ""
        if sid in seen:
            continue
        seen.add(sid)
        buttons.nth(i).click()
        page.wait_for_function(
            "(sid) => document.querySelector('#search-viewer .viewer')?.dataset.sid === sid",
            arg=sid,
        )
        if MARKER in page.locator("#search-viewer").inner_text():
            steps.append(probe(page, f"statement viewer #{i + 1}", dialogs, "#search-viewer", ()))
    return steps


def _chat(page: Any, dialogs: list[str]) -> list[Step]:
    page.get_by_role("tab", name="Chat").click()
    before = page.locator("#chat .answer:not(.streaming)").count()
    page.fill("#question textarea", f"What does the {MARKER} pipeline report say?")
    page.click("#ask")
    page.wait_for_function(
        f"document.querySelectorAll('#chat .answer:not(.streaming)').length > {before}"
    )
    page.wait_for_timeout(500)
    steps = [probe(page, "chat answer and evidence", dialogs, "#chat", ())]
    steps[0].payloads = len(payload_numbers(page.locator("#evidence").inner_text()))
    opened = page.locator("#evidence .open-stmt")
    if opened.count():
        opened.first.click()
        page.locator("#viewer .viewer").wait_for()
        steps.append(probe(page, "chat statement viewer", dialogs, "#viewer", ()))
    return steps


def _library(page: Any, dialogs: list[str], upload: Path) -> list[Step]:
    page.get_by_role("tab", name="Library").click()
    page.wait_for_timeout(500)
    # A hostile country spelling is flagged (not a delegation): the Library lists it as typed.
    flagged = ("“<script class=hostile data-hostile=14>",)
    steps = [probe(page, "library tables", dialogs, ".gradio-container", flagged)]
    page.locator("#ingest-files input[type=file]").set_input_files([str(upload)])
    page.wait_for_timeout(500)
    page.click("#ingest-go")
    page.locator("#ingest-result", has_text="Added").wait_for(timeout=120_000)
    page.wait_for_timeout(1000)
    steps.append(probe(page, "ingest report and warning", dialogs, "#ingest-report", ()))
    page.get_by_role("tab", name="Search").click()
    page.fill("#f-from textarea", "<img src=x class=hostile>")
    page.click("#search-go")
    page.wait_for_timeout(1500)
    steps.append(probe(page, "typed filter in an error toast", dialogs, "body", ()))
    steps[-1].payloads, steps[-1].numbers = 1, set()  # the typed value (the page shows others)
    page.fill("#f-from textarea", "")
    page.click("#f-country input")
    page.fill("#f-country input", "<script")
    page.wait_for_timeout(500)
    steps.append(probe(page, "country filter choices", dialogs, "ul[role=listbox]", ()))
    # Flagged spellings are no delegation: the filter never offers them.
    assert "data-hostile=14" not in page.locator("ul[role=listbox]").first.inner_text()
    page.keyboard.press("Escape")
    return steps


def hostile_upload(folder: Path) -> Path:
    """A file whose rejected records carry payloads into the ingest report and its warning."""
    # Rejection reasons quote the bad value (cut at 40 characters) or the id (80).
    tag = '<img src=x class=hostile onerror="window.__xss={n}">'
    rows = [
        {"id": "HOSTILE_UP_1", "text": f"{MARKER} upload.", "date": "<img src=x class=hostile>"},
        {"id": tag.format(n=31), "text": "..."},  # no word: rejected, the id in the reason
        {"id": "HOSTILE_UP_3", "text": f"{MARKER} upload {tag.format(n=32)} ok."},
    ]
    path = folder / "hostile_upload.jsonl"
    lines = [json.dumps(r) for r in rows] + ["<script class=hostile>window.__xss=33</script>"]
    path.write_text("\n".join(lines) + "\n")
    return path
