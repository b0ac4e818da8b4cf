"""Lexical search with bm25s (sole bm25s importer): a persisted BM25 index with filter masks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import Stemmer

STEMMER = "english"  # recorded in the manifest: a different stemmer needs a rebuild
_SPELL_MIN = 4  # shorter words have too many neighbours one letter away ("irak" → "iraq")


class BM25Index:
    """BM25 over the chunks' indexed text; document i is the i-th text given to `build`."""

    def __init__(self, retriever: Any = None, n_docs: int = 0) -> None:
        self._stem = Stemmer.Stemmer(STEMMER)
        self._retriever = retriever
        self.n_docs = n_docs
        self._spelled: dict[str, str] = {}
        self._buckets: dict[tuple[str, int], list[str]] = {}

    def _tokenize(self, texts: list[str]) -> Any:
        return bm25s.tokenize(
            texts, stopwords="en", stemmer=self._stem.stemWords, show_progress=False
        )

    def build(self, texts: list[str]) -> None:
        """Index `texts` (replaces anything indexed before; bm25s has no incremental add)."""
        self.n_docs = len(texts)
        self._retriever = None
        self._spelled, self._buckets = {}, {}
        tokens = self._tokenize(texts) if texts else None
        if tokens is not None and tokens.vocab:  # no word at all (only stop words): nothing to find
            self._retriever = bm25s.BM25()
            self._retriever.index(tokens, show_progress=False)

    def query_terms(self, query: str) -> list[str]:
        """The stemmed, stop-word-free terms of a query that exist in the vocabulary, a
        misspelt one ("constitusion") replaced by the closest that does."""
        vocab = self._retriever.vocab_dict if self._retriever is not None else {}
        found = (self.spelled(t) for t in self.terms(query))
        return [t for t in found if t in vocab]

    def spelled(self, term: str) -> str:
        """The vocabulary's closest term to one it lacks (users type fast: "febuary",
        "mentoined"); the term itself when it is known, short, a number, or nothing is close."""
        vocab = self._retriever.vocab_dict if self._retriever is not None else {}
        if term in vocab or len(term) < _SPELL_MIN or not term.isalpha():
            return term
        if term not in self._spelled:
            most = 1 if len(term) < 8 else 2
            near = [(d, t) for t in self._bucket(term) if (d := _edits(term, t, most)) <= most]
            # the commonest of the closest: "chiar" is "chair" (a transposition), not "char"
            near.sort(key=lambda dt: (dt[0], self.idf(dt[1])))
            self._spelled[term] = near[0][1] if near else term
        return self._spelled[term]

    def _bucket(self, term: str) -> list[str]:
        """Known terms of about the same length and first letter: difflib over the whole
        vocabulary takes a second a word."""
        if not self._buckets:
            vocab = self._retriever.vocab_dict if self._retriever is not None else {}
            for t in vocab:
                if t.isalpha():
                    self._buckets.setdefault((t[0], len(t)), []).append(t)
        return [
            t
            for n in range(len(term) - 2, len(term) + 3)
            for t in self._buckets.get((term[0], n), [])
        ]

    def terms(self, text: str) -> list[str]:
        """Stemmed, stop-word-free terms of any text, in or out of the vocabulary."""
        return list(
            bm25s.tokenize(
                [text],
                stopwords="en",
                stemmer=self._stem.stemWords,
                return_ids=False,
                show_progress=False,
            )[0]
        )

    def idf(self, term: str) -> float:
        """log(1 + N / df) of a stemmed term; a term in no document gets the highest weight."""
        n = max(1, self.n_docs)
        tid = self._retriever.vocab_dict.get(term) if self._retriever is not None else None
        if tid is None:
            return float(np.log1p(n))
        indptr = self._retriever.scores["indptr"]
        end = indptr[tid + 1] if tid + 1 < len(indptr) else len(self._retriever.scores["data"])
        return float(np.log1p(n / max(1, int(end - indptr[tid]))))

    def search(
        self, query: str, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores and document positions, best first; only documents with mask 1 and score > 0."""
        terms = self.query_terms(query) if self.n_docs else []
        if not terms:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = min(k, self.n_docs)
        docs, scores = self._retriever.retrieve(
            [terms], k=k, weight_mask=mask, show_progress=False, n_threads=1
        )
        docs, scores = docs[0].astype(np.int64), scores[0].astype(np.float32)
        # bm25s pads with masked-out or non-matching documents at score 0: drop them.
        keep = scores > 0
        if mask is not None:
            keep &= mask[docs] > 0
        return scores[keep], docs[keep]

    def save(self, folder: Path) -> None:
        """Write the index under `folder` (the caller makes the write atomic)."""
        folder.mkdir(parents=True, exist_ok=True)
        if self._retriever is not None and self.n_docs:
            self._retriever.save(str(folder / "bm25s"))
        info = {"n_docs": self.n_docs, "stemmer": STEMMER, "indexed": self._retriever is not None}
        (folder / "bm25.json").write_text(json.dumps(info))

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """Read an index written by `save`."""
        info = json.loads((folder / "bm25.json").read_text())
        n = int(info["n_docs"])
        retriever = bm25s.BM25.load(str(folder / "bm25s")) if (folder / "bm25s").is_dir() else None
        return cls(retriever, n)


def _edits(a: str, b: str, most: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of two
    neighbours), or `most + 1` as soon as it must exceed `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > most:
            return most + 1
        prev2, prev = prev, row
    return prev[-1]
