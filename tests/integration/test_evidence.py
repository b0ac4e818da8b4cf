"""Evidence selection with the real embedder over the real small index."""

from __future__ import annotations

from rag.components import make_evidence, make_retriever
from rag.question import analyse

SEED_ID = "UNSC_2016_SPV.7606_Kazakhstan"


def test_the_answering_sentence_of_the_named_party_comes_first(settings, embedder, small_index):
    retriever = make_retriever(settings, embedder=embedder, index=small_index)
    evidence = make_evidence(settings, retriever)
    analysis = analyse("Which UN peacekeeping operations did Kazakhstan take part in?")
    found = retriever.search(analysis.question, 8, {"country": "Kazakhstan"}, whole=48)
    assert found.exhaustive and {p.statement_id for p in found.passages} == {SEED_ID}
    ranked = evidence.rank(analysis, found.passages, "Kazakhstan", found.exhaustive)
    assert ranked[0].quote.startswith("Kazakhstan attaches the utmost importance")
    assert "Western" in ranked[0].quote and evidence.answers(ranked, True)
    scores = [e.score for e in ranked]
    assert scores == sorted(scores, reverse=True)
    assert not any(e.quote.startswith("Mr. Kabentayev") for e in ranked)  # speaker line cut
    chosen = evidence.select(analysis, ranked)
    assert 1 <= len(chosen) <= settings.answer.evidence.per_party and chosen[0] == ranked[0]


def test_nothing_answers_a_question_about_what_the_index_lacks(settings, embedder, small_index):
    retriever = make_retriever(settings, embedder=embedder, index=small_index)
    evidence = make_evidence(settings, retriever)
    analysis = analyse("What did Council members say about the fighting in Tigray in 2021?")
    found = retriever.search(analysis.question, 8)
    assert found.passages and not evidence.answers(evidence.rank(analysis, found.passages))
