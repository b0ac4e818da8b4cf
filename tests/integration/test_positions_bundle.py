"""Delegations on the bundled index (no rebuild: its spellings are resolved when read), the
positions table of the Iraq meeting S/PV.4644, and `compare` / `timeline` from the command line."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from index.types import Filters
from rag.cli import main
from rag.components import make_evidence, make_retriever, open_index
from rag.positions import PositionFinder

SPELLINGS = {
    "United Kingdom": [
        "United Kingdom",
        "United Kingdom of Great Britain and Northern Ireland",
        "United Kingdom Of Great Britain And Northern Ireland",
        "UK",
    ],
    "El Salvador": ["El] Salvador", "El Salvador"],
    "United States": ["United States ofAmerica", "United States of America", "USA"],
    "Russian Federation": ["the Russian Federation", "Russia", "Russian Federation"],
}
SPOKE_4644 = [
    "China", "United Nations", "United States", "United Kingdom", "France", "Mexico", "Ireland",
    "Russian Federation", "Bulgaria", "Syrian Arab Republic", "Norway", "Singapore", "Colombia",
    "Cameroon", "Guinea", "Mauritius",
]  # fmt: skip


@pytest.fixture(scope="module")
def bundle(settings, embedder):
    return open_index(settings, None, embedder)


@pytest.mark.parametrize("delegation", sorted(SPELLINGS))
def test_every_old_spelling_filters_to_its_delegation(bundle, delegation):
    want = sorted(bundle.meta.allowed_ids(Filters(countries=(delegation,))))
    assert want
    for spelling in SPELLINGS[delegation]:
        assert sorted(bundle.meta.allowed_ids(Filters(countries=(spelling,)))) == want, spelling


def test_one_entry_per_delegation_and_the_slips_are_counted(bundle):
    counts = bundle.meta.group_counts("country")
    assert len(counts) == 190  # from 216 stored spellings
    assert counts["United Kingdom"] == 127 and counts["El Salvador"] == 6
    junk = {"spoke in French", "El] Salvador", "United States ofAmerica", "the Russian Federation"}
    assert not junk & set(counts)
    assert not [n for n in counts if n.startswith("United Kingdom") and n != "United Kingdom"]
    report = bundle.meta.summary()["delegations"]
    assert report["spellings"] == 216 and report["delegations"] == 190
    assert {r["raw"] for r in report["repaired"]} >= junk - {"spoke in French"}
    assert report["flagged"][0]["rows"] == {"France": 1, "Switzerland": 1}
    st = bundle.meta.statement("UNSC_2020_SPV.8724_spch010")
    assert st is not None and (st.country, st.country_raw) == ("France", "spoke in French")


def test_compare_at_the_iraq_meeting_has_a_row_per_speaker_of_exact_quotes(
    settings, embedder, bundle
):
    retriever = make_retriever(settings, embedder=embedder, index=bundle)
    finder = PositionFinder(retriever, make_evidence(settings, retriever))
    t0 = time.perf_counter()
    table = finder.compare(
        "Did resolution 1441 contain an automatic trigger for the use of force?",
        scope={"symbol": "S/PV.4644"},
    )
    elapsed = time.perf_counter() - t0
    assert [r.delegation for r in table.rows] == SPOKE_4644
    assert all(r.spoke for r in table.rows) and sum(bool(r.quotes) for r in table.rows) >= 13
    for row in table.rows:
        assert row.quotes or row.note == f"No statement by {row.delegation} on this at S/PV.4644."
        for e in row.quotes:
            st = e.statement
            assert st.symbol == "S/PV.4644" and st.country == row.delegation
            assert st.text[e.start : e.end] == e.quote
    by = {r.delegation: r for r in table.rows}
    assert all(by[n].answered for n in ("United States", "United Kingdom", "France"))
    assert "automaticity" in " ".join(e.quote for e in by["United States"].quotes)
    named = finder.compare(table.question, ["France", "Chad"], {"symbol": "S/PV.4644"})
    assert named.rows[1].note == "No statement by Chad at S/PV.4644." and not named.rows[1].quotes
    print(f"S/PV.4644: {len(table.rows)} rows in {elapsed:.1f}s (extractive)")


def test_compare_and_timeline_commands(small_index_dir, tmp_path, capsys):
    args = ["--index", str(small_index_dir), "--countries", "France,Russian Federation,Chad"]
    assert main(["compare", "the humanitarian situation", *args, "--csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["delegation"] for r in rows} == {"France", "Russian Federation", "Chad"}
    assert next(r for r in rows if r["delegation"] == "Chad")["answered"] == "no"
    png = tmp_path / "plot.png"
    assert main(["timeline", "the humanitarian situation", *args, "--out", str(png), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert png.read_bytes()[:4] == b"\x89PNG" and data["marks"]
    assert "No statement by Chad on this in the index." in data["notes"]
