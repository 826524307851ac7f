"""The win-win report: surpluses, the Pareto frontier, the Nash product, what the retreat did."""

from __future__ import annotations

import math

import numpy as np
import pytest
from negotiate_factories import single, two_issue

from ditf.negotiate import DoorInTheFace, WinWin, negotiate, negotiate_batch
from ditf.negotiate._welfare import RETREAT_KINDS, assess


def report(problem, agreement, opener=-1, retreat=-1):
    res_r, res_c = problem.reservation_utilities
    w = assess(problem.space.arrays(), np.array([agreement]), np.array([opener]),
               np.array([retreat]), np.array([res_r]), np.array([res_c]))  # fmt: skip
    return WinWin.from_arrays(w, agreement >= 0)


def test_a_one_issue_deal_is_pareto_optimal_and_its_retreat_only_moves_value():
    r = report(single(), agreement=50, opener=100, retreat=40)
    assert r.agreed
    assert (r.requester_utility, r.counterpart_utility) == (0.5, 0.5)
    assert r.requester_surplus == pytest.approx(0.2) and r.counterpart_surplus == pytest.approx(0.1)
    assert r.joint_surplus == pytest.approx(0.3)
    assert r.pareto_distance == 0.0
    assert r.nash_product == pytest.approx(0.02)
    # The best Nash product on [30, 60] is at 45: 0.15 * 0.15.
    assert r.nash_share == pytest.approx(0.02 / 0.0225)
    assert r.retreat == "transfer" and abs(r.retreat_gain) < 1e-12
    assert "only moved value" in r.verdict()


def test_the_nash_point_has_the_whole_nash_share():
    assert report(single(), agreement=45).nash_share == pytest.approx(1.0)


def test_no_agreement_leaves_both_at_their_reservations():
    r = report(single(), agreement=-1, opener=100)
    assert not r.agreed
    assert (r.requester_utility, r.counterpart_utility) == (0.3, 0.4)
    assert r.joint_surplus == 0.0 and r.nash_product == 0.0
    # (0.3, 0.4) lies inside the frontier u_r + u_c = 1: value left on the table.
    assert r.pareto_distance == pytest.approx(0.3 / math.sqrt(2), abs=0.01)
    assert r.retreat == "none" and math.isnan(r.retreat_gain)
    assert r.to_dict()["retreat_gain"] is None
    assert "never retreated" in r.verdict()


def test_without_a_zone_of_agreement_the_nash_share_is_undefined():
    r = report(single(counterpart_reservation=20, target=40), agreement=-1)
    assert math.isnan(r.nash_share)
    assert r.to_dict()["nash_share"] is None


def test_pareto_distance_is_the_distance_to_the_nearest_frontier_outcome():
    problem = two_issue()
    arrays = problem.space.arrays()
    for index in (0, 5, 60, 120):
        r = report(problem, agreement=index)
        front = np.flatnonzero(arrays.pareto)
        d = np.hypot(arrays.requester[front] - arrays.requester[index],
                     arrays.counterpart[front] - arrays.counterpart[index]).min()  # fmt: skip
        assert r.pareto_distance == pytest.approx(d)
        assert (r.pareto_distance == 0) == bool(arrays.pareto[index])


def test_a_retreat_on_the_issue_the_counterpart_values_more_is_a_joint_gain():
    problem = two_issue()
    space = problem.space
    opener = space.index_of([10, 10])
    give_warranty = space.index_of([10, 5])  # counterpart weighs warranty 0.71, requester 0.29
    give_discount = space.index_of([5, 10])
    gain = report(problem, agreement=-1, opener=opener, retreat=give_warranty)
    loss = report(problem, agreement=-1, opener=opener, retreat=give_discount)
    assert gain.retreat == "joint gain" and gain.retreat_gain == pytest.approx(0.5 * 0.42)
    assert loss.retreat == "joint loss" and loss.retreat_gain == pytest.approx(-0.5 * 0.42)
    assert "created joint gains" in gain.verdict() and "destroyed value" in loss.verdict()


def test_informed_retreats_create_joint_gains_and_uninformed_ones_need_not():
    problem = two_issue()
    informed = negotiate(problem, DoorInTheFace(selector="pareto"), "boulware")
    assert informed.report.retreat == "joint gain" and informed.report.retreat_gain > 0
    batch = negotiate_batch(problem, DoorInTheFace(selector="pareto"), "linear", n=2)
    assert {RETREAT_KINDS[k] for k in batch.welfare().retreat_kind} == {"joint gain"}


def test_report_to_dict_is_json_ready():
    payload = report(single(), agreement=50, opener=100, retreat=40).to_dict()
    assert payload["retreat"] == "transfer" and payload["agreed"] is True
    assert set(payload) == set(WinWin.__slots__)
