"""The planner and the ethics audit.

"I want X, I can live with Y, the market says Z: what do I open with, how do I retreat, what
are my odds, and is it honest?" :func:`plan` answers with the behavioural model and its
uncertainty; :func:`audit` checks a plan against rules kept as data with their sources.
See ``docs/plan.md``.
"""

from __future__ import annotations

from ditf.plan._audit import CHECKS, Finding, audit, require_clean
from ditf.plan._counterpart import (
    DEFAULT_RANGE,
    CounterpartUpdate,
    counterpart_update,
    default_range,
    plan_with_history,
    usual_context,
)
from ditf.plan._history import LIMIT_STABILITY, Answer
from ditf.plan._learn import context_asks, retreat_lift, scenario_with_history
from ditf.plan._plan import (
    DOOR,
    MIN_CONCESSION,
    PLAIN,
    CurvePoint,
    Estimate,
    Plan,
    TimingPoint,
)
from ditf.plan._planner import (
    concession_share,
    plan,
    retreat_context,
    retreat_sequence,
)
from ditf.plan._report import headline, plan_report
from ditf.plan._scenario import (
    BENCHMARK_KINDS,
    DOMAINS,
    Benchmark,
    CounterpartEstimate,
    Directional,
    Domain,
    PlanScenario,
    check_amount,
    plan_scenario_from_mapping,
)
from ditf.plan._script import amount_words, concession_script, minimum_words
from ditf.plan._sheet import SHEET_SECTIONS, prep_sheet

__all__ = [
    "BENCHMARK_KINDS",
    "CHECKS",
    "DEFAULT_RANGE",
    "DOMAINS",
    "DOOR",
    "LIMIT_STABILITY",
    "MIN_CONCESSION",
    "PLAIN",
    "SHEET_SECTIONS",
    "Answer",
    "Benchmark",
    "CounterpartEstimate",
    "CounterpartUpdate",
    "CurvePoint",
    "Directional",
    "Domain",
    "Estimate",
    "Finding",
    "Plan",
    "PlanScenario",
    "TimingPoint",
    "amount_words",
    "audit",
    "check_amount",
    "concession_script",
    "concession_share",
    "context_asks",
    "counterpart_update",
    "default_range",
    "headline",
    "minimum_words",
    "plan",
    "plan_report",
    "plan_scenario_from_mapping",
    "plan_with_history",
    "prep_sheet",
    "require_clean",
    "retreat_context",
    "retreat_lift",
    "retreat_sequence",
    "scenario_with_history",
    "usual_context",
]
