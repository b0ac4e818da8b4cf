"""The Pipeline's logic with fakes: a scripted backend registered through the real registry,
FakeEmbedder, a tiny real index. The answers of the real model are tested in tests/integration."""

from __future__ import annotations

from functools import partial

import pytest

import rag.backends.registry as registry
from index.types import Statement
from rag.components import assemble_pipeline, make_backend
from rag.errors import InputError
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
        text="Mr. Costa (Brazil): Arctic sea ice matters less than cooperation and development.",
        symbol="S/PV.8501",
        date="2020-04-01",
        speaker="Mr. Costa",
        country="Brazil",
        agenda="Peace and security",
    ),
]
QUESTION = "What did Norway say about Arctic sea ice melting?"
LEAD = "Norway said that Arctic sea ice is melting faster than any model predicted [1]."


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


def test_the_named_party_is_searched_alone_and_quoted_with_its_attribution(pipeline):
    p, backend = pipeline(LEAD)
    answer = p.ask(QUESTION)
    assert not answer.refused and answer.backend == "fake"
    assert [r.filters.countries for r in answer.retrievals] == [("Norway",)]
    assert "country: Norway (named in the question)" in answer.retrievals[0].notes
    quotes = [s for s in answer.sentences if s.kind == "quote"]
    assert quotes and {c.passage.statement_id for s in quotes for c in s.citations} == {"no1"}
    first = quotes[0].citations[0]
    assert first.quote.startswith("Arctic sea ice is melting faster than any model predicted.")
    assert "Norway (Ms. Berg, S/PV.8500, 2020-03-05)" in answer.text
    assert "Arctic sea ice" in backend.calls[0][-1]["content"]  # the quotes reached the prompt


def test_a_supported_lead_comes_first(pipeline):
    p, _ = pipeline(LEAD)
    answer = p.ask(QUESTION)
    lead = answer.sentences[0]
    assert lead.kind == "lead" and lead.supported and lead.citations[0].n == 1
    assert answer.dropped == ""


def test_the_stream_gives_the_quotes_before_the_model_writes(pipeline):
    p, _ = pipeline(LEAD)
    events = list(p.ask_stream(QUESTION))
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["query", "retrieval", "evidence"] and kinds[-1] == "answer"
    assert set(kinds[3:-1]) == {"token"}
    draft = events[2].answer
    assert draft is not None and all(s.kind == "quote" for s in draft.sentences)
    assert "".join(e.text for e in events if e.kind == "token") == LEAD


@pytest.mark.parametrize(
    "reply, why",
    [
        ("Norway said the ice melts 40 per cent faster [1].", "40"),  # a number the quote lacks
        ("Brazil said that Arctic sea ice is melting faster [1].", "Brazil"),  # another country
        ("Norway said that Arctic sea ice is melting [7].", "does not exist"),
        ("Norway said that Arctic sea ice is melting faster.", "no citation"),
        ("What did Norway say about Arctic sea ice melting? [1]", "unsupported"),  # an echo
    ],
)
def test_a_lead_the_quotes_do_not_back_is_dropped_and_the_quotes_stay(pipeline, reply, why):
    p, _ = pipeline(reply)
    answer = p.ask(QUESTION)
    assert not answer.refused and why in answer.dropped
    assert answer.sentences and all(s.kind == "quote" for s in answer.sentences)


def test_the_models_not_found_drops_the_lead_but_not_the_evidence(pipeline):
    p, _ = pipeline("NOT FOUND")
    answer = p.ask(QUESTION)
    assert not answer.refused and answer.dropped and answer.sentences[0].kind == "quote"


def test_nothing_retrieved_or_nothing_relevant_never_calls_the_model(pipeline):
    p, backend = pipeline()  # no scripted reply: a call would fail the test
    atlantis = p.ask(QUESTION, filters={"country": "Atlantis"})
    assert atlantis.refused and atlantis.retrievals[0].passages == ()
    assert p.ask("Which submarine cables did Tuvalu mention?").refused
    assert backend.calls == []


def test_a_party_the_index_does_not_know_gets_a_note_not_a_guess(pipeline):
    p, backend = pipeline()
    answer = p.ask("What did Freedonia say about Arctic sea ice?")
    assert answer.refused and answer.notes == ("No statement by Freedonia is in the index.",)
    assert backend.calls == []


def test_a_comparison_searches_each_party(pipeline):
    p, _ = pipeline("Norway said that Arctic sea ice is melting faster [1].")
    answer = p.ask("What did Norway and Brazil say about Arctic sea ice?")
    assert [r.party for r in answer.retrievals] == ["Norway", "Brazil"]
    cited = {c.passage.statement.country for c in answer.citations()}
    assert cited == {"Norway", "Brazil"}


def test_a_follow_up_is_rewritten_by_the_model_before_retrieval(pipeline):
    p, backend = pipeline(QUESTION, LEAD)
    history = [("What did Norway say about climate?", "Norway spoke about the Arctic [1].")]
    events = list(p.ask_stream("And about the ice?", history))
    assert events[0].kind == "query" and events[0].text == QUESTION
    assert len(backend.calls) == 2  # the rewrite, then the lead
    assert "And about the ice?" in backend.calls[0][-1]["content"]
    assert not events[-1].answer.refused


def test_an_empty_question_is_an_input_error(pipeline):
    p, _ = pipeline()
    with pytest.raises(InputError, match="empty"):
        p.ask("   ")


def test_answers_carry_the_hash_of_the_settings_they_used(settings, retriever, monkeypatch):
    from ui.engine import Engine

    monkeypatch.setattr(registry, "BACKENDS", dict(registry.BACKENDS))
    registry.register("fake", partial(FakeBackend, [LEAD] * 4), replace=True)
    chunked = settings.updated({"index.chunk.max_tokens": 60, "index.chunk.overlap_tokens": 0})
    index_dir = retriever.index.folder.parent.parent  # DIR of DIR/versions/<version>
    engine = Engine(chunked, index_dir, retriever.embedder)
    five, five_again, six, bm25 = (
        engine.pipeline("fake", mode, k).ask(QUESTION).settings_hash
        for mode, k in (("hybrid", 5), ("hybrid", 5), ("hybrid", 6), ("bm25", 5))
    )
    assert five == five_again == chunked.for_request(k=5, backend="fake").settings_hash()
    assert len({five, six, bm25, chunked.settings_hash()}) == 4
