"""Citation checking (pure; the embedder is passed in): labels, support, spans, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from index.chunk import sentence_spans
from rag.prompt import NOT_FOUND
from rag.relevance import spelled_date
from rag.types import AnswerSentence, Citation, Passage

EmbedFn = Callable[[list[str]], np.ndarray]

_LABEL = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! ? (then closing quotes, then its [n] labels) before a capital.
_ANSWER_END = re.compile(r"[.!?][\"”’')]*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s+(?=[A-Z\"“(])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Art|Sr|Jr|Gen|Amb|e\.g|i\.e|vs|[A-Z])\.$")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-’']{2,}\b")
_QUOTED = re.compile(r"[\"“]([^\"”]{4,})[\"”]")
_REFUSAL = re.compile(
    rf"{NOT_FOUND}|(passages|statements|context) (do|does) not (contain|say|mention|answer|provide)"
    r"|no information (about|on)|cannot be (answered|determined)",
    re.I,
)
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


def is_refusal(raw: str) -> bool:
    """The model said the passages do not answer the question."""
    return bool(_REFUSAL.search(raw)) and len(_LABEL.findall(raw)) <= 1


_LABEL_RUN = re.compile(r"(?:\s*\[\d+\]){3,}")


def trim_generation(raw: str) -> str:
    """Cut degenerate output: a run of 3+ labels ends it; an unfinished last sentence is dropped."""
    m = _LABEL_RUN.search(raw)
    text = raw[: m.start()] if m else raw
    parts = split_answer(text)
    if parts and not re.search(r"[.!?][\"”’')]*(\s*\[\d+(?:\s*[,;]\s*\d+)*\])*$", parts[-1]):
        parts = parts[:-1]  # the model hit its token limit mid-sentence
    return " ".join(parts)


def split_answer(raw: str) -> list[str]:
    """Answer sentences, each keeping the labels that follow it."""
    text = " ".join(raw.split())
    out, start = [], 0
    for m in _ANSWER_END.finditer(text):
        if _ABBREV.search(text[max(start, m.start() - 6) : m.start() + 1]):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


# Talk about the prompt ("as stated in passage [1]") says nothing about the statements: the
# words go, the label stays. "The passage of resolution 2231" is about the statements: kept.
_META = re.compile(
    r",?\s*\b(?:as\s+)?(?:(?:stated|mentioned|noted|seen|shown|supported|described|quoted|"
    r"said)\s+)?(?:in|by|from)\s+(?:the\s+)?(?:passages?|context)\b(?!\s+of\b)",
    re.I,
)
_DANGLING = re.compile(  # "… responsibility, as stated in [1]."
    r",?\s*\b(?:as\s+)?(?:stated|mentioned|noted|seen|shown|described|quoted|supported)\s+"
    r"(?:in|by)\s*"
    r"(?=\[\d|[.!?]?$)",
    re.I,
)


# "Passage n=1", "passage 2", "passage #3": the model naming a passage without brackets.
_PASSAGE_REF = re.compile(r"\bpassages?\s*(?:n\s*=\s*|#\s*|no\.\s*|number\s+)?(\d+)\b", re.I)


def answer_sentences(raw: str) -> list[str]:
    """The sentences worth checking: prompt talk removed, not empty, not repeated.

    A sentence left without content keeps its labels for the one before it ("France agreed.
    This is supported by passage [1]." cites [1] for the first sentence)."""
    out: list[str] = []
    seen: set[str] = set()
    for sentence in split_answer(_PASSAGE_REF.sub(r"[\1]", raw)):
        sentence = _DANGLING.sub(" ", _META.sub("", sentence)).strip()
        claim = strip_labels(sentence).lower()
        if _content_words(claim) >= 2 and claim not in seen:
            out.append(sentence)
            seen.add(claim)
        elif out and labels_of(sentence) and not labels_of(out[-1]) and claim not in seen:
            out[-1] = _with_labels(out[-1], labels_of(sentence))
    return out


def _with_labels(sentence: str, labels: list[int]) -> str:
    """The sentence with labels appended after its final punctuation."""
    return f"{sentence} " + "".join(f"[{n}]" for n in labels)


_FUNCTION_WORDS_TEXT = (
    "this that these those there here is are was were be been being it its a an the and or but "
    "for of to in on by with as at from which who what why how so not also very"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


def _content_words(claim: str) -> int:
    """Words that can carry a claim ("There is a reason for that." has one)."""
    return sum(1 for w in re.findall(r"[^\W\d_]{3,}|\d+", claim) if w not in _FUNCTION_WORDS)


def labels_of(sentence: str) -> list[int]:
    """Citation labels in a sentence, in order, without repeats."""
    found = [int(n) for grp in _LABEL.findall(sentence) for n in re.split(r"\s*[,;]\s*", grp)]
    return list(dict.fromkeys(found))


def strip_labels(sentence: str) -> str:
    """The sentence without its [n] labels."""
    return re.sub(r"\s+([.,;:!?])", r"\1", _LABEL.sub("", sentence)).strip()


def lexical_support(claim: str, evidence: str) -> float:
    """Share of the claim's numbers, names and quoted phrases that the evidence contains (1 if none)."""
    low = " ".join(evidence.split()).lower()
    items = [n.rstrip(".,") for n in _NUMBER.findall(claim)]
    items += [n for n in _NAME.findall(claim) if n not in _STOP_NAMES]
    items += [q.lower() for q in _QUOTED.findall(claim)]
    if not items:
        return 1.0
    return sum(1 for i in items if i.lower() in low) / len(items)


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
        sentences = answer_sentences(raw)
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
        lex = lexical_support(claim, f"{p.label()} {when} {p.text}")  # names may be metadata
        support = 0.7 * float(sims[i]) + 0.3 * lex
        # A claim that points back to the question borrows its wording: then who and when
        # must all match the passage, or "Germany said this" would pass on Australia's words.
        ok = support >= self.threshold and (lex == 1.0 or not _REFERS_BACK.search(claim))
        return Citation(n, p, a, b, round(support, 4), ok)

    @staticmethod
    def _spans(p: Passage) -> list[tuple[int, int]]:
        """Sentence spans of the passage, as offsets into the statement text."""
        spans = [(p.start + a, p.start + b) for a, b in sentence_spans(p.text)]
        return spans or [(p.start, p.end)]
