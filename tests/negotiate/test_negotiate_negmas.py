"""The NegMAS adapter, against real NegMAS negotiations and tournaments.

The cross-check: for NegMAS's own deterministic time-based negotiators the batch engine reaches
the same agreement in the same round; ditf's negotiators inside NegMAS behave exactly as in the
batch engine, the human-like counterpart included (same seed, same negotiation).
"""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from negmas import SAOMechanism
from negmas.exceptions import NegMASException
from negmas.sao import (
    AspirationNegotiator,
    BoulwareTBNegotiator,
    NaiveTitForTatNegotiator,
    SAONegotiator,
)
from negotiate_factories import single, two_issue

import ditf.negotiate
from ditf._errors import MissingDependencyError, NegotiationError
from ditf.model import Mechanisms
from ditf.negotiate import (
    CONCESSION_EXPONENTS,
    HumanCounterpart,
    TimeBased,
    negmas_classes,
    negmas_tournament,
    negotiate,
    negotiate_batch,
    run_negmas,
    to_negmas,
)
from ditf.negotiate._negmas import NEGMAS_ERRORS, DitfNegotiator

CURVES = sorted(CONCESSION_EXPONENTS)


def reservations(seed, n):
    """Random reservation utilities with six decimals: never equal to a grid outcome's utility
    (multiples of 0.01 on one issue, sums of weighted tenths on two), so no tie is decided by
    float rounding."""
    rng = np.random.default_rng(seed)
    return np.round(rng.uniform(0.0, 0.6, (n, 2)), 6)


# The cross-check ----------------------------------------------------------------------------


@pytest.mark.parametrize("problem", [single(), two_issue()], ids=["one issue", "two issues"])
def test_batch_engine_matches_negmas_time_based_negotiators(problem):
    pairs = [(a, b) for a in CURVES for b in CURVES]
    res = reservations(0, len(pairs) * 3)
    for k, (a, b) in enumerate(pairs * 3):
        r_r, r_c = res[k]
        ours = negotiate_batch(problem, a, b, n=1, requester_reservation=np.array([r_r]),
                               counterpart_reservation=np.array([r_c]))  # fmt: skip
        space, u_r, u_c = to_negmas(problem)
        u_r.reserved_value, u_c.reserved_value = float(r_r), float(r_c)
        mechanism = SAOMechanism(outcome_space=space, n_steps=problem.rounds)
        for curve, ufun in ((a, u_r), (b, u_c)):
            mechanism.add(negmas_time_based(curve), ufun=ufun)
        state = mechanism.run()
        theirs = -1 if state.agreement is None else problem.space.index_of(list(state.agreement))
        assert (int(ours.agreement[0]), int(ours.rounds[0])) == (theirs, state.step), (a, b, k)


def negmas_time_based(curve):
    from negmas.sao import TimeBasedConcedingNegotiator

    return TimeBasedConcedingNegotiator(offering_curve=CONCESSION_EXPONENTS[curve],
                                        stochastic=False)  # fmt: skip


@pytest.mark.parametrize("strategy", ["door_in_the_face", "direct_ask", "tit_for_tat"])
def test_ditf_negotiators_in_negmas_match_the_batch_engine(strategy):
    for problem in (single(), two_issue()):
        for curve in CURVES:
            theirs = run_negmas(problem, strategy, curve)  # NegMAS's own time-based negotiator
            ours = negotiate_batch(problem, strategy, curve, n=1)
            assert (theirs.agreement_index, theirs.rounds) == (ours.agreement[0], ours.rounds[0])


@pytest.mark.parametrize("strategy", ["door_in_the_face", "direct_ask", "linear", "tit_for_tat"])
def test_the_human_counterpart_in_negmas_is_the_one_of_the_batch_engine(strategy):
    for seed in range(3):
        theirs = run_negmas(single(), strategy, "human", rng=seed)
        ours = negotiate(single(), strategy, "human", rng=seed)
        assert (theirs.agreement_index, theirs.rounds, theirs.walked_away) == (
            ours.agreement_index, ours.rounds, ours.walked_away)  # fmt: skip
        mine = [m.index for m in ours.moves if m.action == "offer"]
        # NegMAS records neither the last, unanswered counter nor the offer walked away from.
        if ours.status in ("no agreement", "walked away"):
            mine = mine[:-1]
        assert [m.index for m in theirs.moves if m.action == "offer"] == mine


