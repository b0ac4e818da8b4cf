"""Split a statement into chunks along paragraphs and sentences, with exact offsets (pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator

from pydantic import Field
from pydantic.dataclasses import dataclass

from index.types import Chunk, Statement

TokenCounter = Callable[[str], int]

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
# A sentence ends at . ! ? (and closing quotes/brackets) followed by space and a capital/quote.
_SENT_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
# Abbreviations that end in a period without ending the sentence (UN records use them a lot).
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Art|Arts|para|paras|Sr|Jr|Mt|Gen|Col|Lt|Amb|H\.E|"
    r"e\.g|i\.e|etc|vs|cf|op|Vol|pp|p|S/PV|A/RES|Corr|Rev|Add)\.|\b[A-Z]\.)$"
)
_SOFT_HYPHEN = re.compile(r"(\w)-\s*\n\s*(?=[a-z])")  # "plat-\nform" → "platform"
_HARD_HYPHEN = re.compile(
    r"(\w)-[ \t]*\n\s*(?=[A-Z0-9])"
)  # "Confidence-\nBuilding" keeps its hyphen
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ChunkSettings:
    """How statements are cut: token budget per chunk and sentence overlap."""

    max_tokens: int = Field(
        default=200, description="Word pieces per chunk, header included (model window 254)."
    )
    overlap_tokens: int = Field(
        default=48, description="Sentences carried over between chunks, in word pieces."
    )
    header: bool = Field(
        default=True, description="Prefix country and agenda to the indexed chunk text."
    )


def normalise(text: str) -> str:
    """Join line-break hyphenations and collapse whitespace (for embedding and BM25 only)."""
    text = _HARD_HYPHEN.sub(r"\1-", _SOFT_HYPHEN.sub(r"\1", text))
    return _SPACE.sub(" ", text).strip()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, never crossing a paragraph break."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in _paragraph_spans(text):
        start = p_start
        for m in _SENT_END.finditer(text, p_start, p_end):
            if _ABBREV.search(text[max(start, m.start() - 8) : m.start() + 1]):
                continue
            spans.append((start, m.end()))
            start = m.end()
        if start < p_end:
            spans.append((start, p_end))
    return [_strip(text, s, e) for s, e in spans if text[s:e].strip()]


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _PARAGRAPH.finditer(text):
        if text[start : m.start()].strip():
            yield start, m.start()
        start = m.end()
    if text[start:].strip():
        yield start, len(text)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _word_windows(
    text: str, start: int, end: int, count: TokenCounter, budget: int
) -> list[tuple[int, int]]:
    """Cut an over-long sentence into word windows that each fit the budget."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        j = i + 1
        while j < len(words) and count(text[start + words[i][0] : start + words[j][1]]) <= budget:
            j += 1
        out.append((start + words[i][0], start + words[j - 1][1]))
        i = j
    return out


def _units(text: str, count: TokenCounter, budget: int) -> list[tuple[int, int, int]]:
    """Sentence units (start, end, tokens), over-long sentences pre-cut to fit the budget."""
    units: list[tuple[int, int, int]] = []
    for s, e in sentence_spans(text):
        n = count(text[s:e])
        if n <= budget:
            units.append((s, e, n))
        else:
            units.extend(
                (a, b, count(text[a:b])) for a, b in _word_windows(text, s, e, count, budget)
            )
    return units


def chunk_spans(text: str, count: TokenCounter, settings: ChunkSettings) -> list[tuple[int, int]]:
    """Greedy packing of sentences into spans of at most `max_tokens`, overlapping by sentences."""
    units = _units(text, count, settings.max_tokens)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and total + units[j][2] <= settings.max_tokens:
            total += units[j][2]
            j += 1
        j = max(j, i + 1)
        spans.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        # Step back over trailing sentences that fit the overlap, so context carries over.
        back, k = 0, j
        while k - 1 > i and back + units[k - 1][2] <= settings.overlap_tokens:
            back += units[k - 1][2]
            k -= 1
        i = k
    return spans


def embed_text(statement: Statement, body: str, settings: ChunkSettings) -> str:
    """The text embedded and indexed for a chunk: a short metadata header, then the body."""
    if not settings.header:
        return body
    # Agendas can be paragraph-long letter titles; a short prefix carries the topic.
    agenda = (
        statement.agenda
        if len(statement.agenda) <= 100
        else statement.agenda[:100].rsplit(" ", 1)[0]
    )
    head = " — ".join(x for x in (statement.country, agenda) if x)
    return f"{head}\n{body}" if head else body


def chunk_id(statement_id: str, start: int, end: int, text: str) -> str:
    """Content hash of a chunk: the same statement text gives the same ids (re-ingest is a no-op)."""
    h = hashlib.sha256(f"{statement_id}\x00{start}\x00{end}\x00{text}".encode())
    return h.hexdigest()[:16]


def chunk_statement(
    statement: Statement, count: TokenCounter, settings: ChunkSettings
) -> list[Chunk]:
    """All chunks of one statement; chunks never cross statements."""
    budget = ChunkSettings(
        max_tokens=settings.max_tokens - _header_tokens(statement, count, settings),
        overlap_tokens=settings.overlap_tokens,
        header=settings.header,
    )
    chunks = []
    for n, (s, e) in enumerate(chunk_spans(statement.text, count, budget)):
        text = embed_text(statement, normalise(statement.text[s:e]), settings)
        chunks.append(Chunk(chunk_id(statement.id, s, e, text), statement.id, s, e, text, n))
    return chunks


def _header_tokens(statement: Statement, count: TokenCounter, settings: ChunkSettings) -> int:
    header = embed_text(statement, "", settings)
    return count(header) if header else 0
