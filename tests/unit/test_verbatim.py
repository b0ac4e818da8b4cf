"""Speaker turns, record headers and page furniture of plain-text UN verbatim records."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.verbatim import (
    Turn,
    furniture_spans,
    parse_header,
    parse_speaker_line,
    split_record,
)

SEED = Path(__file__).parents[1] / "fixtures" / "records" / "kazakhstan_S_PV.7606_2016-01-19.txt"


def _check_offsets(text: str, turns: list[Turn]) -> None:
    for i, t in enumerate(turns):
        body = text[t.start : t.end]
        assert body.startswith(t.header)
        assert body.split()[0] == t.header.split()[0]
        assert body == body.rstrip()
        if i + 1 < len(turns):
            assert text[t.end : turns[i + 1].start].strip() == ""


def test_seed_is_one_turn_by_kazakhstan_in_spanish() -> None:
    text = SEED.read_text(encoding="utf-8")
    turns = split_record(text)
    assert len(turns) == 1
    (t,) = turns
    assert (t.speaker, t.country, t.spoken_language) == ("Mr. Kabentayev", "Kazakhstan", "Spanish")
    assert t.header == "Mr. Kabentayev (Kazakhstan) (spoke in Spanish):"
    assert t.start == 0 and t.end == len(text.rstrip())
    _check_offsets(text, turns)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Mr. Kabentayev (Kazakhstan) (spoke in Spanish): I",
            ("Mr. Kabentayev", "Kazakhstan", "Spanish"),
        ),
        ("The President:", ("The President", "", "English")),
        ("The President (spoke in French): In accordance", ("The President", "", "French")),
        ("The Acting President: I should like", ("The Acting President", "", "English")),
        ("The Secretary-General: I thank", ("The Secretary-General", "", "English")),
        (
            "Sir Jeremy Greenstock (United Kingdom): We",
            ("Sir Jeremy Greenstock", "United Kingdom", "English"),
        ),
        ("Sir Gladwyn JEBB (United Kingdom) :", ("Sir Gladwyn Jebb", "United Kingdom", "English")),
        ("The PRESIDENT (translated from Russian): The", ("The President", "", "Russian")),
        ("Mr. Elaraby (Egypt)(interpretation from Arabic):", ("Mr. Elaraby", "Egypt", "Arabic")),
        (
            "Mr. Ivanov (Russian Federation) (spoke in Russian; English text furnished"
            " by the delegation):",
            ("Mr. Ivanov", "Russian Federation", "Russian"),
        ),
        (
            "Mr. Llorentty Solíz (Bolivia (Plurinational State of)) (spoke in Spanish):",
            ("Mr. Llorentty Solíz", "Bolivia (Plurinational State of)", "Spanish"),
        ),
        ("Mr. Hilale (spoke in French) (Morocco): Like", ("Mr. Hilale", "Morocco", "French")),
        ("Mrs. Buenrostro Massieu (Mexico):", ("Mrs. Buenrostro Massieu", "Mexico", "English")),
        ("Ms. Pavļuta-Deslandes (Latvia):", ("Ms. Pavļuta-Deslandes", "Latvia", "English")),
        (
            "Dame Barbara Woodward (United Kingdom):",
            ("Dame Barbara Woodward", "United Kingdom", "English"),
        ),
        ("Archbishop Caccia (Holy See):", ("Archbishop Caccia", "Holy See", "English")),
        ("Baroness Anelay (United Kingdom):", ("Baroness Anelay", "United Kingdom", "English")),
        ("Lord Ahmad (United Kingdom):", ("Lord Ahmad", "United Kingdom", "English")),
        ("Prince Zeid (Jordan):", ("Prince Zeid", "Jordan", "English")),
        ("Sheikh Al-Thani (Qatar) (spoke in Arabic):", ("Sheikh Al-Thani", "Qatar", "Arabic")),
        ("Monsignor Urbańczyk (Holy See):", ("Monsignor Urbańczyk", "Holy See", "English")),
        ("Cardinal Parolin (Holy See):", ("Cardinal Parolin", "Holy See", "English")),
        ("Miss Brooks (Jamaica):", ("Miss Brooks", "Jamaica", "English")),
        ("Mme. Dupont (France) (spoke in French):", ("Mme. Dupont", "France", "French")),
        ("Dr. Al-Kidwa (Palestine):", ("Dr. Al-Kidwa", "Palestine", "English")),
        ("Mr. de la Fuente Ramírez (Mexico):", ("Mr. de la Fuente Ramírez", "Mexico", "English")),
        ("Mr. Lacroix: I thank", ("Mr. Lacroix", "", "English")),
        ("President Abbas (spoke in Arabic): I have come", ("President Abbas", "", "Arabic")),
        ("Dato Lim Jock Hoi: At the outset", ("Dato Lim Jock Hoi", "", "English")),
        ("Mr. TSIANG (China) :", ("Mr. Tsiang", "China", "English")),
        (
            "Sir Gladwyn JEBB (Royaume-Uni) (traduit de l'anglais) :",
            ("Sir Gladwyn Jebb", "Royaume-Uni", "English"),
        ),
    ],
)
def test_speaker_line_forms(line: str, expected: tuple[str, str, str]) -> None:
    assert parse_speaker_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "As the President said: we must act.",
        "Mr. Guterres said: the time is now.",
        "President: Mr. Adom ..... (Côte d'Ivoire)",
        "Members: Bolivia (Plurinational State of) ..... Mr. Llorentty Solíz",
        "In favour:",
        "1. Adoption of the agenda:",
        "The situation in the Middle East: Syria",
        "Mr. President, I thank you:",
        "",
    ],
)
def test_not_speaker_lines(line: str) -> None:
    assert parse_speaker_line(line) is None


WRAPPED = """United Nations S/PV.9999
Security Council
Provisional
Thursday, 14 December 2018, 10 a.m.
Agenda
The situation in the Central African Republic

