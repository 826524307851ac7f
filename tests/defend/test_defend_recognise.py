"""Recognition: each pattern, its evidence, the scoring rules, and their tie to the model."""

from __future__ import annotations

import math

import pytest
from defend_factories import case_mappings, hours_mapping, retreat, vendor_mapping
from hypothesis import given, settings

from ditf import InvalidParameterError
from ditf.defend import (
    PATTERNS,
    THRESHOLD,
    WEIGHTS,
    Episode,
    defend_case_from_mapping,
    estimate_pressure,
    recognise,
)
from ditf.model import load_model

PARAMS = load_model().params
#: Norms wide enough that no opener here lies beyond them (no sign of theatre).
WIDE = [{"name": "n", "kind": "norm", "value": 100}, {"name": "m", "kind": "norm", "value": 200}]


def recognised(mapping, **kwargs):
    return recognise(defend_case_from_mapping(mapping), **kwargs)


def test_weights_sum_to_one_per_candidate():
    for weights in WEIGHTS.values():
        assert math.isclose(sum(weights.values()), 1.0)


def test_immediate_unexplained_retreat_beyond_the_benchmarks_is_door_in_the_face():
    r = recognised(hours_mapping(retreat(40, 3, explanation="")))
    assert r.pattern == "door-in-the-face" and r.shape == "retreat"
    e = r.evidence
    assert e.previous == 40 and e.current == 3 and e.n_requests == 2
    assert e.amount_ratio == pytest.approx(40 / 3) and e.cost_ratio == pytest.approx(40 / 3)
    assert e.log_cost_ratio == pytest.approx(math.log(40 / 3))
    assert e.minutes_between == 1 and e.same_requester is True and e.explained is False
    assert e.peak == 40 and e.limit.name == "a full weekend" and e.peak_beyond
    assert e.peak_excess == pytest.approx(math.log(40 / 16))
    assert e.peak_excess_ratio == pytest.approx(2.5)
    parts = {c.name: c for c in r.components}
    assert list(parts) == list(WEIGHTS["door-in-the-face"])
    x = math.log(40 / 3)
    assert parts["drop"].score == pytest.approx(x / (x + PARAMS.saturation))
    assert parts["timing"].score == pytest.approx(2 ** (-(1 / 60) / PARAMS.half_life_hours))
    assert parts["same_requester"].score == 1.0
    assert parts["opener_beyond_benchmarks"].score == pytest.approx(1 - 16 / 40)
    assert parts["no_explanation"].score == 1.0
    assert r.confidence == pytest.approx(sum(c.points for c in r.components))
    assert r.confidence == r.score > 0.85


def test_explained_retreat_within_the_benchmarks_scores_lower_but_is_still_named():
    theatrical = recognised(hours_mapping(retreat(40, 3, explanation="")))
    honest = recognised(hours_mapping(retreat(12, 3)))
    assert honest.pattern == "door-in-the-face"
    assert THRESHOLD <= honest.confidence < theatrical.confidence
    details = {c.name: c.detail for c in honest.components}
    assert "they gave a reason" in details["no_explanation"]
    assert "within a full weekend" in details["opener_beyond_benchmarks"]


def test_a_smaller_figure_from_someone_else_is_two_requesters_not_a_retreat():
    # Fact 3: a retreat is a concession only when the same party made the first demand, so
    # two requesters are named for what they are, however fast the second follows.
    for minutes in (1, 3 * 24 * 60):
        r = recognised(hours_mapping(retreat(12, 3, minutes=minutes, other=True)))
        assert (r.pattern, r.shape, r.confidence) == ("two-requesters", "retreat", 1.0)
        assert "A made the first request, B the second" in r.components[2].detail


def test_single_and_repeated_requests_are_plain_with_full_confidence():
    single = recognised(hours_mapping(retreat(3, 3)[:1]))
    assert (single.pattern, single.shape, single.confidence) == ("plain-request", "single", 1.0)
    assert single.components == () and single.evidence.previous is None
    same = recognised(hours_mapping(retreat(3, 3)))
    assert (same.pattern, same.shape, same.confidence) == ("plain-request", "repeat", 1.0)


def test_small_yes_then_a_large_request_is_foot_in_the_door():
    r = recognised(hours_mapping(retreat(0.25, 20, minutes=2880)))
    assert r.pattern == "foot-in-the-door" and r.shape == "escalation"
    parts = {c.name: c.score for c in r.components}
    assert list(parts) == list(WEIGHTS["foot-in-the-door"])
    x = math.log(20 / 0.25)
    assert parts["step_up"] == pytest.approx(x / (x + PARAMS.saturation))
    assert parts["small_first_request"] == 1.0
    assert parts["beyond_benchmarks"] == pytest.approx(1 - 16 / 20)
    # A mild step from someone else, starting above your limit, is no technique.
    weak = recognised(hours_mapping(retreat(5, 6, other=True)))
    assert weak.pattern == "plain-request" and weak.shape == "escalation"


