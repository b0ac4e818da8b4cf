"""Evidence ranking logic with a deterministic bag-of-words embedder (pure logic only)."""

from index.types import Statement
from rag.evidence import EvidenceConfig, EvidenceRanker
from rag.types import Passage
from tests.unit.fakes import bow, terms


def passage(sid: str, text: str, country: str = "France") -> Passage:
    st = Statement(id=sid, text=text, speaker="Mr. X", country=country, symbol="S/PV.1")
    return Passage("c-" + sid, st, 0, len(st.text), 1.0, {"rrf": 0.03})


LONG = passage(
    "long",
    "We thank the presidency. We welcome the briefers. The weather was discussed at length. "
    "Our delegation aligns itself with the statement of the European Union.",
)
ANSWER = passage(
    "answer",
    "We thank the presidency. Viet Nam has enacted the Youth Law to empower young people.",
    "Viet Nam",
)


def ranker(margin: float = 0.1) -> EvidenceRanker:
    return EvidenceRanker(bow, terms, lambda t: 1.0, EvidenceConfig(margin=margin))


def test_passage_with_the_answering_sentence_comes_first_whatever_its_fusion_rank():
    ranked = ranker().rank("Which youth law did Viet Nam enact?", [LONG, ANSWER])
    assert [p.statement_id for p in ranked] == ["answer", "long"]
    assert ranked[0].scores["evidence"] > ranked[1].scores["evidence"]
    assert ranked[0].scores["rrf"] == 0.03  # earlier stages' scores are kept


def test_select_keeps_only_passages_near_the_best():
    r = ranker(margin=0.05)
    ranked = r.rank("Which youth law did Viet Nam enact?", [LONG, ANSWER])
    assert [p.statement_id for p in r.select(ranked, 3)] == ["answer"]
    wide = ranker(margin=5.0)
    assert len(wide.select(wide.rank("youth law", [LONG, ANSWER]), 3)) == 2
    assert len(wide.select(wide.rank("youth law", [LONG, ANSWER]), 1)) == 1


def test_nothing_to_rank():
    assert ranker().rank("anything", []) == [] and ranker().select([], 3) == []
