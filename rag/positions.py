"""Where each delegation stands (retrieval, evidence and the model are passed in): one row per
delegation that spoke, or per delegation named, with its best answering sentences as exact
quotes, and, when a model writes, a one-line summary kept only if the strict check passes it."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.countries import display_name, kind_of
from index.delegation_table import ELECTED, P5
from index.types import Filters
from rag.backends.base import Backend, GenerationParams
from rag.embed_cache import CachedEmbed
from rag.errors import InputError
from rag.evidence import EvidenceFinder
from rag.filters import parse_filters
from rag.plan import plan
from rag.position_summary import summarise
from rag.question import Analysis, analyse
from rag.retrieve import Retriever
from rag.types import AnswerSentence, Evidence

SORTS = ("order", "delegation", "date", "strength")


@dataclass(frozen=True)
class PositionsConfig:
    """Passages per delegation, quotes per row, and how many rows a topic gets."""

    k: int = 8
    whole_chunks: int = 48  # a delegation's statements under the scope read whole up to this
    quotes: int = 2  # quotes per row (a second only when nearly as good as the first)
    max_rows: int = 20  # a scope with more speakers than this is read by topic
    topic_passages: int = 40  # …the delegations of this many best passages, in order
    summary_tokens: int = 60
    timeout_s: float = 120.0


@dataclass(frozen=True)
class Row:
    """One delegation: its quotes (exact spans), how strong they are, or why there are none."""

    delegation: str
    kind: str
    quotes: tuple[Evidence, ...] = ()
    strength: float = 0.0  # the best quote's evidence score (rows of one table compare)
    answered: bool = False  # the quotes pass the evidence gate (else they are only the closest)
    spoke: bool = False  # it has statements under the scope
    note: str = ""  # "No statement by Chad at S/PV.4644."
    summary: AnswerSentence | None = None  # the model's line, checked against the quotes
    dropped: str = ""  # why the model's line is not shown
    order: tuple[str, int] = ("", 0)  # (date, speech number) of its first statement

    @property
    def weak(self) -> bool:
        """Quotes shown as the closest sentences of a statement that does not clearly answer."""
        return bool(self.quotes) and not self.answered


@dataclass(frozen=True)
class Positions:
    """A positions table: the question, its scope, one row per delegation."""

    question: str
    rows: tuple[Row, ...]
    scope: Filters
    notes: tuple[str, ...] = ()
    seconds: float = 0.0
    backend: str = "extractive"


class PositionFinder:
    """Builds positions tables with one retriever, one evidence finder, an optional model."""

    def __init__(
        self,
        retriever: Retriever,
        evidence: EvidenceFinder,
        backend: Backend | None = None,
        config: PositionsConfig | None = None,
    ) -> None:
        self.retriever, self.backend = retriever, backend
        # The same statements are read for every table about a meeting: their vectors are kept.
        embed = (
            evidence.embed
            if isinstance(evidence.embed, CachedEmbed)
            else CachedEmbed(evidence.embed)
        )
        self.evidence = evidence.with_embed(embed)
        self.config = config or PositionsConfig()
        self._known: list[str] | None = None

    def compare(
        self,
        question: str,
        delegations: Sequence[str] = (),
        scope: Filters | dict[str, object] | None = None,
    ) -> Positions:
        """One row per delegation named (or, if none, per delegation that spoke)."""
        t0 = time.perf_counter()
        question = " ".join((question or "").split())
        if not question:
            raise InputError("The question is empty: type a topic or a question.")
        given = parse_filters(scope)
        analysis = analyse(question, self.known())
        flt, notes = self.scope(analysis, given)
        row_analysis = for_rows(analysis)
        rows = [
            self._row(row_analysis, n, flt, given) for n in self._names(analysis, delegations, flt)
        ]
        if self.backend is not None and self.backend.writes:
            rows = [self._summarised(r, question) for r in rows]
        name = self.backend.name if self.backend is not None else "extractive"
        return Positions(question, tuple(rows), flt, notes, time.perf_counter() - t0, name)

    def known(self) -> list[str]:
        """Delegations the index holds (read once)."""
        if self._known is None:
            self._known = self.retriever.delegations()
        return self._known

    def scope(self, analysis: Analysis, given: Filters) -> tuple[Filters, tuple[str, ...]]:
        """The user's filters plus the meeting and dates the question names (rag.plan)."""
        topic = replace(analysis, parties=(), mentions=())
        searches, _ = plan(topic, given, self.retriever)
        return searches[0].filters, searches[0].notes

    def _names(self, analysis: Analysis, delegations: Sequence[str], flt: Filters) -> list[str]:
        """The rows' delegations: those named (by the caller, else in the question), else
        those that spoke under the scope, else those of the best passages on the question."""
        asked = [display_name(d) for d in delegations if d.strip()]
        asked += [p.name for p in analysis.speaking if p.kind == "delegation" and not asked]
        if asked:
            return list(dict.fromkeys(asked))
        if flt.countries:
            return [display_name(c) for c in flt.countries]
        spoke = self.retriever.index.meta.delegations(flt) if not flt.is_empty() else []
        if 0 < len(spoke) <= self.config.max_rows:
            return [s.name for s in spoke]
        return self._by_topic(analysis.question, flt)

    def _by_topic(self, question: str, flt: Filters) -> list[str]:
        """The delegations of the best passages on the question, first found first."""
        found = self.retriever.search(question, self.config.topic_passages, flt)
        names = [p.statement.country for p in found.passages if p.statement.country]
        return list(dict.fromkeys(names))[: self.config.max_rows]

    def _row(self, analysis: Analysis, name: str, scope: Filters, given: Filters) -> Row:
        """Search the delegation's statements under the scope; quote what answers."""
        flt = replace(scope, countries=(name,))
        kind, place = kind_of(name), where(scope)
        if not self.retriever.holds(flt):
            return Row(name, kind, note=f"No statement by {name} {place}.")
        c = self.config
        analysis = replace(analysis, question=_own_query(analysis, name))
        r = self.retriever.search(
            analysis.question, c.k, flt, given, (), name, whole=c.whole_chunks
        )
        ranked = self.evidence.rank(analysis, r.passages, name, r.exhaustive)
        first = min(
            ((p.statement.date, p.statement.speech_no or 0) for p in r.passages), default=("", 0)
        )
        answers = self.evidence.answers(ranked, r.exhaustive)
        # Sentences about the question but short of the gate are shown as the closest, marked:
        # any of a statement read whole (it spoke there), else only very close ones.
        cfg = self.evidence.config
        floor = cfg.min_similarity if r.exhaustive else cfg.trusted_similarity
        near = any(e.features["similarity"] >= floor for e in ranked[:3])
        if not (answers or near):
            found = "" if r.exhaustive else " was found"
            note = f"No statement by {name} on this{found} {place}."
            return Row(name, kind, spoke=True, note=note, order=first)
        quotes = tuple(self.evidence.select(analysis, ranked)[: c.quotes])
        note = "" if answers else "Closest sentences: they may not answer the question."
        return Row(name, kind, quotes, ranked[0].score, answers, True, note, order=first)

    def _summarised(self, row: Row, question: str) -> Row:
        """The row with the model's one line about it, if the checks keep it."""
        if not row.answered:
            return row
        params = GenerationParams(
            max_tokens=self.config.summary_tokens, stop=("\n",), timeout_s=self.config.timeout_s
        )
        assert self.backend is not None
        line, dropped = summarise(self.backend, row.delegation, question, row.quotes, params)
        return replace(row, summary=line, dropped=dropped)


