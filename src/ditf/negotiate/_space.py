"""Outcome spaces, utilities and the bargaining problem (who wants what, and their walk-aways).

Every issue is framed as what the requester asks for: more is better for the requester and
worse for the counterpart. Utilities are linear and additive with per-side weights (Raiffa,
1982; Faratin, Sierra & Jennings, 1998), so two sides that weigh the issues differently can
trade them off (logrolling) and a concession can create joint gains.

Each issue is a grid of ``levels`` values from ``lo`` to ``hi``: NegMAS inverts utility
functions exactly only on discrete spaces (its presorting inverter), the Pareto frontier is
exact on a grid, and the cross-check against NegMAS needs both sides to see the same outcomes.

References
----------
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press.
Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for
    autonomous agents. Robotics and Autonomous Systems, 24(3-4), 159-182.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, TypeAlias

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import BoolArray, FloatArray
from ditf._validation import (
    check_delay,
    check_finite,
    check_int_range,
    check_positive,
    check_type,
)

__all__ = ["MAX_OUTCOMES", "Issue", "OutcomeLike", "OutcomeSpace", "Problem", "SpaceArrays"]

#: Largest outcome space accepted: NegMAS inverts utilities exactly (presorting) up to one
#: million outcomes and switches to an approximate inverter above it, so a larger space could not
#: be cross-checked and would make every per-outcome table heavy.
MAX_OUTCOMES = 1_000_000

#: An outcome as users write it: a number (one issue), values in issue order, or name -> value.
OutcomeLike: TypeAlias = float | SequenceABC[float] | Mapping[str, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Issue:
    """One negotiated issue: a grid of values the requester wants high and the counterpart low.

    Parameters
    ----------
    name : str
        A non-empty label (unique within a space).
    lo, hi : float
        Range of the issue, ``lo < hi``; ``lo`` is the counterpart's best value (nothing asked).
    levels : int, default 101
        Grid points from ``lo`` to ``hi`` (2 or more); 101 gives steps of 1% of the range.
    unit : str, default ""
        Unit shown in transcripts.
    requester_weight, counterpart_weight : float, default 1.0
        How much each side cares about this issue (>= 0); normalised over the space's issues.

    Examples
    --------
    >>> Issue(name="raise", lo=0, hi=20, levels=41, unit="%").values()[:3].tolist()
    [0.0, 0.5, 1.0]
    """

    name: str
    lo: float
    hi: float
    levels: int = 101
    unit: str = ""
    requester_weight: float = 1.0
    counterpart_weight: float = 1.0

    def __post_init__(self) -> None:
        owner = "Issue"
        check_type(self.name, "name", owner, str, "a non-empty string")
        if not self.name.strip():
            raise InvalidParameterError(
                "The 'name' parameter of Issue must be a non-empty string. Got '' instead."
            )
        check_type(self.unit, "unit", owner, str, "a string")
        lo = check_finite(self.lo, "lo", owner)
        hi = check_finite(self.hi, "hi", owner)
        if not lo < hi:
            raise InvalidParameterError(
                f"Issue {self.name!r} needs lo < hi. Got lo={lo:g} and hi={hi:g}: swap them or "
                "widen the range."
            )
        object.__setattr__(self, "lo", lo)
        object.__setattr__(self, "hi", hi)
        object.__setattr__(self, "levels", check_int_range(self.levels, "levels", owner, 2))
        for name in ("requester_weight", "counterpart_weight"):
            value = check_positive(getattr(self, name), name, owner, allow_zero=True)
            object.__setattr__(self, name, value)

    def values(self) -> FloatArray:
        """The grid of values, from ``lo`` to ``hi``."""
        return np.linspace(self.lo, self.hi, self.levels)

    def format(self, value: float) -> str:
        """A value with the issue's unit, for transcripts."""
        text = f"{value:.4g}"
        return text + "%" if self.unit == "%" else f"{text} {self.unit}".strip()


class SpaceArrays(NamedTuple):
    """An outcome space as arrays over its outcomes (in ``itertools.product`` order).

    values : (n_outcomes, n_issues) issue values.
    requester, counterpart : (n_outcomes,) utilities in [0, 1].
    pareto : (n_outcomes,) whether no other outcome is at least as good for both and better for
        one.
    """

    values: FloatArray
    requester: FloatArray
    counterpart: FloatArray
    pareto: BoolArray


