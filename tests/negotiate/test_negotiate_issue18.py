"""Issue 18: integrative counters, walk-away for every strategy, patience, an honest verdict."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ditf.negotiate import (
    STRATEGIES,
    HumanCounterpart,
    Issue,
    OutcomeSpace,
    Problem,
    _tournament,
    make_strategy,
    negotiate,
    negotiate_batch,
    tournament,
)
from ditf.negotiate._batch import _play
from ditf.negotiate._seat import seats
from ditf.negotiate._tournament import wilson
from ditf.negotiate._welfare import WinWin


class Recorder:
    """Wraps an agent and keeps every offer it makes."""

    def __init__(self, agent):
        self.agent, self.offers = agent, []

    @property
    def note(self):
        return self.agent.note

    def respond(self, offer, t, r):
        return self.agent.respond(offer, t, r)

    def propose(self, t, r):
        offer = self.agent.propose(t, r)
        self.offers.append(offer.copy())
        return offer


def crossed(levels=11):
    """Two issues the sides weigh 0.8/0.2 against 0.2/0.8."""
    space = OutcomeSpace(issues=(
        Issue(name="a", lo=0, hi=10, levels=levels, requester_weight=0.8, counterpart_weight=0.2),
        Issue(name="b", lo=0, hi=10, levels=levels, requester_weight=0.2, counterpart_weight=0.8),
    ))  # fmt: skip
    return Problem(space=space, target=(6, 6), requester_reservation=(3, 3),
                   counterpart_reservation=(7, 7), rounds=60)  # fmt: skip


def counter_offers(problem, strategy, n=200, seed=0):
    r_seat, c_seat = seats(problem, n)
    gen = np.random.default_rng(seed)
    counterpart = Recorder(HumanCounterpart().agent(c_seat, gen))
    outcome = _play(make_strategy(strategy).agent(r_seat, gen), counterpart, r_seat, None)
    offers = np.array(counterpart.offers)
    made = np.arange(len(offers))[:, None] < outcome.rounds[None, :]
    return offers, made


def test_fewer_than_a_tenth_of_the_counter_offers_are_pareto_dominated():
    problem = crossed()
    pareto = problem.space.arrays().pareto
    total = dominated = 0
    for strategy in STRATEGIES:
        offers, made = counter_offers(problem, strategy)
        total += int(made.sum())
        dominated += int((~pareto[offers[made]]).sum())
    assert total > 1000
    assert dominated / total < 0.10


@pytest.mark.parametrize("strategy", ["linear", "boulware", "door_in_the_face", "tit_for_tat"])
def test_successive_counters_never_get_worse_for_the_requester_as_believed(strategy):
    problem = crossed()
    r_seat, c_seat = seats(problem, 50)
    gen = np.random.default_rng(1)
    agent = HumanCounterpart().agent(c_seat, gen)
    requester = make_strategy(strategy).agent(r_seat, gen)
    previous = None
    for r in range(30):
        t = (r + 1) / 61
        agent.respond(requester.propose(t, r), t, r)
        offer = agent.propose(t, r)
        believed = agent.priorities() @ c_seat.scaled.T  # under the current belief
        if previous is not None:
            rows = np.arange(50)
            assert np.all(believed[rows, offer] >= believed[rows, previous] - 1e-12)
        previous = offer


def test_the_priority_belief_learns_which_issue_the_requester_holds():
    problem = crossed()
    _, c_seat = seats(problem, 1)
    agent = HumanCounterpart().agent(c_seat, np.random.default_rng(0))
    space = problem.space
    # The requester keeps issue a at 10 and gives up issue b: it cares about a.
    for r, b in enumerate([10, 6, 2, 0]):
        agent.respond(np.array([space.index_of((10, b))]), (r + 1) / 61, r)
        agent.propose((r + 1) / 61, r)
    weights = agent.priorities()[0]
    assert weights[0] > 0.55 > 0.45 > weights[1]  # (1 + 3) / 7 against (1 + 2) / 7


def test_single_issue_counters_are_the_level_outcomes():
    problem = Problem(space=OutcomeSpace.single(0, 100), target=40, requester_reservation=30,
                      counterpart_reservation=60)  # fmt: skip
    deal = negotiate(problem, "door_in_the_face", "human", rng=1)
    assert [m.outcome for m in deal.moves[:2]] == ["100", "45"]


def salary(top):
    space = OutcomeSpace.single(0, top, levels=2 * top + 1, unit="%")
    return Problem(space=space, target=6, requester_reservation=4, counterpart_reservation=9,
                   plausible_max=20, rounds=100)  # fmt: skip


def test_walk_aways_rise_with_opener_extremity_and_nobody_extracts_the_limit(monkeypatch):
    # The time-based strategies and tit-for-tat open at the top of the range, door-in-the-face
    # too: a top at 1x, 2x and 3x the plausible maximum. Direct ask opens at its target, so its
    # opener does not change. The limit is checked on the tournament's own batches (2,000
    # negotiations per strategy), recorded as it plays them, rather than on a second set.
    batches = []
    play = _tournament.negotiate_batch

    def recorded(*args, **kwargs):
        batches.append(play(*args, **kwargs))
        return batches[-1]

    monkeypatch.setattr(_tournament, "negotiate_batch", recorded)
    walks = {s: [] for s in STRATEGIES}
    human = {"human": HumanCounterpart(baseline=0.35)}
    for top in (20, 40, 60):
        batches.clear()
        result = tournament(salary(top), list(STRATEGIES), human, n=2000, rng=0)
        for row in result.rows:
            walks[row.strategy].append(row.walk_away_rate)
        assert sorted(b.requester for b in batches) == sorted(STRATEGIES)
        for batch in batches:
            w = batch.welfare()
            at_limit = batch.agreed & (np.abs(w.counterpart_surplus) < 1e-9)
            assert at_limit.sum() <= 0.5 * max(batch.agreed.sum(), 1), (top, batch.requester)
    del walks["direct_ask"]
    for strategy, rates in walks.items():
        assert rates[0] < rates[-1], (strategy, rates)
        assert all(b >= a - 0.01 for a, b in itertools.pairwise(rates)), (strategy, rates)


def test_patience_ends_long_bargaining_and_never_a_short_one():
    problem = salary(20)
    patient = negotiate_batch(problem, "boulware", HumanCounterpart(baseline=0.35,
                              patience=float("inf")), n=500, rng=0)  # fmt: skip
    tired = negotiate_batch(problem, "boulware", HumanCounterpart(baseline=0.35), n=500, rng=0)
    assert patient.walked.mean() == 0  # at the plausible maximum nobody is offended
    assert tired.walked.mean() > 0.5  # Boulware comes within the limit after ~90 rounds
    short = negotiate_batch(problem.__class__(**{**_fields(problem), "rounds": 6}), "linear",
                            HumanCounterpart(baseline=0.35), n=2000, rng=0)  # fmt: skip
    assert short.walked.mean() < 0.005


def _fields(problem):
    from dataclasses import fields

    return {f.name: getattr(problem, f.name) for f in fields(problem)}


def test_patience_validates():
    with pytest.raises(ValueError, match="'patience' parameter of HumanCounterpart"):
        HumanCounterpart(patience=0)
    assert HumanCounterpart(patience=float("inf")).patience == float("inf")


def test_the_verdict_describes_the_deal_in_separate_sentences():
    report = WinWin(agreed=True, requester_utility=0.67, counterpart_utility=0.57,
                    requester_surplus=0.4, counterpart_surplus=0.2, joint_surplus=0.6,
                    pareto_distance=0.081, nash_product=0.08, nash_share=0.5,
                    retreat="joint gain", retreat_gain=0.1, surplus_left=0.36,
                    split_gain=0.24)  # fmt: skip
    text = report.verdict()
    assert "is not on the Pareto frontier" in text
    assert "It left 0.36 of joint surplus on the table." in text
    assert text.endswith("The retreat created joint gains: the counterpart gained more than the "
                         "requester gave up.")  # fmt: skip
    assert len([s for s in text.split(". ") if s]) >= 4


def test_values_within_1e_12_of_zero_are_zero():
    problem = crossed()
    deal = negotiate(problem, "direct_ask", "linear")
    for value in deal.report.to_dict().values():
        if isinstance(value, float):
            assert value == 0.0 or abs(value) >= 1e-12


def test_wilson_intervals():
    assert wilson(500, 500)[0] == pytest.approx(0.9924, abs=1e-4)
    assert wilson(500, 500)[1] == 1.0
    lo, hi = wilson(10, 100)
    assert 0.05 < lo < 0.1 < hi < 0.18


def test_tournament_rows_flag_identical_runs():
    problem = crossed()
    result = tournament(problem, ["linear"], ["boulware", "human"], n=50, rng=0)
    rows = {r.counterpart: r for r in result.rows}
    assert rows["boulware"].identical
    assert rows["boulware"].agreement_lo < 1.0 or rows["boulware"].agreement_rate < 1.0
