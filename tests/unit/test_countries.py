"""One name per delegation: the table, spelling resolution (every slip the bundle has), and
filters, counts and statements of an index whose records spell one delegation many ways."""

from __future__ import annotations

import pytest

from index.countries import (
    KINDS,
    canonical_statement,
    country_key,
    display_name,
    resolve,
    resolve_record,
)
from index.delegation_table import DEMONYMS, ELECTED, MEMBER_STATES, OTHERS, P5, VARIANTS
from index.types import Filters, Statement
from tests.unit.fakes import build_index


def test_the_table_has_the_193_member_states_once_and_every_name_resolves_to_itself():
    assert len(MEMBER_STATES) == len(set(MEMBER_STATES)) == 193
    assert not set(MEMBER_STATES) & set(OTHERS)
    for name in (*MEMBER_STATES, *OTHERS):
        assert resolve(name).status == "exact" and resolve(name).name == name
    assert set(OTHERS.values()) <= set(KINDS)


def test_variants_demonyms_and_council_years_name_table_entries():
    names = set(MEMBER_STATES) | set(OTHERS)
    assert set(VARIANTS.values()) <= names
    assert {display_name(c) for c in DEMONYMS.values()} <= names
    assert set(P5) <= set(MEMBER_STATES)
    for year, elected in ELECTED.items():
        assert len(set(elected)) == 10 and set(elected) <= set(MEMBER_STATES), year
        assert not set(elected) & set(P5), year


@pytest.mark.parametrize(
    "raw, name, status",
    [
        ("United Kingdom", "United Kingdom", "exact"),
        ("United Kingdom of Great Britain and Northern Ireland", "United Kingdom", "variant"),
        ("United Kingdom Of Great Britain And Northern Ireland", "United Kingdom", "repaired"),
        ("UK", "United Kingdom", "variant"),
        ("El] Salvador", "El Salvador", "repaired"),
        ("United States ofAmerica", "United States", "repaired"),
        ("United States Of America", "United States", "repaired"),
        ("the United States of America", "United States", "repaired"),
        ("the Russian Federation", "Russian Federation", "repaired"),
        ("Russia", "Russian Federation", "variant"),
        ("Republic Of Korea", "Republic of Korea", "repaired"),
        ("Venezuela (Bolivarian Republic Of)", "Venezuela (Bolivarian Republic of)", "repaired"),
        ("Bolivarian Republic of Venezuela", "Venezuela (Bolivarian Republic of)", "variant"),
        ("Islamic Republic of Iran", "Iran (Islamic Republic of)", "variant"),
        ("Syrian Arab Republic", "Syrian Arab Republic", "exact"),
        ("Kyrgyztan", "Kyrgyzstan", "repaired"),
        ("Kyrgyz Republic", "Kyrgyzstan", "variant"),
        ("Republic of Croatia", "Croatia", "variant"),
        ("Socialist Republic of Viet Nam", "Viet Nam", "variant"),
        ("Saint Vincent and Grenadines", "Saint Vincent and the Grenadines", "variant"),
        ("The former Yugoslav Republic of Macedonia", "North Macedonia", "variant"),
        ("Cote d'Ivoire", "Côte d'Ivoire", "variant"),
        ("Turkey", "Türkiye", "variant"),
        ("EU", "European Union", "variant"),
        ("UN", "United Nations", "variant"),
        ("International Committee Of The Red Cross", "International Committee of the Red Cross",
         "repaired"),
        ("Save Act Mine", "Save Act Mine", "unlisted"),
        ("spoke in French", "", "flagged"),
        ("", "", "empty"),
    ],
)  # fmt: skip
def test_every_spelling_of_the_bundle_names_one_delegation(raw, name, status):
    r = resolve(raw)
    assert (r.name, r.status) == (name, status)


def test_kinds():
    assert resolve("France").kind == "member_state"
    assert resolve("Holy See").kind == resolve("Palestine").kind == "observer"
    assert resolve("UN").kind == "un"
    assert resolve("EU").kind == resolve("OSCE").kind == "organisation"
    assert resolve("Nordic Countries").kind == "group"
    assert resolve("Individual").kind == "individual"
    assert resolve("Watchlist on Children and Armed Conflict").kind == "ngo"


