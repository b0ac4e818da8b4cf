"""Answer evaluation: accuracy as a user reads it, citation overlap with gold spans, refusals, speed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from eval.accuracy import Verdict, judge, summarise
from eval.datasets import Question
from eval.metrics import Span, mean, overlaps, percentile
from rag.answer_json import answer_to_json
from rag.pipeline import Pipeline
from rag.types import Answer


def evidence_spans(q: Question, text_of: Any, first_only: bool = False) -> list[Span]:
    """Gold evidence quotes located in their statements (offsets into the statement text).

    `first_only`: the first annotator's quotes (one per gold statement), without the further
    passages a second annotator found that answer the question as well."""
    spans = []
    for ev in q.evidence:
        if first_only and ev.get("annotator"):
            continue
        sid, quote = ev.get("statement_id", ""), ev.get("quote", "")
        at = (text_of(sid) or "").find(quote) if sid and quote else -1
        if at >= 0:
            spans.append((sid, at, at + len(quote)))
    return spans


def score_answer(
    answer: Answer, q: Question, gold_spans: list[Span], first_spans: list[Span] | None = None
) -> dict[str, Any]:
    """Per-question scores: which citations hit gold evidence, which gold spans were cited.

    Precision counts a citation of any passage that answers (all annotators); recall counts
    the first annotator's spans, one per gold statement, which an answer should all cover."""
    first = gold_spans if first_spans is None else first_spans
    cited = [(c.passage.statement_id, c.passage.start, c.passage.end) for c in answer.citations()]
    gold_statements = {g[0] for g in gold_spans}
    covered = [any(overlaps(c, g) for c in cited) for g in first]
    shown_text = answer.text
    return {
        "n_citations": len(cited),
        "n_correct_citations": sum(any(overlaps(c, g) for g in gold_spans) for c in cited),
        "n_correct_citations_first": sum(any(overlaps(c, g) for g in first) for c in cited),
        # Right speaker, maybe another paragraph: the attribution users check first.
        "n_statement_citations": sum(c[0] in gold_statements for c in cited),
        "gold_spans": len(first),
        "gold_spans_cited": sum(covered),
        "leads_shown": sum(s.kind == "lead" for s in answer.sentences),
        # A removed label must never reach the user; checked here on what is shown.
        "removed_label_shown": any(f"[{n}]" in shown_text for n in answer.removed_labels),
    }


def evaluate_answers(
    pipeline: Pipeline,
    questions: Sequence[Question],
    text_of: Any,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Ask every question; accuracy as a user reads it, citation overlap, refusals, speed."""
    rows: list[dict[str, Any]] = []
    verdicts: list[tuple[str, Verdict]] = []
    started = time.perf_counter()
    for i, q in enumerate(questions, start=1):
        t0 = time.perf_counter()
        answer = pipeline.ask(q.question, None, q.filters)
        seconds = time.perf_counter() - t0
        verdict = verdict_of(answer, q)
        verdicts.append((q.answer_type or "untyped", verdict))
        row = {"qid": q.qid, "type": q.type, "answerable": q.answerable, "seconds": seconds}
        row |= {"verdict": verdict.outcome, "missing_facts": list(verdict.missing_facts)}
        spans, first = evidence_spans(q, text_of), evidence_spans(q, text_of, first_only=True)
        row |= score_answer(answer, q, spans, first)
        rows.append(row | answer_to_json(answer))
        if progress is not None:
            progress(progress_line(i, len(questions), verdicts, time.perf_counter() - started))
    summary = summarise(verdicts)
    metrics = aggregate_answers(rows) | {k: summary[k] for k in ("accuracy", "wrong", "refused")}
    metrics["by_answer_type"] = summary["by_answer_type"]
    return {"n": len(rows), "metrics": metrics, "per_question": rows}


def verdict_of(answer: Answer, q: Question) -> Verdict:
    """The accuracy verdict on one answer to one gold question."""
    cited = [(c.passage.statement_id, c.passage.statement.country) for c in answer.citations()]
    return judge(
        answer.text,
        answer.refused,
        cited,
        q.facts,
        q.party,
        q.gold_ids,
        every_party=q.type == "comparison",
    )


def progress_line(i: int, n: int, verdicts: Sequence[tuple[str, Verdict]], elapsed: float) -> str:
    """ "question 12 of 98 · accuracy so far 0.727 · about 3 min left"."""
    graded = [v for _, v in verdicts if v.outcome in ("accurate", "wrong", "refused")]
    acc = sum(v.outcome == "accurate" for v in graded) / len(graded) if graded else 0.0
    left = elapsed / i * (n - i)
    return f"question {i} of {n} · accuracy so far {acc:.3f} · about {left / 60:.1f} min left"


def aggregate_answers(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Citation precision (micro), citation recall, answered and refused shares, seconds."""
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    n_cit = sum(r["n_citations"] for r in answerable)
    spans = sum(r["gold_spans"] for r in answerable)
    secs = [r["seconds"] for r in rows]
    return {
        "citation_precision": _ratio(sum(r["n_correct_citations"] for r in answerable), n_cit),
        # Against the first annotator's quotes only: comparable with runs before the second
        "citation_precision_first": _ratio(
            sum(r.get("n_correct_citations_first", r["n_correct_citations"]) for r in answerable),
            n_cit,
        ),
        "statement_precision": _ratio(
            sum(r.get("n_statement_citations", 0) for r in answerable), n_cit
        ),
        "citation_recall": _ratio(sum(r["gold_spans_cited"] for r in answerable), spans),
        "answered": _ratio(sum(not r["refused"] for r in answerable), len(answerable)),
        "refused_unanswerable": _ratio(sum(r["refused"] for r in unanswerable), len(unanswerable)),
        "leads_shown": sum(r.get("leads_shown", 0) for r in rows),
        "removed_label_shown": sum(r["removed_label_shown"] for r in rows),
        "seconds_p50": _round(percentile(secs, 50)),
        "seconds_mean": _round(mean(secs)),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
    }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _round(x: float | None) -> float | None:
    return round(x, 2) if x is not None else None
