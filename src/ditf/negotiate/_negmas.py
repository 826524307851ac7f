"""The NegMAS adapter: ditf's strategies and human-like counterpart as NegMAS SAO negotiators.

Imported only on demand (``ditf[negmas]``). :class:`DitfNegotiator` plays any ditf strategy
inside a NegMAS ``SAOMechanism`` or tournament, reading its utilities from the ufun NegMAS gives
it; the batch engine's agents do the thinking, so a negotiator behaves exactly as in
:func:`~ditf.negotiate.negotiate_batch`. NegMAS's own failures become
:class:`~ditf.NegotiationError` in one place, :func:`translated`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from ditf._errors import DitfError, MissingDependencyError, NegotiationError
from ditf._types import Seed
from ditf._validation import as_generator
from ditf.negotiate._counterpart import HumanCounterpart
from ditf.negotiate._seat import Seat, scaled_values, seat_arrays
from ditf.negotiate._space import Problem
from ditf.negotiate._strategies import Agent, Strategy, TimeBased, make_strategy

try:
    from negmas.exceptions import NegMASException
    from negmas.inout import Scenario
    from negmas.negotiators import Negotiator
    from negmas.outcomes import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun
    from negmas.sao import ResponseType, SAOMechanism, SAONegotiator
    from negmas.sao import TimeBasedConcedingNegotiator as _NegmasTimeBased
except ImportError as exc:  # tests hide NegMAS to exercise this
    raise MissingDependencyError(
        "The NegMAS adapter needs NegMAS, which is not installed. Install it with "
        "pip install 'ditf[negmas]'."
    ) from exc

__all__ = [
    "NEGMAS_ERRORS",
    "DitfNegotiator",
    "HumanCounterpartNegotiator",
    "negmas_negotiator",
    "to_negmas",
    "translated",
]

#: Every NegMAS failure we knowingly catch, and what it means for the user.
NEGMAS_ERRORS: dict[type[BaseException], str] = {
    NegMASException: "NegMAS reported an error",
    ValueError: "NegMAS rejected a value (an outcome space, ufun or negotiator it cannot use)",
    TypeError: "NegMAS was given an object of the wrong kind",
    KeyError: "NegMAS looked up something that does not exist",
    AssertionError: "an internal consistency check of NegMAS failed",
    RuntimeError: "NegMAS failed while running",
}


@contextmanager
def translated(action: str) -> Iterator[None]:
    """Run NegMAS code; turn its failures into :class:`~ditf.NegotiationError`.

    ditf's own errors pass through unchanged.
    """
    try:
        yield
    except DitfError:
        raise
    except tuple(NEGMAS_ERRORS) as exc:
        kind = next(v for k, v in NEGMAS_ERRORS.items() if isinstance(exc, k))
        raise NegotiationError(
            f"Could not {action}: {kind}: {exc!r}. Check that the outcome space is discrete and "
            "every negotiator has a ufun over it; run with NegMAS directly to see its traceback."
        ) from exc


def to_negmas(problem: Problem) -> tuple[Any, Any, Any]:
    """The problem as a NegMAS outcome space and the requester's and counterpart's ufuns.

    The ufuns are linear additive over table value functions with ditf's weights, and their
    reserved values are the reservation utilities; they give the same floats as
    ``problem.space.arrays()``.
    """
    space = problem.space
    with translated("build the NegMAS outcome space"):
        issues = [make_issue(values=[float(v) for v in i.values()], name=i.name)
                  for i in space.issues]  # fmt: skip
        outcome_space = make_os(issues, name="ditf")
        w_r, w_c = space.weights()
        res_r, res_c = problem.reservation_utilities
        ufuns = []
        for weights, reserved, favour_high in ((w_r, res_r, True), (w_c, res_c, False)):
            tables = []
            for issue in space.issues:
                values = issue.values()
                span = issue.hi - issue.lo
                scaled = (values - issue.lo) / span if favour_high else (issue.hi - values) / span
                tables.append(TableFun(dict(zip(values.tolist(), scaled.tolist(), strict=True))))
            ufuns.append(
                LinearAdditiveUtilityFunction(
                    values=tables,
                    weights=[float(w) for w in weights],
                    outcome_space=outcome_space,
                    reserved_value=float(reserved),
                )
            )
    return outcome_space, ufuns[0], ufuns[1]


def negmas_scenario(problem: Problem) -> Any:
    """The problem as a NegMAS ``Scenario`` (requester ufun first)."""
    outcome_space, u_r, u_c = to_negmas(problem)
    with translated("build the NegMAS scenario"):
        return Scenario(outcome_space=outcome_space, ufuns=(u_r, u_c))


class DitfNegotiator(SAONegotiator):  # type: ignore[misc]
    """A ditf strategy as a NegMAS SAO negotiator (door-in-the-face by default).

    Parameters
    ----------
    strategy : str or Strategy, default "door_in_the_face"
        Any ditf strategy, or :class:`~ditf.negotiate.HumanCounterpart`.
    problem : Problem or None
        The ditf problem this negotiation plays; it supplies the requester's target, the
        plausible maximum and the hours per round, and the other side's utilities when the
        ufun NegMAS gives matches one side of it. None: only the ufun is known (a
        door-in-the-face then needs an explicit ``fallback``).
    rng : int, Generator or None
        Randomness of a human counterpart.
    **kwargs
        Passed to NegMAS's ``SAONegotiator`` (``name``, ``ufun``...).
    """

    def __init__(
        self,
        *args: Any,
        strategy: str | Strategy = "door_in_the_face",
        problem: Problem | None = None,
        rng: Seed = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ditf_strategy = _strategy(strategy)
        self.ditf_problem = problem
        self._gen = as_generator(rng)
        self._agent: Agent | None = None
        self._outcomes: list[tuple[Any, ...]] = []
        self._index: dict[tuple[Any, ...], int] = {}
        self.notes: list[tuple[int, str]] = []

    # NegMAS calls these -------------------------------------------------------------------

    def propose(self, state: Any, dest: str | None = None) -> tuple[Any, ...]:
        """The agent's offer for this step."""
        agent = self._ready()
        offer = int(agent.propose(float(state.relative_time), int(state.step))[0])
        self.notes.append((int(state.step), agent.note))
        return self._outcomes[offer]

    def respond(self, state: Any, source: str | None = None) -> Any:
        """Accept, reject (a counter-offer follows) or end the negotiation (walk away)."""
        agent = self._ready()
        offer = self._index.get(tuple(state.current_offer))
        if offer is None:
            raise NegotiationError(
                f"{self.name} was offered {state.current_offer!r}, which is not an outcome of "
                "its outcome space. Give both negotiators the same discrete outcome space."
            )
        reply = agent.respond(np.array([offer]), float(state.relative_time), int(state.step))
        self.notes.append((int(state.step), agent.note))
        if reply.accept[0]:
            return ResponseType.ACCEPT_OFFER
        if reply.walk[0]:
            return ResponseType.END_NEGOTIATION
        return ResponseType.REJECT_OFFER

    # building the agent -------------------------------------------------------------------

    def _ready(self) -> Agent:
        if self._agent is None:
            seat = self._seat()
            self._agent = self.ditf_strategy.agent(seat, self._gen)
        return self._agent

    def _seat(self) -> Seat:
        if self.ufun is None:
            raise NegotiationError(
                f"{self.name} has no ufun; add it with mechanism.add(..., ufun=)."
            )
        outcome_space = self.nmi.outcome_space
        problem = self.ditf_problem
        if problem is not None:
            outcomes = [tuple(row) for row in problem.space.arrays().values.tolist()]
        elif outcome_space.is_discrete():
            outcomes = [tuple(o) for o in outcome_space.enumerate()]
        else:
            raise NegotiationError(
                f"{self.name} needs a discrete outcome space: discretise the issues, or pass "
                "the ditf problem."
            )
        self._outcomes = outcomes
        self._index = {o: i for i, o in enumerate(outcomes)}
        own = np.array([float(self.ufun(o)) for o in outcomes])
        reserved = self.ufun.reserved_value
        floor = float(own.min())
        reservation = floor if reserved is None or not np.isfinite(reserved) else float(reserved)
        order, sorted_own = seat_arrays(own)
        steps = self.nmi.n_steps
        seat = Seat(
            own=own, other=None, order=order, sorted_own=sorted_own,
            reservation=np.array([reservation]), rounds=int(steps) if steps else 100,
        )  # fmt: skip
        return _with_problem(seat, problem) if problem is not None else seat


