"""Sentences of retrieved passages as candidate evidence (pure): splitting them out of the
passages, page furniture and speaker lines left out, and what an answer type needs in one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.chunk import normalise, sentence_spans
from index.verbatim import furniture_spans
from rag.answer_text import NUMBER_WORDS, numbers_in
from rag.dates import MONTHS
from rag.injection import clean_end, forged_turn, instruction_like
from rag.types import Passage

# Sentences that answer nothing: thanks, greetings, procedure (the President's turns).
COURTESY = re.compile(
    r"^(?:I|We)\s+(?:would\s+(?:also\s+)?like\s+to\s+|wish\s+to\s+|also\s+|too\s+)?(?:thank|"
    r"congratulate|commend|join\s+others)|^(?:Let\s+me|Allow\s+me)\s+(?:also\s+)?(?:begin|start|"
    r"first|thank|to\s+thank|congratulate)|^Thank\s+you|^At\s+the\s+outset|^I\s+now\s+(?:give|"
    r"call|invite|resume)|^I\s+give\s+the\s+floor|^I\s+shall\s+now|^The\s+meeting\s+(?:rose|was)|"
    r"^There\s+are\s+no\s+more\s+names|^The\s+Security\s+Council\s+will\s+now|"
    r"\bgive\s+the\s+floor\b|\bin\s+accordance\s+with\s+rule\s+3[79]\b|"
    r"\bhas\s+been\s+adopted\s+(?:unanimously\s+)?as\s+resolution\b|^I\s+have\s+the\s+honour\s+to|"
    r"\bthe\s+result\s+of\s+the\s+voting\b|\bI\s+shall\s+put\b|\bproceed\s+to\s+vote\b",
    re.I,
)
ENDS = re.compile(r"[.!?;:][\"”’')\]]*$")
_SPEAKER_LINE = re.compile(
    r"^\s*(?:The\s+(?:President|Secretary-General|Chair\w*)|(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame)"
    r"\.?\s+[^:\n]{1,80}?)(?:\s*\([^()]*(?:\([^()]*\))?[^()]*\)){0,3}\s*:\s*"
)
_MONTH = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|yesterday|today|last\s+(?:week|month|year))\b|\b(?:19|20)\d\d\b"
)
_PLACE = re.compile(r"\b(?:in|at|to|from|near|of|save|saved|and)\s+(?:the\s+)?([A-Z][a-z]{2,})")
# Words that take a side, so a sentence can answer "did X support …?" (not rag.cite's list:
# that one holds the stance words a written lead may not add to its quotes)
_TAKES_A_SIDE = re.compile(
    r"\b(?:support|supports|welcome|welcomes|oppose|opposes|reject|rejects|condemn|condemns|"
    r"favour|favor|against|abstain\w*|agree\w*|disagree\w*|cannot|will\s+not|did\s+not|must|"
    r"should|call\s+(?:on|for|upon)|urge|believe|regret|concern\w*|voted)\b",
    re.I,
)
_MONTHS = "|".join(m.capitalize() for m in MONTHS)
# Years, resolutions, symbols and the days of dates ("on 20 March 2003") count no number
_YEARS_AND_SYMBOLS = re.compile(
    rf"\b(?:19|20)\d\d\b|\b\d{{3,4}}\s*\((?:19|20)\d\d\)|S/\S+|"
    rf"\b\d{{1,2}}\s+(?={_MONTHS})|\b(?:{_MONTHS})\s+\d{{1,2}}\b"
)


# A figure as a word of a sentence: digits, or a number word other than "one" ("one of the")
_FIGURE_WORD = re.compile(
    r"\d|^(?:"
    + "|".join(w for w in NUMBER_WORDS if w != "one")
    + r")(?!\w)|^(?:half|thirds?)(?![\w-])",
    re.I,
)


_NEAR = 4  # words either side of a figure


def figure_near(sentence: str, wanted: set[str], terms: Callable[[str], list[str]]) -> float:
    """1 when a figure of the sentence stands within a few words of a question term: "236 of
    605 missing persons" counts what "how many missing" asks, "three decades" does not."""
    words = _YEARS_AND_SYMBOLS.sub(" ", sentence).split()
    for i, word in enumerate(words):
        if _FIGURE_WORD.search(word):
            near = " ".join(words[max(0, i - _NEAR) : i + _NEAR + 1])
            if wanted & set(terms(near)):
                return 1.0
    return 0.0


