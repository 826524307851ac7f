"""A counterpart's history read by the planner: the plan with it, and their updated limit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from plan_factories import salary_mapping

from ditf import InvalidParameterError
from ditf.plan import (
    DEFAULT_RANGE,
    counterpart_update,
    default_range,
    plan,
    plan_report,
    plan_scenario_from_mapping,
    plan_with_history,
    scenario_with_history,
    usual_context,
)


def ask(fallback, result=None, *, opener=None, asked_by="me", domain="salary", unit="EUR"):
    """A journal ask as the planner reads it (``ditf.store.AskRecord``'s fields)."""
    technique = "direct" if opener is None else "door-in-the-face"
    outcome = None if result is None else SimpleNamespace(result=result)
    return SimpleNamespace(technique=technique, opener=opener, fallback=fallback,
                           asked_by=asked_by, domain=domain, unit=unit, delay_hours=0.0,
                           outcome=outcome)  # fmt: skip


REFUSED = ask(108000.0, "refused")


def test_the_plan_with_history_is_the_planners_chain():
    mapping = salary_mapping()
    scenario = scenario_with_history(plan_scenario_from_mapping(mapping), [REFUSED])
    expected = plan_report(plan(scenario, prior_retreats=2))
    assert plan_report(plan_with_history(mapping, [REFUSED], prior_retreats=2)) == expected
    parsed = plan_scenario_from_mapping(mapping)
    assert plan_report(plan_with_history(parsed, [REFUSED], prior_retreats=2)) == expected


def test_without_history_the_plan_is_the_plain_plan():
    mapping = salary_mapping()
    assert plan_report(plan_with_history(mapping)) == plan_report(
        plan(plan_scenario_from_mapping(mapping))
    )


def test_the_usual_context_is_that_of_most_of_your_asks():
    asks = [ask(10.0, domain="volunteering", unit="hours")] * 2 + [ask(100000.0)]
    their = [ask(5.0, domain="pricing", unit="USD", asked_by="them")] * 5
    assert usual_context(asks + their) == ("volunteering", "hours")
    assert usual_context(their) == ("salary", "EUR")


def test_the_default_range_is_ten_percent_beyond_your_amounts():
    asks = [ask(108000.0, opener=125000.0), ask(1.0, unit="USD"), ask(1.0, asked_by="them")]
    assert default_range(asks, "salary", "EUR") == (97200.0, 138000.0)
    assert default_range(asks, "salary", "GBP") == DEFAULT_RANGE


def test_the_update_is_the_planners():
    update = counterpart_update([REFUSED], accepts_low=95000, accepts_high=120000)
    scenario = plan_scenario_from_mapping(salary_mapping(**{
        "target": 120000, "minimum": 107500, "batna": 95000,
        "counterpart.accepts_low": 95000, "counterpart.accepts_high": 120000,
    }))  # fmt: skip
    updated = scenario_with_history(scenario, [REFUSED]).counterpart.updated_range("more")
    assert update.prior == (95000, 120000) and update.answers == 1 and update.asks == 1
    assert update.updated == pytest.approx(updated)
    assert update.updated[1] < 112000  # a plain no at 108,000 lowers the top


def test_empty_fields_are_guessed_from_the_asks():
    update = counterpart_update([ask(108000.0, opener=125000.0)])
    assert (update.domain, update.unit, update.direction) == ("salary", "EUR", "more")
    assert update.prior == (97200, 138000) and update.updated is None
    other = counterpart_update([ask(108000.0)], domain="volunteering")
    assert (other.unit, other.prior, other.asks) == ("units", DEFAULT_RANGE, 0)


@pytest.mark.parametrize(
    ("fields", "match"),
    [({"domain": "poker"}, "'domain' parameter of counterpart_update"),
     ({"accepts_low": 130000, "accepts_high": 120000}, "accepts_high")],
)  # fmt: skip
def test_a_bad_context_or_range_is_refused(fields, match):
    with pytest.raises(InvalidParameterError, match=match):
        counterpart_update([], **fields)
