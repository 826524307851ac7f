"""The pressure estimate: the model's P(yes) after the sequence against alone, in plain words."""

from __future__ import annotations

import pytest
from defend_factories import hours_mapping, retreat, vendor_mapping

from ditf import InvalidParameterError
from ditf.defend import defend_case_from_mapping, estimate_pressure, explain_contributions
from ditf.defend._pressure import points, sequence_of
from ditf.model import Context, Sequence, predict


def test_pressure_is_the_models_lift_for_this_sequence():
    case = defend_case_from_mapping(hours_mapping(retreat(16, 3)))
    p = estimate_pressure(case, n_draws=300, rng=4)
    seq = Sequence.door_in_the_face(opener=16, target=3, unit="hours", delay_hours=1 / 60)
    # The requester is named ("a") in the case's sequence; only equality matters to the model.
    pred = predict(seq, Context(baseline=0.3, plausible_max=16), n_draws=300, rng=4)
    assert p.p_alone == 0.3 == pred.p_alone
    assert p.p_after == pytest.approx(pred.p_sequence)
    assert (p.lo, p.hi) == pytest.approx((pred.lo, pred.hi))
    assert p.pressure == pytest.approx(p.p_after - p.p_alone)
    assert p.pressure_lo <= p.pressure <= p.pressure_hi
    assert p.pressure_logodds == pytest.approx(pred.lift_logodds)
    assert p.contributions == pytest.approx(pred.contributions)
    assert p.method == "exact" and p.level == 0.9 and p.prior_retreats == 0


def test_sequence_of_maps_amounts_times_and_requesters():
    case = defend_case_from_mapping(vendor_mapping(requests=[
        {"amount": 15000, "requester": "Dana", "at_minutes": 0},
        {"amount": 13000, "requester": " dana ", "at_minutes": 30},
        {"amount": 11500, "requester": "Lee", "at_minutes": 90},
    ]))  # fmt: skip
    seq = sequence_of(case)
    assert [s.request.cost for s in seq.steps] == [6000, 4000, 2500]
    assert [s.delay_hours for s in seq.steps] == [0.0, 0.5, 1.0]
    assert [s.request.requester for s in seq.steps] == ["dana", "dana", "lee"]
    assert not any(s.request.prosocial for s in seq.steps)
    p = estimate_pressure(case, n_draws=50)
    assert p.method == "monte carlo"


def test_earlier_retreats_wear_the_pull_off():
    case = defend_case_from_mapping(hours_mapping(retreat(16, 3)))
    fresh = estimate_pressure(case, n_draws=300)
    worn = estimate_pressure(case, prior_retreats=3, n_draws=300)
    assert worn.contributions["reciprocity"] < fresh.contributions["reciprocity"]
    assert worn.pressure < fresh.pressure and worn.prior_retreats == 3


def test_prior_retreats_is_validated():
    case = defend_case_from_mapping(hours_mapping(retreat(16, 3)))
    with pytest.raises(InvalidParameterError, match="'prior_retreats' parameter"):
        estimate_pressure(case, prior_retreats=-1)


def test_a_plain_request_has_no_pressure():
    case = defend_case_from_mapping(hours_mapping(retreat(3, 3)[:1]))
    p = estimate_pressure(case, n_draws=50)
    assert p.pressure == pytest.approx(0.0, abs=1e-12) and p.p_after == pytest.approx(p.p_alone)
    assert p.explanations == ("no mechanism moves your answer by half a point or more",)


def test_contributions_in_plain_words_with_their_sign():
    lines = explain_contributions({
        "reciprocity": 0.12, "contrast": 0.031, "consistency": -0.014, "credibility": -0.2,
        "prosocial_moderation": -0.04, "selection": -0.05, "follow_through": 0.002,
    })  # fmt: skip
    assert lines[0].startswith("credibility: the opener's excess over the benchmarks costs them "
                               "about 20 points")  # fmt: skip
    assert lines[1] == ("reciprocity: about 12 points of your inclination comes from feeling "
                        "you owe them a concession in return for theirs")  # fmt: skip
    text = "\n".join(lines)
    assert (
        "selection: having refused a first request says you lean to no: about 5 points less" in text
    )
    assert "damps the sequence's effect: about 4 points less" in text
    assert "contrast: about 3 points come from the request looking small" in text
    assert "your earlier no pulls about 1 point the other way" in text
    assert "follow_through" not in text  # below half a point
    up = "\n".join(explain_contributions({"consistency": 0.16, "selection": 0.02,
                                          "prosocial_moderation": 0.01, "other": 0.3}))  # fmt: skip
    assert "about 16 points come from wanting to stay consistent with your earlier yes" in up
    assert "reaching this request at all says you lean to yes: about 2 points more" in up
    assert "damps the sequence's effect: about 1 point more" in up
    assert "other: 30 points" in up


@pytest.mark.parametrize(("value", "text"), [(0.004, "0 points"), (0.01, "1 point"),
                                             (-0.126, "13 points")])  # fmt: skip
def test_points(value, text):
    assert points(value) == text


def test_foot_in_the_door_pressure_comes_from_consistency():
    case = defend_case_from_mapping(hours_mapping(retreat(0.25, 5, minutes=2880)))
    p = estimate_pressure(case, n_draws=300)
    assert p.pressure > 0
    assert max(p.contributions, key=lambda k: p.contributions[k]) == "consistency"
    assert p.explanations[0].startswith("consistency: about")
