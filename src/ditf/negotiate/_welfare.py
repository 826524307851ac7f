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

__all__ = ["RETREAT_KINDS", "Welfare", "WinWin"]

#: How the retreat changed the two sides' utilities, by code.
RETREAT_KINDS = ("none", "joint gain", "transfer", "joint loss")
#: Utility changes that cancel out up to float rounding are a pure transfer (not behavioural:
#: utilities are sums of a few terms in [0, 1], so their rounding error is far below this).
RETREAT_TOLERANCE = 1e-9
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

    @classmethod
    def from_arrays(cls, welfare: Welfare, agreed: bool, i: int = 0) -> WinWin:
        """The report of negotiation ``i`` of a batch."""
        values = {k: float(v[i]) for k, v in welfare._asdict().items() if k != "retreat_kind"}
        gain = values.pop("retreat_gain")
        kind = RETREAT_KINDS[int(welfare.retreat_kind[i])]
        return cls(agreed=agreed, **values, retreat=kind, retreat_gain=gain)

    def verdict(self) -> str:
        """One sentence on what the retreat did."""
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
    for start in range(0, len(agreement), _CHUNK):
        rows = slice(start, start + _CHUNK)
        d_r = u_r[rows, None] - f_r[None, :]
        d_c = u_c[rows, None] - f_c[None, :]
        distance[rows] = np.sqrt(np.min(d_r**2 + d_c**2, axis=1))
        g_r = f_r[None, :] - res_r[rows, None]
        g_c = f_c[None, :] - res_c[rows, None]
        product = np.where((g_r >= 0) & (g_c >= 0), g_r * g_c, 0.0)
        best_nash[rows] = product.max(axis=1)
    nash = np.where(agreed, s_r * s_c, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(best_nash > 0, nash / np.where(best_nash > 0, best_nash, 1.0), np.nan)
    gain, kind = _retreat(arrays, opener, retreat)
    return Welfare(u_r, u_c, s_r, s_c, s_r + s_c, distance, nash, share, gain, kind)


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
