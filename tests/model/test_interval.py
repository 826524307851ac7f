"""central_interval gives np.quantile's numbers from one sort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ditf.model import central_interval

FINITE = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    draws=arrays(np.float64, st.tuples(st.integers(1, 60), st.integers(1, 5)), elements=FINITE),
    level=st.floats(0.01, 0.99),
)
def test_central_interval_is_numpys_quantile_to_the_bit(draws, level):
    tail = (1.0 - level) / 2.0
    lo, hi = central_interval(draws, level)
    expected_lo, expected_hi = np.quantile(draws, [tail, 1.0 - tail], axis=0)
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(hi, expected_hi)


def test_one_dimensional_draws_give_numbers():
    draws = np.random.default_rng(0).normal(size=1001)
    lo, hi = central_interval(draws, 0.9)
    assert (float(lo), float(hi)) == tuple(np.quantile(draws, [(1 - 0.9) / 2, 1 - (1 - 0.9) / 2]))
