"""Parties a question names (pure): delegations with the alias and adjective tables, roles
("the Secretary-General", "the President of the Council") and titled speakers, each marked as
the one who spoke ("What did France say…") or as a topic ("…say about Russia's veto")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from index.countries import ALIASES, DEMONYMS, display_name, kind_of, spellings_of
from rag.capitals import CAPITALS


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


AUX = r"(?:did|does|do|has|have|had|would|will|was|were|is|are)"
# "according to", "as recounted by": what follows is the one who spoke (rag.question too)
SOURCE = (
    r"acc?ording\s+to|as\s+(?:recounted|told|described|reported|stated|noted|said|recalled|put|"
    r"explained|related|cited|quoted|mentioned|given)\s+by|"
    # "the money announced by Japan", "the figure cited by Germany": who gave it
    r"(?:announced|pledged|cited|quoted|reported|given|mentioned|offered|proposed)\s+by"
)
_SPEECH_VERBS = (
    "said|says|told|argued|stated|warned|claimed|welcomed|called|urged|noted|recalled|described|"
    "reported|announced|proposed|pledged|condemned|highlighted|stressed|emphasi[sz]ed|recounted|"
    "cited|mentioned|expressed|cautioned|insisted|accused|blamed|praised|critici[sz]ed|suggested|"
    "regretted|denounced|rejected|raised"
)
_SPEECH_NOUNS = (
    "position|view|views|statement|statements|stance|argument|arguments|remarks|proposal|"
    "response|reply|reaction|explanation|representative|delegation|ambassador|minister|envoy|"
    "delegate|government|foreign minister|prime minister|president|speaker|side|concern|concerns"
)
# After an adjective the noun must be the speaker itself: "the Afghan president" is as often
# the topic ("a step by the Afghan president") as the one who spoke.
_DEMONYM_NOUNS = (  # plurals too: "the British and the American delegations"
    "delegations?|representatives?|ambassadors?|envoys?|delegates?|statements?|positions?|"
    "views?|stances?|foreign ministers?|ministers?|missions? to the united nations"
)
# What joins two parties of one question: "France and Germany", "the UK, the US", "Japan and
# by Denmark", "Russia versus Ukraine"
JOIN = re.compile(r"\s*(?:,|and|or|,\s*and|versus|vs\.?)\s*(?:by\s+)?(?:the\s+)?", re.I)
# "the government in Kampala", "the authorities in Kyiv": a capital that speaks
_SEAT = re.compile(r"\b(?:government|authorities|leadership|officials)\s+in$")
_PREPOSITION = r"\b(?:by|about|of|on|against|with|to|for|from|in|at|towards|regarding)$"
# How the records name the Secretary-General as a speaker: the title, or the name alone
# (S/2020/346 files António Guterres under "Antonio Guterres"; "Mr. Guterres" of Timor-Leste is
# someone else). A filter matches any of them.
SECRETARY_GENERAL_SPEAKERS = (
    "Secretary-General", "Antonio Guterres", "António Guterres", "Ban Ki-moon", "Kofi Annan",
)  # fmt: skip
_NOT_PARTIES = frozenset({"un", "united nations"})  # "UN missions": the topic, not a speaker
_ROLE_RULES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (
        re.compile(
            r"\b(?:the\s+)?(?:(?:security\s+)?council\s+president|president\s+of\s+the\s+"
            r"(?:security\s+)?council|council(?:'s|’s)\s+presiden(?:t|cy))\b",
            re.I,
        ),
        {"name": "the President of the Council", "participant_type": "The President"},
    ),
    (
        re.compile(
            r"\b(?<![-\w])(?<!of\sthe\s)(?<!of\s)(?:the\s+)?(?:un\s+)?secretary-general\b"
            r"(?!['’]s\s+call)",
            re.I,
        ),
        {"name": "the Secretary-General", "speaker": "Secretary-General", "country": "UN"},
    ),
)
# UN officials by title ("the UN-Women Executive Director", "the High Commissioner", "the
# Under-Secretary-General for Political Affairs"): their statements are filed under "UN"
_UN_OFFICIAL = re.compile(
    r"\b(?:the\s+)?(?:(?:un|united\s+nations|un-women|unicef|unhcr|ocha|undp|wfp|unfpa|dpa|"
    r"dppa|dpo)\s+)?(?:executive\s+director|high\s+commissioner|(?:under|assistant)-secretary-"
    r"general|special\s+(?:envoy|representative|coordinator|adviser)|emergency\s+relief\s+"
    r"coordinator|head\s+of\s+(?:un-women|unicef|unhcr|ocha|undp|unfpa|wfp)|un\s+(?:briefer|"
    r"official|envoy))\b(?-i:(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w-]+(?:\s+(?:and\s+)?"
    r"[A-Z][\w-]+){0,3})?)(?!['’]s)",
    re.I,
)
_TITLED = re.compile(  # "Ambasador Power": titles are misspelt too
    r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Amb[a]?s{1,2}ad[oe]r)\.?\s+((?:[A-Z][\w'’-]+\s?){1,3})(?<!\s)"
)
_UNKNOWN = re.compile(rf"\b{AUX}\s+((?:[A-Z][a-z]+\s?){{1,2}})\s+(?:say|said|argue|claim|think)\b")


def _name_table(known: Iterable[str]) -> dict[str, str]:
    """Lower-case name, alias or other spelling → the delegation's name, for the aliases and
    every delegation the index knows ("Syria", "Syrian Arab Republic" → the latter)."""
    return _table(tuple(known))


@lru_cache(maxsize=16)
def _table(known: tuple[str, ...]) -> dict[str, str]:
    table = {k: display_name(v) for k, v in ALIASES.items() if k not in _NOT_PARTIES}
    table |= {v.lower(): display_name(v) for v in ALIASES.values() if v.lower() not in _NOT_PARTIES}
    for name in known:
        if kind_of(name) == "individual":  # "Individual" briefers: a word of many questions
            continue
        for low in [" ".join(name.lower().split()).removeprefix("the "), *spellings_of(name)]:
            if low and low not in _NOT_PARTIES and len(low) > 2:
                table.setdefault(low, display_name(name))
        if acronym := _acronym(name):  # "SIPRI", "ICRC": how questions name organisations
            table.setdefault(acronym, display_name(name))
    return table


def _acronym(name: str) -> str:
    """The initials of a long name ("Stockholm International Peace Research Institute" →
    "sipri"); four letters at least, so that no common word ("car") becomes a party."""
    words = [
        w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in ("of", "the", "and", "for")
    ]
    return "".join(w[0] for w in words).lower() if len(words) >= 4 else ""


def _mentions(text: str, table: dict[str, str]) -> list[tuple[int, int, str, bool]]:
    """(start, end, display name, is_demonym) of each delegation named, longest first."""
    low = text.lower().replace("’", "'")
    found: list[tuple[int, int, str, bool]] = []
    demonyms = [(d, display_name(c), True) for d, c in DEMONYMS.items()]
    names = [(n, v, False) for n, v in table.items()] + demonyms
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
            bool(re.search(rf"(?:{SOURCE})$", before)) or not re.search(_PREPOSITION, before)
        )
    if re.match(rf"'s?(?:\s+(?:own\s+)?(?:{_SPEECH_NOUNS})\b|\s*[?.,]|\s*$)", after):
        return True
    if re.search(r"\b(?:was|were|is|are)\s+the$", before):
        return False  # "when was the Guinea-Bissau election": a modifier, not a speaker
    if re.search(rf"(?:\b{AUX}|{SOURCE}|(?:statements?|remarks|speech|words)\s+by)"
                 r"(?:\s+the)?$", before):  # fmt: skip
        return True
    if re.search(r"\b(?:that|which|whom|what|how|as|when|whether)$", before) and re.match(
        rf"\s+(?:{_SPEECH_VERBS})\b", after
    ):  # "the election that Viet Nam welcomed"
        return True
    if re.search(rf"(?<!special )\b(?:{_SPEECH_NOUNS})\s+of(?:\s+the)?$", before):
        return True
    starts = not before or before.endswith((",", ";", ":"))
    return starts and bool(re.match(rf"\s+(?:{_SPEECH_VERBS})\b", after))


def _capitals(text: str, taken: list[tuple[int, int, str, bool]]) -> list[tuple[int, int, str]]:
    """(start, end, delegation) of each capital in a speaking slot ("did Vilnius say", "the
    government in Kampala"); a capital elsewhere names a place ("the Minsk agreements")."""
    low = text.lower().replace("’", "'")
    out = []
    for city, country in CAPITALS.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(city)}(?![\w-])", low):
            a, b = m.span()
            if any(x < b and a < y for x, y, _, _ in taken) or not text[a].isupper():
                continue
            before = text[:a].lower().rstrip()
            if _SEAT.search(before) or _speaking(text, a, b, False):
                out.append((a, b, country))
    return out


