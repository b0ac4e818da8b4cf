"""Calibrate the "nothing answers this" gate on a gold question set: the features of the best
evidence per question, and the share of answerable questions answered and unanswerable ones
refused for a grid of thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.datasets import Question
from rag.filters import parse_filters
from rag.pipeline import Pipeline
from rag.question import analyse


def gate_features(pipeline: Pipeline, questions: Sequence[Question]) -> list[dict[str, Any]]:
    """Per question: answerable?, and the weakest gate features over its searches."""
    rows = []
    for q in questions:
        analysis = analyse(q.question, pipeline.known())
        retrievals, _ = pipeline._search(analysis, parse_filters(q.filters))
        feats = []
        for r in retrievals:
            ranked = pipeline.evidence.rank(analysis, r.passages, r.party, r.exhaustive)
            feats.append(ranked[0].features | {"whole": float(r.exhaustive)} if ranked else {})
        rows.append({"qid": q.qid, "answerable": q.answerable, **_weakest(feats)})
    return rows


def _weakest(feats: list[dict[str, float]]) -> dict[str, float]:
    keys = ("similarity", "retrieved_terms", "retrieved_names")
    return {k: round(min((f.get(k, 0.0) for f in feats), default=0.0), 4) for k in keys}


def gate_grid(
    rows: Sequence[dict[str, Any]],
    similarity: Sequence[float],
    coverage: Sequence[float],
    names: Sequence[float],
) -> list[dict[str, Any]]:
    """Share of answerable questions let through and of unanswerable ones refused, per setting."""
    out = []
    for s in similarity:
        for c in coverage:
            for n in names:
                passed = [
                    r["similarity"] >= s and r["retrieved_terms"] >= c and r["retrieved_names"] >= n
                    for r in rows
                ]
                ans = [p for p, r in zip(passed, rows, strict=True) if r["answerable"]]
                una = [not p for p, r in zip(passed, rows, strict=True) if not r["answerable"]]
                out.append(
                    {
                        "min_similarity": s,
                        "min_coverage": c,
                        "min_names": n,
                        "answerable_passed": round(sum(ans) / max(1, len(ans)), 4),
                        "unanswerable_refused": round(sum(una) / max(1, len(una)), 4),
                    }
                )
    return out
