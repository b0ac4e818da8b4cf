"""Positions tables and timelines with fakes: FakeEmbedder, a scripted backend and a tiny real
index of one meeting (five speakers, one spelling slip) and two later statements."""

from __future__ import annotations

import csv
import io

import pytest

from index.types import Statement
from rag.components import make_evidence
from rag.embed_cache import CachedEmbed
from rag.errors import InputError
from rag.plot import save_png, timeline_figure
from rag.positions import PositionFinder, council_members, preset, sort_rows
from rag.positions_out import record_link, to_csv, to_json, to_markdown, to_text
from rag.retrieve import Retriever
from rag.timeline import build_timeline
from tests.unit.fakes import FakeBackend, FakeEmbedder, build_index

MEETING = "S/PV.9001"
SPEECHES = [
    ("fr", "France", "Mr. Riviere", "France supports the ceasefire in the north. The ceasefire "
     "must hold and the parties must return to talks."),
    ("uk", "United Kingdom Of Great Britain And Northern Ireland", "Dame Woodward",
     "We welcome the ceasefire in the north. A ceasefire is only a first step towards peace."),
    ("cn", "China", "Mr. Zhang", "China calls for dialogue. China also welcomes the ceasefire "
     "in the north."),
    ("ru", "Russian Federation", "Mr. Nebenzia", "The budget of the mission is too high. We "
     "shall vote against any increase of the budget of the mission."),
    ("ngo", "Save the Rivers", "Ms. Lake", "Rivers in the north are polluted by mining. "
     "Clean water is a human right for every family."),
]  # fmt: skip
LATER = [
    ("fr2", "France", "2021-03-01", "France recalls that the ceasefire in the north was broken "
     "twice. The ceasefire violations must be investigated."),
    ("fr3", "France", "2022-06-01", "France regrets that the ceasefire in the north collapsed. "
     "A new ceasefire needs international monitors."),
]  # fmt: skip
QUESTION = "What did each delegation say about the ceasefire in the north?"


def _statements() -> list[Statement]:
    out = [
        Statement(id=sid, text=f"{who} ({c}): {t}", symbol=MEETING, date="2020-05-04",
                  speaker=who, country=c, speech_no=n)
        for n, (sid, c, who, t) in enumerate(SPEECHES, start=1)
    ]  # fmt: skip
    out += [
        Statement(id=sid, text=f"Mr. Riviere ({c}): {t}", symbol=f"S/PV.{9100 + i}", date=d,
                  speaker="Mr. Riviere", country=c)
        for i, (sid, c, d, t) in enumerate(LATER)
    ]  # fmt: skip
    return out


@pytest.fixture(scope="module")
def retriever(tmp_path_factory) -> Retriever:
    index = build_index(tmp_path_factory.mktemp("pos") / "ix", _statements())
    return Retriever(index, FakeEmbedder())


@pytest.fixture
def finder(settings, retriever):
    def build(backend=None) -> PositionFinder:
        return PositionFinder(retriever, make_evidence(settings, retriever), backend)

    return build


def assert_exact(row) -> None:
    for e in row.quotes:
        assert e.statement.text[e.start : e.end] == e.quote and e.quote.strip()


def test_one_row_per_delegation_that_spoke_in_speaking_order(finder):
    table = finder().compare(QUESTION, scope={"symbol": MEETING})
    names = [r.delegation for r in table.rows]
    assert names == ["France", "United Kingdom", "China", "Russian Federation", "Save the Rivers"]
    by = {r.delegation: r for r in table.rows}
    for name in ("France", "United Kingdom", "China"):
        assert by[name].answered and by[name].quotes and "ceasefire" in by[name].quotes[0].quote
        assert by[name].quotes[0].statement.symbol == MEETING
    for row in table.rows:
        assert_exact(row)
    assert not by["Russian Federation"].answered  # it spoke about the budget only
    assert by["Save the Rivers"].kind == "ngo" and by["France"].kind == "member_state"


def test_a_meeting_named_in_the_question_is_the_scope(finder):
    table = finder().compare(f"What did delegations say about the ceasefire at {MEETING}?")
    assert table.scope.symbols == (MEETING,) and len(table.rows) == 5


def test_named_delegations_get_their_row_or_a_no_statement_row(finder):
    table = finder().compare(QUESTION, ["UK", "Chad", "Atlantis"], {"symbol": MEETING})
    rows = {r.delegation: r for r in table.rows}
    assert list(rows) == ["United Kingdom", "Chad", "Atlantis"]
    assert rows["United Kingdom"].answered
    assert rows["Chad"].note == f"No statement by Chad at {MEETING}."
    assert not rows["Chad"].quotes and not rows["Atlantis"].quotes and not rows["Chad"].spoke


def test_parties_named_in_the_question_are_the_rows(finder):
    table = finder().compare("How did France and China differ on the ceasefire in the north?")
    assert [r.delegation for r in table.rows] == ["France", "China"]
    assert all(r.answered for r in table.rows)


