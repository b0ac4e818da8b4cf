"""Parsing of question lines: the optional facts, party and answer_type annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import ANSWER_TYPES, load_questions, parse_question
from rag.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
BASE = {"qid": "q1", "question": "Which city?", "gold_ids": ["s1"]}


def line(**extra: object) -> str:
    return json.dumps(BASE | extra)


def test_annotations_are_read_as_tuples() -> None:
    q = parse_question(
        line(answer_type="place", party=["Kazakhstan"], facts=[["Almaty"], ["hub", "centre"]])
    )
    assert q.facts == (("Almaty",), ("hub", "centre"))
    assert q.party == ("Kazakhstan",) and q.answer_type == "place"


def test_annotations_are_optional() -> None:
    q = parse_question(line())
    assert (q.facts, q.party, q.answer_type) == ((), (), "")


@pytest.mark.parametrize(
    "facts",
    [
        "Almaty",
        ["Almaty"],
        [[]],
        [["Almaty", ""]],
        [["Almaty", 3]],
        [[" "]],
        {"city": ["Almaty"]},
    ],
)
def test_malformed_facts_raise_input_error(facts: object) -> None:
    with pytest.raises(InputError, match="q1: facts must be a list of non-empty lists"):
        parse_question(line(facts=facts))


@pytest.mark.parametrize("party", ["France", [""], [["France"]], [None]])
def test_malformed_party_raises_input_error(party: object) -> None:
    with pytest.raises(InputError, match="q1: party must be a list"):
        parse_question(line(party=party))


@pytest.mark.parametrize("answer_type", ["city", "Who", 3, None])
def test_unknown_answer_type_raises_input_error(answer_type: object) -> None:
    with pytest.raises(InputError, match="q1: answer_type must be one of who, number"):
        parse_question(line(answer_type=answer_type))


def test_bad_facts_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(line() + "\n" + line(qid="q2", facts=[["ok"], "bad"]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="q2: facts") as info:
        load_questions(path)
    assert str(info.value).startswith(f"{path}:2:")


@pytest.mark.parametrize("name", ["dev.jsonl", "test.jsonl"])
def test_gold_files_load_with_their_annotations(name: str) -> None:
    questions = load_questions(ROOT / "data" / "eval" / name)
    assert all(q.answer_type in ANSWER_TYPES for q in questions)
    assert all(q.facts for q in questions if q.answerable)
    assert not any(q.facts for q in questions if not q.answerable)
