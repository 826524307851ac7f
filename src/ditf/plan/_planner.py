"""The planner: choose the opener and fallbacks that maximise the expected outcome.

Every probability comes from the fitted behavioural model (:func:`ditf.model.predict_draws`),
pinned by your estimate of the counterpart: their P(yes) to a request asked alone is the
context's baseline. Expected values are in your unit, beyond your BATNA.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf._types import FloatArray, Seed
from ditf._validation import check_int_range, check_probability
from ditf.model import (
    Context,
    ContextFit,
    FitResult,
    Sequence,
    central_interval,
    load_model,
    predict,
    predict_draws,
)
from ditf.plan._audit import audit
from ditf.plan._plan import DOOR, MIN_CONCESSION, PLAIN, CurvePoint, Estimate, Plan, TimingPoint
from ditf.plan._scenario import Benchmark, PlanScenario

__all__ = ["concession_share", "plan", "retreat_context", "retreat_sequence"]

#: Openers on the curve, spaced evenly in log cost (the model's scale).
CURVE_POINTS = 40
#: The curve runs to this multiple of the defensible limit, so the backfire shows.
CURVE_REACH = 3.0
#: Delays (hours) on the timing table: at once, within the hour, same day, next day, a week.
TIMING_HOURS = (0.0, 0.5, 4.0, 24.0, 168.0)
#: A foot-in-the-door comparison asks first for this fraction of the fallback's cost.
FOOT_FRACTION = 0.1
#: Expected values closer than this share of the target's gain are a tie (rounding, or the fast
#: and reference engines); on a tie the sequence stands and no plain request is advised.
VALUE_TIE = 1e-9


def retreat_sequence(s: PlanScenario, opener: float, fallback: float, delay: float) -> Sequence:
    """The model's view of an opener and a retreat in scenario ``s``, in cost units."""
    return Sequence.door_in_the_face(
        opener=s.cost(opener),
        target=s.cost(fallback),
        unit=s.unit,
        delay_hours=delay,
        other_requester=not s.retreat_by_same_person,
        prosocial=s.info.prosocial,
    )


def retreat_context(s: PlanScenario, fallback: float, retreats: int) -> Context:
    """The model's context of a retreat to ``fallback``: your estimate pins the baseline.

    Amounts negotiated between two parties (price-like domains) anchor: the opener pulls the
    counterpart's limit (the model's anchoring mechanism); favours asked of a person do not.
    """
    return Context(
        baseline=s.baseline(fallback),
        plausible_max=s.cost(s.opener_basis.value),
        prior_retreats=retreats,
        negotiation=s.info.price_like,
    )


@dataclass(frozen=True, slots=True)
class _Setup:
    """What every evaluation shares: the scenario, the model, the draws and the interval."""

    scenario: PlanScenario
    model: FitResult
    n_draws: int
    seed: int
    level: float
    prior_retreats: int
    calibration: ContextFit | None = None

    def context(self, fallback: float, retreats: int | None = None) -> Context:
        retreats = self.prior_retreats if retreats is None else retreats
        return retreat_context(self.scenario, fallback, retreats)

    def retreat(self, opener: float, fallback: float, delay: float | None = None) -> Sequence:
        s = self.scenario
        return retreat_sequence(s, opener, fallback, s.delay_hours if delay is None else delay)

    def draws(
        self, cells: list[tuple[Sequence, Context]], firsts: list[float] | None = None
    ) -> tuple[FloatArray, ...]:
        """Draws of (P(yes to the first ask), P(the last is asked), P(yes to the last)).

        ``firsts`` are the first asks' amounts: their P(yes) alone comes from your estimate
        of the counterpart, not from the model's cost sensitivity.
        """
        first = None if firsts is None else [self.scenario.baseline(a) for a in firsts]
        out = predict_draws(
            cells, model=self.model, n_draws=self.n_draws, rng=self.seed, first_baselines=first,
            calibration=self.calibration,
        )  # fmt: skip
        return out.p_first_yes, out.p_asked, out.verbal

    def estimate(self, p_yes: FloatArray, value: FloatArray) -> Estimate:
        return self.estimates(p_yes[:, None], value[:, None])[0]

    def estimates(self, p_yes: FloatArray, value: FloatArray) -> list[Estimate]:
        """One estimate per column of ``(n_draws, n)`` draws."""
        n = p_yes.shape[1]
        lo, hi = central_interval(np.hstack([p_yes, value]), self.level)
        p_lo, p_hi, v_lo, v_hi = lo[:n], hi[:n], lo[n:], hi[n:]
        columns = zip(p_yes.mean(0), p_lo, p_hi, value.mean(0), v_lo, v_hi, strict=True)
        return [Estimate(*map(float, c)) for c in columns]