def test_summaries_are_kept_only_when_the_strict_check_passes(finder):
    replies = ["France supports the ceasefire in the north [1].", "China offered 500 troops [1]."]
    table = finder(FakeBackend(replies)).compare(QUESTION, ["France", "China"], {"symbol": MEETING})
    fr, cn = table.rows
    assert fr.summary is not None and fr.summary.supported and fr.dropped == ""
    assert cn.summary is None and "500" in cn.dropped
    assert table.backend == "fake"


def test_sorting_and_presets(finder, retriever):
    table = finder().compare(QUESTION, scope={"symbol": MEETING})
    assert sort_rows(table.rows, "delegation")[0].delegation == "China"
    strongest = sort_rows(table.rows, "strength")
    assert strongest[0].answered and strongest[0].strength == max(r.strength for r in table.rows)
    assert not strongest[-1].quotes or not strongest[-1].answered
    with pytest.raises(InputError):
        sort_rows(table.rows, "colour")
    assert preset("p5", retriever, table.scope)[:2] == ["China", "France"]
    council = preset("council", retriever, table.scope)  # the meeting is in 2020
    assert len(council) == 15 and "Viet Nam" in council and "Niger" in council
    assert council_members(1990, ["Cuba", "France", "Save the Rivers"])[-1] == "Cuba"


def test_outputs_carry_the_exact_quotes_and_their_spans(finder):
    table = finder().compare(QUESTION, ["France", "Chad"], {"symbol": MEETING})
    data = to_json(table)
    q = data["rows"][0]["quotes"][0]
    assert q["statement_id"] == "fr" and q["link"] == record_link(MEETING)
    assert q["quote"] == _statements()[0].text[q["start"] : q["end"]]
    rows = list(csv.DictReader(io.StringIO(to_csv(table))))
    assert rows[0]["delegation"] == "France" and rows[0]["answered"] == "yes"
    assert rows[-1]["delegation"] == "Chad" and rows[-1]["note"].startswith("No statement by Chad")
    md = to_markdown(table)
    assert "| France |" in md and "https://undocs.org/en/S/PV.9001" in md
    assert "No statement by Chad" in to_text(table)


def test_a_timeline_marks_each_statement_in_date_order(settings, retriever, tmp_path):
    evidence = make_evidence(settings, retriever)
    tl = build_timeline(retriever, evidence, "the ceasefire in the north", ["France", "Chad"])
    assert [m.date for m in tl.marks] == ["2020-05-04", "2021-03-01", "2022-06-01"]
    assert [m.n for m in tl.marks] == [1, 2, 3] and {m.delegation for m in tl.marks} == {"France"}
    assert tl.notes == ("No statement by Chad on this in the index.",)
    png = save_png(timeline_figure(tl), tmp_path / "t.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError):
        build_timeline(retriever, evidence, "ceasefire", [])


def test_sentence_vectors_are_encoded_once():
    fake = FakeEmbedder()
    cached = CachedEmbed(fake.embed)
    a = cached(["one two", "three"])
    b = cached(["three", "one two", "four"])
    assert fake.calls == 3 and cached.encoded == 3
    assert (a[0] == b[1]).all() and b.shape == (3, fake.dim)


def test_the_dev_figure_counts_named_delegations_whose_row_quotes_gold(finder):
    from eval.positions import comparison_questions, gold_spans, score_table, summary

    texts = {s.id: s.text for s in _statements()}
    q = {
        "qid": "x1", "type": "multi_statement", "question": QUESTION, "gold_ids": ["fr", "cn"],
        "party": ["France", "China", "Chad"],
        "evidence": [{"statement_id": "fr", "quote": "France supports the ceasefire"},
                     {"statement_id": "cn", "quote": "China calls for dialogue."}],
    }  # fmt: skip
    assert comparison_questions([q, {**q, "party": ["France"], "type": "filter"}]) == [q]
    spans = gold_spans(q, texts.__getitem__)
    assert spans["fr"][0][1] - spans["fr"][0][0] == len("France supports the ceasefire")
    table = finder().compare(QUESTION, q["party"], {"symbol": MEETING})
    results = score_table(q, table, spans)
    assert [(r.party, r.answered_gold) for r in results] == [
        ("France", True),
        ("China", False),
        ("Chad", False),
    ]  # China's row quotes its ceasefire sentence, not the gold one
    assert summary(results, 1)["row_quotes_gold"] == round(1 / 3, 3)


def test_a_summary_must_take_the_questions_words_and_negations_from_its_quotes(finder):
    from rag.position_summary import unfounded

    table = finder().compare(QUESTION, ["France"], {"symbol": MEETING})
    quotes = table.rows[0].quotes
    assert unfounded("France supports the ceasefire in the north [1].", QUESTION, quotes) == []
    assert unfounded("France does not support the ceasefire [1].", QUESTION, quotes) == ["negation"]
    q = "Did France back sanctions over the ceasefire?"
    assert "sanctions" in unfounded("France backed sanctions over the ceasefire [1].", q, quotes)
