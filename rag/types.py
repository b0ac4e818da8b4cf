"""Typed answer chain: Passage (a retrieved span) → Citation → AnswerSentence → Answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.types import Statement


@dataclass(frozen=True)
class Passage:
    """A retrieved span of one statement, with each retrieval stage's score."""

    chunk_id: str
    statement: Statement
    start: int
    end: int
    score: float
    scores: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        """The span exactly as in the record (what users read and quote)."""
        return self.statement.text[self.start : self.end]

    @property
    def statement_id(self) -> str:
        """Id of the statement the span belongs to."""
        return self.statement.id

    def label(self) -> str:
        """ "Mr. X (France), S/PV.8699, 2020-01-09" for prompts and cards."""
        st = self.statement
        who = st.speaker or "Unnamed speaker"
        if st.country:
            who += f" ({st.country})"
        return ", ".join(x for x in (who, st.symbol, st.date) if x)

    def to_json(self, rank: int) -> dict[str, object]:
        """The `search --json` row."""
        st = self.statement
        return {
            "rank": rank,
            "score": round(self.score, 6),
            "statement_id": st.id,
            "chunk_id": self.chunk_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "symbol": st.symbol,
            "date": st.date,
            "speaker": st.speaker,
            "country": st.country,
            "spoken_language": st.spoken_language,
            "agenda": st.agenda,
            "scores": {k: round(v, 6) for k, v in self.scores.items()},
        }


@dataclass(frozen=True)
class Citation:
    """Label [n] → passage, with the exact character span in the statement that supports it."""

    n: int
    passage: Passage
    start: int  # offsets into passage.statement.text
    end: int
    support: float
    supported: bool

    @property
    def quote(self) -> str:
        """The supporting words, exactly as in the statement."""
        return self.passage.statement.text[self.start : self.end]


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the answer and the citations that back it."""

    text: str
    citations: tuple[Citation, ...]
    supported: bool  # False: shown flagged as unsupported
    attached: bool = False  # True: the citation was added by the checker, not the model


@dataclass(frozen=True)
class Answer:
    """A checked answer: sentences with citations, or a refusal with the closest passages."""

    question: str
    sentences: tuple[AnswerSentence, ...]
    passages: tuple[Passage, ...]
    refused: bool
    removed_labels: tuple[int, ...] = ()
    settings_hash: str = ""
    backend: str = ""
    raw: str = ""

    @property
    def text(self) -> str:
        """The answer as plain text with its [n] labels."""
        return " ".join(
            s.text + "".join(f" [{c.n}]" for c in s.citations if f"[{c.n}]" not in s.text)
            for s in self.sentences
        ).strip()

    def citations(self) -> list[Citation]:
        """Every citation, first occurrence of each label."""
        seen: dict[int, Citation] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c.n, c)
        return sorted(seen.values(), key=lambda c: c.n)
