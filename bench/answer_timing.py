"""What a user waits for, per answer: retrieval done, quotes on screen, first lead token, answer.

Run: .venv/bin/python bench/answer_timing.py [--questions data/eval/dev.jsonl] [--n 12]
     [--backend embedded]
One pipeline (model loaded once, before the clock starts) answers the first N answerable
questions of the file in order; each event of `Pipeline.ask_stream` is timed from the moment
the question is asked. Medians and p90 are printed, with the quotes' delay after retrieval
(what the UI shows at the "evidence" event).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.datasets import load_questions
from eval.metrics import percentile
from rag.components import make_pipeline
from rag.settings import Settings

KINDS = ("retrieval", "evidence", "token", "answer")


def timed(pipe, question: str, filters: dict[str, object]) -> dict[str, float]:
    """Seconds from the question to the first event of each kind."""
    t0 = time.perf_counter()
    seen: dict[str, float] = {}
    for event in pipe.ask_stream(question, None, filters):
        seen.setdefault(event.kind, time.perf_counter() - t0)
    return seen


def main() -> None:
    """Time N answers and print the medians."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default="data/eval/dev.jsonl")
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--backend", default="embedded")
    args = ap.parse_args()
    pipe = make_pipeline(Settings(), backend=args.backend)
    pipe.ask("What did Kazakhstan say about the protection of civilians?")  # load, warm
    qs = [q for q in load_questions(args.questions) if q.answerable][: args.n]
    rows = [timed(pipe, q.question, dict(q.filters or {})) for q in qs]
    print(f"{len(rows)} answers, backend {args.backend} (model warm)")
    for kind in KINDS:
        vals = [r[kind] for r in rows if kind in r]
        print(
            f"  {kind:9s} n={len(vals):2d}  p50 {statistics.median(vals):6.2f} s"
            f"  p90 {percentile(vals, 90):6.2f} s"
            if vals
            else f"  {kind:9s} n= 0"
        )
    gaps = [r["evidence"] - r["retrieval"] for r in rows if "evidence" in r]
    if gaps:
        print(
            f"  quotes after retrieval: p50 {statistics.median(gaps):.2f} s, max {max(gaps):.2f} s"
        )


if __name__ == "__main__":
    main()
