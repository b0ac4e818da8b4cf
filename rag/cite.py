"""Citation checking (pure; the embedder is passed in): support of each claim, exact spans."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from index.chunk import sentence_spans
from rag.answer_text import answer_sentences, echoes, labels_of, strip_labels
from rag.relevance import spelled_date
from rag.types import AnswerSentence, Citation, Passage

EmbedFn = Callable[[list[str]], np.ndarray]

_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-’']{2,}\b")
_QUOTED = re.compile(r"[\"“]([^\"”]{4,})[\"”]")
_STOP_NAMES = {
    "The",
    "This",
    "That",
    "These",
    "Those",
    "They",
    "It",
    "In",
    "On",
    "At",
    "He",
    "She",
    "We",
    "Council",
    "Security",
    "United",
    "Nations",
    "Mr",
    "Mrs",
    "Ms",
    "President",
}


def lexical_support(claim: str, evidence: str) -> float:
    """Share of the claim's numbers, names and quoted phrases that the evidence contains (1 if none)."""
    low = " ".join(evidence.split()).lower()
    numbers = numbers_in(claim)
    names = [n for n in _NAME.findall(claim) if n not in _STOP_NAMES]
    quoted = [q.lower() for q in _QUOTED.findall(claim)]
    total = len(numbers) + len(names) + len(quoted)
    if not total:
        return 1.0
    found = len(numbers & numbers_in(evidence)) + sum(n.lower() in low for n in names)
    return (found + sum(q in low for q in quoted)) / total


def numbers_in(text: str) -> set[str]:
    """The numbers of a text as whole tokens ("7,000" → "7000"; "3" is not found in "2003")."""
    return {n.rstrip(".,").replace(",", "") for n in _NUMBER.findall(text)}


# "Australia said this [1]." answers "Which delegation said X?" with X left implicit: the
# claim to check is then the answer plus the question it refers back to.
_REFERS_BACK = re.compile(
    r"\b(?:said|stated|says|say|mentioned|made|expressed|argued|noted|invoked|raised|claimed|"
    r"did|does|warned|suggested|described|proposed|announced)\s+(?:this|so|that|it)\b"
    r"(?=\s*(?:[.,;\[]|$|(?:in|at|on|during|when|while|before|after|to|for)\b))"
    r"|^(?:this|that|it)\s+(?:was|is)\s+(?:said|stated|mentioned|argued|noted|raised)\b",
    re.I,
)


def resolved(claim: str, question: str) -> str:
    """The claim to embed: the question appended when the claim only points back to it."""
    return f"{claim} {question}" if question and _REFERS_BACK.search(claim) else claim


class CitationChecker:
    """Checks each answer sentence against its cited passages and attaches the exact span."""

    def __init__(
        self, embed: EmbedFn, threshold: float = 0.45, attach_threshold: float | None = None
    ) -> None:
        self.embed = embed
        self.threshold = threshold
        self.attach_threshold = (
            attach_threshold if attach_threshold is not None else threshold + 0.1
        )

    def check(
        self, raw: str, passages: list[Passage], question: str = ""
    ) -> tuple[list[AnswerSentence], list[int]]:
        """Sentences with checked citations, and the labels removed for matching no passage."""
        sentences = [s for s in answer_sentences(raw) if not echoes(strip_labels(s), question)]
        if not sentences:
            return [], []
        spans = [self._spans(p) for p in passages]
        span_vecs = [
            self.embed([p.statement.text[a:b] for a, b in sp])
            for p, sp in zip(passages, spans, strict=True)
        ]
        claim_vecs = self.embed([resolved(strip_labels(s), question) for s in sentences])
        out, removed = [], []
        for sent, vec in zip(sentences, claim_vecs, strict=True):
            labels = labels_of(sent)
            valid = [n for n in labels if 1 <= n <= len(passages)]
            removed += [n for n in labels if n not in valid]
            claim = strip_labels(sent)
            cites = [self._cite(n, claim, vec, passages, spans, span_vecs) for n in valid]
            out.append(self._sentence(claim, cites, vec, passages, spans, span_vecs))
        return out, sorted(set(removed))

    def _sentence(
        self,
        claim: str,
        cites: list[Citation],
        vec: np.ndarray,
        passages: list[Passage],
        spans: list[list[tuple[int, int]]],
        span_vecs: list[np.ndarray],
    ) -> AnswerSentence:
        good = [c for c in cites if c.supported]
        if (
            good
        ):  # a label whose passage does not back the sentence is not shown beside one that does
            return AnswerSentence(claim, tuple(good), supported=True)
        # No cited passage supports it: attach the best passage if it clearly does, else flag.
        best = max(
            (
                self._cite(n, claim, vec, passages, spans, span_vecs)
                for n in range(1, len(passages) + 1)
            ),
            key=lambda c: c.support,
            default=None,
        )
        if best is not None and best.support >= self.attach_threshold:
            return AnswerSentence(claim, (*cites, best), supported=True, attached=True)
        return AnswerSentence(claim, tuple(cites), supported=False)

    def _cite(
        self,
        n: int,
        claim: str,
        vec: np.ndarray,
        passages: list[Passage],
        spans: list[list[tuple[int, int]]],
        span_vecs: list[np.ndarray],
    ) -> Citation:
        p, sp, sv = passages[n - 1], spans[n - 1], span_vecs[n - 1]
        sims = sv @ vec
        i = int(np.argmax(sims))
        a, b = sp[i]  # the one sentence that best supports the claim: what the UI highlights
        when = spelled_date(p.statement.date)  # "in October 2014" against a stored 2014-10-24
        evidence = f"{p.label()} {when} {p.text}"  # names and dates may be metadata
        lex = lexical_support(claim, evidence)
        support = 0.7 * float(sims[i]) + 0.3 * lex
        # A claim that points back to the question borrows its wording: then who and when
        # must all match the passage, or "Germany said this" would pass on Australia's words.
        ok = support >= self.threshold and (lex == 1.0 or not _REFERS_BACK.search(claim))
        ok = ok and numbers_in(claim) <= numbers_in(evidence)  # a number it lacks is invented
        return Citation(n, p, a, b, round(support, 4), ok)

    @staticmethod
    def _spans(p: Passage) -> list[tuple[int, int]]:
        """Sentence spans of the passage, as offsets into the statement text."""
        spans = [(p.start + a, p.start + b) for a, b in sentence_spans(p.text)]
        return spans or [(p.start, p.end)]
