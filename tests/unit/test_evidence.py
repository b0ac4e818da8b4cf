"""Evidence selection (pure logic with a deterministic bag-of-words embedder): sentences are
scored for the question and its answer type; speaker lines, thanks and procedure never win."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.types import Statement
from rag.evidence import EvidenceFinder
from rag.names import holds_figures, mentions_found, names_found, question_figures
from rag.question import analyse
from rag.sentences import answer_type_feature, candidates, figure_near
from rag.settings_models import EvidenceSettings
from rag.types import Passage
from tests.unit.fakes import bow, terms


def passage(sid: str, text: str, country: str = "France", rank: int = 0) -> Passage:
    st = Statement(id=sid, text=text, speaker="Mr. X", country=country, symbol="S/PV.1")
    return Passage(f"c-{sid}-{rank}", st, 0, len(st.text), 1.0, {"rrf": 0.03})


YOUTH = passage(
    "vn",
    "Mr. Dang (Viet Nam): I thank the President for convening this debate on youth. "
    "Viet Nam adopted the Youth Law in 2020 to empower young people in 12 provinces.",
    "Viet Nam",
)
OTHER = passage(
    "fr",
    "Young people matter for peace, and the Council should listen to young people more often.",
)


def finder(**config) -> EvidenceFinder:
    return EvidenceFinder(bow, terms, lambda t: 1.0, EvidenceSettings(**config))


def test_speaker_lines_are_cut_and_short_fragments_dropped():
    cands = candidates([YOUTH])
    assert [c.text[:14] for c in cands] == ["I thank the Pr", "Viet Nam adopt"]
    assert YOUTH.statement.text[cands[0].start :].startswith("I thank")


def test_the_answering_sentence_beats_the_courtesy_and_the_other_statement():
    a = analyse("Which law for young people did Viet Nam adopt?")
    ranked = finder().rank(a, [OTHER, YOUTH])
    assert ranked[0].quote.startswith("Viet Nam adopted the Youth Law")
    thanks = next(e for e in ranked if e.quote.startswith("I thank"))
    assert thanks.features["courtesy"] == 1.0 and thanks.score < ranked[0].score


def test_a_number_question_wants_a_sentence_with_a_number():
    assert answer_type_feature("number", "It served in 12 provinces.") == 1.0
    assert answer_type_feature("number", "In 2020, under resolution 2250 (2015), it acted.") == 0.0
    # the day of a date is no figure: "close to 1,000 victims" answers "how many", not this
    assert answer_type_feature("number", "On 20 March 2003 the attack was launched.") == 0.0
    assert answer_type_feature("number", "Since March 20, close to 1,000 died.") == 1.0
    assert answer_type_feature("date", "It was adopted in March.") == 1.0
    assert answer_type_feature("position", "anything") == 0.0


def test_select_keeps_the_best_per_party_and_lists_many_statements():
    a = analyse("Which law for young people did Viet Nam adopt?")
    ranked = finder(per_party=1).rank(a, [OTHER, YOUTH])
    assert len(finder(per_party=1, per_party_position=1).select(a, ranked)) == 1
    many = analyse("Which delegations spoke about young people?")
    ranked = finder().rank(many, [OTHER, YOUTH])
    chosen = finder(list_size=5, margin=5.0).select(many, ranked)
    assert len({e.passage.statement_id for e in chosen}) == len(chosen) == 2


def test_nothing_answers_when_the_question_names_what_no_passage_holds():
    f = finder()
    tigray = analyse("What did the Council say about the fighting in Tigray?")
    assert not f.answers(f.rank(tigray, [OTHER, YOUTH]))
    youth = analyse("What did Viet Nam say about its Youth Law for young people?")
    assert f.answers(f.rank(youth, [OTHER, YOUTH]))
    assert not f.answers([])


def test_a_typo_still_counts_for_coverage():
    f = finder()
    ranked = f.rank(analyse("viet nam yuoth law young peple"), [YOUTH])
    assert ranked[0].features["retrieved_terms"] == 1.0


def test_place_named_by_the_question_is_no_answer() -> None:
    asked = "Which Iraqi cities did Iran say it helped?"
    assert (
        answer_type_feature("place", "The Government of Iran helped, and we have done so.", asked)
        == 0.0
    )
    assert answer_type_feature("place", "We helped save Baghdad, Erbil and Amerli.", asked) == 1.0


def test_next_sentence_reads_past_the_passage_but_not_into_the_next_speaker() -> None:
    from rag.sentences import next_sentence

    text = "We have done so. We helped save Baghdad and Erbil from ISIL.\n\nMr. Smith (France): Thanks."
    start, end, sentence = next_sentence(text, 16, 600)
    assert text[start:end] == "We helped save Baghdad and Erbil from ISIL." == sentence
    assert next_sentence(text, end, 600) is None  # a speaker line opens the next statement
    assert next_sentence("One. " + "word " * 200, 4, 100) is None  # cut by the window


def test_named_resolutions() -> None:
    from rag.question import named_resolutions

    assert named_resolutions("When resolution 1441 (2002) was adopted") == ("1441",)
    assert named_resolutions("resolutions 2753 and 2754") == ("2753",)
    assert named_resolutions("What did France say?") == ()


def test_a_word_in_every_candidate_sentence_weighs_less_than_a_rare_one():
    dam = " ".join(f"The dam is point number {i} of ours." for i in range(12))
    text = dam + " Rural homes of ours have no electricity at all today."
    p = passage("et", text, "Ethiopia")
    a = analyse("What did Ethiopia say about rural electricity and the dam?")
    local = finder(local_min_sentences=10).rank(a, [p])
    flat = finder(local_min_sentences=1000).rank(a, [p])
    rural = next(e for e in local if e.quote.startswith("Rural"))
    other = next(e for e in local if e.quote.startswith("The dam"))
    assert rural.features["sentence_terms"] > other.features["sentence_terms"]
    flat_rural = next(e for e in flat if e.quote.startswith("Rural"))
    assert rural.features["sentence_terms"] > flat_rural.features["sentence_terms"]


@pytest.mark.parametrize(
    "question, context, share",
    [
        # "COVID" is a name of the question; the statement writes "COVID-19"
        ("What did China say on COVID-19 vaccines?", "the COVID-19 (S/2020/607) pandemic", 1.0),
        # "US-led" names the United States, which the statement spells out
        ("What did China say of the US-led action in Iraq?", "the United States and others", 1.0),
        ("What did China say of the US-led action in Iraq?", "the Russian Federation", 0.0),
        ("What did China say of Nord Stream?", "the gas pipelines", 0.0),
        # a hyphenated name written in two words; initials standing for the words
        ("What did China say at the Arria-formula meeting?", "the Arria Formula meeting", 1.0),
        ("How many IDPs did China count?", "300,000 internally displaced people", 1.0),
        ("How many IDPs did China count?", "people displaced internally", 0.0),
        # the small words an acronym skips
        ("What did China say at the WPS debate?", "women and peace and security", 1.0),
        ("What did China say of the ICJ election?", "the International Court of Justice", 1.0),
        ("What did China say of the ICJ election?", "the international criminal tribunal", 0.0),
        ("What did China say in the PoC debate?", "the protection of civilians", 1.0),
        # the country the question is about and the Council are no names to find
        ("How much did China give UNICEF for Iraqi children in Iraq?", "WFP in Iraq", 0.0),
        ("What did China tell the Council about Tigray?", "the Security Council", 0.0),
        # a capital standing for a party is the party, not a name to find
        ("What had Beijing pledged, according to the Chinese ambassador?", "We pledged", 1.0),
    ],
)
def test_names_are_found_as_the_statements_write_them(question, context, share) -> None:
    assert names_found(analyse(question, ["China", "Iraq"]), context) == share


def test_a_number_question_whose_quotes_hold_no_number_is_not_answered() -> None:
    f = finder()
    a = analyse("How much money did France pledge to UN-Women?", ["France"])
    none = f.rank(a, [passage("p1", "France supports UN-Women and its work for women everywhere.")])
    some = f.rank(a, [passage("p2", "France pledged 5 million euros to UN-Women this year.")])
    assert not f.states(a, f.select(a, none)) and f.states(a, f.select(a, some))
    # other kinds need no figure; nothing chosen is never an answer
    b = analyse("What did France say about UN-Women?", ["France"])
    assert f.states(b, f.select(b, none)) and not f.states(b, [])


@pytest.mark.parametrize(
    "question, figures",
    [
        ("Which members cited the 370 incidents since January 2020 at the May 2020 VTC?", ["370"]),
        ("Who credited the mechanism with freeing 155,000 children on 23 June 2020?", ["155,000"]),
        # the G-5 Sahel, a symbol, a named resolution and a date are not figures
        ("Who spoke of the G-5 Sahel and S/2016/239 when resolution 2272 was adopted?", []),
        ("Which speakers said 2.5 billion and 3 per cent on March 11, 2016?", ["2.5", "3"]),
    ],
)
def test_the_figures_a_question_quotes(question, figures) -> None:
    assert question_figures(analyse(question)) == figures


def test_holding_a_figure_means_as_a_number_of_its_own() -> None:
    assert holds_figures("claimed 370 incidents", ["370"])
    assert not holds_figures("1370 incidents and 370,000 people", ["370"])
    assert holds_figures("over 155,000 children", ["155,000"])


def test_who_raised_a_rare_name_lists_every_statement_that_names_it() -> None:
    f = EvidenceFinder(bow, terms, lambda t: 9.0 if t == "sergewa" else 1.0, EvidenceSettings())
    texts = {
        "tn": ("We ask about the fate of MP Siham Sergewa and of the journalists.", "Tunisia"),
        "do": ("We remain concerned about the disappearance of Ms. Sergewa in Benghazi.", "Peru"),
        "za": ("We are concerned about disappearances in Libya and call for calm.", "Chad"),
    }
    ps = [passage(sid, t, c) for sid, (t, c) in texts.items()]
    a = analyse("Who raised the case of the abducted MP Siham Sergewa at the briefing?")
    chosen = f.select(a, f.rank(a, ps))
    assert sorted(e.passage.statement_id for e in chosen) == ["do", "tn"]
    # one statement naming her is the ordinary best answer, not a list
    one = f.select(a, f.rank(a, ps[::2]))
    assert [e.passage.statement_id for e in one][:1] == ["tn"]


def test_the_sentence_naming_the_resolution_asked_about_wins() -> None:
    text = (
        "Albania joined the coalition against the terrorists of ISIL from the very start. "
        "The adoption of resolution 2170 (2014) was a first step, but bolder action is needed."
    )
    a = analyse("How did Albania characterize resolution 2170 (2014)?", ["Albania"])
    ranked = finder().rank(a, [passage("al", text, "Albania")])
    assert ranked[0].quote.startswith("The adoption of resolution 2170")
    assert ranked[0].features["sentence_resolution"] == 1.0
    assert ranked[1].features["sentence_resolution"] == 0.0


@pytest.mark.parametrize(
    "question, context, share",
    [
        ("How many Somalis did Japan say had fled Somalia?", "Japan is proud", 0.0),
        ("How many Somalis did Japan say had fled Somalia?", "the drought in Somalia", 1.0),
        ("What did China say of the US-led action in Iraq?", "the Iraqi people", 1.0),
        ("What did China say about the dam?", "nothing", 1.0),  # no topic country: no rule
        # the adjective in the question, the country's name in the statement
        ("How many South Sudanese did China say fled?", "the people of South Sudan", 1.0),
    ],
)
def test_a_country_named_as_the_topic_must_be_in_the_evidence(question, context, share) -> None:
    assert (
        mentions_found(analyse(question, ["China", "Iraq", "Japan", "Somalia"]), context) == share
    )


def test_a_resolution_that_only_sets_the_scene_is_not_asked_about() -> None:
    from rag.question import asked_resolutions

    a = analyse("When resolution 1441 (2002) was adopted, which delegations stressed it?")
    assert a.resolutions == ("1441",) and asked_resolutions(a) == ()
    b = analyse("In the 2014 meeting on Iraq, how did Albania characterize resolution 2170?")
    assert asked_resolutions(b) == ("2170",)


def test_a_sentence_neither_close_nor_sharing_words_answers_nothing() -> None:
    e = finder().rank(analyse("Which law did Viet Nam adopt?"), [YOUTH])[0]
    base = {"retrieved_terms": 0.9, "retrieved_names": 1.0, "retrieved_topic": 1.0}

    def answers(similarity: float, terms: float) -> bool:
        feats = base | {"similarity": similarity, "sentence_terms": terms}
        return finder().answers([replace(e, features=feats)])

    assert not answers(0.35, 0.05)
    assert answers(0.45, 0.05) and answers(0.35, 0.2)


def test_which_speakers_mentioned_a_word_lists_the_sentences_that_use_it() -> None:
    f = EvidenceFinder(bow, terms, lambda t: 9.0 if t == "cholera" else 1.0, EvidenceSettings())
    texts = {
        "de": (
            "The speakers at the meeting on Yemen must act. Cholera is back in Aden.",
            "Germany",
        ),
        "ru": ("The meeting on Yemen speakers heard matters. We fear cholera and COVID.", "Russia"),
        "cn": ("The speakers at the meeting on Yemen matter to the people of Yemen.", "China"),
    }
    ps = [passage(sid, t, c) for sid, (t, c) in texts.items()]
    a = analyse("Which speakers mentioned cholera at the meeting on Yemen?")
    chosen = f.select(a, f.rank(a, ps))
    assert sorted(e.passage.statement_id for e in chosen) == ["de", "ru"]
    assert all("holera" in e.quote for e in chosen)


def test_a_flight_number_written_with_a_hyphen_counts_for_coverage() -> None:
    def coverage(flight: str) -> float:
        p = passage("au", f"There were 28 Australians on board Flight {flight} when it fell.")
        ranked = finder().rank(analyse("How many Australians were on MH17?"), [p])
        return ranked[0].features["retrieved_terms"]

    assert coverage("MH-17") == coverage("MH17") > coverage("MH-370")


@pytest.mark.parametrize(
    "sentence, near",
    [
        ("We determined the fate of 236 of 605 missing persons.", 1.0),
        ("Twenty-five missing persons were found.", 1.0),
        # a figure of something else, a year, a "third-country" national: no count of the missing
        ("The missing have been on the agenda for three decades.", 0.0),
        ("Missing nationals of third-country origin are still sought.", 0.0),
        ("In 2019 the missing were remembered.", 0.0),
    ],
)
def test_a_figure_next_to_the_asked_for_word(sentence, near) -> None:
    assert figure_near(sentence, {"missing"}, terms) == near


def test_a_position_is_told_over_more_quotes_than_a_figure() -> None:
    text = (
        "France supports the talks on the dam between the three countries of the Nile basin. "
        "France calls on all of them to show restraint on the dam while the talks go on. "
        "France urges an agreement on the filling and the operation of the dam this year. "
        "France counts 3 rounds of talks on the dam so far under the African Union."
    )
    f = finder(per_party=1, per_party_position=3, margin=5.0)
    p = passage("fr", text)
    position = analyse("What did France say about the dam?", ["France"])
    number = analyse("How many rounds of dam talks did France count?", ["France"])
    assert len(f.select(position, f.rank(position, [p]))) == 3
    assert len(f.select(number, f.rank(number, [p]))) == 1
