"""Hybrid retrieval: dense (FAISS) ∪ BM25, filters inside each search, RRF, rerank, diversify."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Literal

import numpy as np

from index.countries import ALIASES
from index.embed import Embedder
from index.loaded import LoadedIndex
from index.types import Filters, Statement
from rag.errors import InputError
from rag.filters import named_symbols, parse_filters
from rag.rerank import Reranker
from rag.settings_models import RetrievalSettings
from rag.types import Passage, Retrieval

Mode = Literal["hybrid", "dense", "bm25"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "bm25")


class Retriever:
    """`search(query, k, filters)` over one loaded index."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        config: RetrievalSettings | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        config = config or RetrievalSettings()
        if config.mode not in MODES:
            raise InputError(f"Unknown retriever {config.mode!r}: use one of {', '.join(MODES)}.")
        self.index, self.embedder, self.config = index, embedder, config
        self.mode, self.reranker = config.mode, reranker
        self._statements: dict[str, Statement] = {}

    def search(
        self,
        query: str,
        k: int | None = None,
        filters: Filters | dict[str, object] | None = None,
        given: Filters | None = None,
        notes: tuple[str, ...] = (),
        party: str = "",
        whole: int = 0,
    ) -> Retrieval:
        """Best k passages (default: the configured k) for `query` among the chunks that
        satisfy `filters`.

        `given` is what the user chose when `filters` adds what the question named; `notes`
        say what was added, and travel with the result so the banner shows what was searched.
        `whole`: when the filters leave at most this many chunks, return them all, ranked
        (a party's one statement is read whole, not two chunks of it)."""
        query = self._check(query)
        k = self.config.k if k is None else k
        if k < 1:
            raise InputError(f"k must be at least 1, not {k}.")
        asked = parse_filters(filters)
        flt = self.meeting_named(query, asked)
        if flt != asked:
            notes = (*notes, f"meeting: {', '.join(flt.symbols)} (named in the question)")
        given = asked if given is None else given
        allowed = self.index.meta.allowed_ids(flt)
        if allowed is not None and len(allowed) == 0:
            return Retrieval(query, (), flt, given, party, notes)
        per_statement, exhaustive = self.config.max_per_statement, False
        if allowed is not None and len(allowed) <= whole:
            k, per_statement, exhaustive = len(allowed), 0, True
        stages = self._candidates(query, flt, allowed, k)
        fused = self._fuse(stages)
        passages = self._passages(fused, stages)
        if self.reranker is not None:
            passages = self._rerank(query, passages)
        found = diversify(passages, k, per_statement)
        return Retrieval(query, tuple(found), flt, given, party, notes, exhaustive)

    def holds(self, filters: Filters) -> bool:
        """Whether any indexed statement satisfies `filters` (for the search plan)."""
        allowed = self.index.meta.allowed_ids(filters)
        return allowed is None or len(allowed) > 0

    def delegations(self) -> list[str]:
        """The delegation names the index holds (for reading questions)."""
        return [c for c in self.index.meta.group_counts("country") if c]

    def meeting_named(self, query: str, flt: Filters) -> Filters:
        """`flt` restricted to the meetings the query names ("at S/PV.4644") that the index holds.

        Users who name a meeting mean it, and its symbol is one token among many for BM25 and
        noise to the embedder (dev set: one question answered from a later meeting before)."""
        if not self.config.named_meeting or flt.symbols or flt.statement_ids:
            return flt
        held = tuple(s for s in named_symbols(query) if self.index.meta.ids_for_symbol(s))
        return replace(flt, symbols=held) if held else flt

    def _check(self, query: str) -> str:
        query = " ".join(query.split())
        if not query:
            raise InputError("The question is empty: type a question or some keywords.")
        if len(query) > self.config.max_query_chars:
            raise InputError(
                f"The question has {len(query)} characters; shorten it to at most "
                f"{self.config.max_query_chars}."
            )
        return query

    def _candidates(
        self, query: str, flt: Filters, allowed: np.ndarray | None, k: int
    ) -> dict[str, dict[int, float]]:
        """Per stage: FAISS id → score, best first."""
        stages: dict[str, dict[int, float]] = {}
        # Candidates are chunks but results are capped per statement: a few long statements
        # can fill a fixed-depth pool, so the pool grows with k.
        floor = 4 * k * max(1, self.config.max_per_statement)
        if self.mode in ("hybrid", "dense"):
            vec = self.embedder.embed([query])
            scores, ids = self.index.dense_search(
                vec, max(self.config.dense_depth, floor), flt, allowed
            )
            stages["dense"] = {
                int(i): float(s) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0
            }
        if self.mode in ("hybrid", "bm25"):
            mask = self.index.bm25_mask(allowed)
            scores, docs = self.index.bm25.search(
                expand_query(query), max(self.config.bm25_depth, floor), mask
            )
            ids = self.index.bm25_ids[docs]
            stages["bm25"] = {int(i): float(s) for s, i in zip(scores, ids, strict=True)}
        return stages

    def _fuse(self, stages: dict[str, dict[int, float]]) -> list[tuple[int, float]]:
        """Weighted reciprocal rank fusion of the stages' rankings."""
        weight = {"dense": self.config.dense_weight, "bm25": self.config.bm25_weight}
        fused: dict[int, float] = defaultdict(float)
        for stage, ranking in stages.items():
            for rank, fid in enumerate(ranking, start=1):
                fused[fid] += weight[stage] / (self.config.rrf_k + rank)
        return sorted(fused.items(), key=lambda x: -x[1])

    def _passages(
        self, fused: list[tuple[int, float]], stages: dict[str, dict[int, float]]
    ) -> list[Passage]:
        rows = self.index.meta.chunks_by_faiss_ids([fid for fid, _ in fused])
        out = []
        for fid, score in fused:
            row = rows.get(fid)
            if row is None:
                continue
            scores = {name: ranking[fid] for name, ranking in stages.items() if fid in ranking}
            scores["rrf"] = score
            out.append(
                Passage(
                    row["chunk_id"],
                    self._statement(row["statement_id"]),
                    row["start"],
                    row["end"],
                    score,
                    scores,
                )
            )
        return out

    def _rerank(self, query: str, passages: list[Passage]) -> list[Passage]:
        assert self.reranker is not None
        head = passages[: self.config.rerank_depth]
        scores = self.reranker.rank(query, [p.text for p in head])
        reranked = [
            Passage(
                p.chunk_id, p.statement, p.start, p.end, float(s), {**p.scores, "rerank": float(s)}
            )
            for p, s in zip(head, scores, strict=True)
        ]
        reranked.sort(key=lambda p: -p.score)
        return reranked + passages[len(head) :]

    def _statement(self, statement_id: str) -> Statement:
        if statement_id not in self._statements:
            st = self.index.meta.statement(statement_id)
            assert st is not None, statement_id
            self._statements[statement_id] = st
        return self._statements[statement_id]


