"""First offers and settlements: the anchoring of simulated negotiations, against the literature.

Meta-analyses of negotiation find that first offers predict settlements: r = .497 (Orr &
Guthrie, 2006) and r = .62 (Petrowsky et al., 2025), both in ``negotiation.csv``.
:func:`first_offer_association` runs many negotiations with the human-like counterpart
(:class:`~ditf.negotiate.HumanCounterpart`) in the batch engine and measures the same
correlation, so that the counterpart's anchoring (the model's
:func:`ditf.model.mechanisms.anchor_pull`) can be checked against the published range.

Design, chosen to mirror the meta-analysed studies (mostly simulated, single-issue,
distributive buyer-seller negotiations in which one side opens) and the model's calibration:

* one issue, an amount in [0, 100] on a grid of ``levels`` values, that the requester wants
  high and the counterpart low (the counterpart's cost of an amount is amount / 100);
* the requester opens and concedes on a standard time-based curve (Faratin et al., 1998): its
  offer at round ``r`` of ``R`` is ``floor + (opener - floor) * (1 - (r / (R - 1)) ** e)``, with
  ``e = 1`` (linear) by default, down to its reservation (the floor, a quarter of the lowest
  first offer or reservation, so a deal is always possible); it accepts a counter-offer worth at
  least its next offer (AC_next). The negotiation is short (``rounds = 6`` offers each), as
  in a lab session;
* first offers spread evenly in log amount over ``openers``, one batch per first offer;
* the counterparts' hard reservations (the most each would give) drawn uniformly in log
  amount over ``limits``. **Assumption**, the calibration's (``ditf.model._anchoring``):
  first offers and the counterparts' limits are independent and spread alike, around the same
  centre, on the log scale on which the pull acts. The defaults are the same range for both,
  so the reservation lies above the first offer in half of the negotiations: it is a hard
  bound that binds in a minority of them (it is reported), and the settlement is set by the
  counterpart's anchored willingness (its answers) and its anchored counter-offers;
* no plausible maximum, so no first offer offends;
* the requester's target (the counterpart's reference request, which pins its baseline
  P(yes)) at the centre of the limits.

The correlation is Pearson's, between first offer and settlement amounts among the
negotiations that end in an agreement, with a Fisher-z 95% interval. The counterpart uses the
model's pull share (the median negotiation context): no context draws its own.

Sensitivity (``docs/negotiate.md``): the association is a property of the whole bargaining
process, not of the pull alone. When a first offer lies within a counterpart's reservation,
the counterpart's counters rise to meet it, so the settlement follows the opener fully there,
where the calibration assumes a partial pull toward a lower opener; in long negotiations that
mechanical part dominates even with anchoring off, and with openers far above every reservation
the reservation binds and the association vanishes.

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

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray, Seed
from ditf._validation import as_generator, check_int_range, check_positive, check_type
from ditf.model import Mechanisms, ModelParams, load_model
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
    at_reservation : float
        Share of the agreements at the counterpart's reservation (within one grid step): how
        often its hard bound, not its willingness, set the settlement.
    """

    r: float
    low: float
    high: float
    n: int
    negotiations: int
    agreement_rate: float
    anchoring: bool
    at_reservation: float

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return asdict(self)


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
    openers: tuple[float, float] = (20.0, 40.0),
    limits: tuple[float, float] = (20.0, 40.0),
    grid: int = 25,
    levels: int = 401,
    rounds: int = 6,
    exponent: float = 1.0,
    baseline: float = DEFAULT_BASELINE,
    mechanisms: Mechanisms | None = None,
    params: ModelParams | None = None,
    rng: Seed = None,
) -> FirstOfferAssociation:
    """Simulate single-issue negotiations and correlate first offers with settlements.

    The design (module docstring) mirrors the meta-analysed studies: the requester opens at
    one of ``grid`` first offers spread evenly in log amount over ``openers`` and concedes
    linearly (time-based, ``exponent``) to its reservation; each human-like counterpart's hard
    reservation is drawn uniformly in log amount over ``limits`` (by default the same range as
    the openers: the calibration's assumption that first offers and limits are independent
    and spread alike).

    Parameters
    ----------
    n : int, default 20000
        Negotiations in all, split evenly over the first offers (``grid`` to 1,000,000).
    openers : (float, float), default (20, 40)
        Range of the requester's first offers, amounts in (0, 100].
    limits : (float, float), default (20, 40)
        Range of the counterparts' reservations (the most each would give), amounts in
        (0, 100].
    grid : int, default 25
        Distinct first offers (2 to 1000).
    levels : int, default 401
        Amounts on the grid from 0 to 100 (11 to 1001).
    rounds : int, default 6
        Rounds of alternating offers (2 to 10000).
    exponent : float, default 1.0
        The requester's concession curve (1 linear, > 1 Boulware, < 1 conceder).
    baseline : float, default 0.167
        The counterpart's P(yes) to the requester's target asked alone.
    mechanisms : Mechanisms or None, default None
        The counterpart's mechanisms (None: all on); ``Mechanisms().without("anchoring")``
        removes the pull of the first offer on its answers and counter-offers.
    params : ModelParams or None, default None
        The counterpart's model parameters (None: the shipped fit's posterior mode); the
        calibration of the pull share varies ``anchoring`` here (:func:`anchoring_link`).
    rng : int, Generator or None
        Randomness of the reservations and of the counterparts.

    Returns
    -------
    FirstOfferAssociation

    Raises
    ------
    InvalidParameterError
        If a range is not inside (0, 100], the grid is too coarse for the ranges, or fewer than
        4 negotiations end in an agreement.

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
    step = 100.0 / (levels - 1)
    # The requester's floor: a quarter of the lowest first offer or reservation, on the grid.
    floor = step * int(min(o_lo, l_lo) / 4 / step)
    if floor < step:
        raise InvalidParameterError(
            f"The amount grid of first_offer_association is too coarse for these ranges: the "
            f"requester's reservation (a quarter of the lowest first offer or limit, "
            f"{min(o_lo, l_lo) / 4:g}) must be at least one step ({step:g}). Raise 'levels' or "
            f"the ranges."
        )
    gen = as_generator(rng)
    counterpart = HumanCounterpart(baseline=baseline, mechanisms=mechanisms, params=params)
    space = OutcomeSpace.single(0, 100, levels=levels)
    target = step * round(float(np.sqrt(l_lo * l_hi)) / step)
    problem = Problem(
        space=space, target=target, requester_reservation=floor,
        counterpart_reservation=l_hi, rounds=rounds,
    )  # fmt: skip
    first_offers = np.exp(np.linspace(np.log(o_lo), np.log(o_hi), grid))
    per = n // grid
    amounts = space.arrays().requester * 100.0  # the requester's utility is amount / 100
    opened: list[FloatArray] = []
    settled: list[FloatArray] = []
    bound = 0
    total = 0
    for first in first_offers:
        limit = np.exp(gen.uniform(np.log(l_lo), np.log(l_hi), per))
        result = negotiate_batch(
            problem, _OpenAndConcede(opener=float(first) / 100.0, exponent=exponent),
            counterpart, n=per, counterpart_reservation=1.0 - limit / 100.0, rng=gen,
        )  # fmt: skip
        total += per
        agreed = result.agreed
        deal = amounts[result.agreement[agreed]]
        bound += int(np.sum(deal > limit[agreed] - step * (1 + 1e-9)))
        opened.append(amounts[result.opener[agreed]])
        settled.append(deal)
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
        at_reservation=bound / k,
    )


def anchoring_link(
    pulls: tuple[float, ...], *, n: int = 20_000, rng: int = 2026
) -> tuple[FirstOfferAssociation, ...]:
    """The first-offer/settlement association of the design above at each pull share.

    Everything else is the shipped fit's posterior mode; every pull share sees the same seed
    (common random numbers), so the association rises smoothly with the pull. The model's
    calibration (``ditf.model.first_offer_r``) reads this link from a bundled table that
    ``make fit`` regenerates (``scripts/anchoring_link.py``).

    Examples
    --------
    >>> low, high = anchoring_link((0.1, 0.4), n=500)
    >>> low.r < high.r
    True
    """
    base = load_model().params
    return tuple(
        first_offer_association(n=n, params=dataclasses.replace(base, anchoring=a), rng=rng)
        for a in pulls
    )
