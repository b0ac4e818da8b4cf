"""Hostile statements beside real ones, rendered in Chromium: text, never markup or script.

The statements carry injected instructions, fake [n] labels and speaker lines, HTML/JS and
Markdown payloads in their text and metadata (tests/fixtures/hostile/). Each surface that
shows them is probed: no payload ran (window.__xss unset, no dialog), no element or link
from a statement is in the DOM, and the payload text is shown as typed.
"""

from __future__ import annotations

import pytest

from rag.components import make_writer
from tests.kits import hostile


@pytest.fixture(scope="module")
def hostile_index(small_index_dir, tmp_path_factory, settings, embedder):
    dest = tmp_path_factory.mktemp("hostile") / "index"
    return hostile.build_index(small_index_dir, dest, lambda d: make_writer(settings, d, embedder))


def test_hostile_statements_render_as_text(
    app_factory, page_factory, hostile_index, shots, tmp_path
):
    page = page_factory(app_factory(hostile_index, "extractive"))
    dialogs: list[str] = []
    steps = hostile.walk(page, dialogs, hostile.hostile_upload(tmp_path))
    page.screenshot(path=shots / "hostile.png", full_page=True)
    shown = sum(s.payloads for s in steps)
    print(f"{len(steps)} surfaces, {shown} payloads shown")
    assert shown >= 20 and hostile.payloads_covered(steps) >= 20, [
        (s.surface, s.payloads) for s in steps
    ]
    assert any(s.surface.startswith("statement viewer") for s in steps)
    for s in steps:
        assert not s.executed, (s.surface, s.executed)
        assert not s.injected, (s.surface, s.injected)
        assert s.literal, f"{s.surface}: the payload text is not shown as typed"
