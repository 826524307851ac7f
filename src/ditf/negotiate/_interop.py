"""NegMAS entry points; each imports the adapter (and NegMAS) only when called."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import Seed
from ditf._validation import check_int_range
from ditf.negotiate._negotiation import Move, Negotiation
from ditf.negotiate._space import Problem
from ditf.negotiate._strategies import Strategy
from ditf.negotiate._welfare import WinWin, assess

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["NegmasClasses", "negmas_classes", "negmas_tournament", "run_negmas", "to_negmas"]


def _adapter() -> Any:
    """The adapter module; raises MissingDependencyError naming the extra without NegMAS."""
    from ditf.negotiate import _negmas

    return _negmas


def _check_problem(problem: Any, owner: str) -> None:
    if not isinstance(problem, Problem):
        raise InvalidParameterError(
            f"The 'problem' parameter of {owner} must be a Problem. Got {problem!r} instead."
        )


class NegmasClasses(NamedTuple):
    """ditf's NegMAS negotiator types (``SAONegotiator`` subclasses).

    strategy : plays any ditf strategy (door-in-the-face by default).
    human : ditf's human-like counterpart.
    """

    strategy: type
    human: type


def negmas_classes() -> NegmasClasses:
    """The NegMAS negotiator types of ditf, for ``SAOMechanism`` and NegMAS tournaments.

    Raises
    ------
    MissingDependencyError
        If NegMAS is not installed (``pip install 'ditf[negmas]'``).

    Examples
    --------
    >>> classes = negmas_classes()
    >>> classes.strategy.__name__, classes.human.__name__
    ('DitfNegotiator', 'HumanCounterpartNegotiator')
    """
    adapter = _adapter()
    return NegmasClasses(adapter.DitfNegotiator, adapter.HumanCounterpartNegotiator)


def to_negmas(problem: Problem) -> tuple[Any, Any, Any]:
    """The problem as a NegMAS outcome space, requester ufun and counterpart ufun.

    Raises
    ------
    MissingDependencyError
        If NegMAS is not installed.

    Examples
    --------
    >>> from ditf.negotiate import OutcomeSpace, Problem
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> space, u_requester, u_counterpart = to_negmas(problem)
    >>> space.cardinality, u_requester((40.0,)), u_counterpart.reserved_value
    (101, 0.4, 0.4)
    """
    _check_problem(problem, "to_negmas")
    result: tuple[Any, Any, Any] = _adapter().to_negmas(problem)
    return result


def run_negmas(
    problem: Problem,
    strategy: str | Strategy | Any = "door_in_the_face",
    counterpart: str | Strategy | Any = "human",
    *,
    rng: Seed = None,
) -> Negotiation:
    """Play one negotiation in NegMAS's ``SAOMechanism``; return it like :func:`negotiate`.

    ditf's time-based strategies run as NegMAS's own ``TimeBasedConcedingNegotiator``; the
    others, and the human-like counterpart, as ditf's NegMAS negotiators. A NegMAS negotiator
    (instance or type) can be passed for either side.

    Parameters
    ----------
    problem : Problem
    strategy : str, Strategy or NegMAS negotiator, default "door_in_the_face"
        The requester (moves first).
    counterpart : str, Strategy or NegMAS negotiator, default "human"
        The counterpart.
    rng : int, Generator or None
        Randomness of a human counterpart: the same seed gives the same negotiation as
        :func:`negotiate`.

    Returns
    -------
    Negotiation
        With the moves NegMAS recorded (messages from ditf's negotiators).

    Raises
    ------
    MissingDependencyError
        If NegMAS is not installed.
    NegotiationError
        If NegMAS fails.

    Examples
    --------
    >>> from ditf.negotiate import OutcomeSpace, Problem
    >>> problem = Problem(space=OutcomeSpace.single(0, 100), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> deal = run_negmas(problem, "boulware", "conceder")
    >>> deal.agreement, deal.rounds
    ((58.0,), 89)
    """
    _check_problem(problem, "run_negmas")
    adapter = _adapter()
    mechanism, first, second = adapter.run(problem, strategy, counterpart, rng)
    return _negotiation(problem, mechanism, first, second)


def _negotiation(problem: Problem, mechanism: Any, first: Any, second: Any) -> Negotiation:
    arrays = problem.space.arrays()
    space = problem.space
    state = mechanism.state
    notes = {id(first): _notes(first), id(second): _notes(second)}
    moves, offers = [], []
    for element in mechanism.full_trace:
        if element.offer is None:  # NegMAS closes a timed-out negotiation with an empty entry
            continue
        mine = element.negotiator == first.id
        who = first if mine else second
        index = space.index_of(list(element.offer))
        if mine:
            offers.append(index)
        moves.append(_move(problem, element.step, "requester" if mine else "counterpart",
                           "offer", index, notes[id(who)].get(element.step, "")))  # fmt: skip
    agreement = -1 if state.agreement is None else space.index_of(list(state.agreement))
    last_step = max(int(state.step) - 1, 0)
    if agreement >= 0:
        by_requester = not moves or moves[-1].side == "counterpart"
        accepter = first if by_requester else second
        note = notes[id(accepter)].get(last_step, "")
        side = "requester" if by_requester else "counterpart"
        moves.append(_move(problem, last_step, side, "accept", agreement, note))
    walked = bool(state.broken) and agreement < 0
    if walked:
        last = moves[-1].index if moves else 0
        note = notes[id(second)].get(last_step, "")
        moves.append(_move(problem, last_step, "counterpart", "walk away", last, note))
    opener = offers[0] if offers else -1
    retreat = next((o for o in offers if arrays.requester[o] < arrays.requester[opener]), -1)
    res_r, res_c = problem.reservation_utilities
    welfare = assess(arrays, np.array([agreement]), np.array([opener]), np.array([retreat]),
                     np.array([res_r]), np.array([res_c]))  # fmt: skip
    return Negotiation(
        problem=problem,
        requester=str(first.name),
        counterpart=str(second.name),
        moves=tuple(moves),
        agreement=None if agreement < 0 else tuple(float(v) for v in arrays.values[agreement]),
        agreement_index=agreement,
        rounds=int(state.step),
        walked_away=walked,
        report=WinWin.from_arrays(welfare, agreement >= 0),
    )


def _notes(negotiator: Any) -> dict[int, str]:
    out: dict[int, str] = {}
    for step, note in getattr(negotiator, "notes", []):
        out[step] = f"{out.get(step, '')} {note}".strip()
    return out


def _move(problem: Problem, step: int, side: str, action: str, index: int, note: str) -> Move:
    arrays = problem.space.arrays()
    return Move(
        round=int(step), side=side, action=action, index=index,
        outcome=problem.space.describe(index),
        requester_utility=float(arrays.requester[index]),
        counterpart_utility=float(arrays.counterpart[index]), message=note,
    )  # fmt: skip


def negmas_tournament(
    problem: Problem,
    competitors: Sequence[str | Strategy | type] = ("door_in_the_face",),
    opponents: Sequence[str | Strategy | type] = ("human",),
    *,
    n_repetitions: int = 1,
) -> pd.DataFrame:
    """A NegMAS tournament: each competitor plays each opponent on the problem.

    Runs NegMAS's ``cartesian_tournament`` in this process (serially), competitors as the
    requester (first mover), opponents as the counterpart, ufuns not rotated or renormalised
    (ditf's are in [0, 1] already).

    Parameters
    ----------
    problem : Problem
    competitors : sequence of str, Strategy or NegMAS negotiator type
        ditf strategies (names or objects) or NegMAS types such as
        ``negmas.sao.BoulwareTBNegotiator``.
    opponents : sequence of str, Strategy or NegMAS negotiator type
        "human" (ditf's counterpart), ditf strategies, or NegMAS types.
    n_repetitions : int, default 1
        Repetitions of every pairing (1 to 1000). NegMAS builds a fresh negotiator for each
        negotiation, so each meets a new human-like counterpart with its own randomness:
        results with "human" vary from run to run (use :func:`tournament` for seeded runs).

    Returns
    -------
    pandas.DataFrame
        NegMAS's score table: one row per competitor per negotiation (``strategy``,
        ``utility``, ``advantage``, ``partner_welfare``...).

    Raises
    ------
    MissingDependencyError
        If NegMAS is not installed.
    NegotiationError
        If NegMAS fails.
    """
    _check_problem(problem, "negmas_tournament")
    check_int_range(n_repetitions, "n_repetitions", "negmas_tournament", 1, 1000)
    for name, items in (("competitors", competitors), ("opponents", opponents)):
        if isinstance(items, str) or not items:
            raise InvalidParameterError(
                f"The {name!r} parameter of negmas_tournament must be a non-empty list. Got "
                f"{items!r} instead."
            )
    results = _adapter().tournament(
        problem, list(competitors), list(opponents), n_repetitions=n_repetitions
    )
    scores: pd.DataFrame = results.scores
    return scores
