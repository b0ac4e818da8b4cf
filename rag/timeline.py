"""A delegation's statements on a topic over time (retrieval and evidence passed in): one mark
per statement (its date, the evidence score of its best sentence), each with that sentence."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from index.countries import display_name
from index.types import Filters
from rag.errors import InputError
from rag.evidence import EvidenceFinder
from rag.filters import parse_filters
from rag.positions import for_rows, where
from rag.question import Analysis, analyse
from rag.retrieve import Retriever
from rag.types import Evidence

# One colour per delegation (matplotlib's tab10), shared by the plot and the list of marks.
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip


@dataclass(frozen=True)
class TimelineConfig:
    """How deep to search each delegation's statements, and how many marks to keep."""

    k: int = 24  # passages per delegation (two at most per statement)
    whole_chunks: int = 48
    max_marks: int = 40  # per delegation, the most relevant first
    max_delegations: int = 8  # colours a reader can tell apart (at most len(PALETTE))


@dataclass(frozen=True)
class Mark:
    """One statement on the timeline: its best sentence on the topic and how relevant it is."""

    n: int  # the label on the plot, in date order
    delegation: str
    date: str
    score: float
    evidence: Evidence


@dataclass(frozen=True)
class Timeline:
    """Statements of some delegations on one topic, in date order."""

    topic: str
    delegations: tuple[str, ...]
    marks: tuple[Mark, ...]
    notes: tuple[str, ...] = ()
    scope: Filters = field(default_factory=Filters)
    seconds: float = 0.0

    def colour(self, delegation: str) -> str:
        """The delegation's colour on the plot and in the list."""
        return PALETTE[self.delegations.index(delegation) % len(PALETTE)]


def build_timeline(
    retriever: Retriever,
    evidence: EvidenceFinder,
    topic: str,
    delegations: Sequence[str],
    scope: Filters | dict[str, object] | None = None,
    config: TimelineConfig | None = None,
) -> Timeline:
    """The statements of each delegation on `topic`, under `scope`, as marks in date order."""
    t0, c = time.perf_counter(), config or TimelineConfig()
    topic = " ".join((topic or "").split())
    names = list(dict.fromkeys(display_name(d) for d in delegations if d.strip()))
    if not topic or not names:
        raise InputError("A timeline needs a topic and at least one delegation.")
    if len(names) > c.max_delegations:
        raise InputError(f"At most {c.max_delegations} delegations fit on one timeline.")
    flt = parse_filters(scope)
    analysis = for_rows(analyse(topic, retriever.delegations()))
    found: list[tuple[str, Evidence]] = []
    notes: list[str] = []
    for name in names:
        marks = _statements(retriever, evidence, analysis, name, flt, c)
        found += [(name, e) for e in marks]
        if not marks:
            notes.append(f"No statement by {name} on this {where(flt)}.")
    found.sort(key=lambda x: (x[1].statement.date, x[1].statement.speech_no or 0))
    numbered = tuple(
        Mark(n, name, e.statement.date, e.score, e) for n, (name, e) in enumerate(found, start=1)
    )
    return Timeline(topic, tuple(names), numbered, tuple(notes), flt, time.perf_counter() - t0)


def _statements(
    retriever: Retriever,
    evidence: EvidenceFinder,
    analysis: Analysis,
    name: str,
    flt: Filters,
    c: TimelineConfig,
) -> list[Evidence]:
    """The best sentence of each dated statement of `name` that is about the topic: close to
    it, in a passage that holds its words (as a statement read whole must, rag.evidence)."""
    mine = replace(flt, countries=(name,))
    if not retriever.holds(mine):
        return []
    r = retriever.search(analysis.question, c.k, mine, None, (), name, whole=c.whole_chunks)
    ranked = evidence.rank(analysis, r.passages, name, r.exhaustive)
    best: dict[str, Evidence] = {}
    floor, cover = evidence.config.min_similarity, evidence.config.min_coverage_whole
    for e in ranked:
        f = e.features
        if e.statement.date and f["similarity"] >= floor and f["passage_terms"] >= cover:
            best.setdefault(e.statement.id, e)
    return list(best.values())[: c.max_marks]
