"""Numbers as people type them: the one parser of the CLI's options and prompts and the forms."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ditf import InvalidParameterError
from ditf._validation import parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("110000", 110000), ("110,000", 110000), ("110 000", 110000), ("1'250.5", 1250.5),
     ("110\u202f000", 110000), ("111_000", 111000), ("2_08", 208), ("€110,000", 110000),
     ("110000 EUR", 110000), ("USD 5", 5), ("110k", 110000), ("1.2m", 1.2e6), ("1e6", 1e6),
     ("-.5", -0.5), ("+1.", 1), (" 0.35 ", 0.35), ("1_000.5", 1000.5)],
)  # fmt: skip
def test_typed_numbers_are_read(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "rule"),
    [("1,5", "groups of three"), ("1,50,000", "groups of three"), ("12345,678", "groups of three"),
     ("1__0", "write digits"), ("1_", "write digits"), ("_10", "write digits"),
     ("1_0_", "write digits"), ("nan", "write digits"), ("inf", "write digits"),
     ("0x10", "write digits"), ("", "write digits"), ("k", "write digits"),
     ("1e999", "too large"), ("9" * 400, "too large"), ("-" + "9" * 400, "too large")],
)  # fmt: skip
def test_odd_forms_are_refused_naming_the_rule(text, rule):
    with pytest.raises(InvalidParameterError, match=f"is not a number: .*{rule}"):
        parse_number(text)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_reads_back_from_its_repr(x):
    assert parse_number(repr(x)) == x


@given(st.integers(min_value=0, max_value=10**15))
def test_thousands_grouped_by_commas_read_back(n):
    assert parse_number(f"{n:,}") == n and parse_number(f"{n:_}") == n
    assert math.isfinite(parse_number(f"-{n:,}"))