class HumanCounterpartNegotiator(DitfNegotiator):
    """ditf's human-like counterpart as a NegMAS SAO negotiator.

    Parameters
    ----------
    counterpart : HumanCounterpart or None
        The counterpart's parameters; None: the defaults.
    problem : Problem
        The ditf problem (its target is the counterpart's reference request).
    rng : int, Generator or None
        Randomness of its answers.
    **kwargs
        Passed to NegMAS's ``SAONegotiator``.
    """

    def __init__(
        self,
        *args: Any,
        counterpart: HumanCounterpart | None = None,
        problem: Problem | None = None,
        rng: Seed = None,
        **kwargs: Any,
    ) -> None:
        spec = counterpart if counterpart is not None else HumanCounterpart()
        super().__init__(*args, strategy=spec, problem=problem, rng=rng, **kwargs)


def _strategy(strategy: str | Strategy) -> Strategy:
    if isinstance(strategy, Strategy):
        return strategy
    if strategy == "human":
        return HumanCounterpart()
    return make_strategy(strategy, "DitfNegotiator")


def _with_problem(seat: Seat, problem: Problem) -> Seat:
    """Fill in what the problem knows, for whichever side of it this ufun is."""
    from dataclasses import replace

    arrays = problem.space.arrays()
    common: dict[str, Any] = {
        "hours_per_round": problem.hours_per_round,
        "prosocial": problem.prosocial,
        "describe": problem.space.describe,
    }
    if np.allclose(seat.own, arrays.requester, atol=1e-12):
        return replace(seat, other=arrays.counterpart, target=problem.target_utilities[0], **common)
    if np.allclose(seat.own, arrays.counterpart, atol=1e-12):
        plausible = problem.plausible_utility
        return replace(
            seat,
            other=arrays.requester,
            scaled=scaled_values(problem),
            reference_cost=seat.cost_of(problem.target_utilities[1]),
            plausible_cost=None if plausible is None else seat.cost_of(plausible),
            **common,
        )
    return replace(seat, **common)


