"""Amounts in text: thousands separators and never an exponent (a yen salary reads in full)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ditf._text import format_amount


@given(st.floats(min_value=-1e15, max_value=1e15), st.sampled_from([4, 6]))
def test_an_amount_has_no_exponent_and_reads_back_to_its_value(value, digits):
    text = format_amount(value, digits)
    assert "e" not in text.lower()
    read = float(text.replace(",", ""))
    # Rounded to ``digits`` significant digits (a tiny value may keep more of its own).
    assert read == pytest.approx(value, rel=10 ** (1 - digits), abs=10 ** (-digits))


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(8e6, 6, "8,000,000"), (1234567, 6, "1,234,570"), (323_456, 4, "323,500"),
     (10270.3, 4, "10,270"), (0.35, 6, "0.35"), (1.2e-5, 6, "0.000012"), (-1e-9, 6, "0"),
     (-2.5e7, 4, "-25,000,000"), (None, 6, "")],
)  # fmt: skip
def test_amounts_read_as_people_write_them(value, digits, text):
    assert format_amount(value, digits) == text
