"""Typed answer chain: Passage (a retrieved span) → Retrieval → Evidence (the quoted words) →
Citation → AnswerSentence → Answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from index.records import record_of
from index.types import Filters, Statement


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
class Retrieval:
    """One search as it was really run: the query, the filters applied and why, the passages."""

    query: str
    passages: tuple[Passage, ...]
    filters: Filters = field(default_factory=Filters)
    given: Filters = field(
        default_factory=Filters
    )  # the user's own filters; the rest was named in the question
    party: str = ""  # the party this search was for ("" for the whole question)
    notes: tuple[str, ...] = ()  # "country: France (named in the question)"
    exhaustive: bool = False  # the filters left few chunks, and these are all of them


@dataclass(frozen=True)
class Evidence:
    """The words of a statement that answer (a sentence or two), and why they were chosen."""

    passage: Passage
    start: int  # offsets into passage.statement.text
    end: int
    score: float
    party: str = ""  # the party they answer for ("" when the question names none)
    features: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def quote(self) -> str:
        """The words exactly as in the statement."""
        return self.passage.statement.text[self.start : self.end]

    @property
    def statement(self) -> Statement:
        """The statement the words belong to."""
        return self.passage.statement


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
    supported: bool  # False: never shown as an answer sentence
    kind: str = "quote"  # "quote" (exact words of a statement) or "lead" (written from quotes)
    missing: tuple[str, ...] = ()  # numbers or names the cited words lack (why unsupported)


@dataclass(frozen=True)
class Answer:
    """A checked answer: sentences with citations, or a refusal with the closest passages."""

    question: str
    sentences: tuple[AnswerSentence, ...]
    passages: tuple[Passage, ...]  # cited passages, or the closest ones of a refusal
    refused: bool
    removed_labels: tuple[int, ...] = ()
    settings_hash: str = ""
    backend: str = ""
    raw: str = ""  # what the model wrote, before checking
    retrievals: tuple[Retrieval, ...] = ()
    notes: tuple[str, ...] = ()  # "No statement by Freedonia is in the index."
    dropped: str = ""  # why the model's lead was not shown ("" when shown or not asked for)

    @property
    def text(self) -> str:
        """The answer as plain text: the lead, then each quote with who said it and its [n]."""
        parts = []
        for s in self.sentences:
            labels = "".join(f" [{c.n}]" for c in s.citations)
            if s.kind == "quote" and s.citations:
                parts.append(f"{attribution(s.citations[0].passage.statement)}: “{s.text}”{labels}")
            else:
                parts.append(s.text + labels)
        return " ".join([*parts, *self.notes]).strip()

    def citations(self) -> list[Citation]:
        """Every citation, first occurrence of each label."""
        seen: dict[int, Citation] = {}
        for s in self.sentences:
            for c in s.citations:
                seen.setdefault(c.n, c)
        return sorted(seen.values(), key=lambda c: c.n)


def attribution(st: Statement) -> str:
    """ "France (Mr. de Rivière, S/PV.8699, 9 January 2020)": who said it, where and when."""
    where = ", ".join(x for x in (st.speaker, record_of(st).label, st.date) if x)
    return f"{st.country or st.speaker or 'Unnamed speaker'} ({where})"
