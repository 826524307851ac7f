"""The score's reference option: ties within a tolerance, broken by a named order."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ditf.train._score import REFERENCE_ORDER, TIE_RTOL, Option, reference_option


def _option(key: str, value: float, *, admissible: bool = True) -> Option:
    return Option(
        key=key, label=key, opener=None, fallback=1.0, p_yes=0.5, p_lo=0.4, p_hi=0.6,
        expected_value=value, value_lo=value, value_hi=value, admissible=admissible,
    )  # fmt: skip


@given(st.floats(-0.5, 0.5), st.floats(1e-3, 1e6))
def test_a_tiny_perturbation_never_flips_the_reference(jitter, value):
    yours = _option("yours", value * (1 + jitter * TIE_RTOL))
    planner = _option("planner", value)
    assert reference_option((yours, planner)).key == "planner"
    assert reference_option((planner, yours)).key == "planner"


def test_a_real_difference_wins_over_the_order():
    yours = _option("yours", 1.0 + 1e-6)
    assert reference_option((yours, _option("planner", 1.0))).key == "yours"


def test_inadmissible_options_are_never_the_reference():
    best = _option("planner", 9.0, admissible=False)
    assert reference_option((best, _option("best-direct", 1.0))).key == "best-direct"


@pytest.mark.parametrize("key", REFERENCE_ORDER)
def test_every_key_can_be_the_reference(key):
    assert reference_option((_option(key, 1.0),)).key == key
