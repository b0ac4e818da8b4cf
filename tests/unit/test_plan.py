"""The search plan (pure): one search per speaking party, named meeting and dates as filters
only when the user set none and the index holds them; a party it cannot answer for gets a note."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from index.types import Filters
from rag.plan import plan
from rag.question import analyse

KNOWN = ["France", "Germany", "Brazil", "Russian Federation", "Indonesia"]


@dataclass
class Index:
    """What a fake index holds: statements as (country, symbol, date)."""

    rows: tuple[tuple[str, str, str], ...] = (
        ("France", "S/PV.1", "2020-05-02"),
        ("Germany", "S/PV.1", "2020-05-02"),
        ("France", "S/PV.2", "2014-03-15"),
    )

    def holds(self, f: Filters) -> bool:
        return any(
            (not f.countries or c in f.countries)
            and (not f.symbols or s in f.symbols)
            and (not f.date_from or f.date_from <= d)
            and (not f.date_to or d <= f.date_to)
            for c, s, d in self.rows
        )


def test_a_speaking_party_becomes_a_country_filter_and_says_so():
    searches, notes = plan(analyse("What did France say about Mali?", KNOWN), Filters(), Index())
    assert [s.filters.countries for s in searches] == [("France",)] and notes == []
    assert "country: France (named in the question)" in searches[0].notes


def test_the_users_own_country_filter_wins():
    given = Filters(countries=("Germany",))
    searches, _ = plan(analyse("What did France say about Mali?", KNOWN), given, Index())
    assert [s.filters.countries for s in searches] == [("Germany",)] and searches[0].party is None


def test_named_dates_filter_when_held_and_a_party_without_them_is_not_found():
    a = analyse("What did France say in May 2020?", KNOWN)
    (s,), _ = plan(a, Filters(), Index())
    assert (s.filters.date_from, s.filters.date_to) == ("2020-05-01", "2020-05-31")
    # Germany spoke, but not in March 2014: never answered from its other dates
    searches, missing = plan(
        analyse("What did Germany say in March 2014?", KNOWN), Filters(), Index()
    )
    assert searches == [] and missing == [
        "No statement by Germany from 2014-03-01 to 2014-03-31 is in the index."
    ]
    # the month named may be the event's: Germany spoke in May 2020, the year is kept
    march = Index((*Index().rows, ("France", "S/PV.3", "2020-03-20")))
    (s,), _ = plan(
        analyse("What did Germany say about the March 2020 attack?", KNOWN), Filters(), march
    )
    assert (s.filters.date_from, s.filters.date_to) == ("2020-03-01", "2021-03-01")
    assert "dates: 2020-03-01 to 2021-03-01 (from the event named)" in s.notes
    (s,), _ = plan(analyse("What was said in 1975?", KNOWN), Filters(), Index())
    assert s.filters.is_empty()  # history before the index: no filter, no note


def test_dates_the_index_does_not_hold_are_said_so_not_answered_from_other_years():
    # a month inside the index's span with nothing from that year: none of it is answered
    searches, missing = plan(analyse("What did France say in October 2016?", KNOWN), Filters(),
                             Index())  # fmt: skip
    assert searches == [] and missing == [
        "No statement by France from 2016-10-01 to 2016-10-31 is in the index."
    ]
    # after the index's last statement, even a bare year
    searches, missing = plan(analyse("What was said in 2025?", KNOWN), Filters(), Index())
    assert searches == [] and missing == [
        "No statement from 2025-01-01 to 2025-12-31 is in the index."
    ]
    # a bare year inside the span is often an event's ("the elections of 2016"): not a filter
    (s,), _ = plan(analyse("What was said about the elections of 2016?", KNOWN), Filters(), Index())
    assert s.filters.is_empty()
    # a month with nothing, in a year with statements: not found, unless an event's month
    searches, missing = plan(analyse("What was said in June 2020?", KNOWN), Filters(), Index())
    assert searches == [] and missing == [
        "No statement from 2020-06-01 to 2020-06-30 is in the index."
    ]
    # an event after the index's last statement: nothing said about it can be indexed
    searches, _ = plan(analyse("What was said on the June 2020 attack?", KNOWN), Filters(), Index())
    assert searches == []
    # an event's month: statements about it come later that year
    (s,), _ = plan(analyse("What was said on the May 2020 attack?", KNOWN), Filters(), Index())
    assert (s.filters.date_from, s.filters.date_to) == ("2020-05-01", "2021-05-01")
    assert "dates: 2020-05-01 to 2021-05-01 (from the event named)" in s.notes
    # a meeting's month is not widened for a party either
    march = Index((*Index().rows, ("France", "S/PV.3", "2020-03-20")))
    searches, missing = plan(analyse("What did Germany say at the March 2020 debate?", KNOWN),
                             Filters(), march)  # fmt: skip
    assert searches == [] and missing[0].startswith("No statement by Germany from 2020-03-01")
    # the user's own dates win
    given = Filters(date_from="2020-01-01", date_to="2020-12-31")
    (s,), _ = plan(analyse("What did France say in October 2016?", KNOWN), given, Index())
    assert s.filters.date_from == "2020-01-01"


def test_a_named_meeting_wins_over_named_dates():
    (s,), _ = plan(analyse("Who spoke at S/PV.1 in May 2020?", KNOWN), Filters(), Index())
    assert s.filters.symbols == ("S/PV.1",) and not s.filters.date_from


def test_parties_without_statements_get_notes_and_comparisons_one_search_each():
    a = analyse("What did France, Germany and Brazil say about Mali?", KNOWN)
    searches, notes = plan(a, Filters(), Index())
    assert [s.party.name for s in searches if s.party] == ["France", "Germany"]
    assert notes == ["No statement by Brazil is in the index."]
    assert "Germany" not in searches[0].query and "France" not in searches[1].query
    _, notes = plan(analyse("What did Freedonia say?", KNOWN), Filters(), Index())
    assert notes == ["No statement by Freedonia is in the index."]


@pytest.mark.parametrize(
    "question, own",
    [
        # a comparison of two questions: each party gets its own, with the shared setting
        ("At the May 2020 videoconference, where did France say the conference was held, and in "
         "which country did Russia recall a 1973 coup?",
         ["At the May 2020 videoconference, where did France say the conference was held",
          "At the May 2020 videoconference, in which country did Russia recall a 1973 coup?"]),
        # one question about both: the other's name and its joiner go
        ("What did France and Germany say about Mali?",
         ["What did France say about Mali?", "What did Germany say about Mali?"]),
        ("What did Germany and France say about Mali?",
         ["What did Germany say about Mali?", "What did France say about Mali?"]),
        # named by adjectives: the other's article goes with it
        ("What figures did the French and the German delegations cite?",
         ["What figures did the French delegations cite?",
          "What figures did the German delegations cite?"]),
    ],
)  # fmt: skip
def test_each_party_of_a_comparison_is_searched_with_its_own_question(question, own):
    searches, _ = plan(analyse(question, KNOWN), Filters(), Everything())
    assert [s.query for s in searches] == own


class Everything:
    """An index that holds whatever is asked for."""

    def holds(self, f: Filters) -> bool:
        return True


def test_the_secretary_general_is_found_by_name_too():
    searches, _ = plan(
        analyse("What did the Secretary-General say?", KNOWN), Filters(), Everything()
    )
    assert "Antonio Guterres" in searches[0].filters.speakers
    assert "Guterres" not in searches[0].filters.speakers  # Timor-Leste had a Mr. Guterres
