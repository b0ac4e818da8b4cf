"""Evidence selection: accuracy of the quotes alone (what the extractive backend shows) and its
cost, for the default weights and a grid around them, on one run of retrieval.

Run: .venv/bin/python bench/evidence.py [--questions data/eval/dev.jsonl] [--grid]
Retrieval and sentence features are computed once per question; each weight setting then
re-scores the same candidates, so the grid costs seconds. Accuracy is eval.accuracy's judge on
the quotes with their attribution, as users read them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from dataclasses import replace

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from eval.accuracy import judge
from eval.datasets import Question, load_questions
from index.types import Filters
from rag.components import make_pipeline
from rag.evidence import _GAINS, EvidenceFinder
from rag.filters import parse_filters
from rag.pipeline import _quotes
from rag.question import analyse
from rag.settings import Settings
from rag.settings_models import EvidenceWeights
from rag.types import Answer, Evidence


def rescore(ranked: list[Evidence], w: EvidenceWeights) -> list[Evidence]:
    """The same candidates under other weights, best first."""
    out = []
    for e in ranked:
        f = e.features
        score = sum(getattr(w, k) * f[k] for k in _GAINS)
        score -= w.courtesy * f["courtesy"] + w.fragment * f["fragment"] + w.rank * f["rank"]
        out.append(replace(e, score=score))
    return sorted(out, key=lambda e: -e.score)


def verdict(q: Question, chosen: list[Evidence]) -> str:
    """accurate / wrong / refused … for the quotes alone."""
    answer = Answer(q.question, _quotes(chosen), tuple(e.passage for e in chosen), not chosen)
    cited = [(c.passage.statement_id, c.passage.statement.country) for c in answer.citations()]
    v = judge(answer.text, answer.refused, cited, q.facts, q.party, q.gold_ids,
              q.type == "comparison")  # fmt: skip
    return v.outcome


def collect(pipe, questions: list[Question]) -> tuple[list, float]:
    """Per question: its analysis and ranked candidates per retrieval; median seconds."""
    rows, secs = [], []
    for q in questions:
        t0 = time.perf_counter()
        analysis = analyse(q.question, pipe.known())
        retrievals, _ = pipe._search(analysis, parse_filters(q.filters or Filters()))
        ranked = [
            pipe.evidence.rank(analysis, r.passages, r.party, r.exhaustive) for r in retrievals
        ]
        secs.append(time.perf_counter() - t0)
        rows.append((q, analysis, ranked, [r.exhaustive for r in retrievals]))
    return rows, statistics.median(secs)


def evaluate(rows, finder: EvidenceFinder, w: EvidenceWeights, by_type=None) -> dict[str, float]:
    """Accuracy, wrong and refusal shares of the quotes alone under weights `w`."""
    outcomes = []
    for q, analysis, ranked, whole in rows:
        chosen: list[Evidence] = []
        for lst, exhaustive in zip(ranked, whole, strict=True):
            lst = rescore(lst, w)
            if finder.answers(lst, exhaustive):
                picked = finder.select(analysis, lst)
                chosen += picked if finder.states(analysis, picked) else []
        outcomes.append(verdict(q, chosen))
    if by_type is not None:
        for (q, _, _, _), o in zip(rows, outcomes, strict=True):
            by_type.setdefault(q.answer_type or "?", []).append(o)
    answerable = [o for o in outcomes if o in ("accurate", "wrong", "refused")]
    unans = [o for o in outcomes if o not in answerable]
    return {
        "accuracy": sum(o == "accurate" for o in answerable) / len(answerable),
        "wrong": sum(o == "wrong" for o in answerable) / len(answerable),
        "refused_unanswerable": sum(o == "refused_unanswerable" for o in unans)
        / max(1, len(unans)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--questions", default="data/eval/dev.jsonl")
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--gate", action="store_true", help="print the refusal features")
    args = ap.parse_args()
    s = Settings()
    pipe = make_pipeline(s, backend="extractive")
    questions = load_questions(args.questions)
    t0 = time.perf_counter()
    rows, med = collect(pipe, questions)
    print(f"{len(rows)} questions, retrieval + sentence features: median {med * 1000:.0f} ms "
          f"per question ({time.perf_counter() - t0:.0f} s in all)")  # fmt: skip
    base = pipe.evidence.config.weights
    types: dict[str, list[str]] = {}
    print("default", base, evaluate(rows, pipe.evidence, base, types))
    for t, outs in sorted(types.items()):
        print(
            f"  {t:9s} n={len(outs):3d} "
            + " ".join(f"{o}={outs.count(o)}" for o in sorted(set(outs)))
        )
    if args.gate:
        for row in sorted(gate_rows(rows), key=lambda r: r[3]):
            print("gate", *row)
    if not args.grid:
        return
    results = []
    for sim, sent, pas, typ in itertools.product((1.0,), (0.3, 0.6, 1.0), (0.0, 0.15, 0.3),
                                                 (0.1, 0.25, 0.4)):  # fmt: skip
        w = replace(base, similarity=sim, sentence_terms=sent, passage_terms=pas, answer_type=typ)
        results.append((evaluate(rows, pipe.evidence, w), w))
    for m, w in sorted(results, key=lambda x: -x[0]["accuracy"])[:10]:
        print(f"{m['accuracy']:.3f} wrong {m['wrong']:.3f}  sent {w.sentence_terms} "
              f"passage {w.passage_terms} type {w.answer_type}")  # fmt: skip
    for per, margin, lst in itertools.product((1, 2, 3), (0.05, 0.1, 0.15, 0.25), (4, 6, 8)):
        cfg = replace(pipe.evidence.config, per_party=per, margin=margin, list_size=lst)
        ev = pipe.evidence
        finder = EvidenceFinder(ev.embed, ev.terms, ev.weight, cfg, ev.spell)
        m = evaluate(rows, finder, base)
        print(
            f"per_party {per} margin {margin} list {lst}: {m['accuracy']:.3f} wrong {m['wrong']:.3f}"
        )


def gate_rows(rows) -> list[tuple[str, bool, float, float]]:
    """Per retrieval: (qid, answerable, best similarity, retrieved-terms coverage)."""
    out = []
    for q, _, ranked, _ in rows:
        for lst in ranked:
            if lst:
                f = lst[0].features
                out.append((q.qid, q.answerable, f["similarity"], f["retrieved_terms"],
                            f["retrieved_names"]))  # fmt: skip
            else:
                out.append((q.qid, q.answerable, 0.0, 0.0, 0.0))
    return out


if __name__ == "__main__":
    main()