def negmas_negotiator(strategy: str | Strategy | Any, problem: Problem, rng: Seed) -> Any:
    """A NegMAS negotiator for a ditf strategy name/object, or a NegMAS negotiator as is.

    ditf's time-based strategies become NegMAS's own ``TimeBasedConcedingNegotiator`` (same
    curve, ``stochastic=False``), so a run against them is NegMAS's implementation, not ours.
    """
    if isinstance(strategy, Negotiator):
        return strategy
    if isinstance(strategy, type) and issubclass(strategy, Negotiator):
        with translated(f"create {strategy.__name__}"):
            return strategy(name=strategy.__name__)
    spec = _strategy(strategy)
    if isinstance(spec, TimeBased):
        return _NegmasTimeBased(offering_curve=spec.exponent, stochastic=False, name=spec.label)
    if isinstance(spec, HumanCounterpart):
        return HumanCounterpartNegotiator(counterpart=spec, problem=problem, rng=rng, name="human")
    return DitfNegotiator(strategy=spec, problem=problem, rng=rng, name=spec.label)


def run(problem: Problem, requester: Any, counterpart: Any, rng: Seed) -> tuple[Any, Any, Any]:
    """Run one NegMAS ``SAOMechanism`` negotiation; return the mechanism and both negotiators."""
    outcome_space, u_r, u_c = to_negmas(problem)
    gen = as_generator(rng)
    first = negmas_negotiator(requester, problem, gen)
    second = negmas_negotiator(counterpart, problem, gen)
    with translated("run the NegMAS negotiation"):
        mechanism = SAOMechanism(outcome_space=outcome_space, n_steps=problem.rounds)
        for negotiator, ufun in ((first, u_r), (second, u_c)):
            if not mechanism.add(negotiator, ufun=ufun):
                raise NegotiationError(
                    f"NegMAS refused to add {negotiator.name} to the negotiation; it may already "
                    "take part in another one. Create a fresh negotiator."
                )
        state = mechanism.run()
    if state.has_error:
        raise NegotiationError(
            f"The NegMAS negotiation failed: {state.error_details or 'no details'} (negotiator "
            f"{state.erred_negotiator!r}). Fix that negotiator, or run with NegMAS directly."
        )
    return mechanism, first, second


def tournament(
    problem: Problem,
    competitors: Sequence[Any],
    opponents: Sequence[Any],
    *,
    n_repetitions: int,
) -> Any:
    """A NegMAS ``cartesian_tournament`` of competitors against opponents on the problem."""
    from negmas.tournaments.neg import cartesian_tournament

    comp = [_type_and_params(c, problem) for c in competitors]
    opp = [_type_and_params(o, problem) for o in opponents]
    with translated("run the NegMAS tournament"):
        results = cartesian_tournament(
            competitors=[c[0] for c in comp], competitor_params=[c[1] for c in comp],
            competitor_names=[c[2] for c in comp],
            opponents=[o[0] for o in opp], opponent_params=[o[1] for o in opp],
            opponent_names=[o[2] for o in opp],
            scenarios=[negmas_scenario(problem)], n_steps=problem.rounds,
            n_repetitions=n_repetitions, rotate_ufuns=False, normalize_ufuns=False,
            njobs=-1, path=None, verbosity=0, save_stats=False, save_scenario_figs=False,
            randomize_runs=False, raise_exceptions=True,
        )  # fmt: skip
    return results


def _type_and_params(item: Any, problem: Problem) -> tuple[type, dict[str, Any], str]:
    """A NegMAS negotiator type, its constructor parameters and its name.

    NegMAS serialises the parameters and builds a fresh negotiator for every negotiation, so a
    human counterpart there draws its own randomness each time (``rng=None``): every
    negotiation meets a new person, and tournament results vary from run to run.
    """
    if isinstance(item, type):
        if not issubclass(item, Negotiator):
            raise NegotiationError(
                f"{item.__name__} is not a NegMAS SAO negotiator type; pass e.g. "
                "negmas.sao.BoulwareTBNegotiator or a ditf strategy name."
            )
        return item, {}, item.__name__
    spec = _strategy(item)
    if isinstance(spec, HumanCounterpart):
        params = {"counterpart": spec, "problem": problem}
        return HumanCounterpartNegotiator, params, "human"
    if isinstance(spec, TimeBased):
        return _NegmasTimeBased, {"offering_curve": spec.exponent, "stochastic": False}, spec.label
    return DitfNegotiator, {"strategy": spec, "problem": problem}, spec.label
