"""Question analysis (pure), from a table: answer type, parties (speaking or topic), meeting,
dates and language."""

from __future__ import annotations

import pytest

from rag.dates import date_kind
from rag.question import analyse, answer_type, language, named_dates

KNOWN = ["France", "Germany", "Russian Federation", "United States of America",
         "United Kingdom of Great Britain and Northern Ireland", "Niger", "Kazakhstan", "Egypt",
         "Ethiopia", "China", "Yemen", "UN", "Lithuania", "Libya", "Mali", "South Africa", "Malta",
         "Viet Nam", "Guinea-Bissau", "Indonesia",
         "Stockholm International Peace Research Institute"]  # fmt: skip


@pytest.mark.parametrize(
    "question, kind",
    [
        ("Which delegation said that Moscow could block the text?", "who"),
        ("In May 2014, who asked Council members to picture it?", "who"),
        ("Which delegations stressed that it contained no automatic trigger?", "list"),
        ("How many people in Haiti needed aid?", "number"),
        ("What percentages did the two briefers report?", "number"),  # plural, not a list
        ("What death tolls did the United States and the UK give?", "number"),
        ("What child-release figures did Argentina cite?", "number"),
        ("What financial contributions to UN-Women did Japan announce?", "number"),
        ("What share of refugees live in developing countries?", "number"),
        ("When did the US say it would withdraw?", "date"),
        ("When the Council adopted the text, what share of allegations concerned peacekeepers?",
         "number"),
        ("Which city did Kazakhstan offer as the site of a UN centre?", "place"),
        ("Where did Kazakhstan propose a UN hub?", "place"),
        ("What practical steps was the UK taking against locusts?", "list"),
        ("Did Russia consider that all ideas were reflected?", "yesno"),
        ("What did France say about the Nile dam?", "position"),
        ("Why did Russia vote for the short extension?", "position"),
        ("iraq returned kuwaiti books how many 2019", "number"),
    ],
)  # fmt: skip
def test_answer_type(question, kind):
    assert answer_type(question) == kind


def parties(question: str) -> list[tuple[str, bool, str]]:
    return [(p.name, p.speaking, p.kind) for p in analyse(question, KNOWN).parties]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("What did France say about the Nile dam?", [("France", True, "delegation")]),
        ("What did the French delegation say about Mali?",
         [("France", True, "delegation"), ("Mali", False, "delegation")]),
        ("According to the Afghan delegation, how many died?",
         [("Afghanistan", True, "delegation")]),
        ("What did the representative of Niger say about the Sahel?",
         [("Niger", True, "delegation")]),
        ("What was the UK's position on the Ethiopian dam?",
         [("United Kingdom", True, "delegation"), ("Ethiopia", False, "delegation")]),
        ("What did Lithuania say about Russia's veto?",
         [("Lithuania", True, "delegation"), ("Russian Federation", False, "delegation")]),
        ("What did France and Germany say about the dam?",
         [("France", True, "delegation"), ("Germany", True, "delegation")]),
        ("Which delegation warned about the tanker off Yemen?", [("Yemen", False, "delegation")]),
        ("Which step by the Afghan president did the United States welcome?",
         [("Afghanistan", False, "delegation"), ("United States", True, "delegation")]),
        ("What did the Secretary-General say about the ceasefire?",
         [("the Secretary-General", True, "role")]),
        ("What did the President of the Council say about Libya?",
         [("the President of the Council", True, "role"), ("Libya", False, "delegation")]),
        ("What did Mr. Nebenzia say about Navalny?", [("Mr. Nebenzia", True, "speaker")]),
        ("What did Freedonia say about the dam?", [("Freedonia", True, "delegation")]),
        ("What did the UN missions in Mali achieve?", [("Mali", False, "delegation")]),
        # plural speech nouns after coordinated adjectives: both spoke
        ("How many citizens did the Malaysian and the Australian representatives say died?",
         [("Malaysia", True, "delegation"), ("Australia", True, "delegation")]),
        # capitals in a speaking slot are their governments; elsewhere they are places
        ("What kind of specialists did Vilnius say it would send?",
         [("Lithuania", True, "delegation")]),
        ("When did the government in Kampala decide to join?", [("Uganda", True, "delegation")]),
        ("What did Russia say about the Minsk agreements?",
         [("Russian Federation", True, "delegation")]),
        ("What did France say about the talks in Geneva?", [("France", True, "delegation")]),
        # UN officials by title speak for "UN"; the Secretary-General's envoy is not him
        ("How did the UN-Women Executive Director and Russia differ on the group?",
         [("the UN-Women Executive Director", True, "role"),
          ("Russian Federation", True, "delegation")]),
        ("What did the Special Representative of the Secretary-General say about Mali?",
         [("the Special Representative of the Secretary-General", True, "role"),
          ("Mali", False, "delegation")]),
        ("What did France say about the High Commissioner's report?",
         [("France", True, "delegation")]),
        ("What did France pledge when the High Commissioner for Refugees briefed the Council?",
         [("the High Commissioner for Refugees", False, "role"), ("France", True, "delegation")]),
        ("How many did the Under-Secretary-General for Political Affairs say died?",
         [("the Under-Secretary-General for Political Affairs", True, "role")]),
        # "according to X": X spoke; the one it reports on is the topic
        ("According to South Africa, when had the Secretary-General called for a ceasefire?",
         [("the Secretary-General", False, "role"), ("South Africa", True, "delegation")]),
        ("According to France and Germany, what did the Secretary-General propose?",
         [("the Secretary-General", False, "role"), ("France", True, "delegation"),
          ("Germany", True, "delegation")]),
        # "as recounted by X" is "according to X"; "US" is a word, not the "us" of "Russia"
        ("On what date did Russia hold the meeting, as recounted by the US ambassador?",
         [("Russian Federation", False, "delegation"), ("United States", True, "delegation")]),
        # adjectives of every member state, not only the big ones
        ("How many cases did the Maltese delegation say the UN verified?",
         [("Malta", True, "delegation")]),
        ("Which inspectors did the Mauritian delegation say it trusted?",
         [("Mauritius", True, "delegation")]),
        # "was the X election" is a modifier; "that X welcomed" names who spoke
        ("When was the Guinea-Bissau presidential election that Viet Nam welcomed?",
         [("Guinea-Bissau", False, "delegation"), ("Viet Nam", True, "delegation")]),
        # a list of things, not of speakers: the party named by title spoke
        ("What two pandemics did the representative of Mali say the poorest countries faced?",
         [("Mali", True, "delegation")]),
        ("Which delegations said that Mali needs help?", [("Mali", False, "delegation")]),
        # who gave a figure: "announced by X and by Y", "as cited by X"
        ("Compare the money announced by France and by Germany at the meeting.",
         [("France", True, "delegation"), ("Germany", True, "delegation")]),
        ("How many had Mali's commission recognized, as cited by Germany?",
         [("Mali", False, "delegation"), ("Germany", True, "delegation")]),
        # a misspelt title still names a speaker
        ("Acording to Ambasador Power, how many bildings were held?",
         [("Ambasador Power", True, "speaker")]),
        # a title and a name are one person
        ("What did the Special Representative Mr. Ndiaye and Mali report?",
         [("Mr. Ndiaye", True, "speaker"), ("Mali", True, "delegation")]),
        # an organisation by its initials
        ("Which year did the SIPRI briefer recall, and how many did Indonesia say left?",
         [("Stockholm International Peace Research Institute", True, "delegation"),
          ("Indonesia", True, "delegation")]),
    ],
)  # fmt: skip
def test_parties_named_as_speakers_or_as_topics(question, expected):
    assert parties(question) == expected


