"""filters_to_expr: Filters → Milvus boolean expressions (pure; the integration suite runs them)."""

from __future__ import annotations

from index.milvus_expr import filters_to_expr, quote
from index.store import scalars_of
from index.types import Filters, Statement


def test_no_filter_is_empty_expression():
    assert filters_to_expr(Filters()) == ""


def test_countries_use_canonical_keys_and_dedupe():
    expr = filters_to_expr(Filters(countries=("UK", "United Kingdom", "China")))
    assert expr == 'country_key in ["united kingdom", "china"]'


def test_symbols_match_the_meeting_base():
    expr = filters_to_expr(Filters(symbols=("S/PV.8699 (Resumption 1)",)))
    assert expr == 'symbol_base in ["S/PV.8699"]'


def test_quotes_and_backslashes_are_escaped():
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    assert quote("Côte d'Ivoire") == '"Côte d\'Ivoire"'
    expr = filters_to_expr(Filters(statement_ids=('x"); drop', "y\\")))
    assert expr == 'statement_id in ["x\\"); drop", "y\\\\"]'


def test_speakers_are_lowercase_substrings_with_literal_wildcards():
    expr = filters_to_expr(Filters(speakers=("Mr. O'Neil", "50%_a")))
    assert expr == '(speaker like "%mr. o\'neil%" or speaker like "%50\\\\%\\\\_a%")'


def test_languages_and_participant_types_are_lowercased():
    expr = filters_to_expr(Filters(spoken_languages=("French",), participant_types=("Member",)))
    assert expr == 'spoken_language in ["french"] and participant_type in ["member"]'


def test_date_range_excludes_unknown_dates_at_the_upper_end():
    expr = filters_to_expr(Filters(date_from="2020-01-01", date_to="2020-12-31"))
    assert expr == 'date >= "2020-01-01" and (date != "" and date <= "2020-12-31")'


def test_all_fields_are_joined_with_and():
    f = Filters(
        countries=("France",),
        collections=("unsc_2020",),
        statement_ids=("s1",),
        speakers=("riviere",),
    )
    parts = filters_to_expr(f).split(" and ")
    assert parts == [
        'country_key in ["france"]',
        'collection in ["unsc_2020"]',
        'statement_id in ["s1"]',
        '(speaker like "%riviere%")',
    ]


def test_scalars_of_normalises_like_the_expression():
    s = Statement(
        id="s1",
        text="t",
        symbol="S/PV.1 (Part 2)",
        date="2020-01-02",
        speaker="Mr. X",
        country="UK",
        spoken_language="French",
        participant_type="Member",
        collection="c",
    )
    assert scalars_of(s) == {
        "country_key": "united kingdom",
        "symbol_base": "S/PV.1",
        "date": "2020-01-02",
        "spoken_language": "french",
        "participant_type": "member",
        "collection": "c",
        "statement_id": "s1",
        "speaker": "mr. x",
    }
