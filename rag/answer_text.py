"""Answer-text rules (pure): the [n] label grammar, numbers and names in a claim, and what a
written sentence must look like to be shown (no fragments, no prompt talk, no echo)."""

from __future__ import annotations

import re
import unicodedata

from rag.relevance import GENERIC

# --- labels ----------------------------------------------------------------------------------
LABEL = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_PASSAGE_REF = re.compile(
    r"\b(?:passage|quote)s?\s*(?:n\s*=\s*|#\s*|no\.\s*|number\s+)?(\d+)\b", re.I
)


def labels_of(sentence: str) -> list[int]:
    """Citation labels in a sentence, in order, without repeats ("passage 2" counts as [2])."""
    sentence = _PASSAGE_REF.sub(r"[\1]", sentence)
    found = [int(n) for grp in LABEL.findall(sentence) for n in re.split(r"\s*[,;]\s*", grp)]
    return list(dict.fromkeys(found))


def strip_labels(sentence: str) -> str:
    """The sentence without its [n] labels or "passage n" talk."""
    text = LABEL.sub("", _PASSAGE_REF.sub(r"[\1]", sentence))
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split())).strip()


# --- numbers ---------------------------------------------------------------------------------
_DIGITS = re.compile(r"(?<![\w/.])\d+(?:[,.\u00a0\u202f]\d{3})*(?:\.\d+)?(?![\w/])")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6,
    "billion": 10**9, "dozen": 12,
}  # fmt: skip
_NUMBER_WORD = re.compile(rf"\b(?:{'|'.join(NUMBER_WORDS)})\b", re.I)
_COMPOUND = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]"
    r"(one|two|three|four|five|six|seven|eight|nine)\b",
    re.I,
)


def numbers_in(text: str) -> set[str]:
    """Numbers of a text as canonical strings: "7,000" and "7 000" → "7000", "five" → "5"."""
    out = {
        re.sub(r"[,\u00a0\u202f]|\.(?=\d{3}\b)", "", m.group()).rstrip(".")
        for m in _DIGITS.finditer(text)
    }
    out |= {str(NUMBER_WORDS[w.lower()]) for w in _NUMBER_WORD.findall(text)}
    out |= {  # "twenty-five" is 25 as well as the 20 and 5 of its words
        str(NUMBER_WORDS[t.lower()] + NUMBER_WORDS[u.lower()]) for t, u in _COMPOUND.findall(text)
    }
    return {n for n in out if n}


# --- names -----------------------------------------------------------------------------------
_NAME = re.compile(r"(?<![\w’'-])[A-Z][\w’'-]*[a-zA-Z]")
# Capitalised words that name nobody: sentence openers, titles, and the Council's own words.
_NOT_NAMES = frozenset(
    [
        "The",
        "This",
        "That",
        "These",
        "Those",
        "They",
        "Their",
        "It",
        "Its",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "With",
        "As",
        "An",
        "A",
        "And",
        "But",
        "Or",
        "He",
        "She",
        "We",
        "Our",
        "Us",
        "I",
        "His",
        "Her",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Madam",
        "Council",
        "Security",
        "United",
        "Nations",
        "UN",
        "President",
        "Secretary-General",
        "Member",
        "Members",
        "States",
        "State",
        "Yes",
        "No",
        "Both",
        "All",
        "Some",
        "According",
        "However",
        "Also",
        "Several",
        "Many",
        "Most",
        "There",
        "Here",
        "When",
        "Where",
        "While",
        "Which",
        "What",
        "Who",
        "Whose",
        "Why",
        "How",
        "Delegation",
        "Representative",
        "Ambassador",
        "Government",
        "Minister",
        "Today",
        "Resolution",
        "Article",
        "Chapter",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
)


def names_in(text: str) -> list[str]:
    """Capitalised words of a claim that may name someone or something (checked against the quote)."""
    return [w for w in _NAME.findall(text) if w not in _NOT_NAMES and len(w) > 2]


_QUOTED = re.compile(r"[\"“]([^\"”]{4,})[\"”]")


def quoted_in(text: str) -> list[str]:
    """Phrases a claim puts in quotation marks."""
    return _QUOTED.findall(text)


def fold(text: str) -> str:
    """Lower case, accents folded, curly quotes and dashes made plain, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return " ".join(text.lower().split())


# --- what a written sentence must look like --------------------------------------------------
_PROMPT_TALK = re.compile(
    r",?\s*\b(?:as\s+)?(?:(?:stated|mentioned|noted|seen|shown|supported|described|quoted|"
    r"said)\s+)?(?:in|by|from)\s+(?:the\s+)?(?:passages?|quotes?|context|excerpts?)\b(?!\s+of\b)",
    re.I,
)
_REFUSAL = re.compile(
    r"NOT FOUND|(?:passages|quotes|statements|context) (?:do|does) not (?:contain|say|mention|"
    r"answer|provide)|no information (?:about|on)|cannot be (?:answered|determined)",
    re.I,
)
_FUNCTION_WORDS = frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "for",
        "of",
        "to",
        "in",
        "on",
        "by",
        "with",
        "as",
        "at",
        "from",
        "which",
        "who",
        "what",
        "why",
        "how",
        "so",
        "not",
        "also",
        "very",
    ]
)
_GENERIC = frozenset(GENERIC.split())


def is_refusal(text: str) -> bool:
    """The model said the quotes do not answer."""
    return bool(_REFUSAL.search(text))


def clean_sentence(raw: str) -> str:
    """The first sentence of a model's reply, prompt talk removed, labels kept."""
    text = " ".join(raw.split())
    m = re.search(r"[.!?][\"”’')]*(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*(?=\s|$)", text)
    first = text[: m.end()] if m else text
    return _PROMPT_TALK.sub("", first).strip()


def is_complete(sentence: str) -> bool:
    """A whole sentence: a capital first, final punctuation, at least four words, no dangling
    "which states that" fragment."""
    body = strip_labels(sentence)
    words = _words(body)
    if len(words) < 4 or not body[:1].isupper() or not re.search(r"[.!?][\"”’')]*$", body):
        return False
    return not re.search(r"\b(?:is|was|which|that|this)\s*,|,\s*which\s+states\b|\.\.\.", body)


def content_words(text: str) -> list[str]:
    """Words that can carry a claim (not function words, not question/UN boilerplate)."""
    return [w for w in _words(text) if w.lower() not in _FUNCTION_WORDS | _GENERIC]


def echoes(claim: str, question: str) -> bool:
    """The claim only restates the question: no content word of its own."""
    asked = {w.lower()[:5] for w in _words(question)}
    return not [w for w in content_words(claim) if w.lower()[:5] not in asked]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{3,}|\d+", text)