def plan(
    scenario: PlanScenario,
    *,
    prior_retreats: int = 0,
    model: FitResult | None = None,
    level: float = 0.9,
    n_draws: int = 400,
    rng: Seed = 0,
    calibration: ContextFit | None = None,
) -> Plan:
    """Plan a door-in-the-face sequence: opener, fallback(s), odds, alternatives and audit.

    The opener maximises the expected value (beyond your BATNA) among openers inside the
    defensible range (up to the boldest benchmark); the fallback is the target or a benchmark
    between your minimum and your target, whichever has the higher expected value. A second
    fallback, never below your minimum, is added when it raises the expected value.

    Parameters
    ----------
    scenario : PlanScenario
        The situation (see :func:`plan_scenario_from_mapping`).
    prior_retreats : int, default 0
        Retreats this counterpart has already seen from you (the journal knows).
    model : FitResult, optional
        Default: the shipped fit.
    level : float, default 0.9
        Interval level.
    n_draws : int, default 400
        Posterior draws behind every interval.
    rng : int, Generator or None, default 0
        Randomness for the draws (fixed by default: the same scenario gives the same plan).
    calibration : ContextFit, optional
        Your context calibrated from the journal (``ditf fit --journal --out FILE``): its lift
        strength and anchoring replace a new context's.

    Returns
    -------
    Plan

    Examples
    --------
    >>> from ditf.plan import plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "salary", "unit": "EUR", "target": 110000, "minimum": 100000,
    ...     "batna": 98000,
    ...     "benchmarks": [{"name": "survey low", "kind": "market-low", "value": 90000},
    ...                    {"name": "survey high", "kind": "market-high", "value": 125000}],
    ...     "counterpart": {"accepts_low": 95000, "accepts_high": 120000}})
    >>> p = plan(s)
    >>> p.fallback >= s.minimum and p.opener <= 125000
    True
    """
    check_int_range(prior_retreats, "prior_retreats", "plan", 0, 1000)
    check_probability(level, "level", "plan", open_interval=True)
    check_int_range(n_draws, "n_draws", "plan", 10, 100_000)
    seed = int(np.random.default_rng(rng).integers(2**31)) if not isinstance(rng, int) else rng
    if calibration is not None and calibration.negotiation != scenario.info.price_like:
        kind = "a negotiation over an amount" if calibration.negotiation else "a favour"
        raise InvalidParameterError(
            f"The calibration is of {kind}; a {scenario.domain} scenario is not. Calibrate "
            f"the {scenario.domain} asks with `ditf fit --journal --domain {scenario.domain}`."
        )
    _check_defensible(scenario)
    setup = _Setup(
        scenario, model or load_model(), n_draws, seed, level, prior_retreats, calibration
    )

    curves = _curves(setup, _fallback_candidates(scenario))
    # A fallback that leaves room for a defensible opener beats one that does not.
    fallback, chosen = max(((f, _best(c)) for f, c in curves.items()), key=lambda i: i[1][1:])
    result = _assemble(setup, chosen[0], fallback, curves[fallback])
    result = dataclasses.replace(result, findings=audit(result))
    why = _why_plain(result)
    return dataclasses.replace(result, recommendation=PLAIN if why else DOOR, why=why)


def _check_defensible(s: PlanScenario) -> None:
    """Refuse a scenario whose boldest benchmark asks nothing beyond the reference."""
    basis = s.opener_basis
    if not s.cost(basis.value) > 0:
        raise InvalidParameterError(
            f"No benchmark supports asking beyond {format_amount(s.reference)} {s.unit}, what "
            f"costs the counterpart nothing extra: the boldest is {basis.name} "
            f"({format_amount(basis.value)}). Add the benchmark that supports your ask (a "
            "market-high, a norm or a precedent at or beyond your target)."
        )


