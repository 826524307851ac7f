"""A plan as plain data (JSON-ready), shared by the CLI, the web app and the API."""

from __future__ import annotations

from typing import Any

from ditf.plan._audit import Finding
from ditf.plan._plan import DOOR, Estimate, Plan
from ditf.plan._script import amount_words, concession_script, retreat_words

__all__ = ["headline", "plan_report"]


def _estimate(e: Estimate) -> dict[str, float]:
    return {
        "p_yes": e.p_yes, "p_lo": e.p_lo, "p_hi": e.p_hi,
        "expected_value": e.value, "expected_value_lo": e.value_lo, "expected_value_hi": e.value_hi,
    }  # fmt: skip


def _finding(f: object) -> dict[str, str]:
    assert isinstance(f, Finding)
    return {
        "id": f.id, "severity": f.severity, "title": f.title, "message": f.message,
        "rationale": f.rationale, "source": f.source,
    }  # fmt: skip


def _amount(plan: Plan, value: float) -> str:
    return amount_words(value, plan.scenario.unit)


def headline(plan: Plan) -> str:
    """The plan in one sentence, compared like for like.

    The sequence is set against asking its final amount alone and against asking the target
    alone, both from your estimate of the counterpart.
    """
    seq, same, target = plan.sequence, plan.fallback_direct, plan.direct
    if plan.recommendation != DOOR:
        return plan.why
    odds = f"about {seq.p_yes:.0%} chance of agreement ({seq.p_lo:.0%}-{seq.p_hi:.0%})"
    against = f"against {same.p_yes:.0%} for {_amount(plan, plan.fallback)} asked alone"
    if plan.fallback != plan.scenario.target:
        against += f" and {target.p_yes:.0%} for the target, {_amount(plan, plan.scenario.target)}"
    return (
        f"Open at {_amount(plan, plan.opener)}; {retreat_words(plan)} to "
        f"{_amount(plan, plan.fallback)}: {odds}, {against}."
    )


def _counterpart(plan: Plan) -> dict[str, Any]:
    """The prior range of the counterpart and, after recorded answers, the updated one."""
    s = plan.scenario
    c = s.counterpart
    updated = list(c.updated_range(s.direction)) if c.answers else None
    return {"id": c.id, "prior": [c.accepts_low, c.accepts_high], "updated": updated,
            "answers": len(c.answers)}  # fmt: skip


def plan_report(plan: Plan) -> dict[str, Any]:
    """Everything in a plan as JSON-ready data, with the headline keys at the top level.

    Keys include ``headline``, ``recommendation``, ``why``, ``plain_ask``, ``retreat``,
    ``opener``, ``fallback``,
    ``p_yes_sequence``, ``p_yes_direct`` (the target asked alone), ``p_yes_fallback_direct``
    (the same final amount asked alone), the matching ``expected_value_*``, ``interval``,
    ``curve``, ``findings``, ``script``, ``timing`` and ``contributions``.

    Examples
    --------
    >>> from ditf.plan import plan, plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "fundraising", "unit": "EUR", "target": 50, "minimum": 20, "batna": 0,
    ...     "benchmarks": [{"name": "typical major gift", "kind": "norm", "value": 250}],
    ...     "counterpart": {"accepts_low": 10, "accepts_high": 120}})
    >>> report = plan_report(plan(s))
    >>> report["fallback"], report["interval"]["level"]
    (50.0, 0.9)
    """
    s = plan.scenario
    seq, direct = plan.sequence, plan.direct
    crit = plan.fallback_criterion
    return {
        "headline": headline(plan),
        "recommendation": plan.recommendation,
        "why": plan.why,
        "domain": s.domain,
        "title": s.title,
        "unit": s.unit,
        "direction": s.direction,
        "opener": plan.opener,
        "fallback": plan.fallback,
        "second_fallback": plan.second_fallback,
        "p_yes_sequence": seq.p_yes,
        "p_yes_direct": direct.p_yes,
        "p_yes_fallback_direct": plan.fallback_direct.p_yes,
        "expected_value_sequence": seq.value,
        "expected_value_direct": direct.value,
        "expected_value_fallback_direct": plan.fallback_direct.value,
        "interval": {
            "level": plan.level,
            "p_yes_sequence": [seq.p_lo, seq.p_hi],
            "expected_value_sequence": [seq.value_lo, seq.value_hi],
            "p_fallback_after": [plan.p_fallback_lo, plan.p_fallback_hi],
        },
        "p_fallback_alone": plan.p_fallback_alone,
        "p_fallback_after": plan.p_fallback_after,
        "opener_basis": {"name": plan.opener_basis.name, "value": plan.opener_basis.value},
        "fallback_criterion": None if crit is None else {"name": crit.name, "value": crit.value},
        "defensible_limit": plan.defensible_limit,
        "counterpart": _counterpart(plan),
        "with_second_fallback": None if plan.with_second is None else _estimate(plan.with_second),
        "direct": _estimate(direct),
        "fallback_direct": _estimate(plan.fallback_direct),
        "foot_in_the_door": _estimate(plan.foot_in_the_door),
        "sequence": _estimate(seq),
        "curve": [
            {"opener": c.opener, "p_yes_opener": c.p_opener, "defensible": c.defensible}
            | _estimate(c.estimate)
            for c in plan.curve
        ],
        "timing": [{"delay_hours": t.delay_hours} | _estimate(t.estimate) for t in plan.timing],
        "contributions": plan.contributions,
        "prior_retreats": plan.prior_retreats,
        "chosen_by_you": plan.chosen_by_you,
        "plain_ask": plan.plain_ask,
        "retreat": retreat_words(plan),
        "script": list(concession_script(plan)),
        "findings": [_finding(f) for f in plan.findings],
        "blocking": plan.blocking,
    }
