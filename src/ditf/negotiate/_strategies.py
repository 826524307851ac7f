"""Requester strategies: door-in-the-face, time-based concession, tit-for-tat and a direct ask.

A strategy is a frozen parameter object; :meth:`Strategy.agent` turns it into an agent that
plays a whole batch of negotiations at once, holding its state as arrays (one entry per
negotiation). Agents follow the stacked alternating offers protocol of NegMAS's
``SAOMechanism``: in round ``r`` (relative time ``(r + 1) / (rounds + 1)``) each side in turn
answers the other's last offer and, unless it accepts, makes its own.

Strategies reason only with their own utility, except where a ``selector="pareto"`` says the
requester knows the counterpart's priorities.

References
----------
Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
    autonomous agents. Robotics and Autonomous Systems, 24(3-4), 159-182. (time-dependent
    tactics; imitative tit-for-tat)
Baarslag, T., Hindriks, K., & Jonker, C. (2014). Effective acceptance conditions in real-time
    automated negotiation. Decision Support Systems, 60, 68-77. (AC_next)
Cialdini, R. B., et al. (1975). Reciprocal concessions procedure for inducing compliance: The
    door-in-the-face technique. JPSP, 31(2), 206-215. (opener, immediate retreat)
Mohammad, Y., Nakadai, S., & Greenwald, A. (2021). NegMAS: A platform for automated
    negotiations. (``TimeBasedConcedingNegotiator``, ``PolyAspiration``)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple, Protocol

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import BoolArray, FloatArray
from ditf._validation import check_finite, check_option, check_positive
from ditf.negotiate._seat import IntArray, Seat

__all__ = [
    "CONCESSION_EXPONENTS",
    "STRATEGIES",
    "DirectAsk",
    "DoorInTheFace",
    "Reply",
    "Strategy",
    "TimeBased",
    "TitForTat",
    "make_strategy",
]

#: Exponents of the named time-dependent curves, NegMAS's ``POLY_ASPIRATION_EXPONENTS``: the
#: aspiration at relative time t is ``1 - t ** e`` (Faratin et al.'s ``1 - t ** (1 / beta)``).
#: Boulware concedes late (e > 1), a conceder early (e < 1).
CONCESSION_EXPONENTS = {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}
#: NegMAS's ``UtilBasedNegotiator`` widens its aspiration band by this much (its default ``eps``).
NEGMAS_TOLERANCE = 1e-4
SELECTORS = ("own", "pareto")


class Reply(NamedTuple):
    """An agent's answer to the other side's offers: accept, walk away (else counter)."""

    accept: BoolArray
    walk: BoolArray


class Agent(Protocol):
    """One side playing a batch of negotiations (state as arrays)."""

    note: str

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        """Answer the other side's offers (round ``r``, relative time ``t``)."""

    def propose(self, t: float, r: int) -> IntArray:
        """Make an offer in every negotiation."""


class Strategy(ABC):
    """A negotiation strategy: parameters only; :meth:`agent` plays it."""

    __slots__ = ()
    #: Registry name of the strategy.
    kind: ClassVar[str] = ""
    #: Whether the strategy draws random numbers.
    deterministic: ClassVar[bool] = True

    @abstractmethod
    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """An agent playing this strategy in the seat's negotiations."""

    @property
    def label(self) -> str:
        """A short name for tables and transcripts."""
        return self.kind


def _no_walk(n: int) -> BoolArray:
    return np.zeros(n, dtype=bool)


def _accept_at_least(seat: Seat, offer: IntArray, planned: IntArray) -> BoolArray:
    """AC_next: accept an offer worth at least what I would offer next (never below the floor)."""
    u = seat.own[offer]
    accepted: BoolArray = (u >= seat.own[planned]) & (u >= seat.reservation)
    return accepted


def _select(seat: Seat, level: FloatArray, selector: str) -> IntArray:
    level = np.maximum(level, seat.floor)
    return seat.best_for_other_in(level) if selector == "pareto" else seat.worst_in(level)


def _check_selector(strategy: str, selector: str, seat: Seat) -> None:
    if selector == "pareto" and seat.other is None:
        raise InvalidParameterError(
            f"{strategy}(selector='pareto') needs the counterpart's utilities, which this "
            "negotiation does not provide. Use selector='own' or pass the ditf Problem."
        )


