"""Fuzzing the PDF reader with truncated and bit-flipped copies of real verbatim records.

Every copy gives statements, or a ParseError in one line, within its time limit: the reader
runs in a child process that is killed past the limit (`index.pdf.extract_pdf_limited`).
"""

from __future__ import annotations

import os
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.errors import ParseError
from index.parse import read_statements
from index.pdf import PdfError, extract_pdf_limited
from tests.kits import fuzz

EXAMPLES = max(4, int(os.environ.get("UNSC_FUZZ_EXAMPLES", "60")) // 5)
LIMIT_S = 60.0
SMALL = [p for p in fuzz.real_pdfs() if p.name in ("S_PV.10100.pdf", "S_PV.3756.pdf")]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rng=st.randoms(use_true_random=False))
def test_mutated_real_pdfs(tmp_path_factory, rng):
    src = rng.choice(SMALL)
    data = fuzz.mutate(src.read_bytes(), rng)
    path = fuzz.write_case(tmp_path_factory.mktemp("pdf"), src.name, data)
    out = fuzz.check_file(path, LIMIT_S)
    assert not out.failure, out.failure


@pytest.mark.parametrize(
    "data", [b"", b"%PDF-1.4\n", b"not a pdf at all", b"\x00" * 5000, b"%PDF-1.7\n" + b"(" * 50_000]
)
def test_non_pdfs_are_one_parse_error(tmp_path, data):
    path = fuzz.write_case(tmp_path, "x.pdf", data)
    with pytest.raises(ParseError) as err:
        list(read_statements(path))
    assert fuzz.one_line(str(err.value)) and "x.pdf" in str(err.value)


def test_a_pdf_over_its_time_limit_is_stopped(tmp_path):
    src = max(SMALL, key=lambda p: p.stat().st_size)
    t0 = time.perf_counter()
    with pytest.raises(PdfError, match=r"took more than 0 s to read, so it was stopped"):
        extract_pdf_limited(src, timeout_s=0.05)
    assert time.perf_counter() - t0 < 5


def test_truncations_of_one_record_at_every_tenth(tmp_path):
    data = SMALL[0].read_bytes()
    rng = random.Random(0)
    for i in range(1, 10, 3):
        cut = data[: len(data) * i // 10 + rng.randrange(100)]
        out = fuzz.check_file(fuzz.write_case(tmp_path, f"cut{i}.pdf", cut), LIMIT_S)
        assert not out.failure, out.failure
