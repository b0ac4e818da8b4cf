"""Run a retriever over a question set and score it (the `eval retrieval` JSON shape)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from eval.answers import evidence_spans
from eval.datasets import Question, load_questions
from eval.metrics import aggregate, dedupe, evidence_rank, hit_rank, metric_keys, score_ranking
from rag.errors import InputError
from rag.retrieve import MODES, Retriever
from rag.settings import Settings

DEFAULT_KS: tuple[int, ...] = (1, 5, 10, 20)
EVIDENCE_KS: tuple[int, ...] = (1, 3, 5)  # passage level: what an answer is given to cite


def parse_modes(spec: str | Iterable[str]) -> list[str]:
    """ "bm25,dense" / ["hybrid"] / "all" → retriever modes, validated, order kept."""
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    modes: list[str] = []
    for item in (i.strip() for i in items):
        for mode in MODES if item == "all" else (item,):
            if mode not in MODES:
                raise InputError(f"Unknown retriever {mode!r}: use {', '.join(MODES)} or all.")
            if mode not in modes:
                modes.append(mode)
    if not modes:
        raise InputError(f"No retriever given: use {', '.join(MODES)} or all.")
    return modes


def parse_ks(spec: str | Iterable[int]) -> tuple[int, ...]:
    """ "1,5,10" → (1, 5, 10): positive, sorted, unique."""
    try:
        ks = [int(x) for x in (spec.split(",") if isinstance(spec, str) else spec)]
    except ValueError:
        raise InputError(
            f"--k {spec!r} must be a comma list of whole numbers like 1,5,10."
        ) from None
    if not ks or min(ks) < 1:
        raise InputError(f"--k {spec!r} must list numbers of at least 1.")
    return tuple(sorted(set(ks)))


def config_hash(retriever: Retriever, settings: Settings | None = None) -> str:
    """Settings hash with the retriever's actual settings (mode, depths, weights) folded in."""
    s = settings or Settings.model_validate({})
    return s.updated({"retrieval": retriever.config}).settings_hash()


def evaluate_retrieval(
    retriever: Retriever,
    questions: Sequence[Question],
    ks: Sequence[int] = DEFAULT_KS,
    depth: int = 20,
    *,
    name: str | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Search every question with its filters; statement-level metrics overall and by type."""
    ks = parse_ks(ks)
    depth = max(depth, *ks)
    per_statement = retriever.config.max_per_statement
    k_passages = depth * per_statement if per_statement else depth * 8
    if questions:
        retriever.search(questions[0].question, 1, questions[0].filters)  # warm-up, not timed
    rows = [_run_one(retriever, q, k_passages, depth, ks) for q in questions]
    keys = metric_keys(ks) + [f"evidence@{k}" for k in EVIDENCE_KS]
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row)
    return {
        "n": len(rows),
        "n_unanswerable": sum(1 for r in rows if not r["gold_ids"]),
        "retriever": name or retriever.mode,
        "settings_hash": config_hash(retriever, settings),
        "metrics": _summary(rows, keys),
        "by_type": {t: {"n": len(rs), **_summary(rs, keys)} for t, rs in sorted(by_type.items())},
        "per_question": rows,
    }


def _run_one(
    retriever: Retriever, q: Question, k_passages: int, depth: int, ks: Sequence[int]
) -> dict[str, Any]:
    start = time.perf_counter()
    passages = retriever.search(q.question, k_passages, q.filters).passages
    latency = (time.perf_counter() - start) * 1000
    retrieved = dedupe(p.statement_id for p in passages)[:depth]
    row: dict[str, Any] = {
        "qid": q.qid,
        "type": q.type,
        "question": q.question,
        "filters": q.filters,
        "retrieved": retrieved,
        "gold_ids": list(q.gold_ids),
        "hit_rank": hit_rank(retrieved, q.gold_ids) if q.gold_ids else None,
        "missed": [g for g in q.gold_ids if g not in retrieved],
        "latency_ms": round(latency, 2),
    }
    row["scores"] = score_ranking(retrieved, q.gold_ids, ks) if q.gold_ids else None
    texts = {p.statement_id: p.statement.text for p in passages}
    gold = evidence_spans(q, texts.get)
    if row["scores"] is not None and gold:
        rank = evidence_rank([(p.statement_id, p.start, p.end) for p in passages], gold)
        row["evidence_rank"] = rank
        row["scores"] |= {
            f"evidence@{k}": float(rank is not None and rank <= k) for k in EVIDENCE_KS
        }
    return row


def _summary(rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, float | None]:
    scored = [r["scores"] for r in rows if r["scores"] is not None]
    return aggregate(scored, [r["latency_ms"] for r in rows], keys)


def run_retrieval_eval(
    index_dir: Path | str,
    questions_path: Path | str,
    modes: str | Iterable[str] = "all",
    ks: str | Iterable[int] = DEFAULT_KS,
) -> dict[str, Any]:
    """Evaluate each retriever mode over one index: {"index", "questions", "ks", "runs": [...]}."""
    from rag.components import make_embedder, make_retriever, open_index

    questions = load_questions(questions_path)
    mode_list, k_tuple = parse_modes(modes), parse_ks(ks)
    s = Settings.model_validate({}).for_request(index_dir=Path(index_dir))
    embedder = make_embedder(s)
    index = open_index(s, Path(index_dir), embedder)
    runs = [
        evaluate_retrieval(
            make_retriever(s, mode=mode, embedder=embedder, index=index),
            questions,
            k_tuple,
            settings=s,
        )
        for mode in mode_list
    ]
    return {
        "index": str(index_dir),
        "questions": str(questions_path),
        "ks": list(k_tuple),
        "runs": runs,
    }
