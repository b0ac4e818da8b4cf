"""Hand-computed checks of the pure retrieval metrics (statement level, binary relevance)."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    aggregate,
    coverage_at_k,
    dedupe,
    evidence_rank,
    full_recall_at_k,
    hit_rank,
    metric_keys,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    recall_at_k,
    score_ranking,
)

# Chunks of statement "a" retrieved three times: after dedup the ranking is a, b, c, d.
RANKING = ["a", "a", "b", "a", "c", "b", "d"]


def test_dedupe_keeps_first_occurrence_order() -> None:
    assert dedupe(RANKING) == ["a", "b", "c", "d"]
    assert dedupe([]) == []


def test_recall_counts_a_statement_once_at_its_best_rank() -> None:
    # Without dedup "c" would sit at rank 5; deduplicated it is rank 3.
    assert recall_at_k(RANKING, ["c"], 3) == 1.0
    assert recall_at_k(RANKING, ["c"], 2) == 0.0
    assert recall_at_k(RANKING, ["x", "b"], 2) == 1.0
    assert recall_at_k(RANKING, ["x"], 20) == 0.0


def test_full_recall_needs_every_gold_statement() -> None:
    assert full_recall_at_k(RANKING, ["a", "c"], 3) == 1.0
    assert full_recall_at_k(RANKING, ["a", "c"], 2) == 0.0
    assert full_recall_at_k(RANKING, ["a", "x"], 20) == 0.0
    assert coverage_at_k(RANKING, ["a", "c", "x", "y"], 3) == 0.5


def test_k_larger_than_the_ranking() -> None:
    assert recall_at_k(["a"], ["a"], 100) == 1.0
    assert full_recall_at_k(["a", "b"], ["a", "b"], 100) == 1.0
    assert mrr_at_k(["b", "a"], ["a"], 100) == 0.5
    assert ndcg_at_k(["a"], ["a"], 100) == 1.0
    assert recall_at_k([], ["a"], 5) == 0.0


def test_hit_rank_and_mrr() -> None:
    assert hit_rank(RANKING, ["d"]) == 4
    assert hit_rank(RANKING, ["x"]) is None
    assert mrr_at_k(RANKING, ["d"], 10) == 0.25
    assert mrr_at_k(RANKING, ["d"], 3) == 0.0
    assert mrr_at_k(RANKING, ["c", "b"], 10) == 0.5


def test_ndcg_binary_relevance_hand_computed() -> None:
    # gold {b, d} at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5); IDCG = 1 + 1/log2(3).
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(RANKING, ["b", "d"], 10) == pytest.approx(expected)
    # Duplicates never earn gain twice: a perfect ranking stays at 1.0.
    assert ndcg_at_k(["a", "a", "b"], ["a", "b"], 10) == pytest.approx(1.0)
    assert ndcg_at_k(RANKING, ["x"], 10) == 0.0
    # More gold than k: the ideal has only k slots.
    assert ndcg_at_k(["a", "b"], ["a", "b", "c"], 2) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "metric", [recall_at_k, full_recall_at_k, coverage_at_k, mrr_at_k, ndcg_at_k]
)
def test_no_gold_cannot_be_scored(metric) -> None:
    with pytest.raises(ValueError, match="no gold"):
        metric(RANKING, [], 5)


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        recall_at_k(RANKING, ["a"], 0)


def test_percentile_linear_interpolation() -> None:
    xs = [10.0, 20.0, 30.0, 40.0]
    assert percentile(xs, 50) == 25.0
    assert percentile(xs, 95) == pytest.approx(38.5)
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(xs, 101)


def test_score_ranking_and_aggregate() -> None:
    ks = (1, 5)
    s1 = score_ranking(["a", "b"], ["b"], ks)
    s2 = score_ranking(["a", "b"], ["a", "z"], ks)
    assert list(s1) == metric_keys(ks)
    assert s1["recall@1"] == 0.0 and s1["recall@5"] == 1.0 and s1["mrr@10"] == 0.5
    assert s2["full_recall@5"] == 0.0 and s2["recall@1"] == 1.0
    agg = aggregate([s1, s2], [1.0, 2.0, 3.0], metric_keys(ks))
    assert agg["recall@1"] == 0.5 and agg["mrr@10"] == 0.75
    assert agg["latency_ms_p50"] == 2.0
    empty = aggregate([], [], metric_keys(ks))
    assert empty["recall@5"] is None and empty["latency_ms_p95"] is None


def test_evidence_rank_is_the_first_passage_overlapping_a_gold_span() -> None:
    gold = [("s1", 100, 150)]
    assert evidence_rank([("s2", 100, 150), ("s1", 0, 99), ("s1", 140, 300)], gold) == 3
    assert evidence_rank([("s1", 0, 100), ("s1", 150, 200)], gold) is None  # touching, no overlap
    assert evidence_rank([], gold) is None
