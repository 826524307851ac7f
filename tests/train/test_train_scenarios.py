"""Trainer scenarios: every domain and level loads, validates and plans; bad ones are refused."""

from __future__ import annotations

import json

import pytest
from train_factories import ALL, IDS, mapping, with_plan

import ditf.train._scenario as scenario_module
from ditf._errors import DataError, InvalidParameterError
from ditf.plan import DOMAINS, PlanScenario, plan
from ditf.train import (
    GOALS,
    LEVELS,
    TrainerScenario,
    load_trainer_scenarios,
    pick_scenario,
    trainer_scenario,
    trainer_scenario_from_mapping,
)

PAIRS = [(d, level) for d in DOMAINS for level in LEVELS]


@pytest.mark.parametrize(("domain", "level"), PAIRS, ids=[f"{d}-{lv}" for d, lv in PAIRS])
def test_every_domain_and_level_has_a_valid_scenario(domain, level):
    found = load_trainer_scenarios(domain, level)
    assert found
    for s in found:
        assert isinstance(s, TrainerScenario)
        assert isinstance(s.scenario, PlanScenario)
        assert (s.domain, s.level) == (domain, level)
        assert s.briefing.strip() and s.title.strip()
        assert set(s.goals) <= set(GOALS)
        assert s.source == f"trainer/{domain}.toml"
        # The trainee chooses the asks; the scenario leaves them open.
        assert s.scenario.opener is None and s.scenario.fallback is None


@pytest.mark.parametrize("s", ALL, ids=IDS)
def test_every_scenario_plans_within_its_minimum(s):
    p = plan(s.scenario, prior_retreats=s.prior_retreats)
    assert s.scenario.better(p.fallback, s.scenario.minimum)
    assert s.scenario.gain(s.scenario.target) > 0


@pytest.mark.parametrize("s", ALL, ids=IDS)
def test_the_target_side_has_room_to_agree_and_to_be_pushed(s):
    p = s.scenario
    assert 0 < p.cost(s.as_target.limit) < p.cost(p.boldest_benchmark.value)
    assert s.within_limit(s.as_target.limit)


@pytest.mark.parametrize(
    ("level", "goal"),
    [("beginner", "ask-big-first"), ("practitioner", "calibrated-opener"),
     ("practitioner", "fallback-has-criterion"), ("practitioner", "retreat-at-once")],
)  # fmt: skip
def test_each_level_teaches_its_lesson(level, goal):
    for s in load_trainer_scenarios(level=level):
        assert goal in s.goals, s.id


def test_advanced_scenarios_each_hold_a_temptation_to_manipulate():
    for s in load_trainer_scenarios(level="advanced"):
        angles = {
            "vulnerable": s.scenario.counterpart_vulnerable,
            "repeated use": s.prior_retreats > 0,
            "theatre": s.honour_limit is not None,
            "a tempting absurd opener": {"credible-opener", "honest-opener"} <= set(s.goals),
        }
        assert any(angles.values()), s.id
    kinds = load_trainer_scenarios(level="advanced")
    assert any(s.scenario.counterpart_vulnerable for s in kinds)
    assert any(s.prior_retreats > 0 for s in kinds)
    assert any(s.honour_limit is not None for s in kinds)


def test_the_zoo_trip_keeps_cialdinis_baseline():
    """Cialdini et al. (1975), Exp. 1: 4 of 24 (16.7%) agreed to the 2-hour trip asked alone."""
    s = trainer_scenario("volunteering-beginner")
    assert s.scenario.baseline(2) == pytest.approx(4 / 24, abs=0.005)
    assert s.scenario.boldest_benchmark.value == 208


def test_lookups():
    assert trainer_scenario("pricing-advanced").honour_limit == 14000
    assert [s.level for s in load_trainer_scenarios("salary")] == list(LEVELS)
    assert len(load_trainer_scenarios(level="beginner")) == len(DOMAINS)
    with pytest.raises(InvalidParameterError, match=r"Unknown trainer scenario 'nope'.*salary"):
        trainer_scenario("nope")
    with pytest.raises(InvalidParameterError, match="'domain' parameter of load_trainer"):
        load_trainer_scenarios("chess")
    with pytest.raises(InvalidParameterError, match="'level' parameter of load_trainer"):
        load_trainer_scenarios(level="expert")


def test_pick_scenario_is_reproducible_and_covers_the_domains():
    assert pick_scenario(rng=4) is pick_scenario(rng=4)
    assert pick_scenario(domain="settlement", level="advanced", rng=0).id == "settlement-advanced"
    seen = {pick_scenario(level="practitioner", rng=seed).domain for seed in range(60)}
    assert seen == set(DOMAINS)
    with pytest.raises(InvalidParameterError, match="'level' parameter of pick_scenario"):
        pick_scenario(level="guru")


