"""The planner on the fast engine agrees with the reference path (issue 16).

Same asks and recommendation; probabilities within 1e-4, interval ends within 0.5 points and
expected values within 1e-4 of the value's scale.
"""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from plan_factories import EXAMPLES, scenario_mappings

from ditf.data import read_mapping
from ditf.model import predict, predict_draws
from ditf.plan import Estimate, Plan, plan, plan_scenario_from_mapping

POINT, INTERVAL = 1e-4, 0.005


def reference_plan(monkeypatch: pytest.MonkeyPatch, scenario: object) -> Plan:
    import ditf.plan._planner as planner

    with monkeypatch.context() as m:
        m.setattr(planner, "predict", functools.partial(predict, engine="reference"))
        m.setattr(planner, "predict_draws", functools.partial(predict_draws, engine="reference"))
        return plan(scenario)  # type: ignore[arg-type]


def assert_estimates(a: Estimate, b: Estimate, scale: float) -> None:
    assert a.p_yes == pytest.approx(b.p_yes, abs=POINT)
    assert a.p_lo == pytest.approx(b.p_lo, abs=INTERVAL)
    assert a.p_hi == pytest.approx(b.p_hi, abs=INTERVAL)
    for name in ("value", "value_lo", "value_hi"):
        assert getattr(a, name) == pytest.approx(getattr(b, name), abs=POINT * scale), name


def assert_plans_agree(fast: Plan, ref: Plan) -> None:
    scale = max(abs(fast.scenario.gain(fast.scenario.target)), 1.0)
    assert (fast.opener, fast.fallback, fast.second_fallback) == (
        ref.opener, ref.fallback, ref.second_fallback,
    )  # fmt: skip
    assert (fast.recommendation, fast.why) == (ref.recommendation, ref.why)
    assert_estimates(fast.sequence, ref.sequence, scale)
    assert_estimates(fast.foot_in_the_door, ref.foot_in_the_door, scale)
    assert fast.p_fallback_after == pytest.approx(ref.p_fallback_after, abs=POINT)
    assert fast.p_fallback_lo == pytest.approx(ref.p_fallback_lo, abs=INTERVAL)
    assert fast.p_fallback_hi == pytest.approx(ref.p_fallback_hi, abs=INTERVAL)
    assert len(fast.curve) == len(ref.curve)
    for a, b in zip(fast.curve, ref.curve, strict=True):
        assert a.opener == b.opener
        assert a.p_opener == pytest.approx(b.p_opener, abs=POINT)
        assert_estimates(a.estimate, b.estimate, scale)
    for a, b in zip(fast.timing, ref.timing, strict=True):
        assert_estimates(a.estimate, b.estimate, scale)
    for name, value in ref.contributions.items():
        assert fast.contributions[name] == pytest.approx(value, abs=POINT)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_plans_agree(monkeypatch: pytest.MonkeyPatch, path: object) -> None:
    scenario = plan_scenario_from_mapping(read_mapping(path))  # type: ignore[arg-type]
    assert_plans_agree(plan(scenario), reference_plan(monkeypatch, scenario))


@settings(max_examples=15, deadline=None)
@given(scenario_mappings())
def test_generated_plans_agree(mapping: dict[str, object]) -> None:
    scenario = plan_scenario_from_mapping(mapping)
    with pytest.MonkeyPatch.context() as monkeypatch:
        ref = reference_plan(monkeypatch, scenario)
    assert_plans_agree(plan(scenario), ref)