def delegations(text: str, known: Iterable[str]) -> list[Party]:
    """Delegations named in the question, speaking ones marked, coordinated ones joined."""
    parties: list[Party] = []
    spans = _mentions(text, _name_table(known))
    capitals = _capitals(text, spans)
    spans = sorted(spans + [(a, b, name, False) for a, b, name in capitals])
    for i, (a, b, name, demonym) in enumerate(spans):
        speaking = _speaking(text, a, b, demonym) or any(c[0] == a for c in capitals)
        if not speaking and i + 1 < len(spans):  # "did France and Germany say": the last decides
            joined = JOIN.fullmatch(text[b : spans[i + 1][0]])
            nxt = spans[i + 1]
            speaking = bool(joined) and _speaking(text, nxt[0], nxt[1], nxt[3])
        if i > 0 and not speaking and parties and parties[-1].speaking:
            speaking = bool(JOIN.fullmatch(text[spans[i - 1][1] : a]))
        seen = [j for j, p in enumerate(parties) if p.name.lower() == name.lower()]
        if not seen:
            parties.append(Party(name, "delegation", text[a:b], speaking, country=name))
        elif speaking:  # named twice ("the meeting Russia requested … did Russia say"): speaks
            parties[seen[0]] = Party(name, "delegation", text[a:b], True, country=name)
    return parties


