"""Fuzzing the filter and date parsers: Filters usable inside a search, or one InputError."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings

from rag.errors import InputError
from rag.filters import parse_filters
from tests.kits import fuzz

EXAMPLES = int(os.environ.get("UNSC_FUZZ_EXAMPLES", "60")) * 3


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(raw=fuzz.strategies()["filters"])
def test_generated_filters(raw):
    failure = fuzz.check_filters(raw)
    assert not failure, failure


@pytest.mark.parametrize(
    "raw",
    [
        {"country": "\ud800"},
        {"date_from": "٢٠٢٠"},
        {"date_to": "0000"},
        ["country"],
        {1: "x", "a": 1},
    ],
)
def test_bad_filters_are_one_input_error(raw):
    with pytest.raises(InputError) as err:
        parse_filters(raw)
    assert "\n" not in str(err.value)
