"""Official records of statements (pure, read at display time): the symbol, the undocs.org link
(with the PDF page), and the symbol of a meeting found in the shipped meeting list by date and
agenda when a statement has none."""

from __future__ import annotations

import csv
import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from index.types import Statement

MEETINGS_FILE = (
    Path(__file__).resolve().parent.parent / "data/meetings/un_sc_meetings_1946_2022.csv.gz"
)
RESOLVER = "https://undocs.org/en/"
_PV = re.compile(r"^S/PV\.(\d+)(?:\s*\((Resumption\s*\d+|Part\s*\d+)\))?", re.I)
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP = frozenset(
    ["the", "and", "for", "with", "its", "from", "between", "their", "other", "this", "that"]
)
MIN_AGENDA_MATCH = 0.6  # share of the statement's agenda words the meeting's title must hold


@dataclass(frozen=True)
class Record:
    """Where a statement stands in the official record, and the link that opens it."""

    symbol: str  # as recorded, or found in the meeting list; "" when unknown
    url: str  # "" when nothing can be linked
    page: int | None = None  # PDF page index of the statement (records ingested from a PDF)
    inferred: bool = False  # the symbol comes from the meeting list (date and agenda)
    draft: str = ""  # the draft resolution of an adoption meeting whose record is unknown

    @property
    def label(self) -> str:
        """ "S/PV.7606", "S/PV.4567 (from the meeting list)", "record symbol unknown; draft S/2024/788"."""
        if self.symbol:
            return self.symbol + (" (from the meeting list)" if self.inferred else "")
        return "record symbol unknown" + (f"; draft {self.draft}" if self.draft else "")

    def to_json(self) -> dict[str, object]:
        """The link fields of `ask --json` / `search --json` rows."""
        return {
            "url": self.url,
            "record": self.label,
            "record_symbol": self.symbol,
            "symbol_inferred": self.inferred,
            "related_document": self.draft,
            "page": self.page,
        }


def record_url(symbol: str, page: int | None = None) -> str:
    """https://undocs.org/en/S/PV.8699(Resumption1)#page=3 (spaces dropped, page = PDF index)."""
    path = quote(re.sub(r"\s+", "", symbol), safe="/().")
    return RESOLVER + path + (f"#page={page}" if page else "")


def record_of(st: Statement, meetings: MeetingList | None = None) -> Record:
    """The statement's record: its own symbol, else the one meeting its date and agenda match,
    else its draft resolution (linked, and said to be a draft), else unknown."""
    if st.symbol:
        return Record(st.symbol, record_url(st.symbol, st.page), st.page)
    if st.date:
        found = (meetings or default_meetings()).symbol_for(st.date, st.agenda)
        if found:
            return Record(found, record_url(found, st.page), st.page, inferred=True)
    draft = st.extra.get("related_document", "")
    return Record("", record_url(draft) if draft else "", st.page, draft=draft)


def meeting_number(symbol: str) -> str:
    """ "S/PV.7606" → "7606th meeting"; "S/PV.8699 (Resumption 1)" → "8699th meeting (Resumption 1)"."""
    m = _PV.match(symbol.strip())
    if not m:
        return ""
    n = int(m.group(1))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    part = f" ({' '.join(m.group(2).split())})" if m.group(2) else ""
    return f"{n}{suffix} meeting{part}"


def record_kind(st: Statement, symbol: str) -> str:
    """ "Verbatim record", "Letter compiling videoconference statements", or "Document"."""
    kind = st.extra.get("record_type", "")
    if kind == "letter_compiling_vtc_statements":
        return "Letter compiling videoconference statements"
    if kind == "verbatim_record_excerpt":
        return "Verbatim record (excerpt)"
    if kind == "verbatim_record" or _PV.match(symbol) or not symbol:
        return "Verbatim record"
    return (
        "Letter compiling videoconference statements" if symbol.startswith("S/20") else "Document"
    )


@dataclass(frozen=True)
class Meeting:
    """One row of the meeting list."""

    symbol: str  # S/PV.N, or the letter of a 2020 videoconference
    date: str
    topic: str


class MeetingList:
    """Meetings by date, for the symbol of a statement that has a date and an agenda only."""

    def __init__(self, meetings: list[Meeting]) -> None:
        self.by_date: dict[str, list[Meeting]] = {}
        for m in meetings:
            self.by_date.setdefault(m.date, []).append(m)

    def symbol_for(self, date: str, agenda: str = "") -> str:
        """The symbol of the single meeting of that date whose title holds the agenda's words
        (or of the date's only meeting when no agenda is given); "" when not one."""
        candidates = self.by_date.get(date, [])
        words = _words(agenda)
        if words:
            scored = [(len(words & _words(m.topic)) / len(words), m) for m in candidates]
            candidates = [m for s, m in scored if s >= MIN_AGENDA_MATCH]
            if len(candidates) > 1:
                best = max(s for s, _ in scored)
                candidates = [m for s, m in scored if s == best]
        symbols = {m.symbol for m in candidates}
        return symbols.pop() if len(symbols) == 1 else ""


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def read_meetings(path: Path) -> MeetingList:
    """The shipped meeting list (open meetings with a record: S/PV symbol or VTC letter)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return MeetingList(
        [
            Meeting(r["symbol"] or r["briefings_letter"], r["date"], r["topic"])
            for r in rows
            if r["closed"] != "True" and (r["symbol"] or r["briefings_letter"]) and r["date"]
        ]
    )


@lru_cache(maxsize=4)
def default_meetings(path: Path = MEETINGS_FILE) -> MeetingList:
    """The meeting list shipped in data/meetings (read once per path)."""
    if not path.exists():
        return MeetingList([])
    return read_meetings(path)
