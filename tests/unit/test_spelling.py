"""Misspelt query terms take the corpus's closest spelling (a real bm25s index over a few texts)."""

from __future__ import annotations

import pytest

from index.lexical import BM25Index, _edits

TEXTS = [
    "My delegation had the opportunity to chair the Informal Working Group.",
    "The char of the burnt village remained. The chair thanked the members.",
    "The new Constitution was promulgated in February 2015.",
    "Kazakhstan proposed a regional hub in Almaty.",
]


@pytest.fixture(scope="module")
def bm25() -> BM25Index:
    index = BM25Index()
    index.build(TEXTS)
    return index


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("chiar", "chair"),  # a swap of neighbours: one edit, and the commoner of the closest
        ("Febuary", "February"),
        ("Constitusion", "Constitution"),
        ("kazakstan", "Kazakhstan"),
    ],
)
def test_a_misspelt_term_becomes_the_corpus_spelling(bm25, typed, meant) -> None:
    (term,) = bm25.terms(typed)
    (known,) = bm25.terms(meant)
    assert bm25.spelled(term) == known
    assert known in bm25.query_terms(f"what about {typed}")


def test_known_short_and_far_terms_are_kept(bm25) -> None:
    (chair,) = bm25.terms("chair")
    assert bm25.spelled(chair) == chair
    assert bm25.spelled("hu") == "hu"  # too short to guess
    assert bm25.spelled("freedonia") == "freedonia"  # nothing close
    assert bm25.query_terms("freedonia") == []


def test_the_distance_counts_swaps_and_stops_early() -> None:
    assert _edits("chiar", "chair", 2) == 1
    assert _edits("chiar", "char", 2) == 1
    assert _edits("abcdef", "uvwxyz", 1) == 2  # gave up past the bound
