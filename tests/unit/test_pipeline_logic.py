"""The Pipeline's logic with fakes: a scripted backend registered through the real registry,
FakeEmbedder, a tiny real index. The answers of the real model are tested in tests/integration."""

from __future__ import annotations

from functools import partial

import pytest

import rag.backends.registry as registry
from index.types import Statement
from rag.components import assemble_pipeline, make_backend
from rag.pipeline import Pipeline
from rag.retrieve import Retriever
from tests.unit.fakes import FakeBackend, FakeEmbedder, build_index

ARCTIC = (
    "Arctic sea ice is melting faster than any model predicted. "
    "Norway will double its funding for polar research by 2030."
)
STATEMENTS = [
    Statement(
        id="no1",
        text=f"Ms. Berg (Norway): {ARCTIC}",
        symbol="S/PV.8500",
        date="2020-03-05",
        speaker="Ms. Berg",
        country="Norway",
        agenda="Climate and security",
    ),
    Statement(
        id="br1",
        text="Mr. Costa (Brazil): Peace and security depend on cooperation and development.",
        symbol="S/PV.8501",
        date="2020-04-01",
        speaker="Mr. Costa",
        country="Brazil",
        agenda="Peace and security",
    ),
]
QUESTION = "What did Norway say about Arctic sea ice melting?"
CITED = "Norway said that Arctic sea ice is melting faster than any model predicted [1]."


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    embedder = FakeEmbedder()
    return Retriever(build_index(tmp_path_factory.mktemp("p") / "ix", STATEMENTS), embedder)


@pytest.fixture
def pipeline(settings, retriever, monkeypatch):
    """A pipeline whose backend is FakeBackend, built by name as the app builds any backend."""
    monkeypatch.setattr(registry, "BACKENDS", dict(registry.BACKENDS))

    def build(*replies: str) -> tuple[Pipeline, FakeBackend]:
        registry.register("fake", partial(FakeBackend, list(replies)), replace=True)
        backend = make_backend(settings, "fake")
        assert isinstance(backend, FakeBackend)
        return assemble_pipeline(settings, retriever, backend), backend

    return build


def test_a_supported_cited_answer_is_kept_with_its_span(pipeline):
    p, backend = pipeline(CITED)
    answer = p.ask(QUESTION)
    assert not answer.refused and answer.backend == "fake"
    assert [s.supported for s in answer.sentences] == [True]
    citation = answer.sentences[0].citations[0]
    assert answer.passages[citation.n - 1].statement_id == "no1"
    assert len(backend.calls) == 1
    assert "Arctic sea ice" in backend.calls[0][-1]["content"]  # the passage reached the prompt


def test_the_stream_is_query_passages_tokens_then_the_answer(pipeline):
    p, _ = pipeline(CITED)
    events = list(p.ask_stream(QUESTION))
    kinds = [e.kind for e in events]
    assert kinds[:2] == ["query", "passages"] and kinds[-1] == "answer"
    assert set(kinds[2:-1]) == {"token"} and len(kinds) > 4
    assert "".join(e.text for e in events if e.kind == "token") == CITED
    assert events[-1].answer is not None and events[-1].answer.raw == CITED


def test_the_models_refusal_is_a_refusal_that_keeps_the_closest_passages(pipeline):
    p, _ = pipeline("Not found in the indexed statements.")
    answer = p.ask(QUESTION)
    assert answer.refused and answer.sentences == ()
    assert answer.passages and answer.passages[0].statement_id == "no1"


def test_an_answer_its_passages_do_not_support_is_refused(pipeline):
    p, _ = pipeline("Brazil announced 40 new peacekeeping battalions for 2031 [1].")
    assert p.ask(QUESTION).refused


def test_nothing_retrieved_or_nothing_relevant_never_calls_the_model(pipeline):
    p, backend = pipeline()  # no scripted reply: a call would fail the test
    assert p.ask(QUESTION, filters={"country": "Atlantis"}).refused
    assert p.ask("Which submarine cables did Tuvalu mention?").refused
    assert backend.calls == []


def test_a_follow_up_is_rewritten_by_the_model_before_retrieval(pipeline):
    p, backend = pipeline("What did Norway say about Arctic sea ice melting?", CITED)
    history = [("What did Norway say about climate?", "Norway spoke about the Arctic [1].")]
    events = list(p.ask_stream("And about the ice?", history))
    assert events[0].kind == "query" and events[0].text == QUESTION
    assert len(backend.calls) == 2  # the rewrite, then the answer
    assert "And about the ice?" in backend.calls[0][-1]["content"]
    assert not events[-1].answer.refused
