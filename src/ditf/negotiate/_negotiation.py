"""One negotiation with a readable transcript and its win-win report."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import Seed
from ditf._validation import as_generator
from ditf.negotiate._batch import make_counterpart, run_traced
from ditf.negotiate._space import Problem
from ditf.negotiate._strategies import Strategy, make_strategy
from ditf.negotiate._welfare import WinWin, assess

__all__ = ["Move", "Negotiation", "negotiate"]


@dataclass(frozen=True, slots=True)
class Move:
    """One turn: a side answers the other's last offer and, unless it ends, makes its own.

    Attributes
    ----------
    round : int
        Round of the turn (0-based); both sides move once per round.
    side : str
        "requester" or "counterpart".
    action : str
        "offer", "accept" (the other side's last offer) or "walk away".
    index : int
        The outcome offered or accepted (index into ``problem.space.arrays()``).
    outcome : str
        That outcome as text.
    requester_utility, counterpart_utility : float
        Both sides' utility of it.
    message : str
        What the side says.
    p_yes : float or None
        For a human counterpart answering a new offer: its probability of saying yes, given its
        willingness, from the behavioural model.
    lifts : dict of str to float
        The model's mechanism terms for that answer (probit units).
    """

    round: int
    side: str
    action: str
    index: int
    outcome: str
    requester_utility: float
    counterpart_utility: float
    message: str
    p_yes: float | None = None
    lifts: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The move as a JSON-ready dict."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Negotiation:
    """One negotiation: who played, the transcript, the result and its win-win report.

    Attributes
    ----------
    problem : Problem
    requester, counterpart : str
        Labels of the strategies.
    moves : tuple of Move
        The transcript.
    agreement : tuple of float or None
        The agreed outcome's issue values (None: no agreement).
    agreement_index : int
        Its index, -1 without agreement.
    rounds : int
        Rounds used.
    walked_away : bool
        Whether the counterpart walked away.
    report : WinWin
        Joint surplus, distance to the Pareto frontier, Nash product, what the retreat did.
    """

    problem: Problem
    requester: str
    counterpart: str
    moves: tuple[Move, ...]
    agreement: tuple[float, ...] | None
    agreement_index: int
    rounds: int
    walked_away: bool
    report: WinWin

    @property
    def status(self) -> str:
        """One of "agreement", "walked away" or "no agreement" (the rounds ran out)."""
        if self.agreement is not None:
            return "agreement"
        return "walked away" if self.walked_away else "no agreement"

    def to_dict(self) -> dict[str, Any]:
        """The negotiation as a JSON-ready dict."""
        return {
            "requester": self.requester,
            "counterpart": self.counterpart,
            "status": self.status,
            "agreement": None if self.agreement is None else list(self.agreement),
            "agreement_text": None
            if self.agreement is None
            else self.problem.space.describe(self.agreement_index),
            "rounds": self.rounds,
            "walked_away": self.walked_away,
            "report": self.report.to_dict(),
            "moves": [m.to_dict() for m in self.moves],
        }


def negotiate(
    problem: Problem,
    strategy: str | Strategy = "door_in_the_face",
    counterpart: str | Strategy = "human",
    *,
    rng: Seed = None,
) -> Negotiation:
    """Play one negotiation and return its transcript and win-win report.

    Parameters
    ----------
    problem : Problem
        The space, the requester's target and both reservations.
    strategy : str or Strategy, default "door_in_the_face"
        The requester's strategy, or its name in :data:`STRATEGIES`.
    counterpart : str or Strategy, default "human"
        A :class:`HumanCounterpart`, an automated strategy, or a name in :data:`COUNTERPARTS`.
    rng : int, Generator or None
        Randomness of a human counterpart; the same seed gives the same negotiation as
        :func:`negotiate_batch` with ``n=1``.

    Returns
    -------
    Negotiation

    Examples
    --------
    >>> from ditf.negotiate import OutcomeSpace, Problem
    >>> problem = Problem(space=OutcomeSpace.single(0, 100, unit="EUR"), target=40,
    ...                   requester_reservation=30, counterpart_reservation=60)
    >>> deal = negotiate(problem, "door_in_the_face", "human", rng=1)
    >>> deal.moves[0].outcome, deal.moves[1].outcome, deal.status  # the opener anchors the counter
    ('100 EUR', '45 EUR', 'agreement')
    """
    if not isinstance(problem, Problem):
        raise InvalidParameterError(
            f"The 'problem' parameter of negotiate must be a Problem. Got {problem!r} instead."
        )
    requester = make_strategy(strategy, "negotiate")
    other = make_counterpart(counterpart, "negotiate")
    outcome, trace = run_traced(problem, requester, other, as_generator(rng))
    arrays = problem.space.arrays()
    moves = []
    for turn in trace:
        action = "walk away" if turn.walked else "accept" if turn.accepted else "offer"
        p_yes = turn.info.get("p_yes")
        lifts = {k: v for k, v in turn.info.items() if k != "p_yes"} or None
        moves.append(
            Move(
                round=turn.round,
                side=turn.side,
                action=action,
                index=turn.offer,
                outcome=problem.space.describe(turn.offer),
                requester_utility=float(arrays.requester[turn.offer]),
                counterpart_utility=float(arrays.counterpart[turn.offer]),
                message=turn.note,
                p_yes=None if p_yes is None or math.isnan(p_yes) else p_yes,
                lifts=lifts,
            )
        )
    res_r, res_c = problem.reservation_utilities
    welfare = assess(
        arrays, outcome.agreement, outcome.opener, outcome.retreat,
        np.array([res_r]), np.array([res_c]),
    )  # fmt: skip
    index = int(outcome.agreement[0])
    return Negotiation(
        problem=problem,
        requester=requester.label,
        counterpart=other.label,
        moves=tuple(moves),
        agreement=None if index < 0 else tuple(float(v) for v in arrays.values[index]),
        agreement_index=index,
        rounds=int(outcome.rounds[0]),
        walked_away=bool(outcome.walked[0]),
        report=WinWin.from_arrays(welfare, index >= 0),
    )
