"""ui.openai_format: conversation → question and history, models, reply text, stream pieces,
Open WebUI events (pure; fake statements)."""

from __future__ import annotations

import pytest

from rag.errors import InputError
from tests.unit.test_export import sample_answer
from ui import openai_format as oa


def test_the_last_user_message_is_the_question_and_earlier_turns_the_history():
    messages = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "What did France say?"},
        {"role": "assistant", "content": "France (…): “…” [1]\n\nSources:\n[1] S/PV.1 — https://x"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "And Russia?"}, {"type": "image_url"}],
        },
    ]
    question, history = oa.conversation(messages)
    assert question == "And Russia?"
    assert history == [("What did France say?", "France (…): “…” [1]")]
    with pytest.raises(InputError):
        oa.conversation([{"role": "user", "content": " "}])
    with pytest.raises(InputError):
        oa.conversation([{"role": "system", "content": "hi"}])


def test_models_map_to_backends():
    assert oa.backend_of("unsc-rag", "embedded") == "embedded"
    assert oa.backend_of("unsc-rag-extractive", "embedded") == "extractive"
    with pytest.raises(LookupError):
        oa.backend_of("extractive", "embedded")
    assert oa.models_body(0)["data"][0]["id"] == "unsc-rag"


def test_reply_text_citations_and_pieces():
    answer = sample_answer()
    text = oa.reply_text(answer)
    assert "[1]" in text and "Sources:" not in text
    assert "Sources:\n[1] S/PV.7606 — https://undocs.org/en/S/PV.7606#page=3" in oa.reply_text(
        answer, True
    )
    assert "".join(oa.pieces(text)) == text and len(list(oa.pieces(text))) > 2
    cites = oa.api_citations(answer)
    assert cites[1]["url"] == "https://undocs.org/en/S/2024/788" and cites[1]["symbol"] == ""
    body = oa.completion_body(answer, "id1", "unsc-rag", 0, False)
    assert body["choices"][0]["message"]["citations"] == cites


def test_source_event_has_the_open_webui_shape():
    c = oa.api_citations(sample_answer())[0]
    ev = oa.source_event(c)
    assert ev["type"] == "source"
    assert ev["data"]["document"] == [c["quote"]]
    assert ev["data"]["metadata"][0] == {
        "source": c["url"],
        "name": ev["data"]["source"]["name"],
        "url": c["url"],
    }
    chunk = oa.chunk("id", "m", 0, event=ev)
    assert chunk["choices"] == [] and chunk["object"] == "chat.completion.chunk"
