"""Dates a question names (pure): the span, and whose date it is — a meeting's ("the October
2020 open debate", "said on 3 May 2020"), an event's told about later ("the March 2020
attack"), or unclear ("where did the leaders meet on 9 December 2019")."""

from __future__ import annotations

import re
from datetime import date

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]  # fmt: skip
_DATE = re.compile(
    rf"\b(?:in|on|at|during|of)\s+(?:the\s+|early\s+|late\s+|mid-|spring\s+|summer\s+|"
    rf"autumn\s+|fall\s+|winter\s+)?(?:(\d{{1,2}})\s+)?(?:({'|'.join(MONTHS)})\s+)?"
    r"(?:(\d{1,2}),\s+)?((?:19|20)\d\d)\b(?![-/]\d)",
    re.I,
)
# A month and year need no preposition: "the Council's October 2020 open debate"
_MONTH_YEAR = re.compile(
    rf"\b(?:(\d{{1,2}})\s+)?({'|'.join(MONTHS)})\s+(?:(\d{{1,2}}),\s+)?((?:19|20)\d\d)\b"
    r"(?![-/]\d)",
    re.I,
)
_MEETING_NOUN = (
    r"(?:open\s+)?(?:debate|meeting|briefing|session|vote|voting|adoption|explanation|"
    r"videoconference|vtc|consultations|council|election|discussion)s?"
)
_EVENT_NOUN = (
    r"(?:attacks?|bombings?|strikes?|shelling|killings?|massacres?|coup|elections?|verdict|"
    r"ruling|judgment|crash|downing|invasion|agreement|accord|ceasefire|truce|summit|conference|"
    r"report|decision|announcement|offensive|incident|explosion|earthquake|outbreak)"
)
_SPOKE = (
    r"(?:say|said|says|tell|told|state|stated|speak|spoke|argue|argued|vote|voted|adopted|"
    r"explain|explained|address|addressed|brief|briefed|warn|warned)"
)
_EVENT_BEFORE = re.compile(
    rf"\b{_EVENT_NOUN}\s+(?:(?:of|in|at|near)\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+)?(?:of|on|in)\s+"
    r"(?:the\s+)?(?:early\s+|late\s+)?$",
    re.I,
)
_MEETING_BEFORE = re.compile(
    rf"(?:\b{_MEETING_NOUN}\s+(?:[\w'’-]+\s+){{0,2}}?(?:of|on|in|held\s+on)|"
    rf"\b{_SPOKE}(?:\s+[\w'’-]+){{0,3}}?\s+(?:in|on|at|during))\s+(?:the\s+)?$|"
    r"\bcouncil['’]s\s+$",
    re.I,
)
_MEETING_AFTER = re.compile(rf"^(?:\s+[\w'’-]+){{0,3}}?\s+{_MEETING_NOUN}\b", re.I)


def _matches(text: str) -> list[re.Match[str]]:
    found = list(_DATE.finditer(text))
    return found + [
        m
        for m in _MONTH_YEAR.finditer(text)
        if not any(d.start() <= m.start() < d.end() for d in found)
    ]


def named_dates(text: str) -> tuple[str, str]:
    """The span of the dates named ("in May 2020", "on 15 March 2014", "at the 2016 debate");
    a meeting's dates win over an event's ("the April 2019 offensive … in the Council's May
    2020 discussion" is about May 2020)."""
    found = _matches(text)
    meetings = [m for m in found if _kind_of(m, text) == "meeting"]
    spans = [s for m in (meetings or found) if (s := _span(m)) is not None]
    if not spans:
        return "", ""
    return min(s for s, _ in spans).isoformat(), max(e for _, e in spans).isoformat()


def _span(m: re.Match[str]) -> tuple[date, date] | None:
    day, month, day2, year = m.group(1), m.group(2), m.group(3), int(m.group(4))
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    mo = MONTHS.index(month.lower()) + 1
    d = day or day2
    last = (date(year + (mo == 12), mo % 12 + 1, 1) - date.resolution) if not d else None
    try:
        return (date(year, mo, int(d)), date(year, mo, int(d))) if d else (
            date(year, mo, 1), last or date(year, mo, 28))  # fmt: skip
    except ValueError:
        return None


def date_kind(text: str) -> str:
    """ "meeting" when a date named is a meeting's ("the October 2020 open debate", "said in
    May 2020", "adopted on 1 July 2020"), else "event" when one is an event's ("the November
    2022 verdict", "the shelling of Mariupol on 24 January 2015"), else ""."""
    kinds = {_kind_of(m, text) for m in _matches(text)}
    return "meeting" if "meeting" in kinds else "event" if "event" in kinds else ""


def _kind_of(m: re.Match[str], text: str) -> str:
    start = min(m.start(g) for g in (1, 2, 3, 4) if m.group(g))  # after "in the"
    before, after = text[:start], text[m.end() :]
    noun = re.match(r"\s+(?:[\w'’-]+\s+){0,2}?(\w+)", after)
    if (noun and re.fullmatch(_EVENT_NOUN, noun.group(1), re.I)) or _EVENT_BEFORE.search(
        before + " "
    ):
        return "event"
    if _MEETING_BEFORE.search(before + " ") or _MEETING_AFTER.match(after):
        return "meeting"
    return ""