def _real_request(
    strategy: str, name: str, value: float | None, selector: str, seat: Seat
) -> float:
    """Own utility of the real request: the strategy's ``value``, else the problem's target."""
    _check_selector(strategy, selector, seat)
    level = value if value is not None else seat.target
    if level is None:
        raise InvalidParameterError(
            f"{strategy} needs a {name} (the real request): pass {name}=<utility> or play it as "
            "the requester of a Problem, whose target is the real request."
        )
    return level


# ---------------------------------------------------------------- time-based concession


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeBased(Strategy):
    """Time-dependent concession (Faratin et al., 1998), exactly as NegMAS plays it.

    The aspiration at relative time ``t`` is ``a(t) = 1 - t ** exponent`` of the range from the
    side's floor (its worst outcome or its reservation, whichever is higher) to its best
    outcome. The agent offers the outcome just above its aspiration (NegMAS's ``worst_in``) and
    accepts any offer at or above it, as NegMAS's ``TimeBasedConcedingNegotiator`` with
    ``stochastic=False`` does (``BoulwareTBNegotiator`` etc.).

    Parameters
    ----------
    exponent : float, default 1.0
        > 1 concedes late (Boulware, 4), 1 linearly, < 1 early (conceder, 0.25).

    Examples
    --------
    >>> TimeBased(exponent=4.0).label
    'boulware'
    """

    exponent: float = 1.0
    kind: ClassVar[str] = "time_based"

    def __post_init__(self) -> None:
        check_positive(self.exponent, "exponent", "TimeBased")
        object.__setattr__(self, "exponent", float(self.exponent))

    @property
    def label(self) -> str:
        """The curve's name when it is a named one, else ``time_based(e=...)``."""
        for name, value in CONCESSION_EXPONENTS.items():
            if value == self.exponent:
                return name
        return f"time_based(e={self.exponent:g})"

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """A time-based agent for the seat's negotiations."""
        return _TimeBasedAgent(seat, self.exponent)


class _TimeBasedAgent:
    def __init__(self, seat: Seat, exponent: float) -> None:
        self.seat, self.exponent = seat, exponent
        self.low = seat.floor
        self.high = seat.u_max
        self.note = ""

    def threshold(self, t: float) -> FloatArray:
        # NegMAS's order of operations: scale the aspiration, widen by the tolerance, clamp.
        aspiration = 1.0 - t**self.exponent
        level = (self.high - self.low) * aspiration + self.low - NEGMAS_TOLERANCE
        clipped: FloatArray = np.clip(level, self.low, self.high)
        return clipped

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        accept = self.seat.own[offer] >= self.threshold(t)
        self.note = "" if accept[0] else "Not yet."
        return Reply(accept, _no_walk(self.seat.n))

    def propose(self, t: float, r: int) -> IntArray:
        self.note = f"Aspiration at {1.0 - t**self.exponent:.0%} of my range."
        return self.seat.worst_in(self.threshold(t))


# ---------------------------------------------------------------- door-in-the-face


@dataclass(frozen=True, slots=True, kw_only=True)
class DoorInTheFace(Strategy):
    """Open high, and when the opener is refused retreat at once to the real request.

    Round 0 offers the opener; round 1 retreats to the fallback and says why (a concession the
    counterpart can reciprocate: Cialdini et al., 1975). Afterwards it holds the fallback, or,
    with ``concede_after``, concedes from the fallback to its reservation over the remaining
    rounds on a time-dependent curve. It accepts a counter-offer worth at least what it would
    offer next (AC_next).

    Parameters
    ----------
    opener : float or None, default None
        Own utility of the opener; None: the best outcome.
    fallback : float or None, default None
        Own utility of the real request; None: the problem's target.
    concede_after : float or None, default None
        Exponent of the concession after the retreat (as :class:`TimeBased`); None holds firm.
    selector : {"own", "pareto"}, default "own"
        How a utility level becomes an offer: the outcome just above it for the requester
        ("own", what NegMAS does), or, among the outcomes at least that good for the requester,
        the best for the counterpart ("pareto": the requester knows the counterpart's
        priorities and retreats on what it values most).

    Examples
    --------
    >>> DoorInTheFace().label
    'door_in_the_face'
    """

    opener: float | None = None
    fallback: float | None = None
    concede_after: float | None = None
    selector: str = "own"
    kind: ClassVar[str] = "door_in_the_face"

    def __post_init__(self) -> None:
        owner = "DoorInTheFace"
        for name in ("opener", "fallback"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_finite(getattr(self, name), name, owner))
        if self.concede_after is not None:
            e = check_positive(self.concede_after, "concede_after", owner)
            object.__setattr__(self, "concede_after", e)
        check_option(self.selector, "selector", owner, SELECTORS)

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """A door-in-the-face agent for the seat's negotiations.

        Raises
        ------
        InvalidParameterError
            If the fallback is unknown, or the opener is worth less than the fallback.
        """
        fallback = _real_request("DoorInTheFace", "fallback", self.fallback, self.selector, seat)
        opener = seat.u_max if self.opener is None else self.opener
        if opener < fallback:
            raise InvalidParameterError(
                f"A door-in-the-face opener must be worth at least the fallback to the "
                f"requester. Got opener={opener:g} and fallback={fallback:g}: raise the opener."
            )
        return _DoorAgent(self, seat, opener, fallback)


