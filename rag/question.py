"""Question analysis (pure): who is asked about (rag.parties), which meeting or dates, what
kind of answer, in which language. A party named as the one who spoke is a filter; a country
named as the topic only boosts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from index.countries import country_key
from rag.dates import date_kind, named_dates
from rag.filters import named_symbols
from rag.parties import AUX, JOIN, SOURCE, Party, delegations, roles, unknown_parties

ANSWER_TYPES = ("who", "number", "date", "place", "list", "yesno", "position")


@dataclass(frozen=True)
class Analysis:
    """What the question asks, as far as its words tell."""

    question: str
    answer_type: str
    parties: tuple[Party, ...] = ()
    symbols: tuple[str, ...] = ()
    resolutions: tuple[str, ...] = ()  # "resolution 2753 (2024)" → "2753"
    date_from: str = ""
    date_to: str = ""
    language: str = "en"
    comparison: bool = False
    mentions: tuple[str, ...] = field(default=(), compare=False)  # countries named as topics
    date_kind: str = ""  # "meeting", "event" (told later) or "" (rag.dates.date_kind)

    @property
    def speaking(self) -> tuple[Party, ...]:
        """The parties named as speakers, in question order."""
        return tuple(p for p in self.parties if p.speaking)


# --- answer type -----------------------------------------------------------------------------
_AGENT = (
    r"delegation|country|member|speaker|representative|state|participant|head of state|"
    r"government|ambassador|statement|briefer"
)
_AGENTS = (
    r"delegations|countries|members|speakers|representatives|states|participants|heads of state|"
    r"governments|ambassadors|statements|briefers"
)
_PLACE_NOUN = (
    r"cit(?:y|ies)|towns?|villages?|regions?|provinces?|places?|locations?|capitals?|"
    r"airports?|crossings?|borders?|sites?|ports?|bases?|areas?"
)
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("list", re.compile(rf"\b(?:which|what)\s+(?:\w+\s+){{0,2}}(?:{_AGENTS})\b(?!\s+did\b)", re.I)),
    (
        "who",
        re.compile(
            rf"(?:^|[,;:]\s*)(?:who|whom|whose)\b|\b(?:which|what)\s+(?:\w+\s+)?"
            rf"(?:{_AGENT})\s+(?!did\b|does\b|do\b)\w+",
            re.I,
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow\s+(?:many|much|long|often|large|big|far|high)\b|\bby\s+how\s+much\b|"
            r"\bwhat\s+(?:[\w-]+\s+){0,2}(?:number|percentage|share|proportion|fraction|amount|sum|"
            r"figure|portion|total|per\s?cent|rate|death\s+toll)s?\b|"
            r"\bwhat\s+(?:\w+\s+)?(?:financial|monetary)\s+\w+",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\s+(?:did|does|do|was|were|is|will|has|have|had)\b|^when\b(?!\s+the\b)|"
            r"\b(?:what|which|by\s+what)\s+(?:date|day|year|month|deadline)\b|\bsince\s+when\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            rf"\bwhere\b|\b(?:which|what|in\s+which)\s+(?:\w+\s+)?(?:{_PLACE_NOUN})\b", re.I
        ),
    ),
    (
        "list",
        re.compile(
            r"\b(?:which|what)\s+(?:\w+\s+){0,2}\w{3,}s\s+(?:did|does|do|were|are|had|have)\b|"
            r"\b(?:name|list)\s+the\b|\bwhat\s+(?:\w+\s+)?(?:measures|steps|areas|fields|priorities|"
            r"actions|elements|reasons|conditions)\b",
            re.I,
        ),
    ),
    (
        "yesno",
        re.compile(
            r"^(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I
        ),
    ),
)


# "did the representative of Lebanon": a speaker named by title
_TITLE = r"(?:(?:representative|delegation|ambassador|minister|delegate)\s+of\s+(?:the\s+)?)?"


def _asks_who(kind: str, text: str) -> bool:
    """Whether the answer is who spoke ("which delegations said …"), not a list of things
    ("what two pandemics did the representative of Lebanon name")."""
    return kind == "who" or (kind == "list" and bool(_RULES[0][1].search(text)))


def answer_type(question: str) -> str:
    """One of ANSWER_TYPES: the first rule that matches, "position" when none does."""
    text = " ".join(question.split())
    return next((kind for kind, rule in _RULES if rule.search(text)), "position")


# --- language --------------------------------------------------------------------------------
_ASKING = re.compile(
    r"[¿¡]|\b(qu['’]|quel(le)?s?|pourquoi|est-ce|qu[ée]|cu[áa]l(es)?|c[óo]mo|d[óo]nde|qui[ée]n(es)?)\b",
    re.I,
)
_FR = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "sur",
        "pour",
        "dit",
        "avec",
        "dans",
        "une",
        "qu",
        "est",
        "ont",
        "été",
        "ce",
        "cette",
    ]
)
_ES = frozenset(
    ["el", "los", "las", "del", "dijo", "sobre", "una", "con", "para", "es", "fue", "qué", "según"]
)


def language(question: str) -> str:
    """ "fr", "es" or "en": French and Spanish questions are translated before retrieval."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", question)}
    fr, es = len(words & _FR), len(words & _ES)
    if not (_ASKING.search(question) or max(fr, es) >= 2):
        return "en"
    if "¿" in question or "¡" in question or re.search(r"[ñáó]", question):
        return "es"
    return "fr" if fr >= es else "es"


