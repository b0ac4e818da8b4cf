"""Positions tables: time for a 15-member meeting (S/PV.4644, resolution 1441: fifteen Council
members and the Secretary-General), cold and warm, per row, with the P5 named, optionally with
the model's checked summaries; and quality on the dev set: for comparison questions, the
share of the named delegations whose row quotes a gold passage.

Run: .venv/bin/python bench/positions.py [--runs 3] [--llm] [--json out/bench/positions.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.positions import comparison_questions, gold_spans, score_table, summary
from index.delegation_table import P5
from rag.components import make_backend, make_evidence, make_retriever
from rag.positions import PositionFinder
from rag.settings import Settings

MEETING = "S/PV.4644"
QUESTIONS = (
    "Did resolution 1441 contain an automatic trigger for the use of force?",
    "What did the delegation say about weapons inspections in Iraq?",
    "How did the delegation vote on the resolution and why?",
)


def load() -> float:
    """The machine's 1-minute load average (figures drift with it)."""
    return round(os.getloadavg()[0], 2)


def timings(finder: PositionFinder, runs: int) -> dict[str, object]:
    """Cold table (no sentence vector cached), then warm tables of other questions."""
    t0 = time.perf_counter()
    cold = finder.compare(QUESTIONS[0], scope={"symbol": MEETING})
    cold_s = time.perf_counter() - t0
    warm = []
    for i in range(runs):
        t0 = time.perf_counter()
        finder.compare(QUESTIONS[1 + i % 2], scope={"symbol": MEETING})
        warm.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    finder.compare(QUESTIONS[0], list(P5), {"symbol": MEETING})
    p5_s = time.perf_counter() - t0
    rows = len(cold.rows)
    return {
        "meeting": MEETING,
        "rows": rows,
        "rows_with_quote": sum(bool(r.quotes) for r in cold.rows),
        "rows_answered": sum(r.answered for r in cold.rows),
        "cold_s": round(cold_s, 2),
        "cold_ms_per_row": round(1000 * cold_s / rows),
        "warm_median_s": round(statistics.median(warm), 2),
        "p5_named_warm_s": round(p5_s, 2),
        "sentences_encoded": getattr(finder.evidence.embed, "encoded", None),
        "load_1min": load(),
    }


def with_summaries(s: Settings, finder: PositionFinder) -> list[dict[str, object]]:
    """The tables of two questions with the embedded model's one-line summaries (checked)."""
    llm = PositionFinder(finder.retriever, finder.evidence, make_backend(s, "embedded"))
    llm.compare("warm-up", list(P5)[:1], {"symbol": MEETING})
    out = []
    for question in QUESTIONS[:2]:
        t0 = time.perf_counter()
        table = llm.compare(question, scope={"symbol": MEETING})
        secs = time.perf_counter() - t0
        asked = [r for r in table.rows if r.answered]
        out.append(
            {
                "question": question,
                "rows_summarised": len(asked),
                "summaries_kept": sum(r.summary is not None for r in asked),
                "seconds": round(secs, 1),
                "kept": {r.delegation: r.summary.text for r in asked if r.summary},
                "dropped": {r.delegation: r.dropped for r in asked if not r.summary},
                "load_1min": load(),
            }
        )
    return out


def quality(finder: PositionFinder, path: Path) -> dict[str, object]:
    """Dev comparison questions: each named delegation's row against the gold quotes."""
    questions = comparison_questions(json.loads(x) for x in path.open())
    meta = finder.retriever.index.meta
    results, per_q, secs = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        table = finder.compare(q["question"], q["party"], q.get("filters"))
        secs.append(time.perf_counter() - t0)
        spans = gold_spans(q, lambda sid: st.text if (st := meta.statement(sid)) else "")
        found = score_table(q, table, spans)
        results += found
        per_q.append(
            {
                "qid": q["qid"],
                "hits": [f"{r.party}:{int(r.answered_gold)}{int(r.any_gold)}" for r in found],
            }
        )
    out = summary(results, len(questions))
    return out | {"median_s_per_question": round(statistics.median(secs), 2), "per_question": per_q}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--questions", type=Path, default=Path("data/eval/dev.jsonl"))
    ap.add_argument("--llm", action="store_true", help="also time the model's summaries")
    ap.add_argument("--only-llm", action="store_true", help="the summaries alone")
    ap.add_argument("--json", type=Path, default=Path("out/bench/positions.json"))
    args = ap.parse_args()
    s = Settings()
    retriever = make_retriever(s)
    finder = PositionFinder(retriever, make_evidence(s, retriever))
    report: dict[str, object] = {}
    if not args.only_llm:
        report["timings"] = timings(finder, args.runs)
        print(json.dumps(report["timings"], indent=2))
        fresh = PositionFinder(retriever, make_evidence(s, retriever))
        report["quality"] = quality(fresh, args.questions)
        shown = {k: v for k, v in report["quality"].items() if k != "per_question"}
        print(json.dumps(shown, indent=2))
    if args.llm or args.only_llm:
        report["summaries"] = with_summaries(s, finder)
        print(json.dumps(report["summaries"], indent=2, ensure_ascii=False))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
