from eval.answers import aggregate_answers, evidence_spans, score_answer
from eval.datasets import Question
from index.types import Statement
from rag.relevance import relevance, relevant_enough
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
            "unsupported_sentences": 0,
            "removed_label_shown": False,
        },
    ]
    m = aggregate_answers(rows)
    assert m["citation_precision"] == 0.5 and m["citation_recall"] == 1.0
    assert m["statement_precision"] == 1.0  # the miss cites the right statement elsewhere
    assert m["answered"] == 1.0 and m["refused_unanswerable"] == 1.0


def test_relevance_gate_weighs_rare_missing_terms():
    def terms(text):
        return [w.strip(".,?").lower() for w in text.split() if len(w) > 2]

    def idf(term):
        return 5.0 if term in {"mars", "2031"} else 1.0

    p = passage(0, len(TEXT))
    r = relevance("What did France say about Mars in 2031?", [p], terms, idf)
    assert set(r.missing) == {"mars", "2031"} and r.coverage < 0.5
    assert not relevant_enough(r, 0.3, 0.5)
    r = relevance("What did France say about the ceasefire in Idlib?", [p], terms, idf)
    assert r.coverage == 1.0 and relevant_enough(r, 0.3, 0.5)


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