def roles(text: str) -> list[Party]:
    """Roles and titled speakers ("the Secretary-General", "Mr. Nebenzia")."""
    out = []
    for rule, fields in _ROLE_RULES:
        if m := rule.search(text):
            out.append(
                Party(
                    fields["name"],
                    "role",
                    m.group(0),
                    True,
                    country=fields.get("country", ""),
                    speaker=fields.get("speaker", ""),
                    participant_type=fields.get("participant_type", ""),
                )
            )
    for m in _UN_OFFICIAL.finditer(text):
        before = text[: m.start()].lower().rstrip()
        # "when the High Commissioner briefed the Council" names the meeting, not the speaker
        speaking = not re.search(r"\b(?:about|against|on|of|to|with|for|by|from|when|after)$",
                                 before.removesuffix(" the"))  # fmt: skip
        mention = m.group(0).strip()
        name = mention if mention.lower().startswith("the ") else "the " + mention
        out.append(Party(name, "role", mention, speaking, country="UN"))
    # "the Special Representative Mr. Ndiaye" is one person: the name, not the title, is kept
    out = [p for p in out if not _titled_after(text, p.mention)]
    for m in _TITLED.finditer(text):
        before = text[: m.start()].lower().rstrip()
        speaking = bool(re.search(rf"(?:{SOURCE})$", before)) or not re.search(
            r"\b(?:about|against|on|of|to|with|for|by)$", before
        )
        surname = m.group(1).split()[-1]
        out.append(Party(m.group(0).strip(), "speaker", m.group(0), speaking, speaker=surname))
    return out


def _titled_after(text: str, mention: str) -> bool:
    """Whether a role's words are followed at once by a titled name ("… Mr. Ndiaye")."""
    at = text.find(mention)
    return at >= 0 and bool(_TITLED.match(text, at + len(mention) + 1))


def unknown_parties(text: str, parties: list[Party]) -> list[Party]:
    """A capitalised name in a speaking slot that is no delegation we know ("Freedonia")."""
    named = {p.mention.lower() for p in parties}
    out = []
    for m in _UNKNOWN.finditer(text):
        name = m.group(1).strip()
        if name.lower() not in named and name.split()[0] not in ("The", "Council", "It"):
            out.append(Party(name, "delegation", name, True, country=name, known=False))
    return out