class _DoorAgent:
    def __init__(self, strategy: DoorInTheFace, seat: Seat, opener: float, fallback: float):
        self.s, self.seat = strategy, seat
        n = seat.n
        self.fallback_level = np.maximum(np.full(n, fallback), seat.floor)
        self.opener = _select(seat, np.full(n, opener), strategy.selector)
        self.fallback = _select(seat, self.fallback_level, strategy.selector)
        self.note = ""

    def plan(self, r: int) -> IntArray:
        if r == 0:
            return self.opener
        if self.s.concede_after is None or r == 1:
            return self.fallback
        # Concede from the fallback (round 1) to the floor (the last round).
        tau = (r - 1) / max(self.seat.rounds - 2, 1)
        floor = self.seat.floor
        level = floor + (self.fallback_level - floor) * (1.0 - tau**self.s.concede_after)
        return _select(self.seat, level, self.s.selector)

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        accept = _accept_at_least(self.seat, offer, self.plan(r))
        self.note = "" if accept[0] else "No."
        return Reply(accept, _no_walk(self.seat.n))

    def propose(self, t: float, r: int) -> IntArray:
        offer = self.plan(r)
        self.note = self._explain(r, offer)
        return offer

    def _explain(self, r: int, offer: IntArray) -> str:
        seat = self.seat
        if r == 0:
            return f"I'd like to ask for {seat.describe(int(offer[0]))}."
        if r > 1:
            return "That is as far as I can go." if self.s.concede_after is None else ""
        opener, fallback = int(self.opener[0]), int(offer[0])
        if opener == fallback:
            return "I'll stay with that."
        share = self._concession(opener, fallback)
        return (
            f"I understand {seat.describe(opener)} was a lot to ask. I'll come down: could you "
            f"do {seat.describe(fallback)} instead? That is {share:.0%} less than I first asked."
        )

    def _concession(self, opener: int, fallback: int) -> float:
        """Share of the opener's cost to the counterpart given up by the retreat."""
        other = self.seat.other
        if other is None:  # unknown to us: measure in our own utility range
            own = self.seat.own
            return float((own[opener] - own[fallback]) / (self.seat.u_max - self.seat.u_min))
        top, bottom = float(other.max()), float(other.min())
        cost_open = (top - other[opener]) / (top - bottom)
        cost_back = (top - other[fallback]) / (top - bottom)
        return float((cost_open - cost_back) / cost_open)


# ---------------------------------------------------------------- direct ask, tit-for-tat


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectAsk(Strategy):
    """Ask for the real request from the start and hold it (the control condition).

    Parameters
    ----------
    target : float or None, default None
        Own utility of the request; None: the problem's target.
    selector : {"own", "pareto"}, default "own"
        As in :class:`DoorInTheFace`.

    Examples
    --------
    >>> DirectAsk().label
    'direct_ask'
    """

    target: float | None = None
    selector: str = "own"
    kind: ClassVar[str] = "direct_ask"

    def __post_init__(self) -> None:
        if self.target is not None:
            object.__setattr__(self, "target", check_finite(self.target, "target", "DirectAsk"))
        check_option(self.selector, "selector", "DirectAsk", SELECTORS)

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """A direct-ask agent for the seat's negotiations.

        Raises
        ------
        InvalidParameterError
            If the target is unknown.
        """
        target = _real_request("DirectAsk", "target", self.target, self.selector, seat)
        return _DirectAgent(seat, _select(seat, np.full(seat.n, target), self.selector))


