"""Question → read it → search per party → pick the evidence → quote it → (a checked lead).

Events come in the order a user wants them: the query searched, the retrievals, the quotes
(on screen as soon as retrieval is done), the lead sentence's tokens, then the final answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from index.types import Filters
from rag.answer_text import is_refusal
from rag.backends.base import Backend, GenerationParams, complete
from rag.cite import check_lead
from rag.errors import InputError
from rag.evidence import EvidenceFinder
from rag.filters import parse_filters
from rag.listing import lists_speakers
from rag.plan import Search, plan
from rag.prompt import clean_rewrite, heuristic_rewrite, lead_messages, rewrite_messages
from rag.question import Analysis, analyse, language, narrowed
from rag.retrieve import Retriever
from rag.settings import Settings
from rag.types import Answer, AnswerSentence, Citation, Evidence, Passage, Retrieval

REFUSAL_TEXT = "Not found in the indexed statements."


@dataclass(frozen=True)
class Event:
    """One step of an answer in progress: query, retrieval, evidence, token, or the answer."""

    kind: str
    text: str = ""
    retrievals: tuple[Retrieval, ...] = ()
    answer: Answer | None = None  # the quotes so far ("evidence") or the final answer


class Pipeline:
    """Answers questions with one retriever, one evidence finder and one backend."""

    def __init__(
        self,
        retriever: Retriever,
        backend: Backend,
        evidence: EvidenceFinder,
        settings: Settings,
        rewriter: Backend | None = None,
    ) -> None:
        self.retriever, self.backend, self.evidence = retriever, backend, evidence
        # The settings this pipeline answers with: their hash is stamped on every answer.
        self.settings, self.config = settings, settings.answer
        self.settings_hash = settings.settings_hash()
        # Follow-ups and French/Spanish questions need a model even when answers need none.
        self.rewriter = backend if backend.writes else rewriter
        self._known: list[str] | None = None

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        filters: Filters | dict[str, object] | None = None,
    ) -> Answer:
        """The final checked answer (the stream, drained)."""
        for event in self.ask_stream(question, history, filters):
            if event.kind == "answer" and event.answer is not None:
                return event.answer
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        filters: Filters | dict[str, object] | None = None,
    ) -> Iterator[Event]:
        """Events in order: query, retrieval, evidence, tokens, then the answer."""
        question = " ".join((question or "").split())
        if not question:
            raise InputError("The question is empty: type a question or some keywords.")
        given = parse_filters(filters)
        query = self.standalone_query(question, history or [])
        yield Event("query", query)
        analysis = analyse(query, self.known())
        retrievals, missing = self._search(analysis, given)
        yield Event("retrieval", retrievals=retrievals)
        chosen, notes = self._choose(analysis, retrievals, missing)
        if not chosen:
            closest = self._closest(query, given, retrievals)
            yield Event("answer", answer=self._refusal(question, retrievals, notes, closest))
            return
        quotes = _quotes(chosen)
        draft = self._answer(question, quotes, chosen, retrievals, notes)
        yield Event("evidence", answer=draft)
        if not (self.backend.writes and self.config.lead):
            yield Event("answer", answer=draft)
            return
        raw = ""
        for delta in self.backend.stream(lead_messages(query, chosen), self._params()):
            raw += delta
            yield Event("token", delta)
        yield Event("answer", answer=self._with_lead(draft, raw, chosen, query))

    def known(self) -> list[str]:
        """Delegations the index holds, read once (names in questions are matched to them)."""
        if self._known is None:
            self._known = self.retriever.delegations()
        return self._known

    def standalone_query(self, question: str, history: list[tuple[str, str]]) -> str:
        """Follow-ups and French/Spanish questions rewritten into one English question."""
        needs = bool(history) or language(question) != "en"
        if not needs:
            return question
        fallback = heuristic_rewrite(question, history)
        if self.rewriter is None:
            return fallback
        raw = complete(
            self.rewriter, rewrite_messages(question, history), GenerationParams(max_tokens=60)
        )
        return clean_rewrite(raw, fallback)

    def _search(
        self, analysis: Analysis, given: Filters
    ) -> tuple[tuple[Retrieval, ...], list[str]]:
        """One retrieval per party the question names as a speaker (or one for the question)."""
        searches, notes = plan(analysis, given, self.retriever)
        out = tuple(self._meeting_read(analysis, self._run(analysis, s, given)) for s in searches)
        return out, notes

    def _run(self, analysis: Analysis, s: Search, given: Filters, k: int = 0) -> Retrieval:
        return self.retriever.search(
            s.query,
            k or self.settings.retrieval.k,
            s.filters,
            given,
            s.notes,
            s.party.name if s.party else "",
            whole=self._whole(analysis, s.filters),
        )

    def _meeting_read(self, analysis: Analysis, r: Retrieval) -> Retrieval:
        """ "Which delegations said X at the May 2020 videoconference": the meeting is the best
        passage's, read whole; the k best passages of a month miss most of its speakers
        (fresh2: Indonesia, Italy missing from lists of five)."""
        flt = r.filters
        if not (lists_speakers(analysis) and r.passages and flt.date_from) or flt.symbols:
            return r
        symbol = r.passages[0].statement.symbol
        note = f"meeting: {symbol} (the best passage's; a list reads the meeting whole)"
        s = Search(r.query, replace(flt, symbols=(symbol,)), None, (*r.notes, note))
        # A meeting too long to read whole: more of its passages than one answer needs
        whole = self._run(analysis, s, r.given, self.config.whole_chunks)
        return replace(whole, party=r.party) if whole.passages else r

    def _whole(self, analysis: Analysis, filters: Filters) -> int:
        """How many chunks a search may read whole: a whole meeting when the question asks
        which delegations at it said something, else a party's few statements."""
        if filters.symbols and lists_speakers(analysis):
            return self.config.meeting_chunks
        return self.config.whole_chunks

    def _choose(
        self, analysis: Analysis, retrievals: Sequence[Retrieval], notes: list[str]
    ) -> tuple[list[Evidence], tuple[str, ...]]:
        """The quotes that answer, per retrieval; a party without any gets a note instead."""
        chosen: list[Evidence] = []
        notes = list(notes)
        for r in retrievals:
            # A comparison's party is judged on its own question: the other's names are not its
            own = narrowed(analysis, r.query) if analysis.comparison and r.party else analysis
            ranked = self.evidence.rank(own, r.passages, r.party, r.exhaustive)
            answers = self.evidence.answers(ranked, r.exhaustive)
            picked = self.evidence.select(own, ranked) if answers else []
            if self.evidence.states(own, picked):
                chosen += picked
            elif r.party:
                notes.append(f"No statement by {r.party} on this is in the index.")
        return chosen, tuple(notes)

    def _params(self) -> GenerationParams:
        return GenerationParams(
            max_tokens=self.config.lead_max_tokens,
            stop=("\n",),  # one sentence: the quotes are already the body of the answer
            repeat_penalty=1.1,
            timeout_s=self.config.timeout_s,
        )

    def _answer(
        self,
        question: str,
        sentences: tuple[AnswerSentence, ...],
        chosen: Sequence[Evidence],
        retrievals: tuple[Retrieval, ...],
        notes: tuple[str, ...],
        raw: str = "",
        dropped: str = "",
    ) -> Answer:
        return Answer(
            question,
            sentences,
            tuple(e.passage for e in chosen),
            refused=False,
            settings_hash=self.settings_hash,
            backend=self.backend.name,
            raw=raw,
            retrievals=retrievals,
            notes=notes,
            dropped=dropped,
        )

    def _with_lead(self, draft: Answer, raw: str, chosen: list[Evidence], query: str) -> Answer:
        """The draft with the model's lead sentence in front, if the strict check keeps it."""
        if is_refusal(raw):
            checked_reason, lead = "the model found no answer in the quotes", None
        else:
            checked = check_lead(raw, chosen, query)
            checked_reason, lead = checked.reason, checked.sentence
        sentences = ((lead,) if lead else ()) + draft.sentences
        return self._answer(
            draft.question, sentences, chosen, draft.retrievals, draft.notes, raw, checked_reason
        )

    def _closest(
        self, query: str, given: Filters, retrievals: tuple[Retrieval, ...]
    ) -> tuple[Passage, ...]:
        """What a refusal shows as closest: the searches' best passages, or (when nothing could
        be searched: dates or a party the index does not hold) one search under the user's
        filters, shown and never answered from."""
        closest = tuple(p for r in retrievals for p in r.passages[:3])
        if closest:
            return closest
        plain = self.retriever.search(query, 3, given, given, (), "", whole=0)
        return tuple(plain.passages[:3])

    def _refusal(
        self,
        question: str,
        retrievals: tuple[Retrieval, ...],
        notes: tuple[str, ...],
        closest: tuple[Passage, ...] = (),
    ) -> Answer:
        return Answer(
            question,
            (),
            closest,
            refused=True,
            settings_hash=self.settings_hash,
            backend=self.backend.name,
            retrievals=retrievals,
            notes=notes,
        )


def _quotes(chosen: Sequence[Evidence]) -> tuple[AnswerSentence, ...]:
    """Each chosen quote as an answer sentence citing itself: exact words, so supported."""
    return tuple(
        AnswerSentence(
            " ".join(e.quote.split()),
            (Citation(n, e.passage, e.start, e.end, 1.0, True),),
            supported=True,
            kind="quote",
        )
        for n, e in enumerate(chosen, start=1)
    )
