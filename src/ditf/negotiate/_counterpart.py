"""A human-like counterpart driven by ditf's fitted behavioural model.

Each requester offer is a request in the model's sense: its cost to the counterpart is the share
of its utility range it would give up, and the counterpart says yes when
``z0 - b ln(c / c_ref) + theta + lifts + e > 0`` (``docs/model.md``), with a stable willingness
``theta`` per counterpart and fresh noise ``e`` for each new offer. The lifts are the model's
own mechanisms, computed by :func:`ditf.model.mechanisms.lifts` from the offer history:

* reciprocity: a concession by the requester (its offer costs less than its previous, refused
  one) lifts acceptance, saturating in the concession's log ratio, decaying with the hours
  between offers and wearing off with each retreat this counterpart has already seen from this
  requester, in earlier episodes (``prior_retreats``) and in this one (habituation);
* contrast: the largest earlier ask is an anchor that makes later asks look smaller;
* consistency: having just refused lowers the next answer;
* credibility: once the requester has asked beyond the plausible maximum, a bad-faith penalty
  applies. A counterpart whose willingness to a new offer that penalty (with the anchoring
  term once it has reversed, below) turns from yes into no walks away, whatever the
  requester's strategy and whether or not the offer is within its reservation (offence is
  about the ask; Schweinsberg et al., 2012).

Patience (a prior, not fitted: no study in ditf's evidence measures it). Each counterpart
walks away once the bargaining has run past its patience, log-normal across counterparts
around the median ``patience`` (40 rounds) with log-sd :data:`PATIENCE_SPREAD` (0.5). The
median never binds in lab-length negotiations (P(patience <= 10 rounds) = 0.3%), where the
anchoring evidence comes from, and it is drawn from a stream jumped ahead of the
negotiation's, so every other draw of a seeded negotiation is unchanged.

Around the model sit two pieces of bargaining logic, each with one stated assumption:

* Belief about the requester's reservation (concession size as a signal of flexibility). The
  counterpart keeps a posterior over the lowest cost ``rho`` the requester would accept. Prior:
  uniform over the cost levels up to the opener (and up to the plausible maximum when one is
  known). Assumption: a requester makes its next offer uniformly among the levels between its
  reservation and its previous offer, so an offer at level ``k`` after one at level ``p`` has
  likelihood ``1 / (p - rho + 1)`` for ``rho <= k``. A large concession therefore reads as a
  requester with room to spare; holding firm reads as being near its limit.
* Counter-offers. The counterpart's concession level maximises its expected surplus,
  ``P(rho <= x) * (c_res - x)`` against its reservation cost ``c_res`` (Raiffa, 1982), pulled
  toward the requester's largest ask (anchoring, below). Levels never retract and never pass
  the reservation; any requester offer at or below the level is accepted. A new offer it has
  just refused is not offered back (the level stays below it); a held offer it may meet,
  below its very limit. While it believes the requester will come within its limit with
  probability below :data:`HOLD_BELOW` it holds its level (it does not bid against itself).
* Integrative counter-offers (several issues). At its level it offers, among the outcomes
  costing it no more, the one best for the requester under its belief about the requester's
  priorities: issue values in the requester's direction (the space's framing), weighted by a
  graded frequency model (van Krimpen et al., 2013; Tunalı et al., 2017): each new offer adds
  to every issue 1 minus the share of its range the requester moved it; weights are
  ``1 + count``, normalised. Its earlier counter is always a candidate, so successive counters
  never get worse for the requester as it believes the requester's priorities to be.

Anchoring (Galinsky & Mussweiler, 2001) moves the counterpart's willingness, never its
reservation. The reservation is a hard walk-away: an offer that costs more is never accepted
and never offered, whatever the opener. Within that bound the opener acts twice, through the
model's one anchoring function :func:`ditf.model.mechanisms.anchor_pull`:

* answers: after a refused, larger ask, the model's anchoring term (``anchor_log``, the log
  ratio of the two asks) enters the latent utility as it does in :func:`ditf.model.predict`;
* counter-offers: the expected-surplus counter ``x`` is pulled toward the largest ask so far
  ``A``. Distances are in log cost, converted to the model's latent units through the cost
  sensitivity ``b``: the pulled counter ``x'`` solves
  ``ln x' - ln x = anchor_pull(b (ln A - ln x'), excess) / b``, the fixed point at which a
  share ``anchoring`` of the way from ``x`` to ``A`` is covered (insufficient adjustment:
  never past the ask; far anchors saturate at ``anchor_cap``). The pulled counter is then
  capped at the reservation. Past the plausible maximum the pull weakens with the log excess
  of ``A`` over it, is cancelled at ``anchor_reversal`` and then pushes the counter away from
  the ask (the counterpart offers less), at most as hard as it would have pulled, on top of
  the bad-faith walk-away.

Bargaining is always over an amount, so anchoring applies in every negotiation;
``Mechanisms().without("anchoring")`` removes both of its effects.

Hard rule: an offer below the counterpart's reservation value is never accepted. A repeated
offer is not a new request: it gets no fresh answer (only the belief and the counter move).

References
----------
Cialdini, R. B., et al. (1975). JPSP, 31(2), 206-215. (reciprocal concessions, contrast)
Even-Chen, M., Yinon, Y., & Bizman, A. (1978). EJSP, 8(1), 135-140. (absurd openers backfire)
Schweinsberg, M., Ku, G., Wang, C. S., & Pillutla, M. M. (2012). Starting high and ending
    with nothing: The role of anchors and power in negotiations. JESP, 48(1), 226-231.
    (extreme openers backfire: impasse)
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press. (expected
    surplus of an offer under uncertainty about the other side's reservation price)
Galinsky, A. D., & Mussweiler, T. (2001). First offers as anchors: The role of
    perspective-taking and negotiator focus. JPSP, 81(4), 657-669. (first offers pull
    the counterpart's counter-offers and the settlement toward them)
van Krimpen, T., Looije, D., & Hajizadeh, S. (2013). HardHeaded. In Complex Automated
    Negotiations (pp. 223-227). Springer. (frequency opponent model: unchanged issues matter)
Tunalı, O., Aydoğan, R., & Sanchez-Anguix, V. (2017). Rethinking frequency opponent modeling
    in automated negotiation. PRIMA 2017, LNCS 10621. Springer.
Zeng, D., & Sycara, K. (1998). Bayesian learning in negotiation. International Journal of
    Human-Computer Studies, 48(1), 125-141. (updating a belief about the reservation price)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, cast

import numpy as np
from scipy.special import ndtr, ndtri

from ditf._errors import InvalidParameterError
from ditf._types import BoolArray, FloatArray
from ditf._validation import check_int_range, check_positive, check_probability, check_type
from ditf.model import Mechanisms, ModelParams, ParamArrays, load_model
from ditf.model.mechanisms import NO_ANSWER, REFUSED, StepFeatures, anchor_pull, lifts
from ditf.negotiate._seat import IntArray, Seat
from ditf.negotiate._strategies import Agent, Reply, Strategy
from ditf.simulate import Scenario

__all__ = ["BELIEF_LEVELS", "DEFAULT_BASELINE", "HOLD_BELOW", "PATIENCE_SPREAD", "HumanCounterpart"]

#: P(yes) to the requester's target asked alone, when nothing better is known: ditf's standard
#: scenario (Cialdini et al., 1975, Exp. 1, the smaller request asked alone), as in simulate.
DEFAULT_BASELINE = Scenario().baseline
#: Most cost levels the belief keeps apart. Up to this many distinct costs are kept exactly;
#: above it costs are pooled into this many equal bins (0.1% of the counterpart's range), finer
#: than any concession a person would notice, so the belief stays small per negotiation.
BELIEF_LEVELS = 1024
#: Median patience, in rounds of offers (a prior, see the module docstring).
DEFAULT_PATIENCE = 40.0
#: Spread of patience across counterparts: the standard deviation of its log (a prior: 90% of
#: counterparts between 0.44 and 2.3 times the median).
PATIENCE_SPREAD = 0.5
#: The counterpart stops raising its counter while it believes that the requester will come
#: within its limit with less than this probability (it does not bid against itself).
HOLD_BELOW = 0.05
#: Bisection steps for the pulled counter (the bracket is a few log units wide: far below 1e-9).
_PULL_STEPS = 48
#: Equal-cost tolerance: two utilities within float rounding are one level.
_SAME = 1e-12
_TINY = float(np.finfo(float).tiny)


@dataclass(frozen=True, slots=True, kw_only=True)
class HumanCounterpart(Strategy):
    """A counterpart who answers like the people in ditf's evidence.

    Parameters
    ----------
    baseline : float, default 0.167
        P(yes) to the requester's target when it is the first and only ask, in (0, 1): what
        pins the model's intercept (``Context.baseline``). The default is ditf's standard
        scenario (Cialdini et al., 1975); set it from your own data.
    prior_retreats : int, default 0
        Retreats this counterpart has already seen from this requester (habituation), 0-1000.
    strength : float, default 1.0
        Context-level strength of the sequential lifts (1 is the median context; > 0).
    params : ModelParams or None, default None
        Model parameters; None: the posterior mode of the fit shipped with ditf.
    mechanisms : Mechanisms or None, default None
        Switches; None: all on. Switching one off removes exactly its term.
    patience : float, default 40
        Median rounds a counterpart bargains before it walks away (> 0; ``inf``: never). Each
        counterpart draws its own, log-normally around this median (log-sd
        :data:`PATIENCE_SPREAD`). A prior, not a fitted number (module docstring).

    Examples
    --------
    >>> HumanCounterpart(baseline=0.3).label
    'human'
    """

    baseline: float = DEFAULT_BASELINE
    prior_retreats: int = 0
    strength: float = 1.0
    params: ModelParams | None = None
    mechanisms: Mechanisms | None = None
    patience: float = DEFAULT_PATIENCE
    kind: ClassVar[str] = "human"
    deterministic: ClassVar[bool] = False

    def __post_init__(self) -> None:
        owner = "HumanCounterpart"
        value = check_probability(self.baseline, "baseline", owner, open_interval=True)
        object.__setattr__(self, "baseline", value)
        retreats = check_int_range(self.prior_retreats, "prior_retreats", owner, 0, 1000)
        object.__setattr__(self, "prior_retreats", retreats)
        object.__setattr__(self, "strength", check_positive(self.strength, "strength", owner))
        if not (isinstance(self.patience, (int, float)) and self.patience == float("inf")):
            object.__setattr__(self, "patience", check_positive(self.patience, "patience", owner))
        else:
            object.__setattr__(self, "patience", float("inf"))
        if self.params is not None:
            check_type(self.params, "params", owner, ModelParams, "a ModelParams or None")
        if self.mechanisms is not None:
            check_type(self.mechanisms, "mechanisms", owner, Mechanisms, "a Mechanisms or None")

    def agent(self, seat: Seat, gen: np.random.Generator) -> Agent:
        """A human-like agent for the seat's negotiations.

        Raises
        ------
        InvalidParameterError
            If the seat has no reference request (the requester's target).
        """
        if seat.reference_cost is None or not seat.reference_cost > 0:
            raise InvalidParameterError(
                "HumanCounterpart needs the requester's target as its reference request (its "
                "baseline is P(yes) to that target). Play it as the counterpart of a Problem."
            )
        return _HumanAgent(self, seat, gen)


class _Levels:
    """Cost levels of the outcomes, for the belief and the counter-offers."""

    def __init__(self, seat: Seat) -> None:
        cost = np.clip(seat.cost(), 0.0, 1.0)
        unique = np.unique(cost)
        if len(unique) <= BELIEF_LEVELS:
            # Merge costs equal up to rounding so a level is one cost.
            keep = np.concatenate(([True], np.diff(unique) > _SAME))
            edges = unique[keep]
            self.of = np.searchsorted(edges, cost + _SAME, side="right") - 1
        else:
            self.of = np.minimum((cost * BELIEF_LEVELS).astype(np.int64), BELIEF_LEVELS - 1)
        g = int(self.of.max()) + 1
        # Per level: the costliest outcome at or below it (the counterpart's most generous
        # offer at that level); equal costs go by outcome index. Levels rise with cost, so a
        # running maximum of the cost rank fills empty bins from below.
        by_cost = np.lexsort((np.arange(len(cost)), cost))
        rank = np.full(g, -1, dtype=np.int64)
        np.maximum.at(rank, self.of[by_cost], np.arange(len(cost)))
        self.top: IntArray = by_cost[np.maximum.accumulate(rank)]
        self.cost: FloatArray = cost[self.top]
        self.index = np.arange(g)
        # likelihood[p, j] = 1 / (p - j + 1): an offer after one at level p when the reservation
        # is at level j <= p; the extra last row (all ones) is an offer that says nothing.
        gap = self.index[:, None] - self.index[None, :] + 1
        uninformative = np.ones((1, g))
        self.likelihood: FloatArray = np.vstack([1.0 / np.maximum(gap, 1), uninformative])
        # cut[k, j] = 1 for j <= k: the requester's reservation is at most its current offer.
        self.cut: FloatArray = (gap >= 1).astype(float)

    def below(self, cost: FloatArray) -> IntArray:
        """The highest level whose cost is at most ``cost`` (0 at least)."""
        level: IntArray = np.searchsorted(self.cost, cost + _SAME, side="right") - 1
        return np.maximum(level, 0)


class _HumanAgent:
    def __init__(
        self,
        spec: HumanCounterpart,
        seat: Seat,
        gen: np.random.Generator,
        memory: tuple[FloatArray, FloatArray, FloatArray] | None = None,
    ) -> None:
        self.spec, self.seat, self.gen = spec, seat, gen
        params = spec.params or load_model().params
        self.params = params
        self.p = ParamArrays.from_matrix(params.to_array()[None, :])
        self.mech = spec.mechanisms or Mechanisms()
        self.strength = np.array([[spec.strength]])
        self.z0 = float(ndtri(spec.baseline))
        self.b = params.cost_sensitivity
        self.noise_sd = float(np.sqrt(1.0 - params.trait_share))
        n = seat.n
        if memory is None:
            self.theta = gen.standard_normal(n) * float(np.sqrt(params.trait_share))
            self.seen = np.full(n, float(spec.prior_retreats))
            self.patience = _patience(spec.patience, n, gen)
        else:  # the same people meet the same requester again
            self.theta, self.seen, self.patience = memory
        self.cost = np.clip(seat.cost(), 0.0, 1.0)
        self.levels = _Levels(seat)
        # The hard walk-away: nothing costlier is ever accepted or offered; anchoring never
        # moves it.
        self.res_cost = (seat.u_max - seat.reservation) / (seat.u_max - seat.u_min)
        self.res_level = self.levels.below(self.res_cost)
        # HumanCounterpart.agent has checked that the reference request costs something.
        self.log_ref = float(np.log(cast(float, seat.reference_cost)))
        top = len(self.levels.cost) - 1
        if seat.plausible_cost is not None:
            top = int(self.levels.below(np.array([seat.plausible_cost]))[0])
        prior = np.where(self.levels.index <= top, 1.0, 0.0)
        self.belief = np.tile(prior, (n, 1))
        self.last_offer = np.full(n, -1, dtype=np.int64)
        self.last_cost = np.zeros(n)
        self.last_level = np.zeros(n, dtype=np.int64)
        self.max_cost = np.zeros(n)
        self.anchor_round = np.zeros(n)
        self.counter = np.full(n, -1, dtype=np.int64)
        self.held = np.zeros(n, dtype=bool)
        # Belief about the requester's priorities (multi-issue only): graded frequency counts.
        scaled = seat.scaled
        self.scaled = scaled if scaled is not None and scaled.shape[1] > 1 else None
        if self.scaled is not None:
            self.steady = np.zeros((n, self.scaled.shape[1]))
        self.note = ""
        self.info: dict[str, float] = {}

    def next_episode(self) -> _HumanAgent:
        """The same counterparts, a new negotiation: willingness and retreats seen carry over."""
        memory = (self.theta, self.seen, self.patience)
        return _HumanAgent(self.spec, self.seat, self.gen, memory=memory)

    # -------------------------------------------------------------- answering offers

    def features(self, cost: FloatArray, r: int) -> StepFeatures:
        """The model's step features of an offer of ``cost`` given the history so far."""
        started = self.last_offer >= 0
        safe = np.maximum(cost, _TINY)
        hours = self.seat.hours_per_round
        concession = np.where(
            started & (cost < self.last_cost), np.log(np.maximum(self.last_cost, _TINY) / safe), 0
        )
        anchor = np.where(self.max_cost > cost, np.log(np.maximum(self.max_cost, _TINY) / safe), 0)
        excess = self._excess(self.max_cost)
        # Anchoring's lift, as in the model: the refused, larger ask just before this one.
        retreat = started & (self.last_cost > cost)
        anchor_log = np.where(retreat, np.log(np.maximum(self.last_cost, _TINY) / safe), 0.0)
        return StepFeatures(
            concession=concession,
            retreat_delay=np.full_like(cost, hours),
            retreats_seen=self.seen,
            anchor=anchor,
            anchor_delay=hours * (r - self.anchor_round),
            last_answer=np.where(started, float(REFUSED), float(NO_ANSWER)),
            excess=excess,
            prosocial=np.full_like(cost, float(self.seat.prosocial)),
            anchor_log=anchor_log,
        )

    def _excess(self, largest: FloatArray) -> FloatArray:
        """Log excess of the largest ask over the plausible maximum (0 within it or unknown)."""
        if self.seat.plausible_cost is None:
            return np.zeros_like(largest)
        ratio = np.maximum(largest, _TINY) / self.seat.plausible_cost
        excess: FloatArray = np.where(largest > self.seat.plausible_cost, np.log(ratio), 0.0)
        return excess

    def pulled(self, counter: FloatArray, largest: FloatArray) -> FloatArray:
        """The counter cost ``counter`` pulled toward the largest ask ``largest`` (see module).

        Solves ``g(y) = y - ln x - anchor_pull(b (ln A - y), excess) / b = 0`` for ``y = ln x'``
        by bisection between a point below every push and ``max(ln x, ln A)``, where ``g`` has
        opposite signs; ``g`` rises in ``y`` (the pull's slope is at most ``a / (1 - a)``
        times a share in [0, 1]), so the root is unique. A pull never passes the ask, and an
        ask at or below the counter pulls nothing. Past ``anchor_reversal`` the share is
        negative: the counter is pushed away by that share of the pull it would have had
        within the plausible maximum (so at most as hard as it would have pulled, as in
        :func:`ditf.model.mechanisms.anchor_pull`). The result is not capped here: the caller
        caps it at the reservation.
        """
        if not self.mech.anchoring:
            return counter
        b = self.b
        log_base = np.log(np.maximum(counter, _TINY))
        log_ask = np.log(np.maximum(largest, _TINY))
        excess = self._excess(largest)
        share = np.maximum(1.0 - excess / self.params.anchor_reversal, -1.0)
        pulls = share >= 0
        excess = np.where(pulls, excess, 0.0)
        lo = log_base - 1.0
        hi = np.maximum(log_base, log_ask)
        for _ in range(_PULL_STEPS):
            mid = 0.5 * (lo + hi)
            pull = anchor_pull(self.p, b * (log_ask - mid), excess).ravel() / b
            above = mid - log_base - pull > 0
            lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
        moved = 0.5 * (lo + hi) - log_base
        result: FloatArray = np.exp(log_base + np.where(pulls, moved, share * moved))
        return np.where(largest > counter, result, counter)

    def respond(self, offer: IntArray, t: float, r: int) -> Reply:
        noise = self.gen.standard_normal(self.seat.n) * self.noise_sd
        cost = self.cost[offer]
        new = offer != self.last_offer
        within = self.seat.own[offer] >= self.seat.reservation
        terms = {k: v.ravel() for k, v in lifts(
            self.p, self.features(cost, r), self.mech, self.strength).items()}  # fmt: skip
        lift = terms["reciprocity"] + terms["contrast"] + terms["consistency"]
        lift = lift + terms["anchoring"]
        penalty = terms["credibility"]
        base = self.z0 - self.b * (np.log(np.maximum(cost, _TINY)) - self.log_ref) + self.theta
        utility = base + lift + penalty + noise
        yes = new & within & (utility > 0)
        own_counter = (self.counter >= 0) & (self.levels.of[offer] <= self.counter)
        accept = within & (yes | own_counter)
        # The insult: the bad-faith penalty, and the anchoring term once it has reversed. A
        # counterpart whose willingness it turns from yes to no walks away, whatever the
        # offer: offence is about the ask, not about whether the counterpart could afford it.
        insult = penalty + np.minimum(terms["anchoring"], 0.0)
        offended = new & ~accept & (insult < 0) & (utility <= 0) & (utility - insult > 0)
        # Patience: a counterpart walks away once the bargaining has run past its patience.
        tired = ~accept & (r + 1 >= self.patience)
        walk = offended | tired
        self._record(offer, cost, new, r, base + lift + penalty, terms, within)
        self.note = self._explain(bool(accept[0]), bool(offended[0]), bool(tired[0]),
                                  bool(within[0]))  # fmt: skip
        return Reply(accept, walk)

    def _record(
        self,
        offer: IntArray,
        cost: FloatArray,
        new: BoolArray,
        r: int,
        index: FloatArray,
        terms: dict[str, FloatArray],
        within: BoolArray,
    ) -> None:
        """Update memory and belief after an offer (its lifts were computed before this)."""
        started = self.last_offer >= 0
        retreat = new & started & (cost < self.last_cost)
        # For transcripts: this person's P(yes) to a new offer given their willingness.
        p_yes = float(ndtr(index[0] / self.noise_sd)) if new[0] else float("nan")
        p_yes = p_yes if within[0] else 0.0
        self.info = {"p_yes": p_yes} | {k: float(v[0]) for k, v in terms.items()}
        level = self.levels.of[offer]
        self._update_belief(level, started)
        if self.scaled is not None:
            self._update_priorities(offer, new & started)
        self.seen = self.seen + retreat
        raised = cost > self.max_cost
        self.anchor_round = np.where(raised, float(r), self.anchor_round)
        self.max_cost = np.maximum(self.max_cost, cost)
        self.held = started & ~new
        self.last_offer, self.last_cost, self.last_level = offer, cost, level

    def _update_belief(self, level: IntArray, started: BoolArray) -> None:
        # Uniform-share concessions: an offer at `level` after one at `last_level` has
        # likelihood 1 / (last_level - rho + 1) for every reservation rho <= level. A first
        # offer only bounds rho; an offer above the previous one (a retraction) adds nothing.
        informative = started & (level <= self.last_level)
        row = np.where(informative, self.last_level, len(self.levels.cost))
        belief = self.belief
        belief *= self.levels.likelihood[row]
        belief *= self.levels.cut[level]
        # Rescale so the most likely level is 1: no underflow, however long the negotiation.
        belief /= belief.max(axis=1, keepdims=True)

    def _update_priorities(self, offer: IntArray, moved: BoolArray) -> None:
        # Graded frequency model: each new offer adds, per issue, 1 minus the share of the
        # issue's range the requester moved it since its previous offer (1: unchanged).
        scaled = cast(FloatArray, self.scaled)
        step = np.abs(scaled[offer] - scaled[np.maximum(self.last_offer, 0)])
        self.steady += np.where(moved[:, None], 1.0 - step, 0.0)

    def priorities(self) -> FloatArray:
        """Believed issue weights of the requester, shape (n, n_issues), rows summing to 1."""
        weights = 1.0 + self.steady
        normalised: FloatArray = weights / weights.sum(axis=1, keepdims=True)
        return normalised

    # -------------------------------------------------------------- counter-offers

    def propose(self, t: float, r: int) -> IntArray:
        belief = self.belief
        # Only levels up to its reservation can be offered: the expected surplus of a counter at
        # level x is P(rho <= x) * (c_res - x).
        top = int(self.res_level.max()) + 1
        cdf = np.cumsum(belief[:, :top], axis=1) / belief.sum(axis=1, keepdims=True)
        # P(rho <= c_res): how likely it believes the requester will come within its limit.
        reachable = cdf[np.arange(len(cdf)), self.res_level]
        surplus = self.res_cost[:, None] - self.levels.cost[None, :top]
        value = np.where(surplus >= -_SAME, cdf * surplus, -np.inf)
        best = np.argmax(value, axis=1)
        # Believing no deal is possible, it names its limit.
        best = np.where(value[np.arange(len(best)), best] > 0, best, self.res_level)
        # The opener anchors it: the counter is pulled toward the largest ask so far.
        anchored = self.pulled(self.levels.cost[best], self.max_cost)
        # Never past its reservation, nor a new offer it has just refused (offering it back
        # would be a yes the model did not give); an offer the requester holds, it may meet,
        # below its very limit (a deal at the limit is the model's yes, never a concession).
        started = self.last_offer >= 0
        held = np.minimum(self.last_level, self.res_level - 1)
        asked = np.where(self.held, held, self.last_level - 1)
        level = np.minimum(self.levels.below(anchored), self.res_level)
        level = np.where(started, np.minimum(level, asked), level)
        # It does not bid against itself: believing the requester will not come within its
        # limit, it holds its last counter instead of conceding toward the limit.
        hold = (self.counter >= 0) & (reachable < HOLD_BELOW)
        self.counter = np.where(hold, self.counter, np.maximum(self.counter, level))
        offer = self._integrative(self.counter)
        self.note = f"I could do {self.seat.describe(int(offer[0]))}."
        return offer

    def _integrative(self, counter: IntArray) -> IntArray:
        """The offer at concession level ``counter`` best for the requester, as believed.

        Among the outcomes costing the counterpart no more than its level, the one with the
        highest believed requester utility (issue values in the requester's direction, weighted
        by :meth:`priorities`); near-ties (within ``_SAME``) go to the one cheaper for the
        counterpart, then to the lower index. One issue: the level's own outcome.
        """
        if self.scaled is None:
            single: IntArray = self.levels.top[counter]
            return single
        believed = self.priorities() @ self.scaled.T
        allowed = self.levels.of[None, :] <= counter[:, None]
        score = np.where(allowed, believed, -np.inf)
        best = score.max(axis=1, keepdims=True)
        near = score >= best - _SAME
        chosen: IntArray = np.where(near, self.cost[None, :], np.inf).argmin(axis=1)
        return chosen

    def _explain(self, accept: bool, offended: bool, tired: bool, within: bool) -> str:
        if accept:
            return "Agreed."
        if offended:
            return "After that opening I don't think we can do business. Goodbye."
        if tired:
            return "We have been at this long enough. I'll leave it here."
        if not within:
            return "That is more than I can give."
        return "No, I can't do that."


def _patience(median: float, n: int, gen: np.random.Generator) -> FloatArray:
    """Each counterpart's patience in rounds: log-normal around ``median`` (inf: never tired).

    Drawn from a stream jumped ahead of ``gen``'s (``gen`` itself does not advance), so adding
    patience left every other draw of a seeded negotiation as it was.
    """
    if median == float("inf"):
        return np.full(n, np.inf)
    bits: Any = gen.bit_generator  # PCG64 (default_rng) and its kin have jumped()
    own = np.random.Generator(bits.jumped())
    patience: FloatArray = median * np.exp(PATIENCE_SPREAD * own.standard_normal(n))
    return patience