def test_a_walk_away_in_negmas_ends_the_negotiation_as_in_the_batch_engine():
    from negotiate_factories import cialdini

    problem = cialdini(plausible_max=10, rounds=20)
    seed = next(s for s in range(200) if negotiate(problem, rng=s).walked_away)
    theirs = run_negmas(problem, "door_in_the_face", HumanCounterpart(), rng=seed)
    assert theirs.walked_away and theirs.status == "walked away"
    assert theirs.moves[-1].action == "walk away"
    assert theirs.moves[-1].message.startswith("After that opening")
    assert theirs.rounds == negotiate(problem, rng=seed).rounds


def test_negmas_runs_carry_ditf_messages_and_the_report():
    # Without anchoring the first counter stays below the target, so the requester retreats.
    counterpart = HumanCounterpart(mechanisms=Mechanisms().without("anchoring"))
    deal = run_negmas(single(), "door_in_the_face", counterpart, rng=1)
    assert "was a lot to ask" in deal.moves[2].message
    assert deal.requester == "door_in_the_face" and deal.counterpart == "human"
    assert deal.report.agreed == (deal.agreement is not None)
    assert deal.report.retreat == "transfer"


def test_ufuns_are_the_batch_engines_floats():
    problem = two_issue()
    space, u_r, u_c = to_negmas(problem)
    arrays = problem.space.arrays()
    outcomes = [tuple(row) for row in arrays.values.tolist()]
    assert space.cardinality == len(outcomes)
    assert [u_r(o) for o in outcomes] == arrays.requester.tolist()
    assert [u_c(o) for o in outcomes] == arrays.counterpart.tolist()
    assert (u_r.reserved_value, u_c.reserved_value) == problem.reservation_utilities


# Inside NegMAS, against its own agents ------------------------------------------------------


@pytest.mark.parametrize("opponent", [AspirationNegotiator, NaiveTitForTatNegotiator])
def test_ditf_negotiators_play_negmas_built_in_agents(opponent):
    problem = single()
    classes = negmas_classes()
    space, u_r, u_c = to_negmas(problem)
    res_r, res_c = problem.reservation_utilities
    for requester, counterpart in (
        (classes.strategy(problem=problem), opponent()),
        (opponent(), classes.human(problem=problem, rng=3)),
    ):
        mechanism = SAOMechanism(outcome_space=space, n_steps=problem.rounds)
        mechanism.add(requester, ufun=u_r)
        mechanism.add(counterpart, ufun=u_c)
        state = mechanism.run()
        assert not state.has_error
        if state.agreement is not None:
            assert u_r(state.agreement) >= res_r and u_c(state.agreement) >= res_c


def test_a_ditf_negotiator_without_a_problem_reads_everything_from_its_ufun():
    problem = single()
    space, u_r, u_c = to_negmas(problem)
    mechanism = SAOMechanism(outcome_space=space, n_steps=100)
    mechanism.add(DitfNegotiator(strategy="door_in_the_face"), ufun=u_r)  # no fallback known
    mechanism.add(BoulwareTBNegotiator(), ufun=u_c)
    from ditf._errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="DoorInTheFace needs a fallback"):
        mechanism.run()
    mechanism = SAOMechanism(outcome_space=space, n_steps=100)
    mechanism.add(DitfNegotiator(strategy=TimeBased(exponent=1.0)), ufun=u_r)
    mechanism.add(BoulwareTBNegotiator(), ufun=u_c)
    state = mechanism.run()
    assert state.agreement is not None  # linear concession found a deal on its own


def test_a_ufun_of_neither_side_of_the_problem_is_used_as_it_is():
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import LinearFun

    problem = single()
    space, _, u_c = to_negmas(problem)
    halved = LinearAdditiveUtilityFunction(values=[LinearFun(0.005)], weights=[1.0],
                                           outcome_space=space)  # fmt: skip
    negotiator = DitfNegotiator(strategy="linear", problem=problem)
    mechanism = SAOMechanism(outcome_space=space, n_steps=50)
    mechanism.add(negotiator, ufun=halved)
    mechanism.add(BoulwareTBNegotiator(), ufun=u_c)
    state = mechanism.run()
    seat = negotiator._agent.seat
    assert seat.other is None and seat.target is None  # neither side: nothing borrowed
    assert seat.hours_per_round == problem.hours_per_round
    assert state.agreement is not None