_EACH = re.compile(
    r"\b(?:each|every|all|the\s+various|the\s+different)\s+(?:of\s+the\s+)?(?:council\s+)?"
    r"(?:delegations?|members?|speakers?|countries|states|participants|P5|permanent\s+members)\b",
    re.I,
)


def for_rows(analysis: Analysis) -> Analysis:
    """The question as each row reads it: "which delegations said …" and "did the resolution
    …" ask, per delegation, what it said (the row is the who, its stance the yes or no; its
    quotes need no commas of a list), and "each delegation" is one delegation (words every
    sentence lacks would count against it)."""
    stance = analysis.answer_type in ("who", "list", "yesno")
    kind = "position" if stance else analysis.answer_type
    question = _EACH.sub("the delegation", analysis.question)
    return replace(analysis, answer_type=kind, question=question)


def _own_query(analysis: Analysis, name: str) -> str:
    """The question without the other delegations it names as speakers."""
    text = analysis.question
    for p in analysis.speaking:
        if p.kind == "delegation" and p.name != name:
            text = re.sub(rf"(?:,\s*|\s+and\s+|\s+or\s+)?\b{re.escape(p.mention)}\b", "", text)
    return " ".join(text.split())


def where(scope: Filters) -> str:
    """ "at S/PV.4644", "between 2020-01-01 and 2020-06-30", or "in the index"."""
    if scope.symbols:
        return "at " + ", ".join(scope.symbols)
    if scope.date_from or scope.date_to:
        return f"between {scope.date_from or 'the first record'} and {scope.date_to or 'today'}"
    return "in the index"


def sort_rows(rows: Sequence[Row], by: str = "order") -> list[Row]:
    """Rows by speaking order, delegation name, date, or strength (rows without quotes last)."""
    if by not in SORTS:
        raise InputError(f"Unknown sort {by!r}: use one of {', '.join(SORTS)}.")
    if by == "delegation":
        return sorted(rows, key=lambda r: r.delegation.lower())
    if by == "date":
        return sorted(rows, key=lambda r: (not r.spoke, r.order))
    if by == "strength":
        return sorted(rows, key=lambda r: (not r.answered, not r.quotes, -r.strength))
    return list(rows)


def council_members(year: int, spoke_as_members: Sequence[str] = ()) -> list[str]:
    """The P5 and the elected members of a year: the shipped table, else (a year it lacks)
    the delegations that sat as members in the records (`spoke_as_members`)."""
    elected = ELECTED.get(year)
    if elected is None:
        elected = tuple(n for n in spoke_as_members if n not in P5 and kind_of(n) == "member_state")
    return [*P5, *sorted(elected)]


def members_in_records(retriever: Retriever, year: int) -> list[str]:
    """Who spoke as a Council member (or presided) in a year, by the records' participant type."""
    flt = Filters(
        date_from=f"{year}-01-01",
        date_to=f"{year}-12-31",
        participant_types=("Mentioned", "The President"),
    )
    return [s.name for s in retriever.index.meta.delegations(flt)]


PRESETS = ("p5", "council")


def preset(name: str, retriever: Retriever, scope: Filters) -> list[str]:
    """The delegations of a preset: "p5", or "council" (the members in the scope's year)."""
    if name == "p5":
        return list(P5)
    if name != "council":
        raise InputError(f"Unknown preset {name!r}: use one of {', '.join(PRESETS)}.")
    year = scope_year(retriever, scope)
    if year is None:
        raise InputError("The Council preset needs a meeting or dates: say which year.")
    return council_members(year, members_in_records(retriever, year))


def scope_year(retriever: Retriever, scope: Filters) -> int | None:
    """The year of a scope: its meeting's date, or its first date."""
    if scope.symbols:
        spoke = retriever.index.meta.delegations(Filters(symbols=scope.symbols))
        dates = [s.date for s in spoke if s.date]
        return int(min(dates)[:4]) if dates else None
    return int(scope.date_from[:4]) if scope.date_from else None
