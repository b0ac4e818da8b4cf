from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunk import (
    ChunkSettings,
    chunk_id,
    chunk_spans,
    chunk_statement,
    normalise,
    sentence_spans,
)
from index.types import Statement


def words(text: str) -> int:
    return len(text.split())


SEED_LIKE = (
    "Mr. Kabentayev (Kazakhstan) (spoke in Spanish): I\ncommend the presidency of Uruguay for "
    "convening this\ndebate. Kazakhstan calls for strict implementation.\n\n"
    "The Conference on Interaction and Confidence-\nBuilding Measures in Asia has become a plat-\n"
    "form for dialogue. Mr. Smith agreed. It works.\n"
)


def test_sentences_respect_abbreviations_and_paragraphs():
    spans = sentence_spans(SEED_LIKE)
    texts = [SEED_LIKE[a:b] for a, b in spans]
    assert texts[0].startswith("Mr. Kabentayev") and texts[0].endswith("debate.")
    assert any(t.startswith("The Conference") for t in texts)  # a paragraph starts a sentence
    assert "Mr. Smith agreed." in texts


def test_normalise_joins_line_hyphenation_only_before_lowercase():
    assert normalise("plat-\nform and Confidence-\nBuilding") == "platform and Confidence-Building"


def test_chunks_fit_budget_and_keep_exact_offsets():
    text = " ".join(f"Sentence number {i} is here and it is long enough." for i in range(80))
    stmt = Statement(id="s1", text=text, country="France", agenda="Peace")
    cfg = ChunkSettings(max_tokens=60, overlap_tokens=12)
    chunks = chunk_statement(stmt, words, cfg)
    assert len(chunks) > 5
    for c in chunks:
        assert words(c.text) <= 60
        assert c.text.endswith(normalise(text[c.start : c.end]))
        assert c.text.startswith("France — Peace\n")
    # consecutive chunks overlap by a sentence, and together they cover the statement
    assert all(b.start < a.end for a, b in pairwise(chunks))
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_overlong_sentence_is_cut_not_truncated():
    text = "word " * 500
    spans = chunk_spans(text.strip(), words, ChunkSettings(max_tokens=100, overlap_tokens=0))
    assert sum(words(text[a:b]) for a, b in spans) == 500
    assert all(words(text[a:b]) <= 100 for a, b in spans)


def test_chunk_ids_are_content_hashes():
    stmt = Statement(id="s1", text=SEED_LIKE)
    a = chunk_statement(stmt, words, ChunkSettings(40, 8, header=False))
    b = chunk_statement(stmt, words, ChunkSettings(40, 8, header=False))
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert chunk_id("s1", 0, 5, "x") != chunk_id("s2", 0, 5, "x")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc XYZ.\n", min_size=1, max_size=60), min_size=1, max_size=30))
def test_any_text_chunks_within_budget_with_valid_offsets(parts):
    text = "".join(parts)
    if not text.strip():
        return
    stmt = Statement(id="x", text=text)
    for c in chunk_statement(stmt, words, ChunkSettings(20, 5, header=False)):
        assert 0 <= c.start < c.end <= len(text)
        assert words(c.text) <= 20
        assert c.text == normalise(text[c.start : c.end])
