"""One side's view of a bargaining problem, as arrays shared by a batch of negotiations.

A seat holds what an agent may know: its own utility of every outcome (sorted once, so that
"the outcome just above my aspiration" is a binary search), its reservation value in each
negotiation of the batch, and the problem's context. The other side's utility is there only
for strategies documented as informed about it (the ``pareto`` selector) and for reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf.negotiate._space import Problem

IntArray = npt.NDArray[np.int64]

#: NegMAS's presorting inverter returns an outcome up to this far *below* the requested utility
#: when it is nearer than the first one above (``negmas.preferences.inv_ufun._common.EPS``);
#: the time-based strategies copy it so that they propose what NegMAS proposes.
INVERTER_SNAP = 1e-6


@dataclass(frozen=True, slots=True, kw_only=True)
class Seat:
    """One side of a batch of negotiations.

    own : (n_outcomes,) this side's utility of each outcome.
    other : (n_outcomes,) the other side's utility, or None when it is unknown.
    reservation : (n,) this side's reservation value in each negotiation.
    target : the requester's real request (its own utility), if known.
    reference_cost : for a counterpart, the cost to it of the requester's target.
    plausible_cost : for a counterpart, the cost of the largest good-faith ask (None: no limit).
    scaled : (n_outcomes, n_issues) each issue's value as a share of its range, in the
        requester's direction (more is better for it), or None when the issues are unknown.
    """

    own: FloatArray
    other: FloatArray | None
    order: IntArray
    sorted_own: FloatArray
    reservation: FloatArray
    target: float | None = None
    reference_cost: float | None = None
    plausible_cost: float | None = None
    scaled: FloatArray | None = None
    rounds: int = 100
    hours_per_round: float = 0.0
    prosocial: bool = False
    describe: Callable[[int], str] = str

    @property
    def n(self) -> int:
        """Negotiations in the batch."""
        return len(self.reservation)

    @property
    def u_min(self) -> float:
        return float(self.sorted_own[0])

    @property
    def u_max(self) -> float:
        return float(self.sorted_own[-1])

    @property
    def floor(self) -> FloatArray:
        """Lowest utility worth having per negotiation: the worst outcome or the reservation."""
        return np.maximum(self.u_min, self.reservation)

    def cost(self) -> FloatArray:
        """Each outcome's cost to this side: the share of its utility range it gives up."""
        span = self.u_max - self.u_min
        return (self.u_max - self.own) / span

    def cost_of(self, utility: float) -> float:
        """The cost of an outcome of the given utility to this side."""
        return (self.u_max - utility) / (self.u_max - self.u_min)

    def block(self, rows: slice) -> Seat:
        """The seat restricted to some negotiations of the batch."""
        return replace(self, reservation=self.reservation[rows])

    def worst_in(self, level: FloatArray) -> IntArray:
        """The outcome with the lowest own utility at or above ``level``, per negotiation.

        Like NegMAS's ``worst_in``: an outcome up to :data:`INVERTER_SNAP` below the level wins
        when it is nearer than the first one at or above it. Levels are clipped to the best
        outcome, so there is always an answer.
        """
        u = self.sorted_own
        pos = np.minimum(np.searchsorted(u, level, side="left"), len(u) - 1)
        below = np.maximum(pos - 1, 0)
        gap_below = level - u[below]
        snap = (pos > 0) & (gap_below <= INVERTER_SNAP) & (gap_below < u[pos] - level)
        snap &= u[below] >= self.reservation  # never below the walk-away
        chosen: IntArray = self.order[np.where(snap, below, pos)]
        return chosen

    def best_for_other_in(self, level: FloatArray) -> IntArray:
        """Among outcomes at or above ``level`` for this side, the best one for the other side.

        Ties go to the better outcome for this side. Needs ``other``.
        """
        if self.other is None:
            raise InvalidParameterError(
                "Choosing the best outcome for the other side needs the other side's utility; "
                "this seat does not know it."
            )
        table = _suffix_best(self.order, self.own, self.other)
        pos = np.minimum(np.searchsorted(self.sorted_own, level, side="left"), len(self.own) - 1)
        chosen: IntArray = table[pos]
        return chosen


def _suffix_best(order: IntArray, own: FloatArray, other: FloatArray) -> IntArray:
    """For each sorted position p, the outcome in ``order[p:]`` best for the other side."""
    # Walk from the best own outcome down, keeping the running best for the other side; a later
    # (better for us) outcome keeps its place on ties because the update needs a strict gain.
    n = len(order)
    rev_other = other[order][::-1]
    running = np.maximum.accumulate(rev_other)
    new_best = np.concatenate(([True], running[1:] > running[:-1]))
    idx_rev = np.maximum.accumulate(np.where(new_best, np.arange(n), 0))
    best_rev = order[::-1][idx_rev]
    result: IntArray = best_rev[::-1].copy()
    return result


def seat_arrays(own: FloatArray) -> tuple[IntArray, FloatArray]:
    """Ascending order of ``own`` (ties by outcome index) and the sorted utilities."""
    order: IntArray = np.argsort(own, kind="stable").astype(np.int64)
    return order, own[order]


def scaled_values(problem: Problem) -> FloatArray:
    """Each outcome's issue values as shares of the issues' ranges (0 at ``lo``, 1 at ``hi``)."""
    values = problem.space.arrays().values
    lo = np.array([i.lo for i in problem.space.issues])
    hi = np.array([i.hi for i in problem.space.issues])
    scaled: FloatArray = (values - lo) / (hi - lo)
    return scaled


def seats(
    problem: Problem,
    n: int,
    requester_reservation: FloatArray | None = None,
    counterpart_reservation: FloatArray | None = None,
) -> tuple[Seat, Seat]:
    """The requester's and the counterpart's seats for ``n`` negotiations of ``problem``."""
    arrays = problem.space.arrays()
    res_r, res_c = problem.reservation_utilities
    r_res = np.full(n, res_r) if requester_reservation is None else requester_reservation
    c_res = np.full(n, res_c) if counterpart_reservation is None else counterpart_reservation
    u_target, c_target = problem.target_utilities
    plausible = problem.plausible_utility
    r_order, r_sorted = seat_arrays(arrays.requester)
    c_order, c_sorted = seat_arrays(arrays.counterpart)
    requester = Seat(
        own=arrays.requester, other=arrays.counterpart, order=r_order, sorted_own=r_sorted,
        reservation=r_res, target=u_target, rounds=problem.rounds,
        hours_per_round=problem.hours_per_round, prosocial=problem.prosocial,
        describe=problem.space.describe,
    )  # fmt: skip
    counterpart = Seat(
        own=arrays.counterpart, other=arrays.requester, order=c_order, sorted_own=c_sorted,
        reservation=c_res, rounds=problem.rounds, hours_per_round=problem.hours_per_round,
        prosocial=problem.prosocial, describe=problem.space.describe,
    )  # fmt: skip
    return requester, replace(
        counterpart,
        scaled=scaled_values(problem),
        reference_cost=counterpart.cost_of(c_target),
        plausible_cost=None if plausible is None else counterpart.cost_of(plausible),
    )