def concession_share(s: PlanScenario, opener: float, fallback: float) -> float:
    """The share of what the opener asks beyond the reference that the retreat gives up."""
    return 1.0 - s.cost(fallback) / s.cost(opener)


def _worth_more(p: Plan) -> str:
    """Why the plain ask is the fallback, when it is not the target ("" when it is)."""
    if p.plain_ask == p.scenario.target:
        return ""
    return " (asked alone it is worth more beyond your BATNA than the target)"


def _why_plain(p: Plan) -> str:
    """One sentence on why a plain request is recommended; "" when the technique is."""
    s = p.scenario
    share = concession_share(s, p.opener, p.fallback)
    blocking = [f for f in p.findings if getattr(f, "severity", "") == "blocking"]
    if blocking:
        title = str(getattr(blocking[0], "title", "")).lower()
        return f"Ask plainly: the audit blocks the technique here ({title})."
    if share < MIN_CONCESSION - 1e-12:
        return (
            f"Moving from {format_amount(p.opener)} to {format_amount(p.fallback)} {s.unit} "
            f"gives up {share:.0%} of what the opener asks, under the {MIN_CONCESSION:.0%} that "
            "reads as a concession: this is a plain request."
        )
    limit = s.cost(p.defensible_limit) * (1 + 1e-9)
    if not p.chosen_by_you and s.cost(s.target) > limit:
        return (
            f"Your target ({format_amount(s.target)} {s.unit}) lies beyond your boldest "
            f"benchmark, {p.opener_basis.name} ({format_amount(p.defensible_limit)} {s.unit}): "
            f"no opener you could justify leaves room for a retreat to it. Ask "
            f"{format_amount(p.plain_ask)} {s.unit} plainly{_worth_more(p)}, or add the "
            "benchmark that supports your target."
        )
    if not p.chosen_by_you and s.cost(p.opener) > limit:
        return (
            f"No opener within {p.opener_basis.name} ({format_amount(p.defensible_limit)} "
            f"{s.unit}) leaves room for a retreat of {MIN_CONCESSION:.0%} to "
            f"{format_amount(p.fallback)} {s.unit}: ask it plainly, or find a benchmark that "
            "supports a bolder opener."
        )
    plain = p.direct if p.plain_ask == s.target else p.fallback_direct
    if plain.value > p.sequence.value + VALUE_TIE * max(abs(s.gain(s.target)), 1.0):
        return (
            f"Ask {format_amount(p.plain_ask)} {s.unit} plainly: it is worth "
            f"{format_amount(plain.value, 4)} beyond your BATNA, more than the best defensible "
            f"opener and retreat ({format_amount(p.sequence.value, 4)})."
        )
    return ""


def _fallback_candidates(s: PlanScenario) -> list[float]:
    if s.fallback is not None:
        return [s.fallback]
    between = {b.value for b in s.benchmarks if s.better(b.value, s.minimum)}
    return sorted({s.target} | {v for v in between if s.better(s.target, v)})


def _openers(s: PlanScenario, fallback: float) -> list[float]:
    if s.opener is not None:
        return [s.opener]
    # At or beyond the target, and far enough above the fallback to read as a concession.
    low = max(s.cost(fallback) / (1.0 - MIN_CONCESSION), s.cost(s.target))
    limit = s.cost(s.opener_basis.value)
    high = max(limit, low * 1.5) * CURVE_REACH
    if s.direction == "less":  # a price cannot fall below zero
        assert s.reference is not None
        high = min(high, s.reference * 0.98)
    amounts = {s.opener_basis.value}
    for c in np.geomspace(low, max(high, low), CURVE_POINTS):
        amounts.add(_spoken(s, float(c), low, limit))
    floor = low * (1 - 1e-9)
    return sorted((a for a in amounts if a > 0 and s.cost(a) >= floor), key=s.cost)


