"""Settings: the one set of limits the CLI, the journal and the web read (issue 12, item 11)."""

from __future__ import annotations

import math

import pytest

from ditf import InvalidParameterError
from ditf.settings import Settings

#: The input limits and their environment variables.
LIMITS = {
    "max_amount": "DITF_MAX_AMOUNT",
    "max_delay_hours": "DITF_MAX_DELAY_HOURS",
    "max_requests": "DITF_MAX_REQUESTS",
    "max_episodes": "DITF_MAX_EPISODES",
    "max_benchmarks": "DITF_MAX_BENCHMARKS",
    "max_steps": "DITF_MAX_STEPS",
}


def test_the_defaults_match_the_limits_the_web_applied():
    s = Settings()
    assert (s.max_amount, s.max_delay_hours) == (1e12, 1e6)
    assert (s.max_requests, s.max_episodes, s.max_benchmarks, s.max_steps) == (20, 50, 50, 10)


@pytest.mark.parametrize(("field", "variable"), LIMITS.items())
def test_each_limit_is_read_from_its_variable(field, variable):
    assert getattr(Settings.from_env({variable: "7"}), field) == 7


@pytest.mark.parametrize("variable", LIMITS.values())
@pytest.mark.parametrize("text", ["0", "-1", "x", "", "nan", "inf", "1" * 5000])
def test_a_bad_limit_variable_is_refused(variable, text):
    with pytest.raises(InvalidParameterError, match=variable):
        Settings.from_env({variable: text})


def test_an_amount_limit_takes_a_float():
    assert Settings.from_env({"DITF_MAX_AMOUNT": "2.5e9"}).max_amount == 2.5e9


@pytest.mark.parametrize("field", LIMITS)
def test_a_limit_out_of_range_is_refused(field):
    with pytest.raises(InvalidParameterError, match=field):
        Settings(**{field: 0})


def test_a_non_finite_amount_limit_is_refused():
    with pytest.raises(InvalidParameterError, match="max_amount"):
        Settings(max_amount=math.inf)


def test_the_limits_round_trip_through_the_environment():
    s = Settings(max_amount=5e9, max_steps=3, max_delay_hours=12.5)
    assert Settings.from_env(s.to_env()) == s