def test_repeated_retreat_needs_earlier_retreats_from_the_same_counterpart():
    earlier = [retreat(14000, 11000), retreat(13900, 11200, explanation="")]
    r = recognised(vendor_mapping(episodes=earlier))
    assert r.pattern == "repeated-retreat"
    assert r.prior_retreats == 2 == r.evidence.past_retreats
    assert r.confidence == pytest.approx((r.score + sum(r.past_scores)) / 3)
    # Earlier plain requests do not make a pattern.
    plain = recognised(vendor_mapping(episodes=[retreat(11000, 11000), retreat(10000, 13000)]))
    assert plain.pattern == "door-in-the-face" and plain.prior_retreats == 0


def test_past_episodes_from_the_journal_count_and_unknown_reasons_are_left_out():
    journal = [Episode.from_ask(opener=14200, fallback=11300, delay_hours=0.02)]
    r = recognised(vendor_mapping(), past_episodes=journal)
    assert r.pattern == "repeated-retreat" and r.prior_retreats == 1
    # The journal's episode has no known reason: its score renormalises over the rest.
    assert 0 < r.past_scores[0] <= 1


def test_past_episodes_that_cost_nothing_on_this_scale_are_skipped():
    other_scale = [Episode.from_ask(opener=120, fallback=100)]
    r = recognised(vendor_mapping(), past_episodes=other_scale)
    assert r.past_skipped == 1 and r.pattern == "door-in-the-face"


def test_past_episodes_must_be_episodes():
    with pytest.raises(InvalidParameterError, match="past_episodes must hold Episode"):
        recognised(vendor_mapping(), past_episodes=[{"opener": 1}])


def test_a_worst_benchmark_costing_nothing_puts_any_opener_beyond():
    r = recognised(
        vendor_mapping(
            benchmarks=[{"name": "list price", "kind": "market-low", "value": 9000}],
            alone_answer="no",
        )
    )
    beyond = {c.name: c for c in r.components}["opener_beyond_benchmarks"]
    assert beyond.score == 1.0 and "beyond every benchmark" in beyond.detail
    assert r.evidence.peak_excess_ratio is None and r.evidence.peak_excess == 0.0


@settings(max_examples=150, deadline=None)
@given(case_mappings())
def test_confidence_is_a_probability_and_the_pattern_is_known(mapping):
    r = recognised(mapping)
    assert r.pattern in PATTERNS
    assert 0.0 <= r.confidence <= 1.0 and 0.0 <= r.score <= 1.0
    for c in r.components:
        assert c.score is None or 0.0 <= c.score <= 1.0
    if r.pattern in ("door-in-the-face", "foot-in-the-door"):
        assert r.confidence >= THRESHOLD


# the rules against the model's own behaviour ------------------------------------------------


@pytest.mark.parametrize("domain", ["volunteering", "fundraising"])
@pytest.mark.parametrize("ratio", [2, 5, 20])
def test_the_rule_follows_the_model_on_delay(ratio, domain):
    """Named at once, when the model's lift is largest; not a day later, when it is gone."""

    def case(minutes):
        return defend_case_from_mapping(
            hours_mapping(retreat(ratio * 2, 2, minutes=minutes), domain=domain, benchmarks=WIDE)
        )

    at_once, next_day = case(1), case(24 * 60)
    assert recognise(at_once).pattern == "door-in-the-face"
    assert recognise(next_day).pattern == "plain-request"
    lift_now = estimate_pressure(at_once, n_draws=400).pressure
    lift_later = estimate_pressure(next_day, n_draws=400).pressure
    assert lift_now > 0.05 and lift_later < 0.1 * lift_now


@pytest.mark.parametrize("ratio", [2, 5, 20])
def test_the_rule_follows_the_model_on_the_requester(ratio):
    """Someone else's retreat is no concession: named two requesters, under half the lift."""

    def case(other):
        return defend_case_from_mapping(
            hours_mapping(retreat(ratio * 2, 2, other=other), benchmarks=WIDE)
        )

    assert recognise(case(True)).pattern == "two-requesters"
    assert recognise(case(False)).pattern == "door-in-the-face"
    same = estimate_pressure(case(False), n_draws=400).pressure
    other = estimate_pressure(case(True), n_draws=400).pressure
    assert other < 0.5 * same