S/PV.9999 The situation in the Central African Republic 14/12/2018

The meeting was called to order at 10.05 a.m.

The President (spoke in
French): The Security Council will now begin its consideration
of the item on its agenda. I quote the rules: The President: shall
call speakers in order.

Mr. Nebenzia (Russian Federation) (spoke in
Russian): We abstained. The reasons are these:
first, the text; second, the process.

Ms. Kpongo (Central African
Republic) (spoke
in French): I thank the Council.

2/9 18-43649

S/PV.9999 The situation in the Central African Republic 14/12/2018

Sir Gladwyn
JEBB (United Kingdom): I shall be brief.
The President: There are no further speakers.
The meeting rose at 11 a.m.
"""


def test_wrapped_speaker_lines_and_false_positives() -> None:
    turns = split_record(WRAPPED)
    assert [(t.speaker, t.country, t.spoken_language) for t in turns] == [
        ("The President", "", "French"),
        ("Mr. Nebenzia", "Russian Federation", "Russian"),
        ("Ms. Kpongo", "Central African Republic", "French"),
        ("Sir Gladwyn Jebb", "United Kingdom", "English"),
        ("The President", "", "English"),
    ]
    assert turns[0].header == "The President (spoke in\nFrench):"
    assert WRAPPED[turns[-1].start : turns[-1].end].endswith("The meeting rose at 11 a.m.")
    _check_offsets(WRAPPED, turns)


def test_text_before_the_first_speaker_is_not_a_turn() -> None:
    turns = split_record(WRAPPED)
    assert turns[0].start == WRAPPED.index("The President (spoke in")


def test_bare_president_inside_a_wrapped_sentence_is_not_a_turn() -> None:
    text = (
        "Mr. Blok (Netherlands): We listened carefully to what was said by\n"
        "The President: the Council must act without delay and without any further\n"
        "hesitation in this matter.\n"
    )
    turns = split_record(text)
    assert [t.speaker for t in turns] == ["Mr. Blok"]
    assert turns[0].end == len(text.rstrip())


def test_bare_speaker_after_short_wrapped_line_is_not_a_turn() -> None:
    text = (
        "Mr. Blok (Netherlands): We agree with what was\n"
        "said a moment ago by\n"
        "Mr. Lacroix: peacekeeping needs\n"
        "resources.\n"
        "The situation in Cyprus\n"
        "The President: I thank Mr. Blok.\n"
    )
    turns = split_record(text)
    assert [t.speaker for t in turns] == ["Mr. Blok", "The President"]


def test_no_speaker_lines_gives_no_turns() -> None:
    assert split_record("Just a paragraph: with a colon.\nAnd another one.") == []


def test_header_from_cover_page() -> None:
    h = parse_header(WRAPPED)
    assert (h.symbol, h.date) == ("S/PV.9999", "2018-12-14")
    assert h.agenda == "The situation in the Central African Republic"


@pytest.mark.parametrize(
    ("text", "symbol", "date"),
    [
        (
            "United Nations A /76/PV.102\nThursday, 8 September 2022, 3 p.m.",
            "A/76/PV.102",
            "2022-09-08",
        ),
        ("Security Council 3756th meeting\nFifty-second year 21 March 1997", "", "1997-03-21"),
        ("S/PV.10100 The situation in Cyprus 30/01/2026", "S/PV.10100", "2026-01-30"),
        ("A/ES-11/PV.5 Friday, 24 February 2023", "A/ES-11/PV.5", "2023-02-24"),
        ("Mr. Kabentayev (Kazakhstan): no header here", "", ""),
    ],
)
def test_header_variants(text: str, symbol: str, date: str) -> None:
    h = parse_header(text)
    assert (h.symbol, h.date) == (symbol, date)


def test_header_without_agenda_heading_has_empty_agenda() -> None:
    assert parse_header("S/PV.1 Agenda item 66 (continued)\nPeacebuilding").agenda == ""


def test_furniture_spans_cover_heads_feet_and_disclaimer() -> None:
    text = (
        "This record contains the text of speeches delivered in English and of the\n"
        "translation of speeches. Corrected records will be reissued electronically on the\n"
        "Official Document System of the United Nations (http://documents.un.org).\n"
        "18-43649 (E)\n*1843649*\n\n"
        "S/PV.8422 The situation in the Central African Republic 13/12/2018\n\n"
        "The President: We begin.\n"
        "2/9 18-43649\n\n18-43649 3/9\n"
        "08/09/2022 A/76/PV.102\n"
        "Security Council 3756th meeting\nFifty-second year 21 March 1997\n10\n"
    )
    spans = furniture_spans(text)
    got = [text[a:b] for a, b in spans]
    assert "The President: We begin." not in " ".join(got)
    for piece in (
        "18-43649 (E)",
        "*1843649*",
        "S/PV.8422 The situation in the Central African Republic 13/12/2018",
        "2/9 18-43649",
        "18-43649 3/9",
        "08/09/2022 A/76/PV.102",
        "Security Council 3756th meeting",
        "Fifty-second year 21 March 1997",
        "10",
    ):
        assert piece in got
    assert any(g.startswith("This record contains") and g.endswith("un.org).") for g in got)
    assert spans == sorted(spans)
