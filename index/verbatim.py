"""Split a UN verbatim record (plain text) into speaker turns; read its symbol, date and agenda.

Pure and standard-library only. Offsets index the text as given: nothing is rewritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Turn:
    """One speaker's turn in a verbatim record; start/end are offsets into the record text."""

    speaker: str  # "Mr. Kabentayev", "The President", "Sir Gladwyn Jebb"
    country: str  # "Kazakhstan"; "" for The President unless given
    spoken_language: str  # "Spanish"; "English" when the line has no note
    header: str  # the speaker line exactly as in the text (may hold a line break) with its colon
    start: int  # offset of the first character of the speaker line
    end: int  # one past the turn's last non-space character


@dataclass(frozen=True)
class RecordHeader:
    """What the cover page and running heads say about a record."""

    symbol: str  # "S/PV.8422", "A/76/PV.102", "" if not found
    date: str  # ISO "2018-12-14", "" if not found
    agenda: str  # agenda item title if clearly present, else ""


_TITLES = (
    r"Mr|Mrs|Ms|Miss|Mme|Mlle|Dr|Sir|Dame|Lord|Lady|Baroness|Baron|Archbishop|Bishop|"
    r"Cardinal|Monsignor|Msgr|Prince|Princess|King|Queen|Sheikh|Sheikha|Judge|Rabbi|Father|"
    r"President|Vice-President|Emir|Dato|Datuk"
)
_ROLES = (
    r"(?:Acting\s+|Temporary\s+|Deputy\s+)?"
    r"(?:President|Secretary-General|Chairman|Chairperson|Chairwoman|Chair|Vice-President)"
)
# A name token: capitalised (any script with case), or a lower-case particle ("de", "van", "al-").
_PARTICLES = r"de|da|del|della|der|di|do|dos|du|la|le|van|von|bin|ben|al|el|y"
# Quantifiers are possessive (*+) and parentheses bounded: a name token cannot be re-split
# ("MrABCDEF" as "A"+"BCDEF"...) and no scan runs past a few hundred characters, so a line that
# is not a speaker line fails in linear time (a 60-letter capitalised line took minutes before).
_TOKEN = rf"(?:[^\W\d_a-z][\w'’.\-]*+|(?:{_PARTICLES})\b-?)"
_GAP = r"[ \t]*+\n?[ \t]*+"  # spaces, at most one line break
_PAREN = r"\((?:[^()\n]|\n(?!\n)|\([^()]{0,200}\)){0,300}+\)"  # one nesting: "(Bolivia (… of))"
_SPEAKER_RE = re.compile(
    rf"""
    (?P<speaker>
        The[ \t]+(?i:{_ROLES})
      | (?:{_TITLES})\.?[ \t]++{_TOKEN}(?:{_GAP}{_TOKEN}){{0,5}}+
    )
    (?P<parens>(?:{_GAP}{_PAREN}){{0,3}}+)
    {_GAP}:
    """,
    re.VERBOSE,
)
# "(spoke in Russian; English text furnished …)", "(interpretation from Arabic)", OCR'd
# "(trallslated fram Russian)", and the French column's "(traduit de l'anglais)".
_NOTE_RE = re.compile(
    r"^(?:spoke|speaking|interpretation|t\S*ed|traduit)\s+\S+\s+(?:l['’])?(?P<lang>[^\W\d_]+)",
    re.IGNORECASE,
)
_FRENCH_LANGS = {
    "anglais": "English",
    "russe": "Russian",
    "français": "French",
    "espagnol": "Spanish",
    "chinois": "Chinese",
    "arabe": "Arabic",
}
_TERMINATORS = (".", "?", "!", ":", ";", ")", "”", '"', "’")
# Words that leave a sentence open: a line ending in one is wrapped prose, not a heading.
_CONTINUATIONS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "said"}
    | {"says", "stated", "the", "to", "that", "with"}
)
_LOOKBACK = 400
_HEADING_MAX = 60  # a short line before "The President:" is a heading, not a wrapped sentence


def parse_speaker_line(line: str) -> tuple[str, str, str] | None:
    """(speaker, country, spoken language) of a speaker line, or None if it is not one."""
    m = _SPEAKER_RE.match(line.strip())
    if m is None:
        return None
    return _describe(m)


def split_record(text: str) -> list[Turn]:
    """The speaker turns of a record; text before the first speaker line is not a turn."""
    found = [m for m in _candidates(text) if _is_turn_start(text, m)]
    turns = []
    for i, m in enumerate(found):
        limit = found[i + 1].start() if i + 1 < len(found) else len(text)
        end = limit
        while end > m.end() and text[end - 1].isspace():
            end -= 1
        speaker, country, language = _describe(m)
        header = text[m.start() : m.end()]
        turns.append(Turn(speaker, country, language, header, m.start(), end))
    return turns


def _candidates(text: str) -> list[re.Match[str]]:
    """Speaker-line matches that begin a line (after optional spaces)."""
    out = []
    for line in re.finditer(r"(?m)^[ \t]*(?=\S)", text):
        m = _SPEAKER_RE.match(text, line.end())
        if m is not None:
            out.append(m)
    return out