def test_negmas_tournament_ranks_ditf_against_built_in_agents():
    scores = negmas_tournament(
        single(), ["door_in_the_face", "linear", BoulwareTBNegotiator],
        ["human", AspirationNegotiator],
    )  # fmt: skip
    assert set(scores["strategy"]) == {"door_in_the_face", "linear", "BoulwareTBNegotiator"}
    assert len(scores) == 6  # three competitors x two opponents, scored for the competitors
    assert not scores["has_error"].any()
    agreed = scores["utility"] > scores["reserved_value"]
    assert (scores.loc[agreed, "utility"] >= 0.3).all()


def test_negmas_tournament_checks_its_lists():
    from ditf._errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="'problem' parameter of run_negmas must be"):
        run_negmas("salary")

    with pytest.raises(InvalidParameterError, match="'opponents' parameter of negmas_tournament"):
        negmas_tournament(single(), ["linear"], "human")
    with pytest.raises(InvalidParameterError, match="'n_repetitions' parameter"):
        negmas_tournament(single(), n_repetitions=0)
    with pytest.raises(NegotiationError, match="int is not a NegMAS SAO negotiator type"):
        negmas_tournament(single(), [int])


# Errors -------------------------------------------------------------------------------------


class Faulty(SAONegotiator):
    """A NegMAS negotiator that fails in a chosen way."""

    def __init__(self, error=None, offer=None, **kwargs):
        super().__init__(**kwargs)
        self.error, self.offer = error, offer

    def propose(self, state, dest=None):
        if self.error is not None:
            raise self.error
        return self.offer

    def respond(self, state, source=None):
        from negmas.sao import ResponseType

        return ResponseType.REJECT_OFFER


@pytest.mark.parametrize("error", sorted(NEGMAS_ERRORS, key=lambda e: e.__name__))
def test_every_negmas_failure_we_catch_becomes_a_negotiation_error(error):
    cause = error("boom")
    expected = re.escape(f"Could not run the NegMAS negotiation: {NEGMAS_ERRORS[error]}")
    with pytest.raises(NegotiationError, match=expected) as info:
        run_negmas(single(), Faulty(cause), "boulware")
    assert info.value.__cause__ is cause
    assert issubclass(NegMASException, Exception)


def test_ditf_errors_inside_negmas_pass_through_unchanged():
    with pytest.raises(NegotiationError, match=r"was offered \(1000.0,\), which is not an outcome"):
        run_negmas(single(), "door_in_the_face", Faulty(offer=(1000.0,)))


def test_a_failed_negotiation_state_is_an_error():
    classes = negmas_classes()
    mute = [classes.strategy(problem=single(), can_propose=False) for _ in range(2)]
    with pytest.raises(NegotiationError, match="No proposers and no dynamic entry"):
        run_negmas(single(), *mute)


def test_a_negotiator_that_cannot_join_is_an_error():
    shared = negmas_classes().strategy(problem=single())
    with pytest.raises(NegotiationError, match="refused to add"):
        run_negmas(single(), shared, shared)


def test_negmas_types_are_accepted_as_classes():
    deal = run_negmas(single(), "boulware", AspirationNegotiator)
    assert deal.counterpart.startswith("Aspiration")


def test_non_discrete_spaces_and_missing_ufuns_are_explained():
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import AffineFun, LinearFun

    space = make_os([make_issue((0.0, 1.0), name="x")])
    mechanism = SAOMechanism(outcome_space=space, n_steps=10)
    mechanism.add(DitfNegotiator(strategy="direct_ask"),
                  ufun=LinearAdditiveUtilityFunction(values=[LinearFun(1.0)], weights=[1.0],
                                                     outcome_space=space))  # fmt: skip
    other = LinearAdditiveUtilityFunction(
        values=[AffineFun(-1.0, 1.0)], weights=[1.0], outcome_space=space
    )
    mechanism.add(AspirationNegotiator(), ufun=other)
    with pytest.raises(NegotiationError, match="needs a discrete outcome space"):
        mechanism.run()
    lonely = DitfNegotiator()
    with pytest.raises(NegotiationError, match="has no ufun"):
        lonely._seat()


def test_without_negmas_the_adapter_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m == "negmas" or m.startswith("negmas.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if NegMAS were not installed
    monkeypatch.delitem(sys.modules, "ditf.negotiate._negmas", raising=False)
    monkeypatch.delattr(ditf.negotiate, "_negmas", raising=False)
    for call in (lambda: run_negmas(single()), negmas_classes, lambda: to_negmas(single())):
        with pytest.raises(MissingDependencyError, match=r"pip install 'ditf\[negmas\]'"):
            call()
    with pytest.raises(ImportError):  # it is an ImportError too, for callers expecting one
        negmas_classes()