def answer_type_feature(kind: str, sentence: str, asked: str = "") -> float:
    """1 when the sentence holds what this kind of answer needs, 0 when it cannot answer it
    (a place the question `asked` names already is no answer: "of Iran" for Iran's claim)."""
    if kind == "number":
        plain = _YEARS_AND_SYMBOLS.sub(" ", sentence)  # "in 2014" and "resolution 2334 (2016)"
        return 1.0 if numbers_in(plain) or re.search(r"per\s?cent|%|half|third", plain) else 0.0
    if kind == "date":
        return 1.0 if _MONTH.search(sentence) else 0.0
    if kind == "place":
        return _place(sentence, asked)
    if kind == "yesno":
        return 1.0 if _TAKES_A_SIDE.search(sentence) else 0.0
    if kind == "list":
        return min(1.0, sentence.count(",") / 3)
    return 0.0


# Capitalised words after "of", "in", "to" that name no place ("the downing of Flight MH-17")
_NOT_PLACES = frozenset(
    [
        "Flight",
        "Council",
        "Government",
        "Security",
        "United",
        "Nations",
        "President",
        "Secretary",
        "General",
        "Minister",
        "Mission",
        "Office",
        "Republic",
        "State",
        "States",
        "Airlines",
        "Air",
        "Force",
        "Department",
        "Kingdom",
        "Member",
        "Members",
        "Committee",
        "Chair",
        "Special",
        "Representative",
        "Envoy",
        "Resolution",
        "Charter",
        "Parliament",
    ]
)
_ASKED_PLACE = re.compile(r"\b(near|in|at|from|to|into)\s+(?:which|what)\s+([a-z]+)", re.I)


def _place(sentence: str, asked: str) -> float:
    """1: a place in the slot the question asks ("near which town" → "near the town of
    Torez"); 0.5: some other place; 0: none but the question's own."""
    named = {w.lower() for w in re.findall(r"[A-Za-z]+", asked)}
    hits = [
        m
        for m in _PLACE.finditer(sentence)
        if m.group(1).lower() not in named and m.group(1) not in _NOT_PLACES
    ]
    if not hits:
        return 0.0
    slot = _ASKED_PLACE.search(asked)
    if slot is None:
        return 1.0
    prep, noun = slot.group(1).lower(), slot.group(2).lower().rstrip("s")
    strong = rf"\b(?:{prep}\s+(?:the\s+)?(?:{noun}s?\s+of\s+)?[A-Z]|{noun}s?\s+of\s+[A-Z])"
    return 1.0 if re.search(strong, sentence) else 0.5


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage (offsets into the statement), with its passage rank."""

    passage: Passage
    start: int
    end: int
    rank: int

    @property
    def text(self) -> str:
        """The sentence, whitespace and line-break hyphens normalised."""
        return normalise(self.passage.statement.text[self.start : self.end])


def candidates(passages: Sequence[Passage]) -> list[Candidate]:
    """Every sentence of the passages that could be evidence, each once, in passage order."""
    out, seen = [], set()
    furniture: dict[str, list[tuple[int, int]]] = {}
    for rank, p in enumerate(passages):
        text = p.statement.text
        if p.statement_id not in furniture:
            furniture[p.statement_id] = furniture_spans(text)
        for a, b in sentence_spans(p.text):
            start, end = p.start + a, p.start + b
            if forged_turn(text, start):
                continue  # a speaker's line inside a statement: forged, never a quote
            if m := _SPEAKER_LINE.match(text, start, end):  # the line that opens a statement
                start = m.end()
            key = (p.statement_id, start)
            if key in seen or _in_furniture(start, end, furniture[p.statement_id]):
                continue
            end = start + clean_end(text[start:end])  # words to the reader are never quoted
            if len(text[start:end].split()) >= 4:
                seen.add(key)
                out.append(Candidate(p, start, end, rank))
    return out


def _in_furniture(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Mostly a page head, foot or job number."""
    covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return covered > (end - start) / 2


def next_sentence(text: str, end: int, window: int) -> tuple[int, int, str] | None:
    """The statement's sentence after offset `end` (start, end, normalised text), read in the
    statement and not the passage: a chunk often ends just before the sentence that answers."""
    part = text[end : end + window]
    for a, b in sentence_spans(part):
        sentence = normalise(part[a:b])
        if b == len(part) and not ENDS.search(sentence):
            return None  # cut by the window: too long to add anyway
        if _SPEAKER_LINE.match(sentence) or len(sentence.split()) < 4:
            return None  # the next statement, or furniture: nothing to add
        if instruction_like(part[:b]) or forged_turn(text, end + a):
            return None  # words to the reader (or a forged turn) are never added to a quote
        return end + a, end + b, sentence
    return None