# --- the whole analysis ----------------------------------------------------------------------
def analyse(question: str, known: Iterable[str] = ()) -> Analysis:
    """Parties, meeting, dates, language and answer type of an (English) question."""
    text = " ".join(question.split())
    parties = roles(text) + delegations(text, list(known))
    parties += unknown_parties(text, parties)
    parties = _sourced(text, _joined(text, parties))
    speaking = [p for p in parties if p.speaking]
    kind = answer_type(text)
    if _asks_who(kind, text) and not re.search(rf"\b{AUX}\s+(?:the\s+)?{_TITLE}[A-Z]", text):
        # "Which delegation said that Moscow …": the answer is the party, the rest are topics
        parties = [p if p.kind != "delegation" else _as_mention(p) for p in parties]
        speaking = [p for p in parties if p.speaking]
    date_from, date_to = named_dates(text)
    return Analysis(
        date_kind=date_kind(text),
        question=text,
        answer_type=kind,
        parties=tuple(parties),
        symbols=named_symbols(text),
        resolutions=named_resolutions(text),
        date_from=date_from,
        date_to=date_to,
        language=language(text),
        comparison=len(speaking) >= 2,
        mentions=tuple(p.name for p in parties if not p.speaking and p.kind == "delegation"),
    )


def narrowed(analysis: Analysis, question: str) -> Analysis:
    """The analysis for one party's own question of a comparison (rag.plan): its words, and
    its own answer type when its words tell one ("how many … did Indonesia say")."""
    question = " ".join(question.split())
    if question == analysis.question:
        return analysis
    kind = answer_type(question)
    return replace(
        analysis,
        question=question,
        answer_type=analysis.answer_type if kind == "position" else kind,
    )


_RESOLUTION = re.compile(r"\bresolutions?\s+(\d{3,4})\b", re.I)
# "At the May 2020 videoconference, …", "When resolution 1441 was adopted (S/PV.4644), …": the
# setting of the question, not what it asks about
SETTING = re.compile(r"^(?:at|in|during|on|for|when|after|as)\b[^,?]{3,},\s*", re.I)


def asked_resolutions(analysis: Analysis) -> tuple[str, ...]:
    """The resolutions the question asks about: not one that only dates its setting ("When
    resolution 1441 was adopted, which delegations stressed …")."""
    setting = SETTING.match(analysis.question)
    told = set(_RESOLUTION.findall(setting.group(0))) if setting else set()
    return tuple(n for n in analysis.resolutions if n not in told)


def named_resolutions(text: str) -> tuple[str, ...]:
    """The resolution numbers a question names ("resolution 1441 (2002)" → "1441")."""
    return tuple(dict.fromkeys(_RESOLUTION.findall(text)))


_ACCORDING = re.compile(rf"\b(?:{SOURCE})(?:\s+the)?\s*$", re.I)


def mention_at(text: str, mention: str) -> int:
    """Where a party's mention starts in the text, as a word ("US" is also in "Russia"); -1
    when it is not there as written."""
    m = re.search(rf"(?<![\w-]){re.escape(mention)}(?![\w-])", text, re.I)
    return m.start() if m else -1


def _positions(text: str, parties: list[Party]) -> dict[str, int]:
    """Where each party's mention starts in the question (-1: not found as written)."""
    return {p.mention: mention_at(text, p.mention) for p in parties}


def _sourced(text: str, parties: list[Party]) -> list[Party]:
    """ "According to South Africa, when had the Secretary-General called for …": the party
    after "according to" is the one who spoke; the others it reports on are topics (unless
    joined to it: "according to the UK and France")."""
    at = _positions(text, parties)
    sources = [p for p in parties if at[p.mention] > 0 and _ACCORDING.search(text[: at[p.mention]])]
    if not sources:
        return parties
    end = max(at[p.mention] + len(p.mention) for p in sources)
    keep = {p.mention for p in sources}
    keep |= {p.mention for p in parties if at[p.mention] > end and JOIN.fullmatch(
        text[end : at[p.mention]])}  # fmt: skip
    out = [p if p.mention in keep or not p.speaking else _as_mention(p) for p in parties]
    return [replace(p, speaking=True) if p.mention in keep else p for p in out]


def _joined(text: str, parties: list[Party]) -> list[Party]:
    """ "the UN-Women Executive Director and Russia": a party joined to one that speaks speaks
    too (rag.parties joins delegations to delegations; roles are found apart)."""
    at = _positions(text, parties)
    ends = [at[p.mention] + len(p.mention) for p in parties if p.speaking and at[p.mention] >= 0]
    out = []
    for p in parties:
        a = at[p.mention]
        joined = any(0 <= e <= a and JOIN.fullmatch(text[e:a]) for e in ends)
        out.append(replace(p, speaking=True) if not p.speaking and joined else p)
    return out


def _as_mention(p: Party) -> Party:
    return Party(p.name, p.kind, p.mention, False, p.country, p.speaker, p.participant_type)


def same_delegation(a: str, b: str) -> bool:
    """Whether two delegation names are one ("UK" and "United Kingdom of Great Britain …")."""
    return bool(a) and country_key(a) == country_key(b)
