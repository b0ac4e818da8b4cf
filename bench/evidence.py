"""What evidence ranking costs and buys before the LLM: time per question, gold passage share.

Run: .venv/bin/python bench/evidence.py [--questions data/eval/dev.jsonl] [--runs 3]
Same run, same retrieved passages: fusion order (top `answer_passages`) against the evidence
ranker (best sentence + term coverage, passages within the margin). Prints medians of the
per-question times over `runs` passes and the share of shown passages that hold gold evidence.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.answers import evidence_spans
from eval.datasets import load_questions
from eval.metrics import overlaps
from rag.components import make_embedder, make_evidence, make_retriever, open_index
from rag.settings import Settings
from rag.types import Passage


def gold_share(shown: list[Passage], spans: list[tuple[str, int, int]]) -> tuple[int, bool]:
    """How many shown passages overlap gold evidence, and whether the first one does."""
    hits = [any(overlaps((p.statement_id, p.start, p.end), g) for g in spans) for p in shown]
    return sum(hits), bool(hits and hits[0])


def main() -> None:
    """Time fusion-only and fusion + evidence ranking over the answerable dev questions."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--questions", default="data/eval/dev.jsonl")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    s = Settings()
    emb = make_embedder(s)
    index = open_index(s, embedder=emb)
    retriever = make_retriever(s, embedder=emb, index=index)
    evidence = make_evidence(s.model_copy(update={"evidence_margin": 0.05}), retriever)
    assert evidence is not None
    questions = [q for q in load_questions(args.questions) if q.answerable]
    fusion_ms: list[float] = []
    ranked_ms: list[float] = []
    counts = {"fusion": [0, 0, 0], "evidence": [0, 0, 0]}  # shown, gold shown, gold first
    for run in range(args.runs):
        for q in questions:
            t0 = time.perf_counter()
            passages = retriever.search(q.question, s.k, q.filters)
            t1 = time.perf_counter()
            shown = evidence.select(evidence.rank(q.question, passages), s.answer_passages)
            t2 = time.perf_counter()
            fusion_ms.append((t1 - t0) * 1000)
            ranked_ms.append((t2 - t0) * 1000)
            if run == 0:
                spans = evidence_spans(
                    q, lambda sid: getattr(index.meta.statement(sid), "text", "")
                )
                for name, chosen in (
                    ("fusion", passages[: s.answer_passages]),
                    ("evidence", shown),
                ):
                    hits, first = gold_share(chosen, spans)
                    counts[name][0] += len(chosen)
                    counts[name][1] += hits
                    counts[name][2] += first
    f, r = statistics.median(fusion_ms), statistics.median(ranked_ms)
    print(f"{len(questions)} answerable questions, {args.runs} runs, median per question")
    print(f"retrieval only        {f:8.1f} ms")
    print(f"retrieval + evidence  {r:8.1f} ms   ({r / f:.1f}x)")
    for name, (shown_n, hits, first) in counts.items():
        print(
            f"{name:<9} passages/question {shown_n / len(questions):.2f}   "
            f"gold share {hits / shown_n:.3f}   gold first {first / len(questions):.3f}"
        )


if __name__ == "__main__":
    main()
