"""Calibrate the refusal gate and the citation-support threshold on a gold question set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.datasets import Question
from rag.cite import CitationChecker
from rag.relevance import Relevance, relevance, relevant_enough
from rag.retrieve import Retriever
from rag.types import Passage


def gate_features(
    retriever: Retriever, questions: Sequence[Question], k: int = 8
) -> list[dict[str, Any]]:
    """Per question: answerable?, and the gate's features on its retrieved passages."""
    bm25 = retriever.index.bm25
    rows = []
    for q in questions:
        passages = retriever.search(q.question, k, q.filters)
        r = (
            relevance(q.question, passages, bm25.terms, bm25.idf)
            if passages
            else Relevance(None, 0.0, ())
        )
        rows.append(
            {
                "qid": q.qid,
                "answerable": q.answerable,
                "dense_max": r.dense_max,
                "coverage": r.coverage,
                "missing": list(r.missing),
                "any": bool(passages),
            }
        )
    return rows


def gate_grid(
    rows: Sequence[dict[str, Any]], dense: Sequence[float], coverage: Sequence[float]
) -> list[dict[str, Any]]:
    """Share of answerable questions let through and of unanswerable ones refused, per setting."""
    out = []
    for d in dense:
        for c in coverage:
            passed = [
                r["any"] and relevant_enough(Relevance(r["dense_max"], r["coverage"], ()), d, c)
                for r in rows
            ]
            ans = [p for p, r in zip(passed, rows, strict=True) if r["answerable"]]
            una = [not p for p, r in zip(passed, rows, strict=True) if not r["answerable"]]
            out.append(
                {
                    "min_dense": d,
                    "min_coverage": c,
                    "answerable_passed": round(sum(ans) / max(1, len(ans)), 4),
                    "unanswerable_refused": round(sum(una) / max(1, len(una)), 4),
                }
            )
    return out


def support_pairs(
    retriever: Retriever, questions: Sequence[Question], checker: CitationChecker
) -> list[tuple[float, bool]]:
    """Support scores of each reference answer against its gold passage (True) and a wrong one."""
    pairs: list[tuple[float, bool]] = []
    for q in questions:
        if not q.answerable or not q.answer:
            continue
        passages = retriever.search(q.question, 8, q.filters)
        wrong = [p for p in passages if p.statement_id not in q.gold_ids]
        for group, label in ((_evidence_chunks(retriever, q)[:1], True), (wrong[:1], False)):
            pairs += [(_support(checker, q.answer, p), label) for p in group]
    return pairs


def _evidence_chunks(retriever: Retriever, q: Question) -> list[Passage]:
    """The indexed chunks that contain a gold evidence quote."""
    meta, out = retriever.index.meta, []
    for ev in q.evidence:
        st = meta.statement(ev["statement_id"])
        at = st.text.find(ev["quote"]) if st else -1
        if st is None or at < 0:
            continue
        for row in meta.statement_chunks(st.id):
            if row["start"] <= at and at + len(ev["quote"]) <= row["end"]:
                out.append(Passage(row["chunk_id"], st, row["start"], row["end"], 1.0))
                break
    return out


def _support(checker: CitationChecker, claim: str, p: Passage) -> float:
    sentences, _ = checker.check(f"{claim} [1]", [p])
    return max((c.support for s in sentences for c in s.citations if c.n == 1), default=0.0)


def best_threshold(pairs: Sequence[tuple[float, bool]]) -> tuple[float, float]:
    """The threshold with the best accuracy separating supported from unsupported pairs."""
    best = (0.0, 0.0)
    for t in sorted({round(s, 2) for s, _ in pairs}):
        acc = sum((s >= t) == label for s, label in pairs) / max(1, len(pairs))
        best = max(best, (acc, t))
    return best[1], best[0]
