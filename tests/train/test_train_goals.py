"""The minimum is worded by the scenario's direction: a buyer's is the most they will pay."""

from __future__ import annotations

import pytest
from train_factories import ALL, mapping

from ditf.train import Choice, play_round, trainer_scenario, trainer_scenario_from_mapping

EXPLAINED = "I understand; I give up a lot, but I still need this much for the contract."
BENCHMARKS = [
    {"name": "the lowest quote", "kind": "market-low", "value": 80000},
    {"name": "the median quote", "kind": "market-median", "value": 95000},
    {"name": "the highest quote", "kind": "market-high", "value": 120000},
]


def test_a_buyer_is_told_the_most_they_will_pay():
    # The reported case: a buyer whose "minimum" (48,000) is the most they will pay.
    s = trainer_scenario("procurement-practitioner")
    assert s.scenario.direction == "less"
    r = play_round(s, Choice(opener=38000, fallback=45000, explanation=EXPLAINED), rng=0)
    goal = next(g for g in r.goals if g.id == "fallback-meets-minimum")
    assert goal.text == "Never retreat above the most you will pay."
    assert goal.detail == (
        "Your request (45,000 EUR per year) stays within the most you will pay "
        "(48,000 EUR per year)."
    )
    shown = next(g for g in s.to_dict()["goals"] if g["id"] == "fallback-meets-minimum")
    assert shown["text"] == goal.text


def test_a_buyer_past_the_most_they_will_pay_is_told_so():
    s = trainer_scenario("procurement-practitioner")
    r = play_round(s, Choice(opener=38000, fallback=50000, explanation=EXPLAINED), rng=0)
    goal = next(g for g in r.goals if g.id == "fallback-meets-minimum")
    assert not goal.met
    assert goal.detail == (
        "Your request (50,000 EUR per year) is above the most you will pay (48,000 EUR per year)."
    )
    direct = play_round(s, Choice(fallback=50000), rng=0)
    assert direct.option("yours").why_not == "it is above the most you will pay"


@pytest.mark.parametrize(
    "s", [s for s in ALL if "fallback-meets-minimum" in s.goals], ids=lambda s: s.id
)
def test_every_bundled_scenario_words_the_minimum_by_its_direction(s):
    text = s.goal_text("fallback-meets-minimum")
    if s.scenario.direction == "more":
        assert text == "Never retreat below your minimum."
    else:
        assert text == "Never retreat above the most you will pay."
        r = play_round(s, Choice(fallback=s.scenario.minimum), rng=0)
        assert all("minimum" not in f"{g.text} {g.detail}" for g in r.goals)


#: An employer pays a salary (less is better); a supplier sells in procurement (more is).
EMPLOYER = {
    "domain": "salary",
    "direction": "less",
    "target": 90000,
    "minimum": 100000,
    "batna": 105000,
    "counterpart": {"accepts_low": 85000, "accepts_high": 100000},
}
SUPPLIER = {
    "domain": "procurement",
    "direction": "more",
    "target": 110000,
    "minimum": 100000,
    "batna": 95000,
    "counterpart": {"accepts_low": 95000, "accepts_high": 110000},
}


@pytest.mark.parametrize(
    ("plan", "role", "fallback", "past"),
    [(EMPLOYER, "the candidate", 102000, "above the most you will pay"),
     (SUPPLIER, "the buyer", 98000, "below your minimum")],
    ids=["employer", "supplier"],
)  # fmt: skip
def test_the_direction_decides_not_the_domain(plan, role, fallback, past):
    scenario = trainer_scenario_from_mapping(
        mapping(
            goals=["fallback-meets-minimum"],
            plan=plan | {"unit": "EUR", "benchmarks": BENCHMARKS},
            as_target={"role": role, "briefing": "You negotiate.", "limit": 100000},
        )
    )
    r = play_round(scenario, Choice(fallback=fallback), rng=0)
    assert r.goals[0].text == f"Never retreat {past}."
    assert r.goals[0].detail == f"Your request ({fallback:,} EUR) is {past} (100,000 EUR)."
    assert r.option("yours").why_not == f"it is {past}"
