"""Planning scenarios: what you want, what you accept, what the market says, who you ask.

A price-like ask maps onto the model's request cost as the distance from the counterpart's
*reference*: the amount that costs them nothing extra (by default the market benchmark at their
favourable end, or zero for count-like asks such as hours or a gift). Only cost ratios matter
to the model, so a salary ask of 125,000 against a market low of 90,000 costs 35,000 and a
retreat to 105,000 costs 15,000: a concession of ln(35/15) on the model's scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.special import ndtr

from ditf._errors import InvalidParameterError
from ditf._types import FloatArray
from ditf._validation import check_fields, check_finite, check_option, check_positive, check_type
from ditf.plan._history import Answer, posterior_weights, predictive, prior_index

__all__ = [
    "BENCHMARK_KINDS",
    "DOMAINS",
    "Benchmark",
    "CounterpartEstimate",
    "Directional",
    "Domain",
    "PlanScenario",
    "check_amount",
    "plan_scenario_from_mapping",
]

BENCHMARK_KINDS = ("market-low", "market-median", "market-high", "norm", "precedent")
DISTRIBUTIONS = ("normal", "uniform")
#: z of the 95th percentile: ``accepts_low``/``accepts_high`` are a central 90% range.
Z90 = 1.6448536269514722
#: Baselines are kept inside (0, 1): the model's probit scale needs an open interval. The
#: floor is tiny so that an absurd ask never earns expected value from it (1e-300 x amount).
BASELINE_FLOOR, BASELINE_CEILING = 1e-300, 1.0 - 1e-12


@dataclass(frozen=True, slots=True)
class Domain:
    """How one application of the technique reads its numbers.

    Attributes
    ----------
    name : str
        The domain's key in scenario files.
    direction : str
        ``"more"`` when a larger amount is better for you (salary, a gift), ``"less"`` when a
        smaller one is (a purchase price).
    price_like : bool
        True when the ask is a price whose cost to the counterpart starts at a market
        reference; False for count-like asks (hours, a gift) that cost from zero.
    prosocial : bool
        Whether the ask serves a cause rather than yourself (the model's prosocial moderator).
    noun : str
        How the script names the ask.
    """

    name: str
    direction: str
    price_like: bool
    prosocial: bool
    noun: str


DOMAINS: dict[str, Domain] = {
    d.name: d
    for d in (
        Domain("salary", "more", True, False, "a salary of"),
        Domain("procurement", "less", True, False, "a price of"),
        Domain("volunteering", "more", False, True, "a commitment of"),
        Domain("pricing", "more", True, False, "a price of"),
        Domain("settlement", "more", True, False, "a settlement of"),
        Domain("fundraising", "more", False, True, "a gift of"),
    )
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Benchmark:
    """A named objective criterion: a market figure, a norm or a precedent.

    Examples
    --------
    >>> Benchmark(name="Survey median", kind="market-median", value=105000).value
    105000.0
    """

    name: str
    kind: str
    value: float

    def __post_init__(self) -> None:
        check_type(self.name, "name", "Benchmark", str, "a string")
        if not self.name.strip():
            raise InvalidParameterError(
                "The 'name' parameter of Benchmark must say where the figure comes from "
                "(e.g. 'Salary survey 2026, median'). Got an empty name instead."
            )
        check_option(self.kind, "kind", "Benchmark", BENCHMARK_KINDS)
        value = check_positive(self.value, "value", f"Benchmark {self.name!r}", allow_zero=True)
        object.__setattr__(self, "value", value)


@dataclass(frozen=True, slots=True, kw_only=True)
class CounterpartEstimate:
    """Your estimate of the counterpart: the most (or least) they would agree to.

    ``accepts_low`` and ``accepts_high`` bound a central 90% range of the counterpart's limit:
    for a ``"more"`` domain, the largest amount they would agree to; for ``"less"``, the
    smallest. ``distribution`` is ``"normal"`` (the range is 5th to 95th percentile) or
    ``"uniform"`` (the range is the whole support). ``answers`` are the counterpart's recorded
    answers (from the journal): the range is then the prior, and every probability comes
    from the posterior (:mod:`ditf.plan._history`).

    Examples
    --------
    >>> c = CounterpartEstimate(accepts_low=95000, accepts_high=120000)
    >>> round(c.p_accepts(107500, "more"), 2)
    0.5
    >>> refused = c.with_answers((Answer(107500, False),))
    >>> round(refused.p_accepts(107500, "more"), 2)  # a plain no to 107,500 says a lot
    0.14
    """

    accepts_low: float
    accepts_high: float
    distribution: str = "normal"
    id: str = ""
    answers: tuple[Answer, ...] = ()

    def __post_init__(self) -> None:
        for name in ("accepts_low", "accepts_high"):
            value = check_positive(
                getattr(self, name), f"counterpart.{name}", "scenario", allow_zero=True
            )
            object.__setattr__(self, name, value)
        if not self.accepts_low < self.accepts_high:
            raise InvalidParameterError(
                f"counterpart.accepts_low ({self.accepts_low:g}) must be below "
                f"counterpart.accepts_high ({self.accepts_high:g}): they bound the range of "
                "what the counterpart would agree to. Swap them or widen the range."
            )
        check_option(self.distribution, "counterpart.distribution", "scenario", DISTRIBUTIONS)
        check_type(self.id, "counterpart.id", "scenario", str, "a string")
        if not isinstance(self.answers, tuple) or not all(
            isinstance(a, Answer) for a in self.answers
        ):
            raise InvalidParameterError("counterpart.answers must be a tuple of Answer.")

    def with_answers(self, answers: tuple[Answer, ...]) -> CounterpartEstimate:
        """The same prior range, updated by ``answers`` (the journal's record of them)."""
        return replace(self, answers=tuple(answers))

    def p_accepts(self, amount: float, direction: str) -> float:
        """P(the counterpart agrees to ``amount`` asked alone), kept inside (0, 1)."""
        p = self._prior_p(amount, direction)
        if self.answers:
            p = float(predictive(prior_index(np.array(p)), self._posterior(direction)))
        return min(BASELINE_CEILING, max(BASELINE_FLOOR, p))

    def updated_range(self, direction: str) -> tuple[float, float]:
        """The central 90% range of the limit after the answers (the prior's without any)."""
        if not self.answers:
            return self.accepts_low, self.accepts_high
        more = direction == "more"
        # P(yes to X) falls with X when more is better for you, and rises when less is.
        return self._amount_at(0.95 if more else 0.05, direction), self._amount_at(
            0.05 if more else 0.95, direction
        )

    def _prior_p(self, amount: float, direction: str) -> float:
        lo, hi = self.accepts_low, self.accepts_high
        if self.distribution == "normal":
            p_limit_below = float(ndtr((amount - (lo + hi) / 2) / ((hi - lo) / (2 * Z90))))
        else:
            p_limit_below = min(1.0, max(0.0, (amount - lo) / (hi - lo)))
        return 1.0 - p_limit_below if direction == "more" else p_limit_below

    def _posterior(self, direction: str) -> FloatArray:
        z0 = [
            float(prior_index(np.array(self._prior_p(a.amount, direction)))) for a in self.answers
        ]
        return posterior_weights(tuple(z0), self.answers)

    def _amount_at(self, p: float, direction: str) -> float:
        """The amount whose P(yes) is ``p`` (bisection; P(yes) is monotone in the amount)."""
        width = self.accepts_high - self.accepts_low
        lo, hi = max(0.0, self.accepts_low - 20 * width), self.accepts_high + 20 * width
        falling = direction == "more"
        for _ in range(100):
            mid = (lo + hi) / 2
            if (self.p_accepts(mid, direction) > p) == falling:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


class Directional:
    """Amounts read by which way is better for you; shared by plan scenarios and defend cases.

    Subclasses are dataclasses with ``domain`` (a key of :data:`DOMAINS`) and ``direction``
    (``"more"`` or ``"less"``) fields.
    """

    __slots__ = ()
    domain: str
    direction: str

    @property
    def info(self) -> Domain:
        """The domain's conventions (price-like or not, prosocial or not)."""
        return DOMAINS[self.domain]

    @property
    def sign(self) -> float:
        """+1 when more is better for you, -1 when less is."""
        return 1.0 if self.direction == "more" else -1.0

    def better(self, a: float, b: float) -> bool:
        """Whether amount ``a`` is at least as good for you as ``b``."""
        return self.sign * (a - b) >= 0


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanScenario(Directional):
    """Everything the planner needs to know about one negotiation or request.

    Parameters
    ----------
    domain : str
        One of :data:`DOMAINS` (salary, procurement, volunteering, pricing, settlement,
        fundraising).
    target : float
        What you want.
    minimum : float
        The least favourable deal you accept (for a buyer: the highest price).
    batna : float
        The value of your best alternative to an agreement, in the same unit.
    benchmarks : tuple of Benchmark
        Objective criteria; at least one.
    counterpart : CounterpartEstimate
        Your estimate of what they would agree to.
    unit : str
        Unit of every amount (EUR, hours, ...).
    direction : str, optional
        ``"more"`` or ``"less"``; default: the domain's.
    reference : float, optional
        The amount that costs the counterpart nothing extra; default: the market benchmark at
        their favourable end for price-like domains, else 0.
    delay_hours : float, default 0
        Planned time between the refusal and the retreat.
    retreat_by_same_person : bool, default True
        Whether the person who made the opener also makes the retreat.
    explanation : str, default ""
        How you will explain the concession (what you gave up, what you still need).
    honour_opener : bool, default True
        Whether you would honour a yes to the opener.
    counterpart_vulnerable, power_asymmetry : bool, default False
        Honesty declarations about the counterpart's position.
    opener, fallback : float, optional
        A plan of your own to evaluate and audit instead of the recommended one.
    listed : bool, default False
        The opener is a real offer that exists and that you honour (a premium tier, a
        published list price): an honest opener wherever it lies, so it sets the edge of the
        defensible range when it is bolder than every benchmark. Needs ``opener``.
    title : str, default ""
        A label for reports.
    """

    domain: str
    target: float
    minimum: float
    batna: float
    benchmarks: tuple[Benchmark, ...]
    counterpart: CounterpartEstimate
    unit: str = "units"
    direction: str = ""
    reference: float | None = None
    delay_hours: float = 0.0
    retreat_by_same_person: bool = True
    explanation: str = ""
    honour_opener: bool = True
    counterpart_vulnerable: bool = False
    power_asymmetry: bool = False
    opener: float | None = None
    fallback: float | None = None
    listed: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        info = DOMAINS.get(self.domain) if isinstance(self.domain, str) else None
        if info is None:
            raise InvalidParameterError(
                f"Unknown domain {self.domain!r}: use one of {', '.join(DOMAINS)}."
            )
        direction = self.direction or info.direction
        check_option(direction, "direction", "scenario", ("more", "less"))
        object.__setattr__(self, "direction", direction)
        for name in ("target", "minimum", "batna"):
            object.__setattr__(self, name, check_amount(getattr(self, name), name))
        for name in ("opener", "fallback"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, check_amount(getattr(self, name), name))
        delay = check_positive(self.delay_hours, "delay_hours", "scenario", allow_zero=True)
        object.__setattr__(self, "delay_hours", delay)
        if not self.benchmarks or not all(isinstance(b, Benchmark) for b in self.benchmarks):
            raise InvalidParameterError(
                "A scenario needs at least one [[benchmarks]] entry (name, kind, value): the "
                "planner anchors the opener and the fallback to named criteria."
            )
        if not isinstance(self.counterpart, CounterpartEstimate):
            raise InvalidParameterError("'counterpart' must be a CounterpartEstimate.")
        check_type(self.listed, "listed", "scenario", bool, "true or false")
        if self.listed and self.opener is None:
            raise InvalidParameterError(
                "listed = true says the opener is a real, listed offer, but the scenario gives "
                "no opener. Add opener = <the listed amount>, or drop listed."
            )
        self._check_order()
        object.__setattr__(self, "reference", self._reference())

    # ------------------------------------------------------------------ derived quantities

    def cost(self, amount: float) -> float:
        """The model's request cost of ``amount``: its distance beyond the reference."""
        assert self.reference is not None  # set in __post_init__
        return self.sign * (amount - self.reference)

    def amount(self, cost: float) -> float:
        """The amount whose cost is ``cost`` (inverse of :meth:`cost`)."""
        assert self.reference is not None
        return self.reference + self.sign * cost

    def gain(self, amount: float) -> float:
        """What an agreement at ``amount`` is worth beyond your BATNA."""
        return self.sign * (amount - self.batna)

    def baseline(self, amount: float) -> float:
        """P(the counterpart agrees to ``amount`` asked alone), from your estimate."""
        return self.counterpart.p_accepts(amount, self.direction)

    @property
    def boldest_benchmark(self) -> Benchmark:
        """The benchmark most favourable to you: the edge of the defensible range."""
        return max(self.benchmarks, key=lambda b: self.sign * b.value)

    @property
    def opener_basis(self) -> Benchmark:
        """What makes an opener defensible: the boldest benchmark, or a bolder listed opener."""
        bold = self.boldest_benchmark
        if self.listed and self.opener is not None and self.better(self.opener, bold.value):
            return Benchmark(name="your listed offer", kind="precedent", value=self.opener)
        return bold

    # ------------------------------------------------------------------ validation

    def _check_order(self) -> None:
        word = "above" if self.direction == "more" else "below"
        if not self.better(self.target, self.minimum):
            raise InvalidParameterError(
                f"minimum ({self.minimum:g}) is {word} target ({self.target:g}): the least you "
                f"accept cannot beat what you want. Lower the minimum or raise the target"
                + ("." if self.direction == "more" else " (for a buyer: the reverse).")
            )
        if not self.better(self.minimum, self.batna):
            raise InvalidParameterError(
                f"minimum ({self.minimum:g}) is worse than batna ({self.batna:g}): you would "
                "accept a deal worse than walking away. Set the minimum at least at your BATNA."
            )
        kinds = ("market-low", "market-median", "market-high")
        market = [(kinds.index(b.kind), b.value) for b in self.benchmarks if b.kind in kinds]
        # Every pair, not one value per kind: a second market-high below market-low is caught
        # wherever it is listed.
        if any(i < j and v > w for i, v in market for j, w in market):
            raise InvalidParameterError(
                "benchmarks are out of order: market-low <= market-median <= market-high is "
                f"required; got {', '.join(f'{kinds[i]} {v:g}' for i, v in market)}. "
                "Check the values or their kinds."
            )

    def _reference(self) -> float:
        if self.reference is not None:
            ref = check_finite(self.reference, "reference", "scenario")
        elif not self.info.price_like:
            ref = 0.0
        else:
            end = "market-low" if self.direction == "more" else "market-high"
            values = [b.value for b in self.benchmarks if b.kind == end]
            if not values:
                raise InvalidParameterError(
                    f"A {self.domain} scenario needs a {end!r} benchmark or an explicit "
                    "'reference' (the amount that costs the counterpart nothing extra)."
                )
            ref = values[0]
        if self.sign * (self.minimum - ref) <= 0:
            raise InvalidParameterError(
                f"minimum ({self.minimum:g}) must lie beyond the reference ({ref:g}), the amount "
                "that costs the counterpart nothing extra; otherwise there is nothing to ask "
                "for. Set 'reference' explicitly or check the market benchmarks."
            )
        return ref


def check_amount(value: Any, name: str) -> float:
    """A finite amount >= 0 (amounts are never negative: the direction carries the sign).

    Examples
    --------
    >>> check_amount(110000, "target")
    110000.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidParameterError(f"{name} must be a number, got {value!r}.")
    try:
        amount = float(value)
    except OverflowError:  # an int too large for a float
        amount = math.inf
    if not math.isfinite(amount) or amount < 0:
        raise InvalidParameterError(
            f"{name} must be a finite amount >= 0, got {value!r}. Amounts are never negative; "
            "for a buyer use direction = 'less'."
        )
    return amount


_TOP_KEYS = {
    "domain", "title", "unit", "direction", "target", "minimum", "batna", "reference",
    "delay_hours", "retreat_by", "explanation", "opener", "fallback", "listed", "benchmarks",
    "counterpart", "honesty",
}  # fmt: skip
_REQUIRED = ("domain", "target", "minimum", "batna", "benchmarks", "counterpart")


def plan_scenario_from_mapping(data: dict[str, Any]) -> PlanScenario:
    """Build a scenario from a parsed TOML/JSON mapping (see ``docs/plan.md``).

    Raises
    ------
    InvalidParameterError
        Naming the field and the fix for a missing, unknown or inconsistent field.

    Examples
    --------
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "salary", "unit": "EUR", "target": 110000, "minimum": 100000,
    ...     "batna": 98000,
    ...     "benchmarks": [{"name": "survey low", "kind": "market-low", "value": 90000},
    ...                    {"name": "survey high", "kind": "market-high", "value": 125000}],
    ...     "counterpart": {"accepts_low": 95000, "accepts_high": 120000}})
    >>> s.cost(110000)
    20000.0
    """
    check_fields(data, _TOP_KEYS, _REQUIRED, what="The scenario", kind="scenario",
                 template="examples/plan/")  # fmt: skip
    benchmarks = data["benchmarks"]
    if not isinstance(benchmarks, list) or not all(isinstance(b, dict) for b in benchmarks):
        raise InvalidParameterError(
            "benchmarks must be a list of tables with name, kind and value ([[benchmarks]])."
        )
    counterpart = _table(data, "counterpart", {"id", "accepts_low", "accepts_high", "distribution"})
    honesty = _table(
        data, "honesty", {"honour_opener", "counterpart_vulnerable", "power_asymmetry"}
    )
    retreat_by = data.get("retreat_by", "same")
    check_option(retreat_by, "retreat_by", "scenario", ("same", "other"))
    for key in ("accepts_low", "accepts_high"):
        if key not in counterpart:
            raise InvalidParameterError(f"counterpart.{key} is missing: give a 90% range.")
    return PlanScenario(
        domain=data["domain"],
        title=_text(data, "title"),
        unit=_text(data, "unit") or "units",
        direction=_text(data, "direction"),
        target=data["target"],
        minimum=data["minimum"],
        batna=data["batna"],
        reference=data.get("reference"),
        delay_hours=data.get("delay_hours", 0.0),
        retreat_by_same_person=retreat_by == "same",
        explanation=_text(data, "explanation"),
        opener=data.get("opener"),
        fallback=data.get("fallback"),
        listed=data.get("listed", False),
        benchmarks=tuple(_benchmark(b) for b in benchmarks),
        counterpart=CounterpartEstimate(**counterpart),
        **{k: _flag(honesty, k) for k in sorted(honesty)},
    )


def _table(data: dict[str, Any], key: str, allowed: set[str]) -> dict[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise InvalidParameterError(f"{key} must be a table ([{key}]), got {table!r}.")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InvalidParameterError(
            f"Unknown field(s) {', '.join(f'{key}.{u}' for u in unknown)}; allowed: "
            f"{', '.join(sorted(allowed))}."
        )
    return dict(table)


def _benchmark(entry: dict[str, Any]) -> Benchmark:
    unknown = sorted(set(entry) - {"name", "kind", "value"})
    if unknown:
        raise InvalidParameterError(
            f"Unknown field(s) {', '.join(f'benchmarks.{u}' for u in unknown)}; a benchmark has "
            "name, kind and value."
        )
    missing = [k for k in ("name", "kind", "value") if k not in entry]
    if missing:
        raise InvalidParameterError(
            f"A benchmark is missing {', '.join(missing)}: each needs name, kind and value."
        )
    return Benchmark(name=entry["name"], kind=entry["kind"], value=entry["value"])


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise InvalidParameterError(f"{key} must be text, got {value!r}.")
    return value


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data[key]
    if not isinstance(value, bool):
        raise InvalidParameterError(f"honesty.{key} must be true or false, got {value!r}.")
    return value
