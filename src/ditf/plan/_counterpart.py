"""A counterpart's recorded history read by the planner: their updated limit, and the plan.

The journal holds your asks to a counterpart and their answers; the CLI and the web read them
and hand them here. :func:`plan_with_history` plans a scenario with them;
:func:`counterpart_update` reads them against your prior range alone, for a counterpart's page.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ditf._validation import check_option
from ditf.plan._learn import _Recorded, scenario_with_history
from ditf.plan._planner import plan
from ditf.plan._scenario import DOMAINS, PlanScenario, plan_scenario_from_mapping

if TYPE_CHECKING:
    from ditf.model import ContextFit
    from ditf.plan._plan import Plan

__all__ = [
    "DEFAULT_RANGE",
    "CounterpartUpdate",
    "counterpart_update",
    "default_range",
    "plan_with_history",
    "usual_context",
]

#: The range offered for a counterpart with no amounts recorded (the plan form's salary one).
DEFAULT_RANGE = (96000.0, 118000.0)


def plan_with_history(
    scenario: PlanScenario | dict[str, Any],
    asks: Sequence[_Recorded] = (),
    *,
    prior_retreats: int = 0,
    calibration: ContextFit | None = None,
) -> Plan:
    """Plan a scenario with the counterpart's history from the journal.

    The one path from a scenario and a history to a plan, for ``ditf plan`` and the web's
    ``POST /api/plan``: :func:`scenario_with_history` (their recorded answers update your
    estimate of them), then :func:`plan`.

    Parameters
    ----------
    scenario : PlanScenario or dict
        The situation, or a mapping in the format of ``ditf plan`` files (read by
        :func:`plan_scenario_from_mapping`).
    asks : sequence of ditf.store.AskRecord, default ()
        The asks made to the scenario's counterpart, with their outcomes.
    prior_retreats : int, default 0
        Retreats this counterpart has already seen from you.
    calibration : ContextFit, optional
        A context calibrated from your journal.

    Returns
    -------
    Plan

    Raises
    ------
    InvalidParameterError
        If the scenario is invalid.

    Examples
    --------
    A refusal on record lowers the odds of the same asks:

    >>> from types import SimpleNamespace as Ask
    >>> s = {"domain": "salary", "unit": "EUR", "target": 110000, "minimum": 100000,
    ...      "batna": 98000, "counterpart": {"accepts_low": 96000, "accepts_high": 118000},
    ...      "benchmarks": [{"name": "low", "kind": "market-low", "value": 92000},
    ...                     {"name": "high", "kind": "market-high", "value": 124000}]}
    >>> no = Ask(technique="direct", opener=None, fallback=108000, asked_by="me",
    ...          domain="salary", unit="EUR", delay_hours=0.0, outcome=Ask(result="refused"))
    >>> plan_with_history(s, [no]).direct.p_yes < plan_with_history(s).direct.p_yes
    True
    """
    if not isinstance(scenario, PlanScenario):
        scenario = plan_scenario_from_mapping(scenario)
    s = scenario_with_history(scenario, asks)
    return plan(s, prior_retreats=prior_retreats, calibration=calibration)


@dataclass(frozen=True, slots=True)
class CounterpartUpdate:
    """Your prior 90% range of a counterpart's limit and the range after their answers.

    Attributes
    ----------
    domain, unit : str
        The context the answers are read in.
    direction : str
        ``"more"``: their limit is the most they would agree to; ``"less"``: the least.
    prior : tuple of float
        Your 90% range, ``(low, high)``.
    updated : tuple of float or None
        The 90% range after their recorded answers; None without any.
    answers : int
        How many recorded answers the update reads.
    asks : int
        Your asks to them in this domain and unit.
    """

    domain: str
    unit: str
    direction: str
    prior: tuple[float, float]
    updated: tuple[float, float] | None
    answers: int
    asks: int


def usual_context(asks: Sequence[_Recorded]) -> tuple[str, str]:
    """The domain and unit of most of your asks to a counterpart (salary, EUR without any).

    Examples
    --------
    >>> usual_context([])
    ('salary', 'EUR')
    """
    mine = [(a.domain, a.unit) for a in asks if a.asked_by == "me" and a.domain in DOMAINS]
    if not mine:
        return "salary", "EUR"
    return Counter(mine).most_common(1)[0][0]


def _round(value: float) -> float:
    """``value`` (> 0) to three significant digits: a range is a guess, not an account."""
    step = 10.0 ** (math.floor(math.log10(value)) - 2)
    return float(round(value / step) * step)


def default_range(asks: Sequence[_Recorded], domain: str, unit: str) -> tuple[float, float]:
    """A first guess at the 90% range: around the amounts you asked them for, in that context.

    From 10% below the smallest amount to 10% above the largest (three significant digits);
    :data:`DEFAULT_RANGE` when nothing was asked in that domain and unit.

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