class _DirectAgent:
    def __init__(self, seat: Seat, ask: IntArray) -> None:
        self.seat, self.ask = seat, ask
        self.note = ""

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        accept = _accept_at_least(self.seat, offer, self.ask)
        self.note = "" if accept[0] else "No."
        return Reply(accept, _no_walk(self.seat.n))

    def propose(self, t: float, r: int) -> IntArray:
        self.note = f"I'm asking for {self.seat.describe(int(self.ask[0]))}." if r == 0 else ""
        return self.ask


@dataclass(frozen=True, slots=True, kw_only=True)
class TitForTat(Strategy):
    """Imitate the other side's concessions (Faratin et al.'s absolute tit-for-tat).

    Opens with its best outcome; whenever the other side's offer improves for it by some
    utility, it lowers its own aspiration by the same amount (never below its floor). It never
    concedes first. Accepts an offer worth at least its next one (AC_next).

    Examples
    --------
    >>> TitForTat().label
    'tit_for_tat'
    """

    kind: ClassVar[str] = "tit_for_tat"

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """A tit-for-tat agent for the seat's negotiations."""
        return _TitForTatAgent(seat)


class _TitForTatAgent:
    def __init__(self, seat: Seat) -> None:
        self.seat = seat
        self.level = np.full(seat.n, seat.u_max)
        self.last = np.full(seat.n, np.nan)
        self.note = ""

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        u = self.seat.own[offer]
        gain = np.where(np.isnan(self.last), 0.0, u - np.nan_to_num(self.last))
        self.level = np.maximum(self.level - np.maximum(gain, 0.0), self.seat.floor)
        self.last = u
        accept = _accept_at_least(self.seat, offer, self.seat.worst_in(self.level))
        self.note = "" if accept[0] else f"You moved {max(gain[0], 0.0):.3f}; so do I."
        return Reply(accept, _no_walk(self.seat.n))

    def propose(self, t: float, r: int) -> IntArray:
        return self.seat.worst_in(self.level)


# ---------------------------------------------------------------- registry

#: Strategies either side may play, by name: NegMAS-style time-based concession and
#: tit-for-tat. Each entry builds the strategy with its default parameters.
AUTOMATED: dict[str, Any] = {
    "boulware": lambda: TimeBased(exponent=CONCESSION_EXPONENTS["boulware"]),
    "conceder": lambda: TimeBased(exponent=CONCESSION_EXPONENTS["conceder"]),
    "linear": lambda: TimeBased(exponent=CONCESSION_EXPONENTS["linear"]),
    "tit_for_tat": TitForTat,
}
#: Requester strategies by name: the automated ones, asking directly and the retreat
#: (alphabetical: the order of a tournament's rows).
STRATEGIES: dict[str, Any] = dict(
    sorted({**AUTOMATED, "direct_ask": DirectAsk, "door_in_the_face": DoorInTheFace}.items())
)


def by_name(name: str | Strategy, registry: Mapping[str, Any], kind: str, owner: str) -> Strategy:
    """``name`` built from ``registry``; a :class:`Strategy` is returned as is.

    Raises
    ------
    InvalidParameterError
        Naming the ``kind`` parameter of ``owner``, if the name is not in ``registry``.
    """
    if isinstance(name, Strategy):
        return name
    check_option(name, kind, owner, registry)
    strategy: Strategy = registry[name]()
    return strategy


def make_strategy(name: str | Strategy, owner: str = "make_strategy") -> Strategy:
    """A strategy from its registry name (a :class:`Strategy` is returned as is).

    Raises
    ------
    InvalidParameterError
        If the name is not in :data:`STRATEGIES`.

    Examples
    --------
    >>> make_strategy("boulware")
    TimeBased(exponent=4.0)
    >>> make_strategy("haggle")
    Traceback (most recent call last):
    ...
    ditf._errors.InvalidParameterError: The 'strategy' parameter of make_strategy must be one of \
'boulware', 'conceder', 'direct_ask', 'door_in_the_face', 'linear', 'tit_for_tat'. Got 'haggle' \
instead.
    """
    return by_name(name, STRATEGIES, "strategy", owner)
