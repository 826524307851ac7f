"""The human-like counterpart: its answers are the behavioural model's, plus its bargaining logic.

The strongest checks compare it with ditf.simulate, which implements the same model
independently: a door-in-the-face requester facing the counterpart must win the retreat as
often as the simulated population says yes to the same retreat, in a first and a second
episode (habituation), and the counterpart must walk away exactly as often as the credibility
penalty turns a yes into a no.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
from negotiate_factories import cialdini, single

from ditf._errors import InvalidParameterError
from ditf.model import Mechanisms, ModelParams, load_model
from ditf.negotiate import HumanCounterpart, negotiate, negotiate_batch
from ditf.negotiate._counterpart import DEFAULT_BASELINE, _HumanAgent, _Levels
from ditf.negotiate._seat import seats
from ditf.simulate import Scenario, simulate

N = 20_000
#: The retreat is answered in round 1: three rounds are enough and keep the batches quick.
QUICK = cialdini(rounds=3)
#: |difference| allowed between two independent Monte Carlo rates, in standard errors.
N_SE = 4.0
#: Simulate asks the target only of people who refused the 208-hour opener (99.8%); the
#: counterpart cannot accept it (it is beyond its limit), so the very willing 0.2% stay in.
SELECTION = 0.003


# The model checks compare answers with ditf.simulate, whose Cialdini scenario is a favour,
# not a negotiation over an amount: there the opener pulls nothing. The factory pins the
# counterpart's limit at the target so that every answer is the model's; the anchoring pull
# would move that limit (and the counter-offers), so these checks switch it off. Anchoring
# has its own tests below and in test_anchoring.py.
def answering(**spec):
    """A counterpart whose every answer is the model's (no anchoring pull of its limit)."""
    mechanisms = spec.pop("mechanisms", Mechanisms())
    return HumanCounterpart(mechanisms=dataclasses.replace(mechanisms, anchoring=False), **spec)


def close(a: float, b: float, n_a: int, n_b: int) -> bool:
    p = (a + b) / 2
    se = math.sqrt(p * (1 - p) * (1 / n_a + 1 / n_b))
    return abs(a - b) < N_SE * se + SELECTION


def retreat_round(result, episode=1):
    """Share of episode's negotiations settled (accepted / walked) at the retreat (round 1)."""
    rows = result.episode == episode
    at = (result.rounds == 2) & rows
    return (result.agreed & at).sum() / rows.sum(), (result.walked & at).sum() / rows.sum()


# Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"baseline": 0.0}, r"'baseline' parameter of HumanCounterpart must be a probability in "
         r"\(0, 1\)"),
        ({"baseline": 1}, "'baseline' parameter of HumanCounterpart"),
        ({"prior_retreats": -1}, r"'prior_retreats' parameter of HumanCounterpart must be an int "
         r"in \[0, 1000\]"),
        ({"strength": 0}, "'strength' parameter of HumanCounterpart must be a finite number > 0"),
        ({"params": {"reciprocity": 1}}, "'params' parameter of HumanCounterpart must be a "
         "ModelParams"),
        ({"mechanisms": ("reciprocity",)}, "'mechanisms' parameter of HumanCounterpart"),
    ],
)  # fmt: skip
def test_counterpart_validates(changes, match):
    with pytest.raises(InvalidParameterError, match=match):
        HumanCounterpart(**changes)


def test_default_baseline_is_ditfs_standard_scenario():
    assert DEFAULT_BASELINE == Scenario().baseline == 0.167
    assert HumanCounterpart().label == "human"
    assert not HumanCounterpart.deterministic


def test_counterpart_needs_the_requesters_target_as_reference():
    requester_seat = seats(single(), 1)[0]  # the requester's side has no reference request
    with pytest.raises(InvalidParameterError, match="needs the requester's target"):
        HumanCounterpart().agent(requester_seat, np.random.default_rng(0))


# Driven by the model ------------------------------------------------------------------------


def test_a_direct_ask_is_accepted_at_the_baseline_rate():
    result = negotiate_batch(QUICK, "direct_ask", answering(), n=N, rng=1)
    first = (result.agreed & (result.rounds == 1)).mean()
    assert close(first, 0.167, N, 10**9)


