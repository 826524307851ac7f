"""Win-win report: joint surplus, distance to the Pareto frontier, Nash product, the retreat.

Utilities are each side's own, in [0, 1]; surpluses are measured over each side's reservation
value, and a failed negotiation leaves both sides at their reservation (zero surplus). The
retreat is the requester's first concession (its first offer worth less to it than the
opener): it created joint gains when the counterpart gained more utility than the requester
gave up (a trade across issues the two sides weigh differently), and only moved value when the
two changes cancel out (always so on one issue).

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica, 18(2), 155-162.
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press. (integrative
    vs distributive bargaining, the Pareto frontier)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ditf._types import FloatArray
from ditf.negotiate._seat import IntArray
from ditf.negotiate._space import SpaceArrays

__all__ = ["DISPLAY_ZERO", "FRONTIER_TOLERANCE", "RETREAT_KINDS", "Welfare", "WinWin"]

#: How the retreat changed the two sides' utilities, by code.
RETREAT_KINDS = ("none", "joint gain", "transfer", "joint loss")
#: Utility changes that cancel out up to float rounding are a pure transfer (not behavioural:
#: utilities are sums of a few terms in [0, 1], so their rounding error is far below this).
RETREAT_TOLERANCE = 1e-9
#: Distances and utility differences this small are zero (float rounding of sums of a few
#: terms in [0, 1]); used for display and for "on the frontier".
FRONTIER_TOLERANCE = 1e-9
#: Values within this of zero are shown as 0 (float noise such as 5.55e-17).
DISPLAY_ZERO = 1e-12
#: Negotiations per chunk when distances to the frontier are computed (bounds memory).
_CHUNK = 4096


class Welfare(NamedTuple):
    """Per-negotiation welfare, as arrays over negotiations (see :class:`WinWin`)."""

    requester_utility: FloatArray
    counterpart_utility: FloatArray
    requester_surplus: FloatArray
    counterpart_surplus: FloatArray
    joint_surplus: FloatArray
    pareto_distance: FloatArray
    nash_product: FloatArray
    nash_share: FloatArray
    retreat_gain: FloatArray
    retreat_kind: IntArray
    surplus_left: FloatArray
    split_gain: FloatArray


@dataclass(frozen=True, slots=True)
class WinWin:
    """The win-win report of one negotiation.

    Attributes
    ----------
    agreed : bool
        Whether the sides agreed.
    requester_utility, counterpart_utility : float
        Each side's utility of the agreement (its reservation value when there is none).
    requester_surplus, counterpart_surplus, joint_surplus : float
        Utility over the reservation values; their sum.
    pareto_distance : float
        Euclidean distance in utility space from the result to the nearest Pareto-optimal
        outcome: 0 means no outcome could make one side better off without hurting the other.
    nash_product : float
        ``requester_surplus * counterpart_surplus`` (0 without agreement; Nash, 1950).
    nash_share : float
        The Nash product as a share of the largest one any outcome offers (nan if none has a
        positive product: no zone of agreement).
    retreat : str
        "joint gain", "transfer", "joint loss", or "none" (the requester never conceded).
    retreat_gain : float
        Requester plus counterpart utility change of the retreat (nan without one).
    surplus_left : float
        Joint surplus left on the table: the largest joint surplus of any outcome both sides
        prefer to their reservations, minus this result's (0 when no such outcome exists).
    split_gain : float
        Joint utility of the result minus that of splitting every issue at its midpoint (the
        compromise); > 0 means the deal created joint gains (always 0 on one issue, where
        joint utility is constant; nan without agreement).
    """

    agreed: bool
    requester_utility: float
    counterpart_utility: float
    requester_surplus: float
    counterpart_surplus: float
    joint_surplus: float
    pareto_distance: float
    nash_product: float
    nash_share: float
    retreat: str
    retreat_gain: float
    surplus_left: float = 0.0
    split_gain: float = float("nan")

    @classmethod
    def from_arrays(cls, welfare: Welfare, agreed: bool, i: int = 0) -> WinWin:
        """The report of negotiation ``i`` of a batch."""
        values = {k: float(v[i]) for k, v in welfare._asdict().items() if k != "retreat_kind"}
        gain = values.pop("retreat_gain")
        kind = RETREAT_KINDS[int(welfare.retreat_kind[i])]
        values = {k: _clean(v) for k, v in values.items()}
        return cls(agreed=agreed, **values, retreat=kind, retreat_gain=_clean(gain))

    def verdict(self) -> str:
        """What the deal is, in separate sentences: the frontier, the joint gains, the retreat.

        Examples
        --------
        >>> report = WinWin(agreed=True, requester_utility=0.8, counterpart_utility=0.47,
        ...                 requester_surplus=0.54, counterpart_surplus=0.14, joint_surplus=0.68,
        ...                 pareto_distance=0.0, nash_product=0.08, nash_share=0.5,
        ...                 retreat="none", retreat_gain=float("nan"), surplus_left=0.1,
        ...                 split_gain=0.27)
        >>> print(report.verdict())
        The agreement is on the Pareto frontier. The deal created joint gains: 0.27 more joint \
