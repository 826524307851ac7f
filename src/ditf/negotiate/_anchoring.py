"""First offers and settlements: the anchoring of simulated negotiations, against the literature.

Meta-analyses of negotiation find that first offers predict settlements: r = .497 (Orr &
Guthrie, 2006) and r = .62 (Petrowsky et al., 2025), both in ``negotiation.csv``.
:func:`first_offer_association` runs many negotiations with the human-like counterpart
(:class:`~ditf.negotiate.HumanCounterpart`) in the batch engine and measures the same
correlation, so that the counterpart's anchoring (the model's
:func:`ditf.model.mechanisms.anchor_pull`) can be checked against the published range.

Design, chosen to mirror the meta-analysed studies (mostly simulated, single-issue,
distributive buyer-seller negotiations in which one side opens):

* one issue, an amount in [0, 100] on a grid of ``levels`` values, that the requester wants
  high and the counterpart low (the counterpart's cost of an amount is amount / 100);
* the requester opens and concedes on a standard time-based curve (Faratin et al., 1998): its
  offer at round ``r`` of ``R`` is ``floor + (opener - floor) * (1 - (r / (R - 1)) ** e)``, with
  ``e = 1`` (linear) by default, down to its reservation (the floor); it accepts a
  counter-offer worth at least its next offer (AC_next);
* first offers spread evenly in log amount over ``openers``, one batch per opener;
* the counterpart's reservations (its limits, the most it would give) spread over ``limits``,
  drawn uniformly in log amount with the same log width as the openers. **Assumption**: first
  offers vary as much as limits do, on the log scale on which the pull acts; this is the
  assumption under which the model's pull share was calibrated to these correlations
  (``ditf.model._anchoring``), so the simulation tests the counterpart's use of it, not the
  calibration itself;
* openers above every limit (a positive bargaining zone below every opener) and no plausible
  maximum, so no opener offends: the studies' openers are ambitious but not insulting;
* the requester's target (the counterpart's reference request, which pins its baseline
  P(yes)) in the middle of the limits, its reservation below every limit.

The correlation is Pearson's, between first offer and settlement amounts among the
negotiations that end in an agreement, with a Fisher-z 95% interval.

References
----------
Galinsky, A. D., & Mussweiler, T. (2001). First offers as anchors. JPSP, 81(4), 657-669.
Orr, D., & Guthrie, C. (2006). Anchoring, information, expertise, and negotiation: New insights
    from meta-analysis. Ohio State Journal on Dispute Resolution, 21(3), 597-628.
Petrowsky, H. M., et al. (2025). The power and peril of first offers in negotiations.
    Organizational Behavior and Human Decision Processes.
Faratin, P., Sierra, C., & Jennings, N. R. (1998). Negotiation decision functions for autonomous
    agents. Robotics and Autonomous Systems, 24(3-4), 159-182.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator, check_int_range, check_positive, check_type
from ditf.model import Mechanisms
from ditf.negotiate._batch import negotiate_batch
from ditf.negotiate._counterpart import DEFAULT_BASELINE, HumanCounterpart
from ditf.negotiate._seat import IntArray, Seat
from ditf.negotiate._space import OutcomeSpace, Problem
from ditf.negotiate._strategies import Agent, Reply, Strategy, _accept_at_least, _no_walk

__all__ = ["FirstOfferAssociation", "first_offer_association"]

#: z of the two-sided 95% interval.
_Z95 = 1.959963984540054


@dataclass(frozen=True, slots=True)
class FirstOfferAssociation:
    """The correlation of first offer and settlement in simulated negotiations.

    Attributes
    ----------
    r : float
        Pearson correlation of first offer and settlement among agreements.
    low, high : float
        Its Fisher-z 95% interval.
    n : int
        Agreements the correlation is computed on.
    negotiations : int
        Negotiations simulated.
    agreement_rate : float
        Share of negotiations that ended in an agreement.
    anchoring : bool
        Whether the counterpart's anchoring mechanism was on.
    """

    r: float
    low: float
    high: float
    n: int
    negotiations: int
    agreement_rate: float
    anchoring: bool

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return {
            "r": self.r,
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "negotiations": self.negotiations,
            "agreement_rate": self.agreement_rate,
            "anchoring": self.anchoring,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class _OpenAndConcede(Strategy):
    """Open at ``opener`` (own utility) and concede on a time-based curve to the floor."""

    opener: float
    exponent: float = 1.0
    kind: ClassVar[str] = "time_based_opener"

    @property
    def label(self) -> str:
        return f"time_based(e={self.exponent:g}, opener={self.opener:g})"

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        return _OpenAndConcedeAgent(seat, self.opener, self.exponent)


class _OpenAndConcedeAgent:
    def __init__(self, seat: Seat, opener: float, exponent: float) -> None:
        self.seat, self.exponent = seat, exponent
        self.opener = np.maximum(opener, seat.floor)
        self.note = ""

    def plan(self, r: int) -> IntArray:
        tau = min(r / max(self.seat.rounds - 1, 1), 1.0)
        floor = self.seat.floor
        level = floor + (self.opener - floor) * (1.0 - tau**self.exponent)
        return self.seat.worst_in(np.maximum(level, floor))

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        return Reply(_accept_at_least(self.seat, offer, self.plan(r)), _no_walk(self.seat.n))

    def propose(self, t: float, r: int) -> IntArray:
        return self.plan(r)


def _span(values: tuple[float, float], name: str) -> tuple[float, float]:
    lo, hi = (float(v) for v in values)
    if not 0.0 < lo < hi <= 100.0:
        raise InvalidParameterError(
            f"The {name!r} parameter of first_offer_association must be two amounts (low, high) "
            f"with 0 < low < high <= 100. Got {values!r} instead."
        )
    return lo, hi


def first_offer_association(
    *,
    n: int = 20_000,
    openers: tuple[float, float] = (48.0, 60.0),
    limits: tuple[float, float] = (30.0, 37.5),
    grid: int = 25,
    levels: int = 401,
    rounds: int = 40,
    exponent: float = 1.0,
    baseline: float = DEFAULT_BASELINE,
    mechanisms: Mechanisms | None = None,
    rng: Seed = None,
) -> FirstOfferAssociation:
    """Simulate single-issue negotiations and correlate first offers with settlements.

    The design (module docstring) mirrors the meta-analysed studies: the requester opens at
    one of ``grid`` first offers spread evenly in log amount over ``openers`` and concedes
    linearly (time-based, ``exponent``) to its reservation; each human-like counterpart's limit
    is drawn uniformly in log amount over ``limits`` (by default as wide in log units as the
    openers: the stated assumption that they vary comparably).

    Parameters
    ----------
    n : int, default 20000
        Negotiations in all, split evenly over the first offers (``grid`` to 1,000,000).
    openers : (float, float), default (48, 60)
        Range of the requester's first offers, amounts in (0, 100].
    limits : (float, float), default (30, 37.5)
        Range of the counterparts' limits (the most each would give), amounts in (0, 100].
    grid : int, default 25
        Distinct first offers (2 to 1000).
    levels : int, default 401
        Amounts on the grid from 0 to 100 (11 to 1001).
    rounds : int, default 40
        Rounds of alternating offers (2 to 10000).
    exponent : float, default 1.0
        The requester's concession curve (1 linear, > 1 Boulware, < 1 conceder).
    baseline : float, default 0.167
        The counterpart's P(yes) to the requester's target asked alone.
    mechanisms : Mechanisms or None, default None
        The counterpart's mechanisms (None: all on); ``Mechanisms().without("anchoring")``
        removes the pull of the first offer.
    rng : int, Generator or None
        Randomness of the limits and of the counterparts.

    Returns
    -------
    FirstOfferAssociation

    Raises
    ------
    InvalidParameterError
        If a range is not inside (0, 100], the openers do not all lie above the limits, or
        fewer than 4 negotiations end in an agreement.

    Examples
    --------
    >>> result = first_offer_association(n=500, grid=5, rng=0)
    >>> result.n <= 500 and -1.0 <= result.low <= result.r <= result.high <= 1.0
    True
    """
    owner = "first_offer_association"
    grid = check_int_range(grid, "grid", owner, 2, 1000)
    n = check_int_range(n, "n", owner, grid, 1_000_000)
    levels = check_int_range(levels, "levels", owner, 11, 1001)
    rounds = check_int_range(rounds, "rounds", owner, 2, 10_000)
    exponent = check_positive(exponent, "exponent", owner)
    if mechanisms is not None:
        check_type(mechanisms, "mechanisms", owner, Mechanisms, "a Mechanisms or None")
    o_lo, o_hi = _span(openers, "openers")
    l_lo, l_hi = _span(limits, "limits")
    if o_lo <= l_hi:
        raise InvalidParameterError(
            f"The 'openers' of first_offer_association must all lie above the 'limits' (a "
            f"positive bargaining zone below every first offer). Got openers from {o_lo:g} and "
            f"limits up to {l_hi:g}: raise the openers or lower the limits."
        )
    gen = as_generator(rng)
    counterpart = HumanCounterpart(baseline=baseline, mechanisms=mechanisms)
    space = OutcomeSpace.single(0, 100, levels=levels)
    step = 100.0 / (levels - 1)
    target = step * round(float(np.sqrt(l_lo * l_hi)) / step)
    floor = step * max(1, int(l_lo / 2 / step))
    problem = Problem(
        space=space, target=target, requester_reservation=floor,
        counterpart_reservation=l_hi, rounds=rounds,
    )  # fmt: skip
    first_offers = np.exp(np.linspace(np.log(o_lo), np.log(o_hi), grid))
    per = n // grid
    amounts = space.arrays().requester * 100.0  # the requester's utility is amount / 100
    opened: list[FloatArray] = []
    settled: list[FloatArray] = []
    total = 0
    for first in first_offers:
        limit = np.exp(gen.uniform(np.log(l_lo), np.log(l_hi), per))
        result = negotiate_batch(
            problem, _OpenAndConcede(opener=float(first) / 100.0, exponent=exponent),
            counterpart, n=per, counterpart_reservation=1.0 - limit / 100.0, rng=gen,
        )  # fmt: skip
        total += per
        agreed = result.agreed
        opened.append(amounts[result.opener[agreed]])
        settled.append(amounts[result.agreement[agreed]])
    x, y = np.concatenate(opened), np.concatenate(settled)
    k = len(x)
    if k < 4 or np.ptp(x) == 0 or np.ptp(y) == 0:
        raise InvalidParameterError(
            f"first_offer_association needs at least 4 agreements with varying first offers "
            f"and settlements to correlate; {k} of {total} negotiations agreed. Widen the "
            f"ranges or raise n."
        )
    r = float(np.corrcoef(x, y)[0, 1])
    half = _Z95 / np.sqrt(k - 3)
    z = float(np.arctanh(np.clip(r, -1 + 1e-15, 1 - 1e-15)))
    return FirstOfferAssociation(
        r=r,
        low=float(np.tanh(z - half)),
        high=float(np.tanh(z + half)),
        n=k,
        negotiations=total,
        agreement_rate=k / total,
        anchoring=(mechanisms or Mechanisms()).anchoring,
    )