def test_to_dict_is_json_ready():
    for s in ALL:
        d = s.to_dict()
        assert json.loads(json.dumps(d, allow_nan=False)) == d
        assert d["goals"][0]["text"] == GOALS[s.goals[0]]
        assert s.summary() == {k: d[k] for k in ("id", "domain", "level", "title", "unit")}


def test_a_scenario_of_your_own():
    s = trainer_scenario_from_mapping(mapping(prior_retreats=1, honour_limit=80))
    assert (s.prior_retreats, s.honour_limit, s.as_target.limit) == (1, 80.0, 20.0)
    assert s.theatrical(81) and not s.theatrical(80)


BAD = [
    (mapping(colour="red"), "Unknown trainer scenario field(s) colour"),
    (mapping(briefing=None), "missing briefing"),
    (mapping(plan=[1]), "plan must be a table"),
    (mapping(goals="ask-big-first"), "goals must be a list"),
    (mapping(goals=[]), "non-empty list of distinct goal ids"),
    (mapping(goals=["ask-big-first", "ask-big-first"]), "distinct goal ids"),
    (mapping(goals=["win"]), "Unknown goal id(s) 'win'"),
    (mapping(id="Salary Beginner"), "must be a slug"),
    (mapping(level="expert"), "'level' parameter of TrainerScenario"),
    (mapping(title=" "), "title must be non-empty text"),
    (mapping(as_target={"role": "x", "briefing": "y"}), "as_target needs role, briefing and limit"),
    (mapping(as_target={"role": "x", "briefing": "y", "limit": 5, "mood": 1}), "as_target needs"),
    (mapping(as_target={"role": "", "briefing": "y", "limit": 5}), "as_target.role must be"),
    (mapping(as_target={"role": "x", "briefing": "y", "limit": "5"}), "as_target.limit must be a"),
    (mapping(as_target={"role": "x", "briefing": "y", "limit": 50}), "as_target.limit (50)"),
    (mapping(as_target={"role": "x", "briefing": "y", "limit": 0}), "as_target.limit (0)"),
    (mapping(honour_limit=20), "honour_limit (20) must lie beyond target"),
    (mapping(honour_limit=-1), "honour_limit must be a finite amount"),
    (mapping(honour_limit=True), "honour_limit must be a number"),
    (mapping(prior_retreats=-1), "'prior_retreats' parameter of TrainerScenario"),
    (mapping(source=3), "'source' parameter of TrainerScenario"),
    (with_plan(opener=100), "leaves the opener and the fallback to the trainee"),
    (with_plan(target=10, minimum=10, batna=10), "target (10) must beat batna (10)"),
    (with_plan(domain="chess"), "Unknown domain 'chess'"),
]


@pytest.mark.parametrize(("data", "match"), BAD, ids=[m for _, m in BAD])
def test_a_bad_scenario_names_the_field(data, match):
    with pytest.raises(InvalidParameterError, match=match.replace("(", r"\(").replace(")", r"\)")):
        trainer_scenario_from_mapping(data)


def test_not_a_table():
    with pytest.raises(InvalidParameterError, match="must be a table"):
        trainer_scenario_from_mapping([1, 2])  # type: ignore[arg-type]


def test_constructed_with_the_wrong_parts():
    good = trainer_scenario_from_mapping(mapping())
    fields = {f: getattr(good, f) for f in TrainerScenario.__dataclass_fields__}
    with pytest.raises(InvalidParameterError, match="must be a PlanScenario"):
        TrainerScenario(**(fields | {"scenario": "salary"}))
    with pytest.raises(InvalidParameterError, match="must be a TargetBrief"):
        TrainerScenario(**(fields | {"as_target": 20}))


def test_a_broken_bundled_scenario_is_a_data_error(monkeypatch):
    monkeypatch.setattr(
        scenario_module, "load_trainer_data",
        lambda: (mapping(source="trainer/salary.toml"),),
    )  # fmt: skip
    scenario_module._bundled.cache_clear()
    try:
        with pytest.raises(DataError, match="its plan's domain is 'fundraising', not 'salary'"):
            load_trainer_scenarios()
        monkeypatch.setattr(
            scenario_module, "load_trainer_data",
            lambda: (mapping(goals=["win"], source="trainer/fundraising.toml"),),
        )  # fmt: skip
        scenario_module._bundled.cache_clear()
        with pytest.raises(DataError, match=r"trainer/fundraising.toml, scenario 'my-fundraiser'"):
            load_trainer_scenarios()
    finally:
        monkeypatch.undo()
        scenario_module._bundled.cache_clear()