def diversify(passages: list[Passage], k: int, max_per_statement: int) -> list[Passage]:
    """Top k, at most `max_per_statement` per statement (0 = no limit); order kept."""
    counts: dict[str, int] = defaultdict(int)
    out = []
    for p in passages:
        if max_per_statement and counts[p.statement_id] >= max_per_statement:
            continue
        counts[p.statement_id] += 1
        out.append(p)
        if len(out) == k:
            break
    return out


def merge_adjacent(passages: list[Passage]) -> list[Passage]:
    """Merge overlapping or touching spans of one statement into one passage (for display)."""
    merged: list[Passage] = []
    for p in passages:
        for i, m in enumerate(merged):
            if m.statement_id == p.statement_id and p.start <= m.end + 1 and m.start <= p.end + 1:
                merged[i] = Passage(
                    m.chunk_id,
                    m.statement,
                    min(m.start, p.start),
                    max(m.end, p.end),
                    max(m.score, p.score),
                    m.scores,
                )
                break
        else:
            merged.append(p)
    return merged


def expand_query(query: str) -> str:
    """Add the long form of country aliases ("UK" → "United Kingdom") for lexical matching."""
    words = query.split()
    extra = [ALIASES[w.lower().strip("?,.")] for w in words if w.lower().strip("?,.") in ALIASES]
    return " ".join([query, *extra])
