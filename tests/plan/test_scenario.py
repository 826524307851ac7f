"""Scenario files: parsing, validation messages that name the field, the price-to-cost mapping."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plan_factories import (
    CLEAN_SALARY,
    EXAMPLES,
    benchmark,
    example_mapping,
    salary_mapping,
    scenario_mappings,
)

from ditf._errors import InvalidParameterError
from ditf.data import read_mapping
from ditf.plan import (
    BENCHMARK_KINDS,
    DOMAINS,
    Benchmark,
    CounterpartEstimate,
    plan,
    plan_report,
    plan_scenario_from_mapping,
)

FAST = settings(max_examples=60, deadline=None)
#: The clipping of P(yes) alone inside (0, 1), as documented on CounterpartEstimate.
EPS = 1e-300  # the floor of P(yes) alone; the ceiling is 1 - 1e-12

OUT_OF_ORDER = [
    benchmark("survey 25th percentile", "market-low", 92000),
    benchmark("survey median", "market-median", 130000),
    benchmark("survey 90th percentile", "market-high", 124000),
]


def build(data):
    return plan_scenario_from_mapping(data)


# Every inconsistency the issue lists is refused, naming the field ---------------------------

REJECTED = [
    # (changes to the clean salary scenario, the message must contain this regex)
    pytest.param(
        {"minimum": 115000},
        r"minimum \(115000\) is above target \(110000\)",
        id="minimum above target",
    ),
    pytest.param(
        {"batna": 101000},
        r"minimum \(100000\) is worse than batna \(101000\)",
        id="minimum worse than batna",
    ),
    pytest.param(
        {"benchmarks": OUT_OF_ORDER},
        r"benchmarks are out of order.*market-median 130000",
        id="benchmarks out of order",
    ),
    pytest.param(
        {"minimum": 92000, "batna": 90000},
        r"minimum \(92000\) must lie beyond the reference \(92000\)",
        id="minimum at the reference",
    ),
    pytest.param(
        {"reference": 105000},
        r"minimum \(100000\) must lie beyond the reference \(105000\)",
        id="minimum short of an explicit reference",
    ),
    pytest.param({"target": -110000}, r"target must be a finite amount >= 0", id="negative target"),
    pytest.param({"minimum": -1}, r"minimum must be a finite amount >= 0", id="negative minimum"),
    pytest.param({"batna": -1}, r"batna must be a finite amount >= 0", id="negative batna"),
    pytest.param({"opener": -1}, r"opener must be a finite amount >= 0", id="negative opener"),
    pytest.param(
        {"fallback": -1}, r"fallback must be a finite amount >= 0", id="negative fallback"
    ),
    pytest.param({"target": math.inf}, r"target must be a finite amount", id="infinite target"),
    pytest.param({"target": math.nan}, r"target must be a finite amount", id="nan target"),
    pytest.param({"target": "a lot"}, r"target must be a number, got 'a lot'", id="text target"),
    pytest.param({"target": True}, r"target must be a number, got True", id="bool target"),
    pytest.param(
        {"benchmarks": [benchmark("survey low", "market-low", -5)]},
        r"'value' parameter of Benchmark 'survey low'",
        id="negative benchmark",
    ),
    pytest.param(
        {"counterpart.accepts_low": -5},
        r"'counterpart\.accepts_low' parameter",
        id="negative accepts_low",
    ),
    pytest.param({"delay_hours": -1}, r"'delay_hours' parameter", id="negative delay"),
    pytest.param(
        {"domain": "astrology"},
        r"Unknown domain 'astrology': use one of salary, procurement",
        id="unknown domain",
    ),
    pytest.param({"colour": "blue"}, r"Unknown scenario field\(s\) colour", id="unknown field"),
    pytest.param(
        {"counterpart.mood": "tired"},
        r"Unknown field\(s\) counterpart\.mood",
        id="unknown counterpart field",
    ),
    pytest.param(
        {"honesty.sincere": True},
        r"Unknown field\(s\) honesty\.sincere",
        id="unknown honesty field",
    ),
    pytest.param(
        {"counterpart.accepts_low": 120000},
        r"counterpart\.accepts_low \(120000\) must be below counterpart\.accepts_high \(118000\)",
        id="counterpart range reversed",
    ),
    pytest.param(
        {"counterpart.accepts_low": 118000},
        r"counterpart\.accepts_low \(118000\) must be below",
        id="counterpart range empty",
    ),
    pytest.param(
        {"counterpart.accepts_high": None},
        r"counterpart\.accepts_high is missing",
        id="counterpart range half missing",
    ),
    pytest.param(
        {"counterpart.distribution": "lognormal"},
        r"'counterpart\.distribution' parameter of scenario must be one of 'normal', 'uniform'",
        id="unknown distribution",
    ),
    pytest.param({"counterpart.id": 7}, r"'counterpart\.id' parameter", id="numeric id"),
    pytest.param({"counterpart": "acme"}, r"counterpart must be a table", id="counterpart text"),
    pytest.param(
        {"honesty.honour_opener": "yes"},
        r"honesty\.honour_opener must be true or false, got 'yes'",
        id="honesty flag text",
    ),
    pytest.param(
        {"honesty.counterpart_vulnerable": 1},
        r"honesty\.counterpart_vulnerable must be true or false, got 1",
        id="honesty flag number",
    ),
    pytest.param(
        {"honesty": ["honour_opener"]}, r"honesty must be a table", id="honesty not a table"
    ),
    pytest.param(
        {"retreat_by": "colleague"},
        r"'retreat_by' parameter of scenario must be one of 'other', 'same'. Got 'colleague'",
        id="bad retreat_by",
    ),
    pytest.param(
        {"direction": "up"},
        r"'direction' parameter of scenario must be one of 'less', 'more'",
        id="bad direction",
    ),
    pytest.param({"title": 5}, r"title must be text, got 5", id="title not text"),
    pytest.param({"reference": "market"}, r"'reference' parameter", id="reference not a number"),
    pytest.param({"benchmarks": []}, r"at least one \[\[benchmarks\]\] entry", id="no benchmarks"),
    pytest.param(
        {"benchmarks": "survey"}, r"benchmarks must be a list of tables", id="benchmarks not a list"
    ),
    pytest.param(
        {"benchmarks": [{"name": "survey", "kind": "market-low"}]},
        r"A benchmark is missing value",
        id="benchmark without value",
    ),
    pytest.param(
        {"benchmarks": [benchmark("survey", "rumour", 90000)]},
        r"'kind' parameter of Benchmark must be one of",
        id="unknown benchmark kind",
    ),
    pytest.param(
        {"benchmarks": [benchmark("  ", "market-low", 90000)]},
        r"'name' parameter of Benchmark must say where the figure comes from",
        id="unnamed benchmark",
    ),
    pytest.param(
        {"benchmarks": [benchmark("survey", "market-high", 124000)]},
        r"salary scenario needs a 'market-low' benchmark or an explicit 'reference'",
        id="price without its reference benchmark",
    ),
]


@pytest.mark.parametrize(("changes", "match"), REJECTED)
def test_an_inconsistent_scenario_is_rejected_naming_the_field(changes, match):
    with pytest.raises(InvalidParameterError, match=match):
        build(salary_mapping(**changes))


@pytest.mark.parametrize(
    "field", ["domain", "target", "minimum", "batna", "benchmarks", "counterpart"]
)
def test_each_missing_required_field_is_named(field):
    with pytest.raises(InvalidParameterError, match=rf"The scenario is missing {field};"):
        build(salary_mapping(**{field: None}))


def test_all_missing_fields_are_named_at_once():
    with pytest.raises(InvalidParameterError, match="missing target, minimum, batna, benchmarks"):
        build({"domain": "salary"})


def test_several_unknown_fields_are_named_with_the_allowed_ones():
    with pytest.raises(InvalidParameterError, match=r"field\(s\) colour, mood; allowed: batna,"):
        build(salary_mapping(mood="calm", colour="blue"))


def test_a_buyers_minimum_below_the_target_is_the_reverse_error():
    # For a buyer (direction "less") the minimum is the highest price: 36 undercuts a target of 38.
    with pytest.raises(
        InvalidParameterError,
        match=r"minimum \(36\) is below target \(38\).*for a buyer: the reverse",
    ):
        build(example_mapping("procurement", minimum=36, batna=37))


def test_a_buyers_minimum_worse_than_the_batna_is_rejected():
    with pytest.raises(InvalidParameterError, match=r"minimum \(44\) is worse than batna \(43\)"):
        build(example_mapping("procurement", batna=43))


def test_a_buyers_minimum_must_lie_below_the_list_price():
    with pytest.raises(
        InvalidParameterError,
        match=r"minimum \(53\) must lie beyond the "
        r"reference \(52\)",
    ):
        build(example_mapping("procurement", minimum=53, batna=54, target=38))


@pytest.mark.parametrize(
    ("changes", "fix"),
    [
        ({"minimum": 115000}, "Lower the minimum or raise the target"),
        ({"batna": 101000}, "Set the minimum at least at your BATNA"),
        ({"benchmarks": OUT_OF_ORDER}, "market-low <= market-median <= market-high is required"),
        ({"target": -1}, "for a buyer use direction = 'less'"),
        ({"target": None}, "see examples/plan/ for a template"),
        ({"domain": "astrology"}, "volunteering, pricing, settlement, fundraising"),
        ({"counterpart.accepts_low": 120000}, "Swap them or widen the range"),
    ],
)
def test_messages_say_how_to_fix_the_scenario(changes, fix):
    with pytest.raises(InvalidParameterError, match=re.escape(fix)):
        build(salary_mapping(**changes))


def test_an_unknown_benchmark_field_is_rejected():
    entry = benchmark("survey median", "market-median", 104000) | {"year": 2025}
    data = salary_mapping(benchmarks=[*CLEAN_SALARY["benchmarks"][::2], entry])
    with pytest.raises(InvalidParameterError, match=r"benchmarks.*year"):
        build(data)


def test_the_constructor_checks_benchmarks_and_counterpart_types():
    scenario = build(salary_mapping())
    for bad in ((), ("survey",)):
        with pytest.raises(InvalidParameterError, match=r"at least one \[\[benchmarks\]\]"):
            dataclasses.replace(scenario, benchmarks=bad)
    with pytest.raises(InvalidParameterError, match="'counterpart' must be a CounterpartEstimate"):
        dataclasses.replace(scenario, counterpart={"accepts_low": 1, "accepts_high": 2})
    with pytest.raises(InvalidParameterError, match="Unknown domain 3"):
        dataclasses.replace(scenario, domain=3)


def test_benchmark_and_counterpart_validate_on_their_own():
    with pytest.raises(InvalidParameterError, match="'name' parameter of Benchmark"):
        Benchmark(name=3, kind="norm", value=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'value' parameter of Benchmark 'x'"):
        Benchmark(name="x", kind="norm", value=math.nan)
    with pytest.raises(
        InvalidParameterError, match=r"counterpart\.accepts_low \(2\) must be below"
    ):
        CounterpartEstimate(accepts_low=2, accepts_high=1)
    assert Benchmark(name="x", kind="precedent", value=3).value == 3.0
    assert set(BENCHMARK_KINDS) == {
        "market-low",
        "market-median",
        "market-high",
        "norm",
        "precedent",
    }


# What a valid file means ----------------------------------------------------------------------


def test_the_six_domains_and_their_conventions():
    assert set(DOMAINS) == {
        "salary",
        "procurement",
        "volunteering",
        "pricing",
        "settlement",
        "fundraising",
    }
    assert {name for name, d in DOMAINS.items() if d.direction == "less"} == {"procurement"}
    assert {name for name, d in DOMAINS.items() if d.prosocial} == {"volunteering", "fundraising"}
    assert {name for name, d in DOMAINS.items() if not d.price_like} == {
        "volunteering",
        "fundraising",
    }


def test_a_file_fills_in_the_documented_defaults():
    data = salary_mapping(
        unit=None,
        title=None,
        direction=None,
        delay_hours=None,
        retreat_by=None,
        explanation=None,
        honesty=None,
        **{"counterpart.id": None, "counterpart.distribution": None},
    )
    s = build(data)
    assert (s.unit, s.title, s.direction, s.delay_hours, s.explanation) == (
        "units",
        "",
        "more",
        0.0,
        "",
    )
    assert s.retreat_by_same_person and s.honour_opener
    assert not s.counterpart_vulnerable and not s.power_asymmetry
    assert (s.counterpart.id, s.counterpart.distribution) == ("", "normal")
    assert s.opener is None and s.fallback is None


def test_file_fields_reach_the_scenario():
    s = build(
        salary_mapping(
            retreat_by="other",
            delay_hours=24,
            opener=124000,
            fallback=104000,
            **{"honesty.counterpart_vulnerable": True},
        )
    )
    assert not s.retreat_by_same_person
    assert (s.delay_hours, s.opener, s.fallback) == (24.0, 124000.0, 104000.0)
    assert s.counterpart_vulnerable and s.honour_opener
    assert s.counterpart == CounterpartEstimate(
        accepts_low=96000, accepts_high=118000, id="acme-hr"
    )
    assert s.boldest_benchmark.name == "survey 90th percentile"


@pytest.mark.parametrize(
    ("name", "reference", "boldest"),
    [
        ("salary", 92000, 124000),
        ("procurement", 52, 30),
        ("volunteering", 0, 30),
        ("fundraising", 0, 360),
        ("pricing", 450, 1500),
        ("settlement", 20000, 98000),
    ],
)
def test_the_reference_is_the_counterparts_free_end_of_the_market(name, reference, boldest):
    s = build(example_mapping(name))
    assert s.reference == reference
    assert s.cost(reference) == 0.0
    assert s.boldest_benchmark.value == boldest


def test_an_explicit_reference_overrides_the_market_figure():
    s = build(salary_mapping(reference=95000))
    assert s.reference == 95000.0
    assert s.cost(110000) == 15000.0


def test_the_documented_salary_mapping_onto_cost():
    # docs/plan.md: with a market low of 92,000, 124,000 costs 32,000 and 104,000 costs 12,000.
    s = build(example_mapping("salary"))
    assert (s.cost(124000), s.cost(104000)) == (32000.0, 12000.0)
    buyer = build(example_mapping("procurement"))
    assert (buyer.cost(41), buyer.cost(30)) == (11.0, 22.0)
    assert buyer.better(38, 44) and not buyer.better(44, 38)


@pytest.mark.parametrize("direction", ["more", "less"])
def test_the_counterpart_estimate_reads_a_central_90_percent_range(direction):
    c = CounterpartEstimate(accepts_low=95000, accepts_high=120000)
    p_at = {x: c.p_accepts(x, direction) for x in (95000, 107500, 120000)}
    assert p_at[107500] == pytest.approx(0.5)
    low_end, high_end = (0.95, 0.05) if direction == "more" else (0.05, 0.95)
    assert (p_at[95000], p_at[120000]) == pytest.approx((low_end, high_end))


def test_a_uniform_estimate_is_linear_and_clipped_inside_the_unit_interval():
    c = CounterpartEstimate(accepts_low=10, accepts_high=20, distribution="uniform")
    assert c.p_accepts(12.5, "more") == pytest.approx(0.75)
    assert c.p_accepts(12.5, "less") == pytest.approx(0.25)
    assert 1 - 1e-11 < c.p_accepts(5, "more") < 1
    assert 0 < c.p_accepts(25, "more") < 1e-100


def test_the_toml_and_json_examples_are_the_same_scenario_and_plan():
    toml = build(read_mapping(EXAMPLES / "salary.toml"))
    json_ = build(read_mapping(EXAMPLES / "salary.json"))
    assert toml == json_
    assert plan_report(plan(toml)) == plan_report(plan(json_))


# Properties of random valid scenarios ---------------------------------------------------------


@FAST
@given(scenario_mappings())
def test_random_valid_scenarios_build(data):
    s = build(data)
    assert s.direction == data["direction"]
    assert s.better(s.target, s.minimum) and s.better(s.minimum, s.batna)
    assert s.cost(s.minimum) > 0
    assert s.cost(s.target) >= s.cost(s.minimum)
    assert s.gain(s.batna) == 0.0
    assert s.sign * (s.boldest_benchmark.value - s.reference) >= 0


@FAST
@given(scenario_mappings(), st.floats(0, 2), st.floats(0, 2))
def test_the_cost_mapping_is_monotone_and_inverts(data, u, v):
    s = build(data)
    top = 2 * max(s.target, s.reference, max(b.value for b in s.benchmarks))
    x, y = u * top / 2, v * top / 2
    tolerance = 1e-12 * top
    assert s.amount(s.cost(x)) == pytest.approx(x, rel=1e-12, abs=tolerance)
    assert s.cost(s.amount(s.cost(y))) == pytest.approx(s.cost(y), rel=1e-12, abs=tolerance)
    if abs(x - y) > tolerance:  # more cost to them is better for you, in either direction
        assert s.better(x, y) == (s.cost(x) > s.cost(y))
    assert s.gain(x) - s.gain(y) == pytest.approx(s.cost(x) - s.cost(y), abs=tolerance)


@FAST
@given(scenario_mappings(), st.floats(0, 1), st.floats(0, 1))
def test_asking_for_more_never_raises_p_yes_alone(data, u, v):
    s = build(data)
    top = 2 * max(s.target, s.reference, s.counterpart.accepts_high)
    x, y = u * top, v * top
    if s.better(x, y):
        x, y = y, x  # y is now the bolder ask
    assert EPS <= s.baseline(y) <= s.baseline(x) <= 1 - 1e-12


@pytest.mark.parametrize("first", [True, False], ids=["listed first", "listed last"])
def test_a_second_market_high_below_market_low_is_refused_wherever_it_is_listed(first):
    # Issue 12, item 9: the order check compared one value per kind, so a second market-high
    # listed before the valid one slipped through.
    data = salary_mapping()
    bad = {"name": "a stale survey", "kind": "market-high", "value": 90000}
    data["benchmarks"] = [bad, *data["benchmarks"]] if first else [*data["benchmarks"], bad]
    with pytest.raises(InvalidParameterError, match="benchmarks are out of order"):
        plan_scenario_from_mapping(data)
