"""A round as the requester: reproducible, scored on expectations, with the real planner."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from train_factories import ALL, mapping

from ditf._errors import InvalidParameterError
from ditf.plan import plan
from ditf.train import (
    BLOCKING_PENALTY,
    GOAL_POINTS,
    LUCK_NOTE,
    VALUE_POINTS,
    Choice,
    RoundResult,
    load_trainer_scenarios,
    play_round,
    trainer_scenario,
    trainer_scenario_from_mapping,
)

EXPLAINED = "I understand; I give up a lot, but I still need this much for the role."
ASK_RULES = {"fallback-below-minimum", "fallback-below-batna", "no-objective-criterion",
             "power-asymmetry"}  # fmt: skip


def planner_choice(s) -> Choice:
    p = plan(s.scenario, prior_retreats=s.prior_retreats)
    return Choice(opener=p.opener, fallback=p.fallback, explanation=EXPLAINED)


def best_direct(r: RoundResult) -> float:
    keys = {o.key: o for o in r.options}
    return (keys.get("best-direct") or keys["target-direct"]).fallback


def test_the_same_seed_gives_the_same_round():
    s = trainer_scenario("salary-beginner")
    c = Choice(opener=54000, fallback=51000, explanation=EXPLAINED)
    assert play_round(s, c, rng=11).to_dict() == play_round(s, c, rng=11).to_dict()
    gen_a, gen_b = np.random.default_rng(3), np.random.default_rng(3)
    assert play_round(s, c, rng=gen_a) == play_round(s, c, rng=gen_b)


def test_the_score_does_not_depend_on_the_sampled_answers():
    s = trainer_scenario("pricing-beginner")
    c = Choice(opener=2200, fallback=1800, explanation=EXPLAINED)
    rounds = [play_round(s, c, rng=seed) for seed in range(40)]
    assert len({r.answers.result for r in rounds}) > 1
    assert len({r.score for r in rounds}) == 1
    assert all(r.luck_note == LUCK_NOTE for r in rounds)


@pytest.mark.parametrize(
    "s",
    [s for s in ALL if s.level in ("beginner", "practitioner")],
    ids=lambda s: s.id,
)
def test_playing_the_planners_plan_scores_full_marks(s):
    r = play_round(s, planner_choice(s), rng=0)
    assert r.score.total == 100.0, (r.score, [g for g in r.goals if not g.met])
    assert r.score.value_ratio == pytest.approx(1.0)
    assert r.option("yours").expected_value == pytest.approx(r.option("planner").expected_value)


def test_a_round_with_the_technique():
    s = trainer_scenario("volunteering-beginner")
    r = play_round(s, Choice(opener=208, fallback=2, explanation=EXPLAINED), rng=2)
    assert r.role == "requester" and not r.theatrical
    assert [o.key for o in r.options] == [
        "yours", "planner", "target-direct", "best-opener", "fallback-direct",
    ]  # fmt: skip
    # Cialdini et al. (1975): the retreat lifts P(yes) to the zoo trip above asking alone.
    assert r.p_fallback_after is not None and r.p_fallback_after > r.p_fallback_alone
    assert r.option("fallback-direct").p_yes == pytest.approx(r.p_fallback_alone)
    helped = {m.mechanism for m in r.mechanisms if m.effect == "helped"}
    assert {"reciprocity", "contrast"} <= helped
    assert any("Selection" in m.text for m in r.mechanisms)
    assert r.findings == ()
    assert any("raises P(yes) to your request" in line for line in r.feedback)
    assert r.planner_script[1].startswith("Retreat at once")


def test_a_direct_ask_is_priced_by_your_estimate_and_audited_on_the_request_only():
    s = trainer_scenario("settlement-practitioner")
    r = play_round(s, Choice(fallback=16000), rng=5)
    yours = r.option("yours")
    assert yours.opener is None and yours.p_lo == yours.p_yes == yours.p_hi
    assert yours.p_yes == pytest.approx(s.scenario.baseline(16000))
    assert yours.expected_value == pytest.approx(yours.p_yes * s.scenario.gain(16000))
    assert r.answers.opener_answer is None and r.answers.fallback_answer is not None
    assert r.mechanisms == () and r.p_fallback_after is None
    assert {f.id for f in r.findings} <= ASK_RULES
    assert "fallback-below-minimum" in {f.id for f in r.findings}
    assert not yours.admissible
    assert r.score.penalty_points == 2 * BLOCKING_PENALTY  # below minimum and below BATNA


def test_the_score_follows_its_formula():
    s = trainer_scenario("salary-practitioner")
    r = play_round(s, Choice(opener=84000, fallback=76000, delay_hours=4), rng=0)
    sc = r.score
    best = max((o for o in r.options if o.admissible), key=lambda o: o.expected_value)
    assert sc.reference == best.key and sc.reference_value == best.expected_value
    ratio = min(1.0, max(0.0, r.option("yours").expected_value / best.expected_value))
    assert sc.value_ratio == pytest.approx(ratio)
    assert sc.value_points == pytest.approx(VALUE_POINTS * ratio)
    met = sum(g.met for g in r.goals)
    assert (sc.goals_met, sc.goals_total) == (met, len(s.goals))
    assert sc.goal_points == pytest.approx(GOAL_POINTS * met / len(s.goals))
    total = sc.value_points + sc.goal_points - sc.penalty_points
    assert sc.total == round(min(100.0, max(0.0, total)), 1)
    # The delay misses "retreat at once" and the audit warns about it.
    assert not next(g for g in r.goals if g.id == "retreat-at-once").met
    assert "delayed-retreat" in {f.id for f in r.findings}
    assert any("4 h delay" in m.text for m in r.mechanisms if m.mechanism == "reciprocity")


def test_an_opener_beyond_the_honour_limit_is_theatre():
    s = trainer_scenario("volunteering-advanced")
    honest = play_round(s, Choice(opener=12, fallback=6, explanation=EXPLAINED), rng=0)
    theatre = play_round(s, Choice(opener=40, fallback=6, explanation=EXPLAINED), rng=0)
    assert not honest.theatrical and theatre.theatrical
    assert "theatrical-opener" in {p.id for p in theatre.score.penalties}
    goal = next(g for g in theatre.goals if g.id == "honest-opener")
    assert not goal.met and "12 hours a month" in goal.detail
    assert theatre.score.total < honest.score.total


def test_a_declared_theatrical_opener_is_penalised():
    s = trainer_scenario("salary-advanced")
    c = Choice(opener=94000, fallback=88000, explanation=EXPLAINED)
    honest = play_round(s, c, rng=0)
    theatre = play_round(s, dataclasses.replace(c, honour_opener=False), rng=0)
    assert theatre.theatrical and not honest.theatrical
    assert theatre.score.penalty_points == honest.score.penalty_points + BLOCKING_PENALTY
    assert "declared you would not honour" in next(
        g.detail for g in theatre.goals if g.id == "honest-opener"
    )


@pytest.mark.parametrize("scenario_id", ["procurement-advanced", "fundraising-advanced"])
def test_a_vulnerable_counterpart_gets_a_plain_request(scenario_id):
    s = trainer_scenario(scenario_id)
    plain = play_round(
        s, Choice(fallback=best_direct(play_round(s, Choice(fallback=s.scenario.target))))
    )
    assert plain.score.total == 100.0
    planner = play_round(s, planner_choice(s))
    assert not planner.option("planner").admissible
    assert "vulnerable-counterpart" in {f.id for f in planner.findings}
    assert planner.score.total < plain.score.total
    assert not next(g for g in planner.goals if g.id == "spare-the-vulnerable").met


def test_repeated_use_rules_the_technique_out():
    s = trainer_scenario("settlement-advanced")
    planner = play_round(s, planner_choice(s))
    assert "ruled out" in planner.option("planner").why_not
    assert "repeated-use" in {f.id for f in planner.findings}
    plain = play_round(s, Choice(fallback=best_direct(planner)))
    assert plain.score.total == 100.0 > planner.score.total
    assert any("best admissible option" in line for line in planner.feedback)


def test_an_absurd_opener_is_blocked_and_explained():
    s = trainer_scenario("salary-advanced")
    r = play_round(s, Choice(opener=160000, fallback=88000, explanation=EXPLAINED), rng=0)
    ids = {f.id for f in r.findings}
    assert {"absurd-opener", "opener-beyond-benchmarks"} <= ids
    cred = next(m for m in r.mechanisms if m.mechanism == "credibility")
    assert cred.effect == "hurt" and cred.points < 0
    assert not next(g for g in r.goals if g.id == "credible-opener").met
    assert not r.option("yours").admissible


def test_goal_details_for_a_direct_ask_at_the_practitioner_level():
    s = trainer_scenario("fundraising-practitioner")
    r = play_round(s, Choice(fallback=150), rng=0)
    goals = {g.id: g for g in r.goals}
    assert goals["credible-opener"].met  # no opener: nothing to justify
    for gid in ("calibrated-opener", "retreat-at-once", "explain-concession"):
        assert not goals[gid].met and "asked directly" in goals[gid].detail
    assert goals["fallback-has-criterion"].met


def test_a_short_explanation_misses_the_goal():
    s = trainer_scenario("fundraising-practitioner")
    r = play_round(s, Choice(opener=500, fallback=150, explanation="sorry"), rng=0)
    goal = next(g for g in r.goals if g.id == "explain-concession")
    assert not goal.met and "1 word(s)" in goal.detail
    assert "unexplained-concession" not in {f.id for f in r.findings}


def test_a_fallback_without_a_criterion():
    s = trainer_scenario("pricing-practitioner")
    r = play_round(s, Choice(opener=31000, fallback=30500, explanation=EXPLAINED), rng=0)
    assert not next(g for g in r.goals if g.id == "fallback-has-criterion").met
    assert "no-objective-criterion" in {f.id for f in r.findings}


def test_the_answers_record():
    s = trainer_scenario("fundraising-beginner")
    c = Choice(opener=25, fallback=20, explanation=EXPLAINED)
    results = {}
    for seed in range(200):
        a = play_round(s, c, rng=seed).answers
        results.setdefault(a.result, a)
    first, second, refused = (results[k] for k in ("accepted-opener", "accepted-fallback",
                                                   "refused"))  # fmt: skip
    assert (first.opener_answer, first.fallback_answer, first.p_fallback) == (True, None, None)
    assert first.agreed == 25 and first.value == s.scenario.gain(25)
    assert (second.opener_answer, second.fallback_answer, second.agreed) == (False, True, 20)
    assert (refused.agreed, refused.value, refused.fallback_answer) == (None, 0.0, False)
    assert 0 < second.p_opener < 1 and 0 < second.p_fallback < 1


def test_to_dict_is_json_ready_for_the_journal():
    s = trainer_scenario("procurement-practitioner")
    r = play_round(s, Choice(opener=36000, fallback=43000, explanation=EXPLAINED), rng=3)
    d = r.to_dict()
    assert json.loads(json.dumps(d, allow_nan=False)) == d
    assert d["role"] == "requester" and d["scenario"]["id"] == s.id
    assert d["score"]["total"] == r.score.total
    assert d["options"][0]["key"] == "yours"
    assert {m["mechanism"] for m in d["mechanisms"]} >= {"reciprocity", "selection"}
    with pytest.raises(KeyError):
        r.option("nonsense")


def test_a_buyer_opens_low():
    s = trainer_scenario("procurement-beginner")
    with pytest.raises(
        InvalidParameterError, match=r"opener \(300 EUR per chair\) must ask for less"
    ):
        play_round(s, Choice(opener=300, fallback=280))
    with pytest.raises(InvalidParameterError, match="must lie below 360 EUR per chair"):
        play_round(s, Choice(fallback=360))


@pytest.mark.parametrize(
    ("choice", "match"),
    [
        (Choice(fallback=44000), "must lie above 44,000 EUR"),
        (Choice(opener=50000, fallback=52000), r"opener \(50,000 EUR\) must ask for more"),
        (Choice(opener=1e12, fallback=44001), "more than 1e\\+06 times the fallback"),
    ],
    ids=["fallback at the reference", "opener below fallback", "astronomical opener"],
)
def test_a_choice_the_model_cannot_price_is_refused(choice, match):
    with pytest.raises(InvalidParameterError, match=match):
        play_round(trainer_scenario("salary-beginner"), choice)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"fallback": -1}, "'fallback' parameter of Choice"),
        ({"fallback": float("nan")}, "'fallback' parameter of Choice"),
        ({"fallback": 2, "opener": -3}, "'opener' parameter of Choice"),
        ({"fallback": 2, "opener": "big"}, "'opener' parameter of Choice"),
        ({"fallback": 2, "delay_hours": -1}, "'delay_hours' parameter of Choice"),
        ({"fallback": 2, "delay_hours": 1e7}, "'delay_hours' parameter of Choice"),
        ({"fallback": 2, "explanation": 5}, "'explanation' parameter of Choice"),
        ({"fallback": 2, "explanation": "x" * 2001}, "at most 2000 characters"),
        ({"fallback": 2, "honour_opener": "yes"}, "'honour_opener' parameter of Choice"),
    ],
)
def test_choice_validation(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        Choice(**kwargs)


def test_play_round_checks_its_arguments():
    s = trainer_scenario("salary-beginner")
    with pytest.raises(InvalidParameterError, match=r"must be a TrainerScenario\. Got str"):
        play_round("salary-beginner", Choice(fallback=50000))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"must be a Choice\. Got dict"):
        play_round(s, {"fallback": 50000})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="'rng' parameter"):
        play_round(s, Choice(fallback=50000), rng=-1)


def test_every_bundled_scenario_plays():
    for s in load_trainer_scenarios():
        r = play_round(s, Choice(fallback=s.scenario.target), rng=0)
        assert 0 <= r.score.total <= 100


def test_restraint_goals_are_met_when_nothing_calls_for_restraint():
    s = trainer_scenario_from_mapping(
        mapping(goals=["spare-the-vulnerable", "avoid-repeated-retreat"])
    )
    r = play_round(s, Choice(opener=50, fallback=30), rng=0)
    assert all(g.met for g in r.goals)
    assert r.option("planner").admissible
    assert [g.detail for g in r.goals] == [
        "The counterpart is not vulnerable.",
        "This counterpart has not seen a retreat from you before.",
    ]


def test_penalties_are_listed_in_the_json():
    s = trainer_scenario("volunteering-advanced")
    d = play_round(s, Choice(opener=40, fallback=6), rng=0).to_dict()
    penalties = {p["id"]: p for p in d["score"]["penalties"]}
    assert penalties["theatrical-opener"]["points"] == BLOCKING_PENALTY
    assert penalties["theatrical-opener"]["title"]
