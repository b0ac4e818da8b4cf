"""Fuzzing the .jsonl and .txt/.md parsers: only statements, counted rejections or typed errors.

Small sizes here (UNSC_FUZZ_EXAMPLES, default 60 per property); `bench/reliability.py` runs
the full campaign. Each file must also finish within LIMIT_S seconds.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.parse import read_statements
from index.types import Rejected
from index.verbatim import parse_header, split_record
from tests.kits import fuzz

EXAMPLES = int(os.environ.get("UNSC_FUZZ_EXAMPLES", "60"))
LIMIT_S = 10.0
STRATEGIES = fuzz.strategies()
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # time is checked per file against LIMIT_S (the machine is shared)
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
CORPUS_LINES = fuzz.SMALL_CORPUS.read_text(encoding="utf-8").splitlines()
TEXTS = [p.read_text(encoding="utf-8") for p in fuzz.real_texts()]


def assert_holds(folder: Path, name: str, data: bytes | str) -> fuzz.Outcome:
    out = fuzz.check_file(fuzz.write_case(folder, name, data), LIMIT_S)
    assert not out.failure, out.failure
    return out


@FUZZ
@given(text=STRATEGIES["jsonl"])
def test_generated_jsonl(tmp_path_factory, text):
    assert_holds(tmp_path_factory.mktemp("j"), "gen.jsonl", text)


@FUZZ
@given(rng=st.randoms(use_true_random=False), n=st.integers(1, 12))
def test_mutated_real_records(tmp_path_factory, rng, n):
    lines = rng.sample(CORPUS_LINES, n)
    data = fuzz.mutate("\n".join(lines).encode(), rng)
    assert_holds(tmp_path_factory.mktemp("m"), "mutated.jsonl", data)


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_mutated_gzipped_records(tmp_path_factory, rng):
    # Before: a damaged .jsonl.gz escaped as zlib.error ("invalid distance too far back").
    packed = gzip.compress("\n".join(rng.sample(CORPUS_LINES, 20)).encode())
    data = fuzz.truncate(packed, rng) if rng.random() < 0.5 else fuzz.bit_flips(packed, rng)
    assert_holds(tmp_path_factory.mktemp("z"), "mutated.jsonl.gz", data)


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_mutated_and_reencoded_verbatim_records(tmp_path_factory, rng):
    text = rng.choice(TEXTS)
    data = fuzz.reencode(text, rng) if rng.random() < 0.3 else fuzz.mutate(text.encode(), rng)
    assert_holds(tmp_path_factory.mktemp("t"), rng.choice(["r.txt", "r.md"]), data)


@FUZZ
@given(text=STRATEGIES["record_text"])
def test_generated_speaker_lines(tmp_path_factory, text):
    assert_holds(tmp_path_factory.mktemp("s"), "soup.txt", text)
    for t in split_record(text):  # turns are in order, inside the text, led by their header
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end].startswith(t.header)
    date = parse_header(text).date
    assert date == "" or fuzz._is_iso(date)


def test_hostile_json_lines_are_rejected_one_by_one(tmp_path):
    lines = fuzz.hostile_jsonl_lines(random.Random(1))
    good = CORPUS_LINES[0]
    out = assert_holds(tmp_path, "hostile.jsonl", "\n".join([good, *lines, good]))
    assert out.statements >= 2 and out.rejected >= 10
    records = read_statements(tmp_path / "hostile.jsonl")
    reasons = [r.reason for r in records if isinstance(r, Rejected)]
    assert "JSON nested too deeply" in reasons
    assert any("invalid character (U+D" in r for r in reasons)
    assert any("speech_no" in r for r in reasons)
    assert any("'2020-02-30' is not an ISO date" in r for r in reasons)


@pytest.mark.parametrize("chars", [2_000_000])
def test_huge_statement_and_line_are_refused_in_time(tmp_path, chars):
    out = assert_holds(tmp_path, "big.jsonl", fuzz.big_statement_jsonl(chars))
    assert out.statements == 0 and out.rejected == 1
    out = assert_holds(tmp_path, "line.txt", fuzz.huge_line(chars))
    assert out.rejected == 1
    assert_holds(tmp_path, "nul.txt", b"\x00" * 10_000)


def test_a_capitalised_line_without_colon_is_linear(tmp_path):
    # Before: "Mr. " + 60 capitals took minutes (the name tokens could be re-split).
    text = "\n".join(["Mr. " + "A" * 5000, "Mr. " + "中" * 5000, "Mr. X (" + "a" * 9000] * 20)
    out = assert_holds(tmp_path, "redos.txt", text)
    assert out.seconds < 2.0


def test_utf8_bom_is_not_a_rejected_record(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_text("\ufeff" + json.dumps({"id": "a", "text": "Peace."}) + "\n", encoding="utf-8")
    assert [r.id for r in read_statements(path)] == ["a"]
