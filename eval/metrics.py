"""Pure retrieval metrics at statement level (binary relevance) and latency percentiles.

Every ranking is a list of statement ids in rank order; a statement retrieved through several
chunks counts once, at its best rank (`dedupe` runs first in every metric). Questions without
gold ids (unanswerable) cannot be scored: the metrics raise ValueError for them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def dedupe(ranking: Iterable[str]) -> list[str]:
    """The ranking with repeated statement ids removed, first occurrence kept."""
    return list(dict.fromkeys(ranking))


def _gold(gold: Iterable[str]) -> set[str]:
    out = set(gold)
    if not out:
        raise ValueError("no gold ids: unanswerable questions are not scored")
    return out


def _check_k(k: int) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")


def hit_rank(ranking: Sequence[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first gold statement in the deduplicated ranking, or None."""
    want = _gold(gold)
    for rank, sid in enumerate(dedupe(ranking), start=1):
        if sid in want:
            return rank
    return None


def recall_at_k(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when any gold statement is among the top k distinct statements, else 0.0."""
    _check_k(k)
    want = _gold(gold)
    return float(any(sid in want for sid in dedupe(ranking)[:k]))


def full_recall_at_k(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when every gold statement is among the top k distinct statements, else 0.0."""
    _check_k(k)
    return float(_gold(gold) <= set(dedupe(ranking)[:k]))


def coverage_at_k(ranking: Sequence[str], gold: Iterable[str], k: int) -> float:
    """Fraction of the gold statements found among the top k distinct statements."""
    _check_k(k)
    want = _gold(gold)
    return len(want & set(dedupe(ranking)[:k])) / len(want)


def mrr_at_k(ranking: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold statement within the top k, 0.0 if none."""
    _check_k(k)
    rank = hit_rank(dedupe(ranking)[:k], gold)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(ranking: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Normalised DCG over the top k distinct statements, binary relevance."""
    _check_k(k)
    want = _gold(gold)
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, sid in enumerate(dedupe(ranking)[:k], start=1)
        if sid in want
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(want), k) + 1))
    return dcg / ideal


Span = tuple[str, int, int]  # statement id, start, end (character offsets)


def overlaps(a: Span, b: Span) -> bool:
    """Two spans of the same statement share at least one character."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def evidence_rank(passages: Sequence[Span], gold: Iterable[Span]) -> int | None:
    """1-based rank of the first passage overlapping a gold evidence span, or None.

    Passage level, unlike the statement metrics: the passage an answer would cite.
    """
    spans = list(gold)
    for rank, passage in enumerate(passages, start=1):
        if any(overlaps(passage, g) for g in spans):
            return rank
    return None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100) with linear interpolation, None for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, not {q}")
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, None for no values."""
    return sum(values) / len(values) if values else None


def score_ranking(
    ranking: Sequence[str], gold: Iterable[str], ks: Sequence[int]
) -> dict[str, float]:
    """Every metric of one answerable question: recall@k, full_recall@k per k, mrr@10, ndcg@10."""
    gold = list(gold)
    out = {f"recall@{k}": recall_at_k(ranking, gold, k) for k in ks}
    out |= {f"full_recall@{k}": full_recall_at_k(ranking, gold, k) for k in ks}
    out["mrr@10"] = mrr_at_k(ranking, gold, 10)
    out["ndcg@10"] = ndcg_at_k(ranking, gold, 10)
    return out


def aggregate(
    scores: Sequence[dict[str, float]], latencies_ms: Sequence[float], keys: Sequence[str]
) -> dict[str, float | None]:
    """Mean of each metric key over the scored questions, plus p50/p95 latency over all."""
    out: dict[str, float | None] = {
        key: _round(mean([s[key] for s in scores if key in s])) for key in keys
    }
    out["latency_ms_p50"] = _round(percentile(latencies_ms, 50), 2)
    out["latency_ms_p95"] = _round(percentile(latencies_ms, 95), 2)
    return out


def metric_keys(ks: Sequence[int]) -> list[str]:
    """Names of the ranking metrics in report order."""
    return [f"recall@{k}" for k in ks] + [f"full_recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"]


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)
