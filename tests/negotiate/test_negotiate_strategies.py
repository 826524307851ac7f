"""Requester strategies: the registry, the time-based curve, door-in-the-face, tit-for-tat."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from negotiate_factories import single, two_issue

from ditf._errors import InvalidParameterError
from ditf.negotiate import (
    CONCESSION_EXPONENTS,
    STRATEGIES,
    DirectAsk,
    DoorInTheFace,
    TimeBased,
    TitForTat,
    make_strategy,
    negotiate,
    negotiate_batch,
)
from ditf.negotiate._seat import INVERTER_SNAP, seats

GEN = np.random.default_rng(0)


def requester_seat(problem=None, n=1):
    return seats(problem or single(), n)[0]


# Registry -----------------------------------------------------------------------------------


def test_registry_builds_every_strategy_with_its_name_as_label():
    for name in STRATEGIES:
        assert make_strategy(name).label == name
    strategy = TitForTat()
    assert make_strategy(strategy) is strategy


def test_unknown_strategy_names_the_field_and_the_choices():
    expected = (
        r"'strategy' parameter of negotiate must be one of 'boulware', 'conceder', .*'haggle'"
    )
    with pytest.raises(InvalidParameterError, match=expected):
        negotiate(single(), "haggle")


def test_named_curves_are_negmas_exponents():
    assert CONCESSION_EXPONENTS == {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}
    assert TimeBased(exponent=2).label == "time_based(e=2)"
    assert TimeBased(exponent=0.25).label == "conceder"


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: TimeBased(exponent=0), "'exponent' parameter of TimeBased must be a finite"),
        (lambda: DoorInTheFace(opener="high"), "'opener' parameter of DoorInTheFace"),
        (lambda: DoorInTheFace(concede_after=-1), "'concede_after' parameter of DoorInTheFace"),
        (lambda: DoorInTheFace(selector="nice"), "'selector' parameter of DoorInTheFace must be "
         "one of 'own', 'pareto'"),
        (lambda: DirectAsk(target=float("nan")), "'target' parameter of DirectAsk"),
        (lambda: DirectAsk(selector="x"), "'selector' parameter of DirectAsk"),
    ],
)  # fmt: skip
def test_constructors_validate(factory, match):
    with pytest.raises(InvalidParameterError, match=match):
        factory()


def test_strategies_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DoorInTheFace().opener = 0.5  # type: ignore[misc]


# Seats: choosing an outcome for a utility level -------------------------------------------


def test_worst_in_picks_the_lowest_outcome_at_or_above_the_level():
    seat = requester_seat(n=4)
    picked = seat.worst_in(np.array([0.4, 0.405, 0.41, 2.0]))
    assert picked.tolist() == [40, 41, 41, 100]  # a level above the best gives the best


def test_worst_in_snaps_down_like_negmas_but_never_below_the_walk_away():
    seat = requester_seat(n=2)
    level = 0.41 + INVERTER_SNAP / 2  # 0.41 is nearer than 0.42
    assert seat.worst_in(np.array([level, 0.42 - 2 * INVERTER_SNAP])).tolist() == [41, 42]
    res = dataclasses.replace(seat, reservation=np.array([0.41 + INVERTER_SNAP / 4]))
    assert res.worst_in(np.array([0.41 + INVERTER_SNAP / 2])).tolist() == [42]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=8))
def test_best_for_other_in_is_the_brute_force_choice(levels):
    seat = seats(two_issue(), len(levels))[0]
    chosen = seat.best_for_other_in(np.array(levels))
    for level, c in zip(levels, chosen, strict=True):
        allowed = np.flatnonzero(seat.own >= min(level, seat.u_max))
        best = allowed[np.argmax(seat.other[allowed])]
        assert seat.other[c] == seat.other[best]
        assert seat.own[c] >= level or seat.own[c] == seat.u_max


def test_pareto_selection_needs_the_other_side():
    seat = dataclasses.replace(requester_seat(), other=None)
    with pytest.raises(InvalidParameterError, match="needs the counterpart's utilities"):
        DoorInTheFace(selector="pareto").agent(seat, GEN)
    with pytest.raises(InvalidParameterError, match=r"DirectAsk.*needs the counterpart's"):
        DirectAsk(selector="pareto").agent(seat, GEN)


# Time-based ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
def test_time_based_aspiration_follows_its_curve_and_offers_just_above_it(name):
    seat = requester_seat()
    agent = make_strategy(name).agent(seat, GEN)
    e = CONCESSION_EXPONENTS[name]
    floor = 0.3
    previous = 2.0
    for r in range(100):
        t = (r + 1) / 101
        offer = int(agent.propose(t, r)[0])
        level = floor + (1 - floor) * (1 - t**e) - 1e-4
        assert seat.own[offer] >= level - INVERTER_SNAP
        assert seat.own[offer] - 0.01 < max(level, floor)  # the lowest grid point above it
        assert seat.own[offer] <= previous  # never retracts
        previous = seat.own[offer]
    # The last round is at t = 100/101 (NegMAS's clock), a hair before the walk-away.
    assert floor < seat.own[offer] < floor + 0.04


def test_boulware_concedes_later_than_conceder():
    seat = requester_seat()
    t = 0.5
    tough = make_strategy("boulware").agent(seat, GEN).propose(t, 49)[0]
    soft = make_strategy("conceder").agent(seat, GEN).propose(t, 49)[0]
    assert seat.own[tough] > seat.own[soft]


# Door-in-the-face ---------------------------------------------------------------------------


def test_door_in_the_face_opens_high_retreats_at_once_and_explains_it():
    deal = negotiate(single(), "door_in_the_face", "boulware")
    requester = [m for m in deal.moves if m.side == "requester" and m.action == "offer"]
    assert requester[0].outcome == "100 EUR"
    assert requester[1].round == 1 and requester[1].outcome == "40 EUR"
    assert "100 EUR was a lot to ask" in requester[1].message
    assert "40 EUR instead" in requester[1].message and "60% less" in requester[1].message
    assert {m.outcome for m in requester[2:]} == {"40 EUR"}  # holds firm
    assert deal.report.retreat == "transfer"


def test_door_in_the_face_with_a_concession_reaches_its_walk_away_by_the_end():
    seat = requester_seat()
    agent = DoorInTheFace(concede_after=1.0).agent(seat, GEN)
    offers = [int(agent.propose((r + 1) / 101, r)[0]) for r in range(100)]
    assert offers[:2] == [100, 40]
    assert offers[-1] == 30
    assert all(a >= b for a, b in itertools.pairwise(offers))


def test_door_in_the_face_takes_an_explicit_opener_and_fallback():
    seat = requester_seat()
    agent = DoorInTheFace(opener=0.8, fallback=0.5).agent(seat, GEN)
    assert int(agent.propose(0.01, 0)[0]) == 80
    assert int(agent.propose(0.02, 1)[0]) == 50
    # A fallback below the walk-away is raised to it.
    low = DoorInTheFace(fallback=0.1).agent(seat, GEN)
    assert int(low.propose(0.02, 1)[0]) == 30


def test_door_in_the_face_rejects_an_opener_below_the_fallback_or_no_fallback():
    with pytest.raises(InvalidParameterError, match="opener must be worth at least the fallback"):
        DoorInTheFace(opener=0.2).agent(requester_seat(), GEN)
    counterpart_seat = seats(single(), 1)[1]  # no target on the counterpart's side
    with pytest.raises(InvalidParameterError, match="DoorInTheFace needs a fallback"):
        DoorInTheFace().agent(counterpart_seat, GEN)
    with pytest.raises(InvalidParameterError, match="DirectAsk needs a target"):
        DirectAsk().agent(counterpart_seat, GEN)


def test_accepts_a_counter_worth_at_least_its_next_offer():
    agent = DoorInTheFace().agent(requester_seat(n=3), GEN)
    reply = agent.respond(np.array([39, 40, 55]), 0.02, 1)
    assert reply.accept.tolist() == [False, True, True]
    assert not reply.walk.any()


def test_pareto_retreat_trades_the_issue_the_counterpart_values_more():
    problem = two_issue()
    own = negotiate(problem, DoorInTheFace(), "boulware")
    informed = negotiate(problem, DoorInTheFace(selector="pareto"), "boulware")
    retreat = {d: next(m for m in d.moves if m.side == "requester" and m.round == 1)
               for d in (own, informed)}  # fmt: skip
    assert retreat[informed].requester_utility >= problem.target_utilities[0]
    assert retreat[informed].counterpart_utility >= retreat[own].counterpart_utility
    assert informed.report.retreat == "joint gain"


# Direct ask, tit-for-tat --------------------------------------------------------------------


def test_direct_ask_asks_the_target_every_round():
    agent = DirectAsk().agent(requester_seat(), GEN)
    assert {int(agent.propose((r + 1) / 101, r)[0]) for r in range(10)} == {40}
    explicit = DirectAsk(target=0.55).agent(requester_seat(), GEN)
    assert int(explicit.propose(0.5, 3)[0]) == 55


def test_tit_for_tat_mirrors_the_other_sides_concessions_and_never_goes_first():
    agent = TitForTat().agent(requester_seat(), GEN)
    assert int(agent.propose(0.01, 0)[0]) == 100
    agent.respond(np.array([10]), 0.02, 1)  # first counter: nothing to mirror yet
    assert int(agent.propose(0.02, 1)[0]) == 100
    agent.respond(np.array([15]), 0.03, 2)  # they conceded 0.05 of my utility
    assert int(agent.propose(0.03, 2)[0]) == 95
    agent.respond(np.array([12]), 0.04, 3)  # they took some back: I do not follow
    assert int(agent.propose(0.04, 3)[0]) == 95
    agent.respond(np.array([70]), 0.05, 4)  # a huge concession: I stop at my walk-away
    assert int(agent.propose(0.05, 4)[0]) == 37


def test_tit_for_tat_meets_a_mirror_image_halfway_only_if_someone_moves():
    result = negotiate_batch(single(), "tit_for_tat", "tit_for_tat", n=2)
    assert not result.agreed.any()  # neither ever concedes first
    assert (result.rounds == 100).all()


def test_an_uninformed_retreat_explains_itself_in_its_own_utility():
    seat = dataclasses.replace(requester_seat(), other=None)
    agent = DoorInTheFace().agent(seat, GEN)
    agent.propose(0.01, 0)
    agent.propose(0.02, 1)
    assert "That is 60% less than I first asked." in agent.note  # 1.0 -> 0.4 of its range
    with pytest.raises(InvalidParameterError, match="needs the other side's utility"):
        seat.best_for_other_in(np.array([0.5]))