def counterpart_update(
    asks: Sequence[_Recorded],
    *,
    domain: str | None = None,
    unit: str | None = None,
    accepts_low: float | None = None,
    accepts_high: float | None = None,
    distribution: str = "normal",
) -> CounterpartUpdate:
    """Your 90% range of a counterpart's limit, updated by their answers as the planner does.

    The answers are read by :func:`scenario_with_history` on the least scenario the planner
    reads: market benchmarks at the range's two ends. The planner reads a retreat's lift
    against your real benchmarks, so its updated range may differ a little for retreats.

    Parameters
    ----------
    asks : sequence of ditf.store.AskRecord
        The asks both ways between you and the counterpart, with their outcomes.
    domain, unit : str, optional
        The context; default that of most of your asks to them (:func:`usual_context`; the
        unit is ``"units"`` in another domain).
    accepts_low, accepts_high : float, optional
        Your prior 90% range; default :func:`default_range`.
    distribution : {"normal", "uniform"}, default "normal"
        How the range spreads.

    Returns
    -------
    CounterpartUpdate

    Raises
    ------
    InvalidParameterError
        If the domain is unknown or the range is not low < high.

    Examples
    --------
    >>> u = counterpart_update([], accepts_low=95000, accepts_high=120000)
    >>> u.domain, u.prior, u.updated
    ('salary', (95000.0, 120000.0), None)
    """
    usual_domain, usual_unit = usual_context(asks)
    domain = domain or usual_domain
    check_option(domain, "domain", "counterpart_update", DOMAINS)
    unit = unit or (usual_unit if domain == usual_domain else "units")
    guess = default_range(asks, domain, unit)
    low = guess[0] if accepts_low is None else accepts_low
    high = guess[1] if accepts_high is None else accepts_high
    more = DOMAINS[domain].direction == "more"
    # The least scenario the planner reads: benchmarks at the range's ends, your target at its
    # good end and your minimum in its middle (only the counterpart matters here).
    mapping = {
        "domain": domain,
        "unit": unit,
        "target": high if more else low,
        "minimum": (low + high) / 2,
        "batna": low if more else high,
        "benchmarks": [
            {"name": "your range, low end", "kind": "market-low", "value": low},
            {"name": "your range, high end", "kind": "market-high", "value": high},
        ],
        "counterpart": {"accepts_low": low, "accepts_high": high, "distribution": distribution},
    }  # fmt: skip
    scenario = scenario_with_history(plan_scenario_from_mapping(mapping), asks)
    c = scenario.counterpart
    return CounterpartUpdate(
        domain=domain,
        unit=unit,
        direction=scenario.direction,
        prior=(c.accepts_low, c.accepts_high),
        updated=c.updated_range(scenario.direction) if c.answers else None,
        answers=len(c.answers),
        asks=sum(a.asked_by == "me" and a.domain == domain and a.unit == unit for a in asks),
    )