def test_keys_stay_what_indexes_stored_so_old_filters_still_match():
    assert country_key("UK") == country_key("United Kingdom Of Great Britain And Northern Ireland")
    assert country_key("United States ofAmerica") == country_key("USA") == "united states"
    assert country_key("Syria") == country_key("Syrian Arab Republic") == "syria"
    assert country_key("UN") == country_key("United Nations") == "un"
    assert country_key("Atlantis") == "atlantis" and country_key("") == ""


def test_a_flagged_spelling_is_repaired_from_the_speaker_line_or_the_words():
    header = "Mr. Michon (spoke in French) (France)"
    assert resolve_record("spoke in French", header).name == "France"
    text = "I shall now make a statement in my capacity as the representative of Switzerland."
    r = resolve_record("spoke in French", "The President", text)
    assert (r.name, r.status) == ("Switzerland", "repaired")
    assert resolve_record("spoke in French", "", "No name here.").status == "flagged"


def test_ingest_stores_the_name_and_keeps_the_records_spelling():
    st = Statement(id="a", text="t", country="United States ofAmerica")
    fixed = canonical_statement(st)
    assert (fixed.country, fixed.country_raw) == ("United States", "United States ofAmerica")
    assert canonical_statement(Statement(id="b", text="t", country="France")).country_raw == ""


SPELLINGS = [
    "United Kingdom",
    "United Kingdom of Great Britain and Northern Ireland",
    "United Kingdom Of Great Britain And Northern Ireland",
]


def _statements() -> list[Statement]:
    rows = [
        (s, f"The United Kingdom speaks about peace number {i}.") for i, s in enumerate(SPELLINGS)
    ]
    rows += [
        ("El] Salvador", "El Salvador on water."),
        ("El Salvador", "El Salvador on schools."),
        ("United States ofAmerica", "America on trade."),
        ("the Russian Federation", "Russia on energy."),
        ("Russian Federation", "Russia on grain."),
    ]
    out = [
        Statement(id=f"s{i}", text=t, country=c, symbol="S/PV.1") for i, (c, t) in enumerate(rows)
    ]
    out.append(
        Statement(id="fr", text="Mr. Michon: Peace in Mali.", country="spoke in French",
                  extra={"speaker_header": "Mr. Michon (spoke in French) (France)"})
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def meta(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("names") / "ix", _statements()).meta


@pytest.mark.parametrize(
    "spelling, delegation",
    [(s, "United Kingdom") for s in [*SPELLINGS, "UK", "Britain"]]
    + [("El] Salvador", "El Salvador"), ("El Salvador", "El Salvador")]
    + [("United States ofAmerica", "United States"), ("USA", "United States")]
    + [("the Russian Federation", "Russian Federation"), ("Russia", "Russian Federation")]
    + [("France", "France"), ("spoke in French", "France")],
)
def test_every_spelling_filters_to_the_same_delegation(meta, spelling, delegation):
    want = meta.allowed_ids(Filters(countries=(delegation,)))
    assert len(want) > 0
    assert sorted(meta.allowed_ids(Filters(countries=(spelling,)))) == sorted(want)


def test_counts_and_statements_read_the_delegation_name(meta):
    counts = meta.group_counts("country")
    assert counts["United Kingdom"] == 3 and counts["El Salvador"] == 2
    assert counts["Russian Federation"] == 2 and counts["France"] == 1
    assert not {"El] Salvador", "spoke in French", "United States ofAmerica"} & set(counts)
    st = meta.statement("s0")
    assert st is not None and st.country == "United Kingdom" and st.country_raw == ""
    fr = meta.statement("fr")
    assert fr is not None and (fr.country, fr.country_raw) == ("France", "spoke in French")
    assert "country_raw" not in fr.extra


def test_stats_report_repaired_and_variant_spellings(meta):
    report = meta.summary()["delegations"]
    repaired = {r["raw"] for r in report["repaired"]}
    assert {"El] Salvador", "the Russian Federation", "United States ofAmerica"} <= repaired
    assert "United Kingdom Of Great Britain And Northern Ireland" in repaired
    assert report["delegations"] == 5
    assert [(f["raw"], f["rows"]) for f in report["flagged"]] == [
        ("spoke in French", {"France": 1})
    ]
    assert meta.delegations(Filters(symbols=("S/PV.1",)))[0].name == "United Kingdom"
