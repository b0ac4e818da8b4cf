"""Question → standalone query → passages → LLM → checked Answer, streamed as events."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from index.types import Filters
from rag.answer_text import is_refusal, trim_generation
from rag.backends.base import Backend, GenerationParams, complete
from rag.cite import CitationChecker
from rag.evidence import EvidenceRanker
from rag.prompt import (
    answer_messages,
    clean_rewrite,
    fit_passages,
    heuristic_rewrite,
    rewrite_messages,
)
from rag.relevance import relevance, relevant_enough
from rag.retrieve import Retriever
from rag.types import Answer, Passage

REFUSAL_TEXT = "Not found in the indexed statements."
# French or Spanish: one interrogative, or two common function words ("un" alone is the UN).
_ASKING = re.compile(
    r"[¿¡]|\b(qu['’]|quel(le)?s?|pourquoi|est-ce|qu[ée]|cu[áa]l(es)?|c[óo]mo|d[óo]nde|qui[ée]n(es)?)\b",
    re.I,
)
_FUNCTION_TEXT = (
    "le la les des du sur pour dit avec dans une el los las del dijo sobre una con para"
)
_FUNCTION = frozenset(_FUNCTION_TEXT.split())


def looks_foreign(question: str) -> bool:
    """A French or Spanish question, to be rewritten into English before retrieval."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", question)}
    return bool(_ASKING.search(question)) or len(words & _FUNCTION) >= 2


@dataclass(frozen=True)
class Event:
    """One step of an answer in progress: status, query, passages, token, or the final answer."""

    kind: str
    text: str = ""
    passages: tuple[Passage, ...] = ()
    answer: Answer | None = None


@dataclass
class AnswerConfig:
    """How many passages to retrieve and show the model, and the refusal gate."""

    k: int = 8
    answer_passages: int = 4
    max_tokens: int = 320
    refuse_threshold: float = 0.30
    min_coverage: float = 0.6
    settings_hash: str = ""
    passage_chars: int = 700
    timeout_s: float = 300.0
    extra: dict[str, str] = field(default_factory=dict)


class Pipeline:
    """Answers questions with one retriever, one backend and one citation checker."""

    def __init__(
        self,
        retriever: Retriever,
        backend: Backend,
        checker: CitationChecker,
        config: AnswerConfig,
        evidence: EvidenceRanker | None = None,
    ) -> None:
        self.retriever, self.backend, self.checker, self.config = (
            retriever,
            backend,
            checker,
            config,
        )
        self.evidence = evidence

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        filters: Filters | dict[str, object] | None = None,
    ) -> Answer:
        """The final checked answer (the stream, drained)."""
        for event in self.ask_stream(question, history, filters):
            if event.answer is not None:
                return event.answer
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        filters: Filters | dict[str, object] | None = None,
    ) -> Iterator[Event]:
        """Events in order: query, passages, tokens, then the answer."""
        query = self.standalone_query(question, history or [])
        yield Event("query", query)
        passages = self.retriever.search(query, self.config.k, filters)
        yield Event("passages", passages=tuple(passages))
        if not self._relevant(query, passages):
            yield Event("answer", answer=self._refusal(question, passages))
            return
        shown = fit_passages(
            self._evidence(query, passages),
            self.config.answer_passages,
            self._budget(),
            self.retriever.embedder.count_tokens,
        )
        raw = ""
        params = GenerationParams(
            max_tokens=self.config.max_tokens,
            stop=("\n\n",),  # one paragraph: small models ramble on after a blank line
            repeat_penalty=1.15,
            timeout_s=self.config.timeout_s,
        )
        for delta in self.backend.stream(
            answer_messages(question, shown, self.config.passage_chars), params
        ):
            raw += delta
            yield Event("token", delta)
        yield Event("answer", answer=self._answer(question, raw, shown, passages))

    def standalone_query(self, question: str, history: list[tuple[str, str]]) -> str:
        """Rewrite follow-ups and French/Spanish questions into one English query when an LLM can."""
        question = " ".join(question.split())
        needs = bool(history) or looks_foreign(question)
        if not needs or not question:
            return question
        if self.backend.name == "extractive":
            return heuristic_rewrite(question, history)
        raw = complete(
            self.backend, rewrite_messages(question, history), GenerationParams(max_tokens=60)
        )
        return clean_rewrite(raw, heuristic_rewrite(question, history))

    def _evidence(self, query: str, passages: list[Passage]) -> list[Passage]:
        """The passages the model sees: those whose best sentence answers, best first."""
        if self.evidence is None:
            return passages
        return self.evidence.select(
            self.evidence.rank(query, passages), self.config.answer_passages
        )

    def _budget(self) -> int:
        return max(512, self.backend.context_tokens - self.config.max_tokens - 200)

    def _relevant(self, query: str, passages: list[Passage]) -> bool:
        if not passages:
            return False
        bm25 = self.retriever.index.bm25
        r = relevance(query, passages, bm25.terms, bm25.idf)
        return relevant_enough(r, self.config.refuse_threshold, self.config.min_coverage)

    def _refusal(self, question: str, closest: list[Passage], raw: str = "") -> Answer:
        return Answer(
            question,
            (),
            tuple(closest),
            refused=True,
            settings_hash=self.config.settings_hash,
            backend=self.backend.name,
            raw=raw,
        )

    def _answer(
        self, question: str, raw: str, shown: list[Passage], retrieved: list[Passage]
    ) -> Answer:
        if is_refusal(raw):
            return self._refusal(question, retrieved, raw)
        sentences, removed = self.checker.check(trim_generation(raw), shown, question)
        if not any(s.supported for s in sentences):  # nothing the statements back: do not guess
            return self._refusal(question, retrieved, raw)
        return Answer(
            question,
            tuple(sentences),
            tuple(shown),
            refused=False,
            removed_labels=tuple(removed),
            settings_hash=self.config.settings_hash,
            backend=self.backend.name,
            raw=raw,
        )