@dataclass(frozen=True, slots=True)
class OutcomeSpace:
    """The issues under negotiation, their grids and both sides' linear additive utilities.

    A side's utility of an outcome is ``sum_i w_i * x_i`` with its weights ``w`` normalised to
    sum to 1 and ``x_i`` the issue's value scaled to [0, 1] in the side's favour
    (``(v - lo) / (hi - lo)`` for the requester, ``(hi - v) / (hi - lo)`` for the counterpart).

    Parameters
    ----------
    issues : tuple of Issue
        At least one issue, names unique, at most :data:`MAX_OUTCOMES` outcomes in all.

    Examples
    --------
    >>> space = OutcomeSpace.single(0, 100, unit="EUR")
    >>> space.n_outcomes, space.utilities(40.0)
    (101, (0.4, 0.6))
    """

    issues: tuple[Issue, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        raw = self.issues
        issues = tuple(raw) if isinstance(raw, (tuple, list)) else ()
        if not issues or not all(isinstance(i, Issue) for i in issues):
            raise InvalidParameterError(
                "The 'issues' parameter of OutcomeSpace must be a non-empty tuple of Issue. "
                f"Got {raw!r} instead."
            )
        names = [i.name for i in issues]
        if len(set(names)) != len(names):
            raise InvalidParameterError(
                f"Issue names must be unique within an OutcomeSpace. Got {names}: rename one."
            )
        n = math.prod(i.levels for i in issues)
        if n > MAX_OUTCOMES:
            raise InvalidParameterError(
                f"The outcome space has {n:,} outcomes, more than the {MAX_OUTCOMES:,} that can "
                "be inverted exactly. Use fewer levels per issue."
            )
        for side in ("requester", "counterpart"):
            if sum(getattr(i, f"{side}_weight") for i in issues) <= 0:
                raise InvalidParameterError(
                    f"The {side} weights of an OutcomeSpace are all 0, so the {side} would care "
                    "about nothing. Give at least one issue a positive weight."
                )
        object.__setattr__(self, "issues", issues)

    @classmethod
    def single(
        cls, lo: float, hi: float, *, levels: int = 101, unit: str = "", name: str = "amount"
    ) -> OutcomeSpace:
        """One issue: an amount in ``[lo, hi]`` the requester wants high.

        Examples
        --------
        >>> OutcomeSpace.single(0, 10, levels=11).n_outcomes
        11
        """
        return cls((Issue(name=name, lo=lo, hi=hi, levels=levels, unit=unit),))

    @property
    def n_outcomes(self) -> int:
        """Number of outcomes (the product of the issues' levels)."""
        return math.prod(i.levels for i in self.issues)

    @property
    def names(self) -> tuple[str, ...]:
        """Issue names in order."""
        return tuple(i.name for i in self.issues)

    def weights(self) -> tuple[FloatArray, FloatArray]:
        """Normalised requester and counterpart weights, in issue order."""
        r = np.array([i.requester_weight for i in self.issues])
        c = np.array([i.counterpart_weight for i in self.issues])
        return r / r.sum(), c / c.sum()

    def arrays(self) -> SpaceArrays:
        """Values, utilities and the Pareto set of every outcome (cached per space)."""
        return _arrays(self)

    def outcome(
        self, value: Any, name: str = "outcome", owner: str = "OutcomeSpace"
    ) -> tuple[float, ...]:
        """Validate an outcome written as a number, a sequence or a mapping; return its values.

        Raises
        ------
        InvalidParameterError
            If its shape does not match the issues or a value lies outside an issue's range.

        Examples
        --------
        >>> OutcomeSpace.single(0, 100).outcome(40)
        (40.0,)
        """
        values = self._values_of(value, name, owner)
        for issue, v in zip(self.issues, values, strict=True):
            if not issue.lo <= v <= issue.hi:
                raise InvalidParameterError(
                    f"The {name!r} parameter of {owner} must lie in the outcome space: "
                    f"{issue.name} in [{issue.lo:g}, {issue.hi:g}]. Got {v:g} instead. Move it "
                    "inside the issue's range, or widen the range."
                )
        return values

    def _values_of(self, value: Any, name: str, owner: str) -> tuple[float, ...]:
        k = len(self.issues)
        shape = "a number" if k == 1 else f"a table of {list(self.names)} or a list of {k} numbers"
        if isinstance(value, Mapping):
            if set(value) != set(self.names):
                raise InvalidParameterError(
                    f"The {name!r} parameter of {owner} must be {shape}. Got keys "
                    f"{sorted(map(str, value))} instead."
                )
            items = [value[n] for n in self.names]
        elif isinstance(value, (list, tuple, np.ndarray)):
            items = list(value)
        else:
            items = [value]
        if len(items) != k:
            raise InvalidParameterError(
                f"The {name!r} parameter of {owner} must be {shape}. Got {value!r} instead."
            )
        return tuple(check_finite(v, name, owner, shape) for v in items)

    def utilities(self, value: Any) -> tuple[float, float]:
        """Requester and counterpart utility of an outcome (on or off the grid)."""
        values = np.array(self.outcome(value), dtype=float)
        r_w, c_w = self.weights()
        u_r = u_c = 0.0
        for issue, v, wr, wc in zip(self.issues, values, r_w, c_w, strict=True):
            span = issue.hi - issue.lo
            u_r = u_r + float(wr) * ((v - issue.lo) / span)
            u_c = u_c + float(wc) * ((issue.hi - v) / span)
        return float(u_r), float(u_c)

    def index_of(self, value: Any) -> int:
        """Index of the grid outcome nearest to ``value`` (issue by issue)."""
        values = self.outcome(value)
        index = 0
        for issue, v in zip(self.issues, values, strict=True):
            step = (issue.hi - issue.lo) / (issue.levels - 1)
            index = index * issue.levels + round((v - issue.lo) / step)
        return index

    def describe(self, index: int) -> str:
        """An outcome as text, e.g. ``"raise 6%, days 25"`` (a single issue: just its value)."""
        row = self.arrays().values[index]
        if len(self.issues) == 1:
            return self.issues[0].format(float(row[0]))
        return ", ".join(
            f"{i.name} {i.format(float(v))}" for i, v in zip(self.issues, row, strict=True)
        )


@lru_cache(maxsize=16)
def _arrays(space: OutcomeSpace) -> SpaceArrays:
    grids = [i.values() for i in space.issues]
    mesh = np.meshgrid(*grids, indexing="ij")
    values = np.stack([m.ravel() for m in mesh], axis=1)
    r_w, c_w = space.weights()
    n = values.shape[0]
    u_r, u_c = np.zeros(n), np.zeros(n)
    # Issue by issue, in the order NegMAS's LinearAdditiveUtilityFunction adds its terms, so the
    # adapter's utilities are the same floats as these.
    for j, issue in enumerate(space.issues):
        span = issue.hi - issue.lo
        level = np.indices([i.levels for i in space.issues])[j].ravel()
        scaled_r = (grids[j] - issue.lo) / span
        scaled_c = (issue.hi - grids[j]) / span
        u_r = u_r + float(r_w[j]) * scaled_r[level]
        u_c = u_c + float(c_w[j]) * scaled_c[level]
    for a in (values, u_r, u_c):
        a.flags.writeable = False
    pareto = pareto_mask(u_r, u_c)
    pareto.flags.writeable = False
    return SpaceArrays(values, u_r, u_c, pareto)


def pareto_mask(u_a: FloatArray, u_b: FloatArray) -> BoolArray:
    """Outcomes no other outcome dominates (at least as good for both, better for one).

    Outcomes with equal utilities for both sides share their status.
    """
    pairs, inverse = np.unique(np.stack([u_a, u_b], axis=1), axis=0, return_inverse=True)
    a, b = pairs[:, 0], pairs[:, 1]
    order = np.lexsort((-b, -a))  # by a descending, ties by b descending
    best_b = np.maximum.accumulate(b[order])
    previous = np.concatenate(([-np.inf], best_b[:-1]))
    unique_mask = np.zeros(len(a), dtype=bool)
    unique_mask[order[b[order] > previous]] = True
    mask: BoolArray = unique_mask[inverse.ravel()]
    return mask


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A bargaining problem: the space, the requester's real request and both walk-aways.

    Outcomes (``target``, the reservations, ``plausible_max``) are written as a number for a
    single issue, a list in issue order, or a table issue name -> value; they are stored as
    tuples of issue values and must lie inside the space.

    Parameters
    ----------
    space : OutcomeSpace
        The issues and both sides' utilities.
    target : outcome
        The requester's real request: the fallback a door-in-the-face retreats to. It must ask
        something of the counterpart and be at least as good for the requester as its
        reservation.
    requester_reservation, counterpart_reservation : outcome
        Each side's walk-away (BATNA), as an outcome whose utility is the reservation value. No
        side ever accepts an agreement below its reservation value.
    plausible_max : outcome or None, default None
        The largest ask that still reads as made in good faith (a market high, a norm). An
        opener costing the counterpart more reads as bad faith. None: no limit is known.
    rounds : int, default 100
        Rounds of alternating offers (each side moves once per round), 2 to 10000.
    hours_per_round : float, default 0.0
        Hours between one round and the next; 0 is one conversation (an immediate retreat).
    prosocial : bool, default False
        Whether the request serves a prosocial cause (bargaining over money usually does not;
        the model's sequential lifts are weaker for self-serving requests).

    Examples
    --------
    >>> space = OutcomeSpace.single(0, 100)
    >>> p = Problem(space=space, target=40, requester_reservation=30,
    ...             counterpart_reservation=60)
    >>> p.target, p.reservation_utilities
    ((40.0,), (0.3, 0.4))
    """

    space: OutcomeSpace
    target: OutcomeLike
    requester_reservation: OutcomeLike
    counterpart_reservation: OutcomeLike
    plausible_max: OutcomeLike | None = None
    rounds: int = 100
    hours_per_round: float = 0.0
    prosocial: bool = False

    def __post_init__(self) -> None:
        owner = "Problem"
        if not isinstance(self.space, OutcomeSpace):
            raise InvalidParameterError(
                f"The 'space' parameter of Problem must be an OutcomeSpace. Got {self.space!r} "
                "instead."
            )
        for name in ("target", "requester_reservation", "counterpart_reservation"):
            object.__setattr__(self, name, self.space.outcome(getattr(self, name), name, owner))
        if self.plausible_max is not None:
            limit = self.space.outcome(self.plausible_max, "plausible_max", owner)
            object.__setattr__(self, "plausible_max", limit)
        object.__setattr__(self, "rounds", check_int_range(self.rounds, "rounds", owner, 2, 10_000))
        hours = check_delay(self.hours_per_round, "hours_per_round", owner)
        object.__setattr__(self, "hours_per_round", hours)
        check_type(self.prosocial, "prosocial", owner, bool, "a bool (true or false)")
        self._check_consistency()

    def _check_consistency(self) -> None:
        u_target, c_target = self.space.utilities(self.target)
        if u_target < self.space.utilities(self.requester_reservation)[0]:
            raise InvalidParameterError(
                "The 'target' of Problem is worth less to the requester than its reservation: it "
                "would never be accepted by the requester itself. Ask for at least the "
                "reservation."
            )
        if c_target >= 1.0:
            raise InvalidParameterError(
                "The 'target' of Problem asks nothing of the counterpart (it is the "
                "counterpart's best outcome). Ask for something."
            )
        if self.space.utilities(self.counterpart_reservation)[1] >= 1.0:
            raise InvalidParameterError(
                "The 'counterpart_reservation' of Problem is the counterpart's best outcome, so "
                "it would accept nothing. Move it into the space."
            )
        if self.plausible_max is not None and self.space.utilities(self.plausible_max)[1] >= 1.0:
            raise InvalidParameterError(
                "The 'plausible_max' of Problem asks nothing of the counterpart; it must be the "
                "largest good-faith ask. Set it to a market high, or leave it out."
            )

    @property
    def reservation_utilities(self) -> tuple[float, float]:
        """Requester and counterpart reservation values (utilities in [0, 1])."""
        return (
            self.space.utilities(self.requester_reservation)[0],
            self.space.utilities(self.counterpart_reservation)[1],
        )

    @property
    def target_utilities(self) -> tuple[float, float]:
        """Requester and counterpart utility of the target."""
        return self.space.utilities(self.target)

    @property
    def plausible_utility(self) -> float | None:
        """Counterpart utility of the plausible maximum (None when no limit is known)."""
        if self.plausible_max is None:
            return None
        return self.space.utilities(self.plausible_max)[1]