utility than splitting every issue in the middle. It left 0.10 of joint surplus on the table. \
The requester never retreated.
        """
        sentences = [self._frontier(), self._gains(), self._left(), self._retreat()]
        return " ".join(s for s in sentences if s)

    def _frontier(self) -> str:
        if not self.agreed:
            return "There was no agreement."
        if self.pareto_distance <= FRONTIER_TOLERANCE:
            return "The agreement is on the Pareto frontier."
        return (
            "The agreement is not on the Pareto frontier: another outcome is better for both "
            f"sides (distance {self.pareto_distance:.3f})."
        )

    def _gains(self) -> str:
        if not self.agreed or np.isnan(self.split_gain):
            return ""
        if self.split_gain > FRONTIER_TOLERANCE:
            return (
                f"The deal created joint gains: {self.split_gain:.2f} more joint utility than "
                "splitting every issue in the middle."
            )
        if self.split_gain < -FRONTIER_TOLERANCE:
            return (
                f"The deal destroyed joint value: {-self.split_gain:.2f} less joint utility than "
                "splitting every issue in the middle."
            )
        return "The deal only divided value: its joint utility is that of any split."

    def _left(self) -> str:
        if self.surplus_left <= FRONTIER_TOLERANCE:
            return "It left no joint surplus on the table."
        return f"It left {self.surplus_left:.2f} of joint surplus on the table."

    def _retreat(self) -> str:
        return {
            "none": "The requester never retreated.",
            "joint gain": "The retreat created joint gains: the counterpart gained more than the "
            "requester gave up.",
            "transfer": "The retreat only moved value from the requester to the counterpart.",
            "joint loss": "The retreat destroyed value: the requester gave up more than the "
            "counterpart gained.",
        }[self.retreat]

    def to_dict(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (nan becomes None)."""
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = None if isinstance(value, float) and np.isnan(value) else value
        return out


def assess(
    arrays: SpaceArrays,
    agreement: IntArray,
    opener: IntArray,
    retreat: IntArray,
    res_r: FloatArray,
    res_c: FloatArray,
) -> Welfare:
    """Welfare of a batch: agreements (-1: none), the requester's opener and retreat offers."""
    agreed = agreement >= 0
    at = np.maximum(agreement, 0)
    u_r = np.where(agreed, arrays.requester[at], res_r)
    u_c = np.where(agreed, arrays.counterpart[at], res_c)
    s_r, s_c = u_r - res_r, u_c - res_c
    front = np.flatnonzero(arrays.pareto)
    f_r, f_c = arrays.requester[front], arrays.counterpart[front]
    distance = np.empty(len(agreement))
    best_nash = np.empty(len(agreement))
    best_joint = np.empty(len(agreement))
    for start in range(0, len(agreement), _CHUNK):
        rows = slice(start, start + _CHUNK)
        d_r = u_r[rows, None] - f_r[None, :]
        d_c = u_c[rows, None] - f_c[None, :]
        distance[rows] = np.sqrt(np.min(d_r**2 + d_c**2, axis=1))
        g_r = f_r[None, :] - res_r[rows, None]
        g_c = f_c[None, :] - res_c[rows, None]
        zone = (g_r >= 0) & (g_c >= 0)
        product = np.where(zone, g_r * g_c, 0.0)
        best_nash[rows] = product.max(axis=1)
        # The largest joint surplus is on the frontier (a maximum of a sum is Pareto-optimal).
        best_joint[rows] = np.where(zone, g_r + g_c, -np.inf).max(axis=1)
    nash = np.where(agreed, s_r * s_c, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(best_nash > 0, nash / np.where(best_nash > 0, best_nash, 1.0), np.nan)
    gain, kind = _retreat(arrays, opener, retreat)
    left = np.where(np.isfinite(best_joint), np.maximum(best_joint - (s_r + s_c), 0.0), 0.0)
    split = _split_utility(arrays)
    split_gain = np.where(agreed, u_r + u_c - split, np.nan)
    return Welfare(
        u_r, u_c, s_r, s_c, s_r + s_c, distance, nash, share, gain, kind, left, split_gain
    )


def _split_utility(arrays: SpaceArrays) -> float:
    """Joint utility of splitting every issue at its midpoint (linear additive utilities)."""
    # Each side's utility is linear in the issue values, so at the midpoint of every range each
    # side gets half of its utility range: the joint utility is the mean of the two ranges' ends.
    return float(
        (arrays.requester.max() + arrays.requester.min()) / 2
        + (arrays.counterpart.max() + arrays.counterpart.min()) / 2
    )


def _clean(value: float) -> float:
    """``value`` with float noise within :data:`DISPLAY_ZERO` of zero shown as 0."""
    return 0.0 if abs(value) < DISPLAY_ZERO else value


def _retreat(
    arrays: SpaceArrays, opener: IntArray, retreat: IntArray
) -> tuple[FloatArray, IntArray]:
    has = retreat >= 0
    o, r = np.maximum(opener, 0), np.maximum(retreat, 0)
    delta = (arrays.requester[r] - arrays.requester[o]) + (
        arrays.counterpart[r] - arrays.counterpart[o]
    )
    gain = np.where(has, delta, np.nan)
    kind = np.where(
        ~has,
        0,
        np.where(delta > RETREAT_TOLERANCE, 1, np.where(delta < -RETREAT_TOLERANCE, 3, 2)),
    ).astype(np.int64)
    return gain, kind
