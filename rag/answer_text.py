"""Answer text (pure): sentences, their [n] labels, prompt talk, refusals, degenerate output."""

from __future__ import annotations

import re

from rag.prompt import NOT_FOUND
from rag.relevance import GENERIC

_LABEL = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A sentence ends at . ! ? (then closing quotes, then its [n] labels) before a capital or a
# digit ("… in Kabul. 34 civilians were killed …").
_ANSWER_END = re.compile(r"[.!?][\"”’')]*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*\s+(?=[A-Z0-9\"“(])")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|No|Nos|Art|Sr|Jr|Gen|Amb|e\.g|i\.e|vs|[A-Z])\.$")
_REFUSAL = re.compile(
    rf"{NOT_FOUND}|(passages|statements|context) (do|does) not (contain|say|mention|answer|provide)"
    r"|no information (about|on)|cannot be (answered|determined)",
    re.I,
)


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
    if _LABEL.match(text):  # "[1] Australia said so. [2] France agreed.": labels come first
        return _split_prefixed(text)
    out, start = [], 0
    for m in _ANSWER_END.finditer(text):
        if _ABBREV.search(text[max(start, m.start() - 6) : m.start() + 1]):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _split_prefixed(text: str) -> list[str]:
    """Sentences of an answer whose labels come first, each label moved after its sentences:
    in "[1] Australia said so. [2] France agreed." the "[2]" belongs to France, not to the
    sentence it follows."""
    pieces = _LABEL.split(text)  # "", "1", " A. B. ", "2", " C."
    out: list[str] = []
    labels: list[str] = []
    for label, body in zip(pieces[1::2], pieces[2::2], strict=True):
        labels.append(f"[{label}]")
        if body.strip():  # "[1][2] Both agreed." gives both labels to the sentence
            out += [f"{s} {''.join(labels)}" for s in split_answer(body)]
            labels = []
    return out


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
    return sum(1 for w in _words(claim) if w.lower() not in _FUNCTION_WORDS)


def labels_of(sentence: str) -> list[int]:
    """Citation labels in a sentence, in order, without repeats."""
    found = [int(n) for grp in _LABEL.findall(sentence) for n in re.split(r"\s*[,;]\s*", grp)]
    return list(dict.fromkeys(found))


def strip_labels(sentence: str) -> str:
    """The sentence without its [n] labels."""
    return re.sub(r"\s+([.,;:!?])", r"\1", _LABEL.sub("", sentence)).strip()


_ASKS = re.compile(
    r"\?\s*$|^(?:what|which|who|whom|whose|when|where|why|how|did|does|do|is|are|was)\b", re.I
)
_GENERIC = frozenset(GENERIC.split())


def echoes(claim: str, question: str) -> bool:
    """The claim only restates the question ("Australia delivered emergency relief to Iraq."
    for "What emergency relief did Australia deliver to Iraq?"): no word of its own.

    Only for questions phrased as questions: a telegraphic query ("us not involved incursion")
    may already hold the answer's words."""
    if not _ASKS.search(question.strip()):
        return False
    asked = {w.lower()[:5] for w in _words(question)}
    return not [w for w in _words(claim) if not _ignored(w) and w.lower()[:5] not in asked]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{3,}|\d+", text)


def _ignored(word: str) -> bool:
    """Function words, and question words unless capitalised ("states" vs "United States")."""
    low = word.lower()
    return low in _FUNCTION_WORDS or (low in _GENERIC and word == low)