def test_an_unknown_party_is_marked_and_a_comparison_is_seen():
    assert not analyse("What did Freedonia say about it?", KNOWN).parties[0].known
    a = analyse("How did China's position on Xinjiang differ from the UK's?", KNOWN)
    assert a.comparison and [p.name for p in a.speaking] == ["China", "United Kingdom"]
    assert not analyse("What did France say about Germany?", KNOWN).comparison


@pytest.mark.parametrize(
    "question, span",
    [
        ("What did France say in 2020?", ("2020-01-01", "2020-12-31")),
        ("At the May 2020 open debate", ("2020-05-01", "2020-05-31")),
        ("on 15 March 2014, what", ("2014-03-15", "2014-03-15")),
        ("in February 2020 and in 2019", ("2019-01-01", "2020-02-29")),
        ("resolution 1325 (2000) and candidacy for 2017-2018", ("", "")),
        ("killings since 2018", ("", "")),  # what the statement is about, not when it was made
        # a meeting's date wins over the event's it is about
        (
            "since the April 2019 offensive, in the Council's May 2020 discussion",
            ("2020-05-01", "2020-05-31"),
        ),
    ],
)
def test_dates_named(question, span):
    assert named_dates(question) == span


@pytest.mark.parametrize(
    "question, lang",
    [
        ("Qu'a dit la France à propos du barrage sur le Nil?", "fr"),
        ("¿Qué dijo México sobre el Consejo de Seguridad?", "es"),
        ("What did the UN say about Mali?", "en"),
        ("un hub in Almaty", "en"),
    ],
)
def test_language(question, lang):
    assert language(question) == lang


def test_meeting_symbols_are_read():
    assert analyse("Who spoke at S/PV.4644 and s/2020/274?").symbols == ("S/PV.4644", "S/2020/274")


@pytest.mark.parametrize(
    "question, kind",
    [
        ("What did India say at the Council's October 2020 open debate?", "meeting"),
        ("How did France explain its vote when resolution 2334 was adopted in December 2016?",
         "meeting"),
        ("What did France say in May 2020?", "meeting"),
        ("What did China say at the Council on 27 March 2003?", "meeting"),
        ("What did the Netherlands say about the November 2022 verdict?", "event"),
        ("How many did New Zealand say died in the shelling of Mariupol on 24 January 2015?",
         "event"),
        ("Which delegation invoked the August 2020 explosion in Beirut's port?", "event"),
        ("Where did the Normandy Four leaders meet on 9 December 2019?", ""),
        ("What did France say about Mali?", ""),
    ],
)  # fmt: skip
def test_whose_date_it_is(question, kind):
    assert date_kind(question) == kind
