"""The shared validators of ``ditf._validation``: delays and a file's fields."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ditf._errors import InvalidParameterError
from ditf._validation import MAX_DELAY_HOURS, check_delay, check_fields
from ditf.settings import Settings


@given(st.floats(0, MAX_DELAY_HOURS) | st.integers(0, int(MAX_DELAY_HOURS)))
def test_a_delay_in_range_comes_back_as_a_float(hours: float) -> None:
    got = check_delay(hours, "delay_hours", "Step")
    assert isinstance(got, float) and got == hours


@pytest.mark.parametrize("hours", [-1, -0.5, math.nan, math.inf, "2", True, None])
def test_a_negative_or_non_number_delay_is_refused(hours: object) -> None:
    with pytest.raises(InvalidParameterError, match="'delay_hours' parameter of Step must be"):
        check_delay(hours, "delay_hours", "Step")


def test_a_delay_over_the_limit_names_the_limit_and_its_setting() -> None:
    with pytest.raises(InvalidParameterError, match=r"must be a float in \[0, 1e\+06\]\. Got"):
        check_delay(MAX_DELAY_HOURS * 2, "delay_hours", "Step")
    with pytest.raises(InvalidParameterError, match=r"a float in \[0, 8760\]\. Got 9000 instead"):
        check_delay(9000, "delay_hours", "Choice", limit=8760)
    journal = r"a number of hours in \[0, 10\] \(DITF_MAX_DELAY_HOURS\)\. Got 11 instead"
    with pytest.raises(InvalidParameterError, match=journal):
        check_delay(11, "delay_hours", "Journal.add_ask", limit=10, setting="DITF_MAX_DELAY_HOURS")


def test_the_settings_default_is_the_models_limit() -> None:
    assert Settings().max_delay_hours == MAX_DELAY_HOURS


def test_a_table_with_its_fields_passes() -> None:
    check_fields({"a": 1, "b": 2}, {"a", "b", "c"}, {"a"}, what="The table")


def test_unknown_fields_are_listed_with_the_allowed_ones() -> None:
    with pytest.raises(InvalidParameterError, match=r"^Unknown field\(s\) x, y; allowed: a, b\.$"):
        check_fields({"y": 1, "x": 2, "a": 3}, {"b", "a"}, what="The table")
    with pytest.raises(InvalidParameterError, match=r"^Unknown case field\(s\) x; allowed: a\.$"):
        check_fields({"x": 1}, {"a"}, what="The case", kind="case")


def test_missing_fields_are_listed_in_the_required_order_with_the_template() -> None:
    with pytest.raises(InvalidParameterError, match=r"^The scenario is missing b, a\.$"):
        check_fields({}, {"a", "b"}, ("b", "a"), what="The scenario")
    hint = r"^The case is missing a; see examples/ for a template\.$"
    with pytest.raises(InvalidParameterError, match=hint):
        check_fields({}, {"a"}, ("a",), what="The case", template="examples/")


def test_an_unknown_field_is_reported_before_a_missing_one() -> None:
    with pytest.raises(InvalidParameterError, match="Unknown"):
        check_fields({"x": 1}, {"a"}, ("a",), what="The case")
