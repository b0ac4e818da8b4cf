"""Evidence ranking with the real embedder over the real small index."""

from __future__ import annotations

from rag.components import make_evidence, make_retriever

SEED_ID = "UNSC_2016_SPV.7606_Kazakhstan"


def test_passage_holding_the_answer_is_shown_first(settings, embedder, small_index):
    retriever = make_retriever(settings, embedder=embedder, index=small_index)
    evidence = make_evidence(settings, retriever)
    assert evidence is not None
    question = "Which UN peacekeeping operations did Kazakhstan take part in?"
    passages = retriever.search(question, 8)
    ranked = evidence.rank(question, passages)
    assert sorted(p.chunk_id for p in ranked) == sorted(p.chunk_id for p in passages)
    scores = [p.scores["evidence"] for p in ranked]
    assert scores == sorted(scores, reverse=True)
    shown = evidence.select(ranked, settings.answer_passages)
    assert shown[0].statement_id == SEED_ID and "Western" in shown[0].text
    assert all(p.scores["evidence"] >= scores[0] - settings.evidence_margin for p in shown)


def test_negative_margin_turns_evidence_ranking_off(settings, embedder, small_index):
    retriever = make_retriever(settings, embedder=embedder, index=small_index)
    off = settings.model_copy(update={"evidence_margin": -1.0})
    assert make_evidence(off, retriever) is None