def _is_turn_start(text: str, m: re.Match[str]) -> bool:
    """Reject a bare "Mr. X:" or "The President:" that merely wraps onto a line start."""
    if m.group("parens").strip() and not m.group("speaker").startswith("The"):
        return True
    # A window, not the whole prefix: records run to a megabyte with hundreds of turns.
    before = text[max(0, m.start() - _LOOKBACK) : m.start()].rstrip(" \t")
    if not before or before.endswith("\n\n") or before.endswith("\n \n"):
        return True
    prev = before.rstrip().rsplit("\n", 1)[-1].strip()
    if prev.endswith(_TERMINATORS):
        return True
    last_word = prev.rsplit(None, 1)[-1].lower() if prev else ""
    return len(prev) <= _HEADING_MAX and last_word not in _CONTINUATIONS


def _describe(m: re.Match[str]) -> tuple[str, str, str]:
    speaker = _normalise_name(m.group("speaker"))
    groups = [g[1:-1] for g in re.findall(_PAREN, m.group("parens"))]
    country, language = "", "English"
    for g in groups:
        flat = " ".join(g.split())
        note = _NOTE_RE.match(flat)
        if note is not None:
            word = note.group("lang")
            language = _FRENCH_LANGS.get(word.lower(), word.capitalize())
        elif not country:
            country = flat
    return speaker, country, language


def _normalise_name(raw: str) -> str:
    """Collapse wrapping and turn capitalised surnames ("JEBB") into title case ("Jebb")."""
    words = raw.split()
    return " ".join(_title(w) if _shouting(w) else w for w in words)


def _shouting(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _title(word: str) -> str:
    return "-".join(part.capitalize() for part in word.split("-"))


_MONTH_NAMES = (
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
)
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_SYMBOL_RE = re.compile(r"\b([SA])[ \t]*(/(?:ES-\d+/)?(?:\d+/)?PV\.\d+)\b")
_WEEKDAY_DATE_RE = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+([0-9]{1,2})\s+([A-Z][a-z]+),?\s+([0-9]{4})"
)
_DATE_RE = re.compile(r"\b([0-9]{1,2})\s+([A-Z][a-z]+)\s+([0-9]{4})\b")
_NUMERIC_DATE_RE = re.compile(r"\b([0-9]{2})/([0-9]{2})/([0-9]{4})\b")
_HEAD_CHARS = 6000  # the cover page and first running head fit in this


def parse_header(text: str) -> RecordHeader:
    """Symbol, ISO date and agenda title from a record's cover page and running heads."""
    head = text[:_HEAD_CHARS]
    sym = _SYMBOL_RE.search(head)
    symbol = sym.group(1) + sym.group(2) if sym else ""
    return RecordHeader(symbol, _find_date(head), _find_agenda(head))


def _find_date(head: str) -> str:
    """The first real calendar date of the head ("31 February 2020" is not one)."""
    for pattern in (_WEEKDAY_DATE_RE, _DATE_RE):
        for m in pattern.finditer(head):
            month = _MONTHS.get(m.group(2))
            if month and (found := _real_date(m.group(3), month, m.group(1))):
                return found
    for num in _NUMERIC_DATE_RE.finditer(head):
        if found := _real_date(num.group(3), int(num.group(2)), num.group(1)):
            return found
    return ""


def _real_date(year: str, month: int, day: str) -> str:
    try:
        return date(int(year), month, int(day)).isoformat()
    except ValueError:
        return ""


def _find_agenda(head: str) -> str:
    """The first line after a line reading "Agenda", with lower-case continuations."""
    m = re.search(r"(?m)^[ \t]*Agenda[ \t]*\n\s*(.+)", head)
    if m is None:
        return ""
    title = m.group(1).strip()
    for line in head[m.end() :].split("\n")[1:]:
        if not line[:1].islower():
            break
        title += " " + line.strip()
    return title


# Running heads and feet of UN records, each a whole line.
_FURNITURE_LINE_RE = re.compile(
    r"""(?mx)^[ \t]*(?:
        (?:\d{2}/\d{2}/\d{4}[ \t](?:.{0,100}?[ \t])?)?
        [SA]/\S*PV\.\d+
        (?:[ \t].{0,100}?\d{2}/\d{2}/\d{4})?
      | (?:Security[ \t]Council|General[ \t]Assembly)[ \t]\d+(?:st|nd|rd|th)[ \t]
        (?:plenary[ \t])?meeting
      | [A-Z][a-z]+(?:-[a-z]+)?[ \t](?:year|session)[ \t]\d{1,2}[ \t][A-Z][a-z]+[ \t]\d{4}
      | \d{1,3}/\d{1,3}[ \t]+\d{2}-\d{5}
      | \d{2}-\d{5}[ \t]*(?:\d{1,3}/\d{1,3}|\(E\))?
      | \*\d{7,8}\*
      | \d{1,3}
    )[ \t]*$"""
)
_DISCLAIMER_RE = re.compile(
    r"This\s*record\s*contains.{0,900}?(?:documents\.un\.org\)\.|room\s*[A-Z]+-?\d+\.)", re.DOTALL
)


def furniture_spans(text: str) -> list[tuple[int, int]]:
    """Sorted (start, end) spans of page heads, feet, job numbers and the UN disclaimer."""
    spans = [(m.start(), m.end()) for m in _FURNITURE_LINE_RE.finditer(text) if m.group().strip()]
    spans += [(m.start(), m.end()) for m in _DISCLAIMER_RE.finditer(text)]
    return sorted(spans)
