"""index.records: links to the official record, symbols from the meeting list (pure)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

from index.records import (
    Meeting,
    MeetingList,
    default_meetings,
    meeting_number,
    record_of,
    record_url,
)
from index.types import Statement

ROOT = Path(__file__).resolve().parents[2]


def test_links_use_the_symbol_resolver_and_keep_resumptions_and_pages():
    assert record_url("S/PV.7606") == "https://undocs.org/en/S/PV.7606"
    assert record_url("S/PV.8699 (Resumption 1)") == "https://undocs.org/en/S/PV.8699(Resumption1)"
    assert record_url("S/2020/465") == "https://undocs.org/en/S/2020/465"
    assert record_url("S/PV.8422", page=4) == "https://undocs.org/en/S/PV.8422#page=4"


def test_record_of_a_statement_with_a_symbol_and_a_pdf_page():
    st = Statement(id="a", text="x", symbol="S/PV.8699 (Resumption 1)", page=3)
    rec = record_of(st)
    assert rec.url == "https://undocs.org/en/S/PV.8699(Resumption1)#page=3"
    assert rec.label == "S/PV.8699 (Resumption 1)" and not rec.inferred


def test_without_symbol_the_draft_is_linked_and_said_to_be_a_draft():
    st = Statement(id="b", text="x", date="2024-11-01", extra={"related_document": "S/2024/788"})
    rec = record_of(st)
    assert rec.symbol == "" and rec.url == "https://undocs.org/en/S/2024/788"
    assert rec.label == "record symbol unknown; draft S/2024/788"
    bare = record_of(Statement(id="c", text="x"))
    assert bare.url == "" and bare.label == "record symbol unknown"


def test_meeting_list_fills_a_symbol_only_when_one_meeting_matches():
    ml = MeetingList(
        [
            Meeting("S/PV.1", "2010-01-05", "The situation in the Middle East"),
            Meeting("S/PV.2", "2010-01-05", "Non-proliferation"),
            Meeting("S/PV.3", "2010-01-06", "Children and armed conflict"),
        ]
    )
    assert ml.symbol_for("2010-01-05", "The situation in the Middle East") == "S/PV.1"
    assert ml.symbol_for("2010-01-05", "") == ""  # two meetings that day
    assert ml.symbol_for("2010-01-05", "Sudan") == ""  # no title holds the agenda
    assert ml.symbol_for("2010-01-06", "") == "S/PV.3"
    st = Statement(id="d", text="x", date="2010-01-05", agenda="Middle East situation")
    rec = record_of(st, ml)
    assert rec.inferred and rec.label == "S/PV.1 (from the meeting list)"
    assert rec.url == "https://undocs.org/en/S/PV.1"


def test_meeting_numbers_are_ordinals():
    assert meeting_number("S/PV.7606") == "7606th meeting"
    assert meeting_number("S/PV.8701") == "8701st meeting"
    assert meeting_number("S/PV.8712") == "8712th meeting"
    assert meeting_number("S/PV.8699 (Resumption 1)") == "8699th meeting (Resumption 1)"
    assert meeting_number("S/2020/465") == ""


def test_the_shipped_meeting_list_never_gives_a_bundled_statement_a_wrong_symbol():
    """Hide the symbol of every bundled statement that has one: the meeting list, by date and
    agenda, gives back the right one or none (it is from the UN's own tables, 1946-2022)."""
    with gzip.open(ROOT / "data/corpus/unsc_statements.jsonl.gz", "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    ml = default_meetings()
    outcome: Counter[str] = Counter()
    for r in rows:
        if not r.get("symbol"):
            continue
        got = ml.symbol_for(r["date"], r.get("agenda_title") or r.get("topic") or "")
        if not got:
            outcome["none"] += 1
        elif got.replace(" ", "") == r["symbol"].replace(" ", ""):
            outcome["right"] += 1
        else:
            outcome["wrong"] += 1
    assert outcome["wrong"] == 0 and outcome["right"] > 1900, outcome
    unknown = [r for r in rows if not r.get("symbol")]
    assert len(unknown) == 34 and all(r["related_document"] for r in unknown)