def test_the_retreat_is_won_as_often_as_the_simulated_population_says_yes():
    result = negotiate_batch(QUICK, "door_in_the_face", answering(), n=N, rng=2)
    accepted, walked = retreat_round(result)
    sim = simulate(Scenario(), conditions=["door_in_the_face"], n_people=200_000, rng=3)
    expected = sim.target("door_in_the_face").p_yes
    assert close(accepted, expected, N, 200_000)
    assert walked == 0  # no plausible maximum: nothing is insulting
    assert accepted > 0.167 + 0.05  # and it beats asking directly


def test_habituation_second_episode_matches_the_simulated_second_episode():
    result = negotiate_batch(QUICK, "door_in_the_face", answering(), n=N,
                             episodes=2, rng=4)  # fmt: skip
    sim = simulate(Scenario(), conditions=["door_in_the_face"], n_people=200_000, episodes=2,
                   rng=5)  # fmt: skip
    for episode in (1, 2):
        ours = retreat_round(result, episode)[0]
        assert close(ours, sim.target("door_in_the_face", episode).p_yes, N, 200_000)
    assert retreat_round(result, 2)[0] < retreat_round(result, 1)[0]


def test_prior_retreats_wear_off_reciprocity():
    fresh = negotiate_batch(QUICK, "door_in_the_face", answering(), n=N, rng=6)
    seen = negotiate_batch(QUICK, "door_in_the_face", answering(prior_retreats=3),
                           n=N, rng=6)  # fmt: skip
    assert retreat_round(seen)[0] < retreat_round(fresh)[0] - 0.02


def test_an_insulting_opener_makes_exactly_the_penalised_yeses_walk_away():
    problem = cialdini(plausible_max=20, rounds=3)
    result = negotiate_batch(problem, "door_in_the_face", answering(), n=N, rng=7)
    accepted, walked = retreat_round(result)
    sims = {
        mech: simulate(Scenario(plausible_max=20), conditions=["door_in_the_face"],
                       n_people=200_000, mechanisms=mech, rng=8).target("door_in_the_face").p_yes
        for mech in (Mechanisms(), Mechanisms().without("credibility"))
    }  # fmt: skip
    with_penalty, without = sims.values()
    assert close(accepted, with_penalty, N, 200_000)
    assert close(walked, without - with_penalty, N, 200_000)
    assert walked > 0.05
    calm = negotiate_batch(problem, "door_in_the_face",
                           answering(mechanisms=Mechanisms().without("credibility")),
                           n=2000, rng=7)  # fmt: skip
    assert not calm.walked.any()


def test_switching_reciprocity_off_lowers_the_retreats_success():
    on = negotiate_batch(QUICK, "door_in_the_face", answering(), n=N, rng=9)
    off = negotiate_batch(QUICK, "door_in_the_face",
                          answering(mechanisms=Mechanisms().without("reciprocity")),
                          n=N, rng=9)  # fmt: skip
    assert retreat_round(off)[0] < retreat_round(on)[0] - 0.03


def test_custom_parameters_are_used():
    params = dataclasses.replace(load_model().params, reciprocity=0.0, contrast=0.0)
    result = negotiate_batch(QUICK, "door_in_the_face", answering(params=params),
                             n=N, rng=10)  # fmt: skip
    sim = simulate(Scenario(), conditions=["door_in_the_face"], n_people=200_000,
                   params=params, rng=11)  # fmt: skip
    assert close(retreat_round(result)[0], sim.target("door_in_the_face").p_yes, N, 200_000)
    assert isinstance(params, ModelParams)


def test_a_repeated_offer_is_not_a_new_request():
    # The counterpart never offers the 2 hours itself (it gains nothing there), so a requester
    # who holds the target gets answers only when it changes its offer: at the retreat.
    problem = cialdini(rounds=30)
    result = negotiate_batch(problem, "door_in_the_face", answering(), n=2000, rng=12)
    assert set(result.rounds[result.agreed].tolist()) == {2}
    assert (result.rounds[~result.agreed & ~result.walked] == 30).all()


# Bargaining logic ---------------------------------------------------------------------------


def human(problem=None, n=2, **spec):
    seat = seats(problem or single(), n)[1]
    return _HumanAgent(HumanCounterpart(**spec), seat, np.random.default_rng(0))


def posterior_mean(agent):
    belief = agent.belief / agent.belief.sum(axis=1, keepdims=True)
    return belief @ agent.levels.cost


