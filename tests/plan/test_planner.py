"""The planner on the shipped examples and on random scenarios, with the real fitted model."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from plan_factories import DOMAIN_EXAMPLES, example_mapping, salary_mapping, scenario_mappings

from ditf._errors import InvalidParameterError
from ditf.model import Context, Sequence, load_model, predict_draws
from ditf.plan import (
    DOOR,
    PLAIN,
    Estimate,
    Plan,
    PlanScenario,
    plan,
    plan_report,
    plan_scenario_from_mapping,
)

FAST = settings(max_examples=40, deadline=None)
#: Slack for floating-point rounding in comparisons that are exact in real arithmetic.
ROUNDING = 1e-9
#: Delays on the timing table (docs/plan.md).
TIMING_HOURS = [0.0, 0.5, 4.0, 24.0, 168.0]


def scenario(data) -> PlanScenario:
    return plan_scenario_from_mapping(data)


def beyond(s: PlanScenario, amount: float) -> bool:
    """Whether ``amount`` lies beyond the boldest benchmark (outside the defensible range)."""
    return s.cost(amount) > s.cost(s.boldest_benchmark.value) * (1 + ROUNDING)


def estimates(p: Plan) -> list[Estimate]:
    extra = [] if p.with_second is None else [p.with_second]
    return [
        p.sequence,
        p.direct,
        p.foot_in_the_door,
        *extra,
        *(c.estimate for c in p.curve),
        *(t.estimate for t in p.timing),
    ]


def fallback_candidates(s: PlanScenario) -> list[float]:
    """The documented candidates: the target and every benchmark between minimum and target."""
    between = {
        b.value
        for b in s.benchmarks
        if s.better(b.value, s.minimum) and s.better(s.target, b.value)
    }
    return sorted({s.target} | between)


@pytest.fixture(scope="module")
def example_plans() -> dict[str, Plan]:
    return {name: plan(scenario(example_mapping(name))) for name in DOMAIN_EXAMPLES}


@pytest.fixture(scope="module")
def salary_plan() -> Plan:
    return plan(scenario(salary_mapping()))


# Every example: a sound, defensible, clean plan ----------------------------------------------


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_each_example_keeps_the_fallback_at_or_beyond_the_minimum(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    assert s.better(p.fallback, s.minimum)
    assert p.second_fallback is None or s.better(p.second_fallback, s.minimum)
    assert s.better(p.fallback, s.batna)


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_each_example_opens_within_the_defensible_range(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    assert not beyond(s, p.opener)
    assert s.cost(p.opener) > s.cost(p.fallback)  # the opener is the larger request
    assert p.defensible_limit == s.boldest_benchmark.value
    assert p.opener_basis == s.boldest_benchmark
    assert not p.blocking
    assert not any(f.severity == "blocking" for f in p.findings)


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_each_example_anchors_its_fallbacks_to_named_benchmarks(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    assert p.fallback_criterion is not None
    assert p.fallback_criterion in s.benchmarks
    assert s.better(p.fallback_criterion.value, p.fallback)
    if p.second_fallback is not None:
        assert p.second_criterion is not None
        assert s.better(p.second_criterion.value, p.second_fallback)


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_a_bigger_opener_is_not_always_better(example_plans, name):
    p = example_plans[name]
    values = [c.estimate.value for c in p.curve]
    assert len(p.curve) > 10
    assert values[-1] < max(values)
    # The curve runs from the fallback outwards and past the defensible limit.
    costs = [p.scenario.cost(c.opener) for c in p.curve]
    assert costs == sorted(costs)
    assert [c.defensible for c in p.curve] == [not beyond(p.scenario, c.opener) for c in p.curve]
    assert not p.curve[-1].defensible


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_the_chosen_opener_maximises_the_expected_value_among_defensible_ones(example_plans, name):
    p = example_plans[name]
    best = max((c for c in p.curve if c.defensible), key=lambda c: c.estimate.value)
    assert best.opener == p.opener
    assert p.sequence == best.estimate


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_no_other_fallback_candidate_has_a_higher_expected_value(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    candidates = fallback_candidates(s)
    assert p.fallback in candidates
    for f in candidates:
        alternative = plan(dataclasses.replace(s, fallback=f))
        assert alternative.sequence.value <= p.sequence.value + ROUNDING * abs(p.sequence.value)


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_probabilities_lie_in_the_unit_interval_and_intervals_hold_their_means(example_plans, name):
    p = example_plans[name]
    for e in estimates(p):
        assert 0.0 <= e.p_lo <= e.p_yes + ROUNDING
        assert e.p_yes <= e.p_hi + ROUNDING
        assert e.p_hi <= 1.0
        assert (
            e.value_lo - ROUNDING * abs(e.value) <= e.value <= e.value_hi + ROUNDING * abs(e.value)
        )
    assert 0.0 <= p.p_fallback_lo <= p.p_fallback_after <= p.p_fallback_hi <= 1.0
    assert 0.0 < p.p_fallback_alone < 1.0
    assert all(0.0 <= c.p_opener <= 1.0 for c in p.curve)
    assert p.level == 0.9


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_expected_values_are_consistent_with_the_probabilities(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    gain_opener, gain_fallback = s.gain(p.opener), s.gain(p.fallback)
    seq = p.sequence
    assert seq.p_yes * gain_fallback - ROUNDING <= seq.value <= seq.p_yes * gain_opener + ROUNDING
    assert p.direct.p_yes == s.baseline(s.target)
    assert p.direct.value == pytest.approx(p.direct.p_yes * s.gain(s.target))
    assert p.direct.p_lo == p.direct.p_hi == p.direct.p_yes
    fitd = p.foot_in_the_door
    assert fitd.value == pytest.approx(fitd.p_yes * gain_fallback)


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_a_second_fallback_only_adds(example_plans, name):
    p = example_plans[name]
    s = p.scenario
    if p.second_fallback is None:
        assert p.with_second is None
        return
    assert p.with_second is not None
    assert s.cost(p.second_fallback) < s.cost(p.fallback)
    assert p.with_second.p_yes >= p.sequence.p_yes - ROUNDING
    assert p.with_second.value >= p.sequence.value - ROUNDING * abs(p.sequence.value)
    assert p.with_second.value <= p.with_second.p_yes * s.gain(p.opener) + ROUNDING


@pytest.mark.parametrize("name", DOMAIN_EXAMPLES)
def test_waiting_before_the_retreat_lowers_p_agreement(example_plans, name):
    p = example_plans[name]
    assert [t.delay_hours for t in p.timing] == TIMING_HOURS
    p_yes = [t.estimate.p_yes for t in p.timing]
    assert all(later <= earlier + ROUNDING for earlier, later in itertools.pairwise(p_yes))
    assert p_yes[-1] < p_yes[0]
    # The examples retreat at once (equal up to float summation order).
    assert dataclasses.astuple(p.timing[0].estimate) == pytest.approx(
        dataclasses.astuple(p.sequence)
    )


def test_every_opener_on_the_curve_is_a_non_negative_amount(example_plans):
    for p in example_plans.values():
        assert all(c.opener >= 0 for c in p.curve), p.scenario.domain


# Determinism and the inputs of the model ----------------------------------------------------


def test_a_fixed_rng_gives_the_same_plan():
    s = scenario(salary_mapping())
    first = plan_report(plan(s, rng=3))
    assert plan_report(plan(s, rng=3)) == first
    assert plan_report(plan(s, rng=np.random.default_rng(5))) == plan_report(
        plan(s, rng=np.random.default_rng(5))
    )
    other = plan_report(plan(s, rng=4))
    assert other["interval"] != first["interval"]
    assert plan(s) == plan(s, rng=0, model=load_model())


def test_earlier_retreats_lower_the_lift():
    s = scenario(salary_mapping(opener=118000, fallback=104000))
    plans = [plan(s, prior_retreats=n) for n in (0, 1, 2, 4)]
    after = [p.p_fallback_after for p in plans]
    agree = [p.sequence.p_yes for p in plans]
    assert after == sorted(after, reverse=True) and len(set(after)) == 4
    assert agree == sorted(agree, reverse=True) and len(set(agree)) == 4
    assert {p.p_fallback_alone for p in plans} == {plans[0].p_fallback_alone}
    assert [p.prior_retreats for p in plans] == [0, 1, 2, 4]
    assert [p.contributions["reciprocity"] for p in plans] == sorted(
        (p.contributions["reciprocity"] for p in plans), reverse=True
    )


def test_a_planned_delay_is_the_timing_tables_row():
    fixed = {"opener": 118000, "fallback": 104000}
    at_once = plan(scenario(salary_mapping(**fixed)))
    by_delay = {row.delay_hours: row.estimate for row in at_once.timing}
    for hours in (4, 24, 168):
        delayed = plan(scenario(salary_mapping(delay_hours=hours, **fixed)))
        assert delayed.sequence.p_yes == pytest.approx(by_delay[hours].p_yes, abs=1e-12)
        assert delayed.sequence.p_yes < at_once.sequence.p_yes
        assert delayed.p_fallback_after < at_once.p_fallback_after


def test_a_retreat_by_someone_else_lifts_less():
    fixed = {"opener": 118000, "fallback": 104000}
    same = plan(scenario(salary_mapping(**fixed)))
    other = plan(scenario(salary_mapping(retreat_by="other", **fixed)))
    assert other.p_fallback_after < same.p_fallback_after
    assert other.sequence.p_yes < same.sequence.p_yes
    assert other.contributions["reciprocity"] < same.contributions["reciprocity"]


def test_your_own_opener_is_evaluated_as_given():
    p = plan(scenario(salary_mapping(opener=121000)))
    assert p.chosen_by_you
    assert p.opener == 121000.0
    assert [c.opener for c in p.curve] == [121000.0]
    assert p.sequence == p.curve[0].estimate
    assert p.fallback in fallback_candidates(p.scenario)


def test_your_own_fallback_is_kept_and_the_opener_still_chosen():
    p = plan(scenario(salary_mapping(fallback=107000)))
    assert p.chosen_by_you
    assert p.fallback == 107000.0
    assert len(p.curve) > 10
    assert all(c.opener > 107000 for c in p.curve)
    assert not beyond(p.scenario, p.opener)


def test_your_own_opener_and_fallback_together():
    p = plan(scenario(salary_mapping(opener=124000, fallback=100000)))
    assert (p.opener, p.fallback, p.chosen_by_you) == (124000.0, 100000.0, True)
    assert p.second_fallback is None  # nothing lies between the minimum and this fallback


def test_the_recommendation_is_not_chosen_by_you(salary_plan):
    assert not salary_plan.chosen_by_you


def test_the_planner_reports_the_model_probabilities_of_its_own_cells(salary_plan):
    # P(agreement) on the curve is P(yes to the opener) + P(refused) x P(yes to the fallback after),
    # recomputed here with predict_draws on the same draws.
    p = salary_plan
    s = p.scenario
    chosen = next(c for c in p.curve if c.opener == p.opener)
    assert chosen.p_opener == pytest.approx(s.baseline(p.opener))
    assert p.p_fallback_alone == s.baseline(p.fallback)
    cell = (
        Sequence.door_in_the_face(
            opener=s.cost(p.opener), target=s.cost(p.fallback), unit="EUR", prosocial=False
        ),
        Context(
            baseline=s.baseline(p.fallback),
            plausible_max=s.cost(p.defensible_limit),
            negotiation=True,
        ),
    )
    draws = predict_draws([cell], n_draws=400, rng=0, first_baselines=[s.baseline(p.opener)])
    agree = draws.p_first_yes[:, 0] + draws.p_asked[:, 0] * draws.verbal[:, 0]
    assert p.sequence.p_yes == pytest.approx(float(np.mean(agree)), abs=1e-12)


def test_p_agreement_is_p_opener_plus_refusals_times_p_fallback_after(salary_plan):
    p = salary_plan
    chosen = next(c for c in p.curve if c.opener == p.opener)
    implied = chosen.p_opener + (1 - chosen.p_opener) * p.p_fallback_after
    assert p.sequence.p_yes == pytest.approx(implied, abs=0.005)


def test_a_target_beyond_every_benchmark_is_asked_plainly_never_undercut():
    # You want more than the survey's 90th percentile and think they might pay it: no opener
    # within the benchmarks asks for the target, so the plan says to ask it plainly.
    data = salary_mapping(
        target=130000, **{"counterpart.accepts_low": 105000, "counterpart.accepts_high": 150000}
    )
    p = plan(scenario(data))
    assert p.opener >= 130000  # never below what you want
    assert p.recommendation == PLAIN and "survey 90th percentile" in p.why
    assert p.why.startswith("Your target (130,000 EUR) lies beyond your boldest benchmark")
    assert f"Ask {p.plain_ask:,.6g} EUR plainly" in p.why
    assert plan(dataclasses.replace(p.scenario, fallback=104000)).opener >= 130000
    assert not p.blocking


def test_a_defensible_range_too_narrow_for_a_concession_gives_a_plain_request():
    data = {
        "domain": "fundraising",
        "unit": "EUR",
        "target": 190000,
        "minimum": 150000,
        "batna": 0,
        "explanation": "The new wing opens next spring.",
        "benchmarks": [
            {"name": "the donor's largest gift", "kind": "precedent", "value": 193500},
            {"name": "naming a room", "kind": "norm", "value": 100000},
        ],
        "counterpart": {"accepts_low": 120000, "accepts_high": 250000},
    }
    p = plan(scenario(data))
    # 193,500 -> 190,000 gives up 2%: not a concession; a bolder opener is not defensible.
    assert p.recommendation == PLAIN and "10%" in p.why
    assert not p.blocking


# Bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"prior_retreats": -1}, "'prior_retreats' parameter of plan must be an int in"),
        ({"prior_retreats": 1.5}, "'prior_retreats' parameter of plan"),
        ({"level": 1.0}, r"'level' parameter of plan must be a probability in \(0, 1\)"),
        ({"n_draws": 5}, r"'n_draws' parameter of plan must be an int in \[10, 100000\]"),
        ({"rng": -1}, "'rng' parameter"),
    ],
)
def test_bad_arguments_are_rejected(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        plan(scenario(salary_mapping()), **kwargs)


def test_an_opener_that_is_no_bigger_than_the_fallback_is_rejected():
    with pytest.raises(
        InvalidParameterError,
        match=r"opener \(104,000\) must ask for more than "
        r"the fallback \(104,000\)",
    ):
        plan(scenario(salary_mapping(opener=104000, fallback=104000)))
    buyer = scenario(example_mapping("procurement", opener=42, fallback=41))
    with pytest.raises(InvalidParameterError, match=r"opener \(42\) must ask for more"):
        plan(buyer)


# Properties over random valid scenarios -----------------------------------------------------


@FAST
@given(scenario_mappings())
def test_random_plans_never_retreat_below_the_minimum(data):
    s = scenario(data)
    p = plan(s)
    assert s.better(p.fallback, s.minimum)
    assert s.cost(p.opener) > s.cost(p.fallback)
    if p.second_fallback is not None:
        assert s.better(p.second_fallback, s.minimum)
        assert s.cost(p.second_fallback) < s.cost(p.fallback)
    assert not any(f.id.startswith("fallback-below") for f in p.findings)


@FAST
@given(scenario_mappings())
def test_random_plans_keep_probabilities_and_values_consistent(data):
    s = scenario(data)
    p = plan(s)
    for e in estimates(p):
        assert 0.0 <= e.p_lo <= e.p_hi <= 1.0
        assert 0.0 <= e.p_yes <= 1.0
        assert e.value_lo <= e.value_hi
    # An agreement is worth the fallback's gain at least and the opener's at most.
    for point in [*p.curve]:
        e, top = point.estimate, s.gain(point.opener)
        slack = ROUNDING * max(1.0, abs(top))
        assert e.p_yes * s.gain(p.fallback) - slack <= e.value <= e.p_yes * top + slack
    slack = ROUNDING * max(1.0, abs(s.gain(p.opener)))
    assert p.sequence.value <= p.sequence.p_yes * s.gain(p.opener) + slack
    if p.with_second is not None:
        assert p.with_second.value <= p.with_second.p_yes * s.gain(p.opener) + slack
    assert 0.0 <= p.p_fallback_lo <= p.p_fallback_hi <= 1.0


def test_a_plain_request_is_advised_only_when_it_beats_the_sequence_beyond_a_tie(salary_plan):
    from ditf.plan._planner import VALUE_TIE, _why_plain

    p = salary_plan
    assert p.recommendation == DOOR
    tie = VALUE_TIE * abs(p.scenario.gain(p.scenario.target))
    for margin, advised in ((0.5 * tie, False), (2.0 * tie, True)):
        value = p.sequence.value + margin
        direct = dataclasses.replace(p.direct, value=value)
        assert bool(_why_plain(dataclasses.replace(p, direct=direct))) is advised


def test_a_scenario_with_no_bold_benchmark_is_refused_with_what_to_add():
    data = salary_mapping()
    data["benchmarks"] = [b for b in data["benchmarks"] if b["kind"] == "market-low"]
    with pytest.raises(InvalidParameterError, match=r"^No benchmark supports asking beyond .*"
                       r"Add the benchmark that supports your ask"):  # fmt: skip
        plan(scenario(data))