def _spoken(s: PlanScenario, cost: float, low: float, limit: float) -> float:
    """The amount of ``cost`` to three significant figures, as a person would say it.

    Of the nearest three-figure amounts, the first that stays on the same side of the
    defensible limit and gives up at least the smallest concession; else the exact amount.
    """
    exact = float(s.amount(cost))
    if exact <= 0:
        return exact
    rounded = float(f"{exact:.3g}")
    step = 10.0 ** (np.floor(np.log10(exact)) - 2)
    for amount in (rounded, rounded + step, rounded - step):
        c = s.cost(amount)
        if amount > 0 and c >= low and (c <= limit) == (cost <= limit):
            return float(f"{amount:.3g}")
    return exact


def _values(
    setup: _Setup, asks: list[tuple[float, float]], delays: list[float] | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Draws of (P(yes to the opener), P(agreement), expected value) per (opener, fallback)."""
    s = setup.scenario
    delays = delays or [s.delay_hours] * len(asks)
    contexts = {f: setup.context(f) for f in {f for _, f in asks}}  # one per fallback
    cells = [(setup.retreat(o, f, d), contexts[f]) for (o, f), d in zip(asks, delays, strict=True)]
    return _agreement(s, asks, *setup.draws(cells, [o for o, _ in asks]))


def _agreement(
    s: PlanScenario,
    asks: list[tuple[float, float]],
    first_yes: FloatArray,
    asked: FloatArray,
    verbal: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(P(yes to the opener), P(agreement), expected value) from the draws of ``asks``."""
    opener_gain = np.array([s.gain(o) for o, _ in asks])
    fallback_gain = np.array([s.gain(f) for _, f in asks])
    p_agree = first_yes + asked * verbal
    return first_yes, p_agree, first_yes * opener_gain + asked * verbal * fallback_gain


def _curves(setup: _Setup, fallbacks: list[float]) -> dict[float, tuple[CurvePoint, ...]]:
    """The opener curve of every candidate fallback, evaluated in one pass."""
    s = setup.scenario
    asks = [
        (o, f) for f in fallbacks for o in _openers(s, f) if s.cost(o) > s.cost(f)
    ]  # fmt: skip
    if not asks and s.opener is None:
        raise InvalidParameterError(
            f"fallback ({format_amount(fallbacks[0])} {s.unit}) leaves no room for an opener: a "
            "larger request would have to go below zero. Check the fallback (for a buyer, the "
            "price you retreat to) and the market benchmarks."
        )
    if not asks:
        raise InvalidParameterError(
            f"opener ({format_amount(s.opener)}) must ask for more than the fallback "
            f"({format_amount(fallbacks[0])}) in your favour: a door-in-the-face opener is the "
            "larger request."
        )
    first_yes, agree, value = _values(setup, asks)
    limit = s.cost(s.opener_basis.value) * (1 + 1e-9)
    points = zip(asks, first_yes.mean(0), setup.estimates(agree, value), strict=True)
    curves: dict[float, list[CurvePoint]] = {f: [] for f in fallbacks}
    for (o, f), p_first, est in points:
        curves[f].append(CurvePoint(o, float(p_first), est, bool(s.cost(o) <= limit)))
    return {f: tuple(c) for f, c in curves.items() if c}


def _best(curve: tuple[CurvePoint, ...]) -> tuple[float, bool, float]:
    """(opener, defensible, expected value) of the best opener, preferring defensible ones."""
    best = max(curve, key=lambda p: (p.defensible, p.estimate.value))
    return best.opener, best.defensible, best.estimate.value


def _criterion(s: PlanScenario, amount: float) -> Benchmark | None:
    """The nearest benchmark that supports asking ``amount`` (at least as good for you)."""
    supporting = [b for b in s.benchmarks if s.better(b.value, amount)]
    return min(supporting, key=lambda b: abs(b.value - amount), default=None)


def _assemble(setup: _Setup, opener: float, fallback: float, curve: tuple[CurvePoint, ...]) -> Plan:
    s = setup.scenario
    chosen = next(p for p in curve if p.opener == opener)
    context = setup.context(fallback)
    pred = predict(
        setup.retreat(opener, fallback), context,
        model=setup.model, level=setup.level, n_draws=setup.n_draws, rng=setup.seed,
        first_baseline=s.baseline(opener), calibration=setup.calibration,
    )  # fmt: skip
    # The timing table and the second fallback in one evaluation (the same draws as apart).
    timing_asks = [(opener, fallback)] * len(TIMING_HOURS)
    candidates = _second_candidates(s, fallback)
    cells = [(setup.retreat(opener, fallback, d), context) for d in TIMING_HOURS]
    firsts = [opener] * len(TIMING_HOURS)
    if candidates:
        cells.append((setup.retreat(opener, fallback), context))
        retreats = setup.prior_retreats + 1
        cells += [(setup.retreat(fallback, v), setup.context(v, retreats)) for v in candidates]
        firsts += [opener] + [fallback] * len(candidates)
    draws = setup.draws(cells, firsts)
    t = len(TIMING_HOURS)
    _, agree, value = _agreement(s, timing_asks, *(x[:, :t] for x in draws))
    second, with_second = _second_fallback(setup, opener, fallback, candidates, draws, t)
    return Plan(
        scenario=s,
        opener=opener,
        fallback=fallback,
        second_fallback=second,
        opener_basis=s.opener_basis,
        fallback_criterion=_criterion(s, fallback),
        second_criterion=None if second is None else _criterion(s, second),
        sequence=chosen.estimate,
        with_second=with_second,
        direct=_asked_alone(s, s.target),
        fallback_direct=_asked_alone(s, fallback),
        foot_in_the_door=_foot(setup, fallback),
        p_fallback_alone=context.baseline,
        p_fallback_after=pred.p_sequence,
        p_fallback_lo=pred.lo,
        p_fallback_hi=pred.hi,
        curve=curve,
        timing=tuple(
            TimingPoint(d, e)
            for d, e in zip(TIMING_HOURS, setup.estimates(agree, value), strict=True)
        ),
        contributions=pred.contributions,
        defensible_limit=s.opener_basis.value,
        prior_retreats=setup.prior_retreats,
        chosen_by_you=s.opener is not None or s.fallback is not None,
        level=setup.level,
    )


def _asked_alone(s: PlanScenario, amount: float) -> Estimate:
    """``amount`` asked alone, from your estimate of the counterpart (no model interval)."""
    p, v = s.baseline(amount), s.baseline(amount) * s.gain(amount)
    return Estimate(p, p, p, v, v, v)


def _foot(setup: _Setup, fallback: float) -> Estimate:
    s = setup.scenario
    seq = Sequence.foot_in_the_door(
        foot=s.cost(fallback) * FOOT_FRACTION,
        target=s.cost(fallback),
        unit=s.unit,
        prosocial=s.info.prosocial,
    )
    _, _, verbal = setup.draws([(seq, setup.context(fallback, retreats=0))])
    return setup.estimate(verbal[:, 0], verbal[:, 0] * s.gain(fallback))


def _second_candidates(s: PlanScenario, fallback: float) -> list[float]:
    """Amounts a last retreat from ``fallback`` may go to (never below the minimum)."""
    candidates = {b.value for b in s.benchmarks} | {s.minimum}
    return sorted(
        v for v in candidates
        if s.better(v, s.minimum) and s.cost(v) < s.cost(fallback) and s.gain(v) > 0
    )  # fmt: skip


def _second_fallback(
    setup: _Setup,
    opener: float,
    fallback: float,
    ordered: list[float],
    draws: tuple[FloatArray, ...],
    column: int,
) -> tuple[float | None, Estimate | None]:
    """A last retreat from the fallback, modelled as a second retreat (one more habituation).

    ``draws`` hold, from ``column`` on, the chosen retreat and then a retreat from the
    fallback to each of ``ordered``.
    """
    s = setup.scenario
    if not ordered:
        return None, None
    first_yes, asked, verbal = (x[:, column] for x in draws)
    base = first_yes * s.gain(opener) + asked * verbal * s.gain(fallback)
    agree = first_yes + asked * verbal
    still_no = asked * (1.0 - verbal)
    second = draws[2][:, column + 1 :]
    values = base[:, None] + still_no[:, None] * second * np.array([s.gain(v) for v in ordered])
    best = int(np.argmax(values.mean(axis=0)))
    p_total = agree + still_no * second[:, best]
    return ordered[best], setup.estimate(p_total, values[:, best])