def test_a_large_concession_reads_as_more_room_to_spare():
    agent = human()
    agent.respond(np.array([100, 100]), 0.01, 0)
    agent.propose(0.01, 0)
    agent.respond(np.array([45, 90]), 0.02, 1)  # a big and a small concession
    mean = posterior_mean(agent)
    relative = mean / np.array([0.45, 0.90])
    assert relative[0] < relative[1]  # the big concession: reservation believed further below
    assert np.all(mean <= np.array([0.45, 0.90]))


def test_holding_firm_reads_as_being_at_the_limit_and_moves_the_counter_up():
    # The belief alone: with anchoring on, the opener's pull lifts the first counters to the
    # requester's firm offer at once (test_the_opener_anchors_the_counter_offer_through_anchoring).
    agent = human(n=1, mechanisms=Mechanisms().without("anchoring"))
    agent.respond(np.array([100]), 0.01, 0)
    counters = [int(agent.propose(0.01, 0)[0])]
    means = []
    for r in range(1, 8):
        agent.respond(np.array([55]), (r + 1) / 101, r)
        counters.append(int(agent.propose((r + 1) / 101, r)[0]))
        means.append(float(posterior_mean(agent)[0]))
    assert all(b >= a for a, b in itertools.pairwise(means))
    assert means[-1] > 0.5
    assert counters == sorted(counters) and counters[-1] > counters[1]
    assert counters[-1] <= 55  # never more than asked


def test_the_opener_anchors_the_counter_offer_through_anchoring():
    from ditf.negotiate import OutcomeSpace

    fine = single(space=OutcomeSpace.single(0, 100, levels=1001))
    openers = np.array([1000, 700])  # 100 and 70 EUR
    agent = human(fine)
    agent.respond(openers, 0.01, 0)
    high, low = agent.propose(0.01, 0)
    assert high > low
    plain = human(fine, mechanisms=Mechanisms().without("anchoring"))
    plain.respond(openers, 0.01, 0)
    a, b = plain.propose(0.01, 0)
    # Without anchoring the expected-surplus counter ignores the opener (up to a rounding tie).
    assert abs(int(a) - int(b)) <= 1 and max(a, b) < low
    # The rule: pulled toward the opener about the pull share of the way in log cost (less as
    # far anchors saturate), never past it, and never beyond the reservation (60 EUR).
    share = np.log(np.array([high, low]) / a) / np.log(openers / a)
    pull = agent.params.anchoring
    assert np.all((share > 0.85 * pull) & (share < pull + 0.01)) and high <= 600
    # Contrast, the other model term about the larger ask, does not move counters.
    still = human(fine, mechanisms=Mechanisms().without("contrast"))
    still.respond(openers, 0.01, 0)
    assert still.propose(0.01, 0).tolist() == [high, low]


def test_counters_stay_within_the_reservation_and_are_accepted_back():
    agent = human(n=1)
    for r in range(30):
        agent.respond(np.array([90]), (r + 1) / 101, r)
        counter = int(agent.propose((r + 1) / 101, r)[0])
        assert counter <= 60
    # Believing the requester will not come within its limit, it stops conceding (it does not
    # bid against itself) rather than naming its limit.
    assert counter < 60
    reply = agent.respond(np.array([counter]), 0.5, 30)
    assert reply.accept[0]  # its own offer is acceptable to it


def test_offers_beyond_the_reservation_are_never_accepted():
    agent = human(n=4, baseline=0.99)
    reply = agent.respond(np.array([61, 70, 100, 60]), 0.01, 0)
    assert reply.accept.tolist()[:3] == [False, False, False]


def test_levels_pool_costs_when_there_are_too_many():
    from ditf.negotiate import Issue, OutcomeSpace, Problem

    space = OutcomeSpace(tuple(Issue(name=f"i{k}", lo=0, hi=1, levels=40,
                                     counterpart_weight=1 + k / 7) for k in range(3)))  # fmt: skip
    problem = Problem(space=space, target=[0.5] * 3, requester_reservation=[0.1] * 3,
                      counterpart_reservation=[0.7] * 3)  # fmt: skip
    levels = _Levels(seats(problem, 1)[1])
    assert len(levels.cost) == 1024
    assert np.all(np.diff(levels.cost) >= 0)
    cost = seats(problem, 1)[1].cost()
    assert np.all(cost <= levels.cost[levels.of] + 1e-12)  # each outcome at or below its level
    deal = negotiate(problem, "door_in_the_face", "human", rng=0)
    assert deal.report.counterpart_utility >= problem.reservation_utilities[1]
