"""Question analysis (pure): who is asked about, which meeting or dates, what kind of answer.

A question names parties in the ways people talk ("France", "the French delegation", "the
representative of Niger", "the Secretary-General", "Mr. Nebenzia"); only a party named as the
one who spoke ("What did France say…") is a speaking party, which retrieval may filter on. A
country named as the topic ("…say about Russia's veto") is a mere mention, which only boosts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from index.countries import ALIASES, DEMONYMS, country_key, display_name
from rag.filters import named_symbols

ANSWER_TYPES = ("who", "number", "date", "place", "list", "yesno", "position")


@dataclass(frozen=True)
class Party:
    """Someone the question names: a delegation, a role or a speaker."""

    name: str  # what users read: "France", "the President of the Council", "Mr. Nebenzia"
    kind: str  # "delegation" | "role" | "speaker"
    mention: str  # the words of the question
    speaking: bool  # named as the one who spoke (a filter), not as the topic (a boost)
    country: str = ""  # delegation to filter on
    speaker: str = ""  # speaker substring to filter on
    participant_type: str = ""  # "The President"
    known: bool = True  # False: looks like a delegation ("Freedonia") but the index has none


@dataclass(frozen=True)
class Analysis:
    """What the question asks, as far as its words tell."""

    question: str
    answer_type: str
    parties: tuple[Party, ...] = ()
    symbols: tuple[str, ...] = ()
    date_from: str = ""
    date_to: str = ""
    language: str = "en"
    comparison: bool = False
    mentions: tuple[str, ...] = field(default=(), compare=False)  # countries named as topics

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
    ("who", re.compile(rf"(?:^|[,;:]\s*)(?:who|whom|whose)\b|\b(?:which|what)\s+(?:\w+\s+)?"
                       rf"(?:{_AGENT})\s+(?!did\b|does\b|do\b)\w+", re.I)),  # fmt: skip
    ("number", re.compile(
        r"\bhow\s+(?:many|much|long|often|large|big|far|high)\b|\bby\s+how\s+much\b|"
        r"\bwhat\s+(?:\w+\s+)?(?:number|percentage|share|proportion|fraction|amount|sum|figure|"
        r"portion|total|per\s?cent|rate)\b", re.I)),  # fmt: skip
    ("date", re.compile(
        r"\bwhen\s+(?:did|does|do|was|were|is|will|has|have|had)\b|^when\b(?!\s+the\b)|"
        r"\b(?:what|which|by\s+what)\s+(?:date|day|year|month|deadline)\b|\bsince\s+when\b",
        re.I)),  # fmt: skip
    ("place", re.compile(
        rf"\bwhere\b|\b(?:which|what|in\s+which)\s+(?:\w+\s+)?(?:{_PLACE_NOUN})\b", re.I)),
    ("list", re.compile(
        r"\b(?:which|what)\s+(?:\w+\s+){0,2}\w{3,}s\s+(?:did|does|do|were|are|had|have)\b|"
        r"\b(?:name|list)\s+the\b|\bwhat\s+(?:\w+\s+)?(?:measures|steps|areas|fields|priorities|"
        r"actions|elements|reasons|conditions)\b", re.I)),  # fmt: skip
    ("yesno", re.compile(
        r"^(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I)),
)


def answer_type(question: str) -> str:
    """One of ANSWER_TYPES: the first rule that matches, "position" when none does."""
    text = " ".join(question.split())
    return next((kind for kind, rule in _RULES if rule.search(text)), "position")


# --- parties ---------------------------------------------------------------------------------
_SPEECH_NOUNS = (
    "position|view|views|statement|statements|stance|argument|arguments|remarks|proposal|"
    "response|reply|reaction|explanation|representative|delegation|ambassador|minister|envoy|"
    "delegate|government|foreign minister|prime minister|president|speaker|side|concern|concerns"
)
# After an adjective the noun must be the speaker itself: "the Afghan president" is as often
# the topic ("a step by the Afghan president") as the one who spoke.
_DEMONYM_NOUNS = (
    "delegation|representative|ambassador|envoy|delegate|statement|position|view|stance|"
    "foreign minister|minister|mission to the united nations"
)
_PREPOSITION = r"\b(?:by|about|of|on|against|with|to|for|from|in|at|towards|regarding)$"
_AUX = r"(?:did|does|do|has|have|had|would|will|was|were|is|are)"
_NOT_PARTIES = frozenset({"un", "united nations"})  # "UN missions": the topic, not a speaker
_ROLE_RULES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (
        re.compile(r"\b(?:the\s+)?(?:(?:security\s+)?council\s+president|president\s+of\s+the\s+"
                   r"(?:security\s+)?council|council(?:'s|’s)\s+presiden(?:t|cy))\b", re.I),
        {"name": "the President of the Council", "participant_type": "The President"},
    ),  # fmt: skip
    (
        re.compile(r"\b(?<![-\w])(?:the\s+)?(?:un\s+)?secretary-general\b(?!['’]s\s+call)", re.I),
        {"name": "the Secretary-General", "speaker": "Secretary-General", "country": "UN"},
    ),
)
_TITLED = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Ambassador)\.?\s+((?:[A-Z][\w'’-]+\s?){1,3})(?<!\s)"
)
_UNKNOWN = re.compile(rf"\b{_AUX}\s+((?:[A-Z][a-z]+\s?){{1,2}})\s+(?:say|said|argue|claim|think)\b")


def _name_table(known: Iterable[str]) -> dict[str, str]:
    """Lower-case name or alias → display name, for every delegation the index knows."""
    table = {k: display_name(v) for k, v in ALIASES.items() if k not in _NOT_PARTIES}
    table |= {v.lower(): v for v in ALIASES.values() if v.lower() not in _NOT_PARTIES}
    for name in known:
        low = " ".join(name.lower().split()).removeprefix("the ")
        if low and low not in _NOT_PARTIES and len(low) > 2:
            table.setdefault(low, display_name(name))
    return table


def _mentions(text: str, table: dict[str, str]) -> list[tuple[int, int, str, bool]]:
    """(start, end, display name, is_demonym) of each delegation named, longest first."""
    low = text.lower().replace("’", "'")
    found: list[tuple[int, int, str, bool]] = []
    names = [(n, v, False) for n, v in table.items()] + [(d, c, True) for d, c in DEMONYMS.items()]
    for name, value, demonym in sorted(names, key=lambda x: -len(x[0])):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", low):
            if not any(a < m.end() and m.start() < b for a, b, _, _ in found):
                found.append((m.start(), m.end(), value, demonym))
    return sorted(found)


def _speaking(text: str, start: int, end: int, demonym: bool) -> bool:
    """Whether the words around a mention make it the party that spoke."""
    before = text[:start].lower().rstrip()
    after = text[end:].lower().replace("’", "'")
    if demonym:
        after_ok = re.match(rf"\s+(?:{_DEMONYM_NOUNS})\b", after)
        before = before.removesuffix(" the")
        return bool(after_ok) and (
            before.endswith("according to") or not re.search(_PREPOSITION, before)
        )
    if re.match(rf"'s?(?:\s+(?:own\s+)?(?:{_SPEECH_NOUNS})\b|\s*[?.,]|\s*$)", after):
        return True
    if re.search(rf"(?:\b{_AUX}|according\s+to|(?:statements?|remarks|speech|words)\s+by)"
                 r"(?:\s+the)?$", before):  # fmt: skip
        return True
    if re.search(rf"(?<!special )\b(?:{_SPEECH_NOUNS})\s+of(?:\s+the)?$", before):
        return True
    starts = not before or before.endswith((",", ";", ":"))
    return starts and bool(re.match(r"\s+(?:said|says|told|argued|stated|warned|claimed)\b", after))


def _delegations(text: str, known: Iterable[str]) -> list[Party]:
    """Delegations named in the question, speaking ones marked, coordinated ones joined."""
    parties: list[Party] = []
    spans = _mentions(text, _name_table(known))
    for i, (a, b, name, demonym) in enumerate(spans):
        speaking = _speaking(text, a, b, demonym)
        if not speaking and i + 1 < len(spans):  # "did France and Germany say": the last decides
            joined = re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+)?", text[b : spans[i + 1][0]])
            nxt = spans[i + 1]
            speaking = bool(joined) and _speaking(text, nxt[0], nxt[1], nxt[3])
        if i > 0 and not speaking and parties and parties[-1].speaking:
            joined = re.fullmatch(r"\s*(?:,|and|or|,\s*and|versus|vs\.?)\s*(?:the\s+)?",
                                  text[spans[i - 1][1] : a])  # fmt: skip
            speaking = bool(joined)
        seen = [j for j, p in enumerate(parties) if p.name.lower() == name.lower()]
        if not seen:
            parties.append(Party(name, "delegation", text[a:b], speaking, country=name))
        elif speaking:  # named twice ("the meeting Russia requested … did Russia say"): speaks
            parties[seen[0]] = Party(name, "delegation", text[a:b], True, country=name)
    return parties


def _roles(text: str) -> list[Party]:
    """Roles and titled speakers ("the Secretary-General", "Mr. Nebenzia")."""
    out = []
    for rule, fields in _ROLE_RULES:
        if m := rule.search(text):
            out.append(Party(fields["name"], "role", m.group(0), True, **_role_fields(fields)))
    for m in _TITLED.finditer(text):
        before = text[: m.start()].lower().rstrip()
        speaking = not re.search(r"\b(?:about|against|on|of|to|with|for|by)$", before)
        surname = m.group(1).split()[-1]
        out.append(Party(m.group(0).strip(), "speaker", m.group(0), speaking, speaker=surname))
    return out


def _role_fields(fields: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in fields.items() if k != "name"}


def _unknown(text: str, parties: list[Party]) -> list[Party]:
    """A capitalised name in a speaking slot that is no delegation we know ("Freedonia")."""
    named = {p.mention.lower() for p in parties}
    out = []
    for m in _UNKNOWN.finditer(text):
        name = m.group(1).strip()
        if name.lower() not in named and name.split()[0] not in ("The", "Council", "It"):
            out.append(Party(name, "delegation", name, True, country=name, known=False))
    return out


# --- dates -----------------------------------------------------------------------------------
_MONTHS = ("january february march april may june july august september october november "
           "december").split()  # fmt: skip
_DATE = re.compile(
    rf"\b(?:in|on|at|during|of)\s+(?:the\s+|early\s+|late\s+|mid-|spring\s+|summer\s+|"
    rf"autumn\s+|fall\s+|winter\s+)?(?:(\d{{1,2}})\s+)?(?:({'|'.join(_MONTHS)})\s+)?"
    r"(?:(\d{1,2}),\s+)?((?:19|20)\d\d)\b(?![-/]\d)",
    re.I,
)


def named_dates(text: str) -> tuple[str, str]:
    """The span of the dates named ("in May 2020", "on 15 March 2014", "at the 2016 debate")."""
    spans = []
    for m in _DATE.finditer(text):
        day, month, day2, year = m.group(1), m.group(2), m.group(3), int(m.group(4))
        if month is None:
            spans.append((date(year, 1, 1), date(year, 12, 31)))
            continue
        mo = _MONTHS.index(month.lower()) + 1
        d = day or day2
        last = (date(year + (mo == 12), mo % 12 + 1, 1) - date.resolution) if not d else None
        try:
            spans.append((date(year, mo, int(d)), date(year, mo, int(d))) if d else
                         (date(year, mo, 1), last or date(year, mo, 28)))  # fmt: skip
        except ValueError:
            continue
    if not spans:
        return "", ""
    return min(s for s, _ in spans).isoformat(), max(e for _, e in spans).isoformat()


# --- language --------------------------------------------------------------------------------
_ASKING = re.compile(
    r"[¿¡]|\b(qu['’]|quel(le)?s?|pourquoi|est-ce|qu[ée]|cu[áa]l(es)?|c[óo]mo|d[óo]nde|qui[ée]n(es)?)\b",
    re.I,
)
_FR = frozenset("le la les des du sur pour dit avec dans une qu est ont été ce cette".split())
_ES = frozenset("el los las del dijo sobre una con para es fue qué según".split())


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
    parties = _roles(text) + _delegations(text, list(known))
    parties += _unknown(text, parties)
    speaking = [p for p in parties if p.speaking]
    kind = answer_type(text)
    if kind in ("who", "list") and not re.search(rf"\b{_AUX}\s+(?:the\s+)?[A-Z]", text):
        # "Which delegation said that Moscow …": the answer is the party, the rest are topics
        parties = [p if p.kind != "delegation" else _as_mention(p) for p in parties]
        speaking = [p for p in parties if p.speaking]
    date_from, date_to = named_dates(text)
    return Analysis(
        question=text,
        answer_type=kind,
        parties=tuple(parties),
        symbols=named_symbols(text),
        date_from=date_from,
        date_to=date_to,
        language=language(text),
        comparison=len(speaking) >= 2,
        mentions=tuple(p.name for p in parties if not p.speaking and p.kind == "delegation"),
    )


def _as_mention(p: Party) -> Party:
    return Party(p.name, p.kind, p.mention, False, p.country, p.speaker, p.participant_type)


def same_delegation(a: str, b: str) -> bool:
    """Whether two delegation names are one ("UK" and "United Kingdom of Great Britain …")."""
    return bool(a) and country_key(a) == country_key(b)
