import pytest

from eval.accuracy import Verdict, fact_present, judge, summarise
from eval.answers import aggregate_answers, evidence_spans, score_answer
from eval.datasets import Question
from index.types import Statement
from rag.types import Answer, AnswerSentence, Citation, Passage

TEXT = "Intro. France supports the ceasefire in Idlib. Other words follow here."
ST = Statement(id="s1", text=TEXT, country="France")


def passage(start: int, end: int) -> Passage:
    return Passage(f"c{start}", ST, start, end, 1.0, {"dense": 0.6})


def test_citation_precision_and_recall_against_gold_spans():
    q = Question(
        "q1",
        "What did France support?",
        ("s1",),
        evidence=({"statement_id": "s1", "quote": "France supports the ceasefire"},),
    )
    spans = evidence_spans(q, lambda sid: TEXT)
    assert spans == [("s1", 7, 36)]
    hit = Citation(1, passage(7, 46), 7, 46, 0.9, True)
    miss = Citation(2, passage(47, len(TEXT)), 47, len(TEXT), 0.2, False)
    answer = Answer(
        "q",
        (AnswerSentence("France supports it.", (hit, miss), True),),
        (hit.passage, miss.passage),
        False,
        removed_labels=(7,),
    )
    row = score_answer(answer, q, spans)
    assert (row["n_citations"], row["n_correct_citations"], row["gold_spans_cited"]) == (2, 1, 1)
    assert row["removed_label_shown"] is False
    rows = [
        row | {"answerable": True, "refused": False, "seconds": 2.0},
        {
            "answerable": False,
            "refused": True,
            "seconds": 1.0,
            "n_citations": 0,
            "n_correct_citations": 0,
            "gold_spans": 0,
            "gold_spans_cited": 0,
            "removed_label_shown": False,
        },
    ]
    m = aggregate_answers(rows)
    assert m["citation_precision"] == 0.5 and m["citation_recall"] == 1.0
    assert m["statement_precision"] == 1.0  # the miss cites the right statement elsewhere
    assert m["answered"] == 1.0 and m["refused_unanswerable"] == 1.0


@pytest.mark.parametrize(
    "text, refused, cited, outcome",
    [
        ("France (Mr. X): “France supports the ceasefire in Idlib.” [1]", False,
         [("s1", "France")], "accurate"),
        ("France (Mr. X): “France supports it.” [1]", False, [("s1", "France")], "wrong"),
        ("Chad (Mr. Y): “Chad supports the ceasefire in Idlib.” [1]", False,
         [("s9", "Chad")], "wrong"),  # the facts, but from the wrong delegation
        ("Not found in the indexed statements.", True, [], "refused"),
    ],
)  # fmt: skip
def test_accuracy_needs_every_fact_from_the_party(text, refused, cited, outcome):
    v = judge(text, refused, cited, [["ceasefire"], ["Idlib", "Idleb"]], ["France"], ["s1"])
    assert v.outcome == outcome


def test_facts_are_whole_words_folded_and_unanswerable_questions_want_a_refusal():
    assert fact_present("Côte d’Ivoire and Western Sahara", ["cote d'ivoire"])
    assert not fact_present("Ukraine", ["UK"])  # a short form inside another word does not count
    assert judge("x", True, [], [], [], []).outcome == "refused_unanswerable"
    assert judge("x", False, [], [], [], []).outcome == "answered_unanswerable"
    both = judge("x [1] y [2]", False, [("a", "France")], [], ["France", "Chad"], ["a"], True)
    assert both.outcome == "wrong" and not both.party_cited  # a comparison cites each party


def test_summary_by_answer_type():
    acc = Verdict("accurate", 1, 1, True)
    wrong = Verdict("wrong", 0, 1, True)
    m = summarise([("number", acc), ("number", wrong), ("who", acc),
                   ("position", Verdict("refused_unanswerable", 0, 0, False))])  # fmt: skip
    assert m["accuracy"] == round(2 / 3, 4) and m["wrong"] == round(1 / 3, 4)
    assert m["refused_unanswerable"] == 1.0
    assert m["by_answer_type"]["number"]["accuracy"] == 0.5  # type: ignore[index]


def test_second_annotator_quotes_count_for_precision_not_recall():
    q = Question(
        "q2",
        "What did France support?",
        ("s1",),
        evidence=(
            {"statement_id": "s1", "quote": "France supports the ceasefire"},
            {"statement_id": "s1", "quote": "Other words follow here", "annotator": "second"},
        ),
    )
    first = evidence_spans(q, lambda sid: TEXT, first_only=True)
    assert first == [("s1", 7, 36)] and len(evidence_spans(q, lambda sid: TEXT)) == 2
    other = Citation(1, passage(47, len(TEXT)), 47, len(TEXT), 0.9, True)
    answer = Answer("q", (AnswerSentence("Words.", (other,), True),), (other.passage,), False)
    row = score_answer(answer, q, evidence_spans(q, lambda sid: TEXT), first)
    assert (row["n_correct_citations"], row["n_correct_citations_first"]) == (1, 0)
    assert (row["gold_spans"], row["gold_spans_cited"]) == (1, 0)  # recall: first annotator's
    m = aggregate_answers([row | {"answerable": True, "refused": False, "seconds": 1.0}])
    assert m["citation_precision"] == 1.0 and m["citation_precision_first"] == 0.0


def test_passage_matches_the_short_forms_of_its_country():
    from rag.relevance import about

    st = Statement(
        id="uk",
        text="We oppose the law.",
        country="United Kingdom of Great Britain and Northern Ireland",
    )
    words = about(Passage("c", st, 0, len(st.text), 1.0)).lower().split()
    assert {"uk", "britain"} <= set(words)
