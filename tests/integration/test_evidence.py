"""Evidence ranking with the real embedder over the real small index."""

from __future__ import annotations

import pytest

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


@pytest.mark.slow
def test_the_llm_judge_moves_the_answering_passage_first(settings, embedder, small_index):
    from rag.components import make_backend
    from rag.judge import EvidenceJudge

    retriever = make_retriever(settings, embedder=embedder, index=small_index)
    evidence = make_evidence(settings, retriever)
    assert evidence is not None
    question = "Which city did Kazakhstan propose for a United Nations regional hub?"
    passages = retriever.search(question, 8)
    ranked = evidence.rank_sentences(question, passages)
    seed = next(i for i, (p, s) in enumerate(ranked) if "Almaty" in s)
    others = [r for i, r in enumerate(ranked) if i != seed and "Almaty" not in r[1]][:3]
    judge = EvidenceJudge(make_backend(settings, "embedded", embedder))
    # The answering sentence placed last among four: both orders must still find it.
    assert judge.pick(question, [*others, ranked[seed]]) == 3


def test_the_judge_is_wired_for_llm_backends_only_when_asked(settings, embedder, small_index):
    from rag.components import make_pipeline

    on = settings.model_copy(update={"evidence_judge": True})
    for s, backend, wired in (
        (settings, "embedded", False),
        (on, "embedded", True),
        (on, "extractive", False),
    ):
        pipe = make_pipeline(s, backend=backend, embedder=embedder, index=small_index)
        assert (pipe.judge is not None) == wired
