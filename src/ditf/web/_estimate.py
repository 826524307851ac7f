"""A counterpart's recorded answers read against your prior range (the counterpart page).

The page asks for the little the update needs (domain, unit, your 90% range) and reads the
answers as the planner does: :func:`ditf.plan.scenario_with_history` on a scenario built from
that range alone (market benchmarks at its two ends). The planner reads a retreat's lift
against your real benchmarks, so its updated range may differ a little for retreats.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ditf.plan import DOMAINS, plan_scenario_from_mapping, scenario_with_history
from ditf.store import AskRecord

__all__ = ["counterpart_estimate", "default_range", "usual_context"]

#: The range offered for a counterpart with no amounts recorded (the plan form's salary one).
DEFAULT_RANGE = (96000.0, 118000.0)


def usual_context(asks: Sequence[AskRecord]) -> tuple[str, str]:
    """The domain and unit of most of your asks to a counterpart (salary, EUR without any)."""
    mine = [(a.domain, a.unit) for a in asks if a.asked_by == "me" and a.domain in DOMAINS]
    if not mine:
        return "salary", "EUR"
    return Counter(mine).most_common(1)[0][0]


def _round(value: float) -> float:
    """``value`` (> 0) to three significant digits: a range is a guess, not an account."""
    step = 10.0 ** (math.floor(math.log10(value)) - 2)
    return float(round(value / step) * step)


def default_range(asks: Sequence[AskRecord], domain: str, unit: str) -> tuple[float, float]:
    """A first guess at the 90% range: around the amounts you asked them for, in that context.

    From 10% below the smallest amount to 10% above the largest (three significant digits);
    the plan form's salary range when nothing was asked in that domain and unit.

    Examples
    --------
    >>> default_range([], "salary", "EUR")
    (96000.0, 118000.0)
    """
    amounts = [
        x
        for a in asks
        if a.asked_by == "me" and a.domain == domain and a.unit == unit
        for x in (a.opener, a.fallback)
        if x is not None and x > 0
    ]
    if not amounts:
        return DEFAULT_RANGE
    return _round(min(amounts) * 0.9), _round(max(amounts) * 1.1)


def counterpart_estimate(
    asks: Sequence[AskRecord],
    *,
    key: str,
    domain: str,
    unit: str,
    accepts_low: float,
    accepts_high: float,
    distribution: str = "normal",
) -> dict[str, Any]:
    """Your prior 90% range of the counterpart's limit and the range after their answers.

    Returns
    -------
    dict
        ``domain``, ``unit``, ``direction``, ``prior`` ([low, high]), ``updated`` ([low,
        high], or None without a recorded answer in that domain and unit), ``answers`` (how
        many answers count) and ``asks`` (how many of your asks to them are in that context).

    Raises
    ------
    InvalidParameterError
        If the domain is unknown or the range is not low < high.
    """
    info = DOMAINS[domain]
    low, high = accepts_low, accepts_high
    more = info.direction == "more"
    middle = (low + high) / 2
    # The least scenario the planner reads: benchmarks at the range's ends, your target at its
    # good end and your minimum in its middle (only the counterpart matters here).
    mapping = {
        "domain": domain,
        "unit": unit,
        "target": high if more else low,
        "minimum": middle,
        "batna": low if more else high,
        "benchmarks": [
            {"name": "your range, low end", "kind": "market-low", "value": low},
            {"name": "your range, high end", "kind": "market-high", "value": high},
        ],
        "counterpart": {"id": key, "accepts_low": low, "accepts_high": high,
                        "distribution": distribution},
    }  # fmt: skip
    scenario = scenario_with_history(plan_scenario_from_mapping(mapping), asks)
    c = scenario.counterpart
    in_context = [a for a in asks if a.domain == domain and a.unit == unit]
    return {
        "domain": domain,
        "unit": unit,
        "direction": info.direction,
        "prior": [c.accepts_low, c.accepts_high],
        "updated": list(c.updated_range(scenario.direction)) if c.answers else None,
        "answers": len(c.answers),
        "asks": sum(a.asked_by == "me" for a in in_context),
    }
