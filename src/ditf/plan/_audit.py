"""The ethics and effectiveness audit: the bundled rules checked against a plan.

The rules (id, severity, rationale, source) are data in ``ditf/data/audit_rules.toml``; this
module holds one check per rule id. A check returns a message when the rule is broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ditf._errors import PlanRejected
from ditf.data import load_audit_rules
from ditf.plan._plan import Plan
from ditf.plan._script import amount_words, minimum_words

__all__ = ["CHECKS", "Finding", "audit", "require_clean"]

#: How far (in P(yes) to the fallback) the penalties must outweigh the gains for an opener to
#: read as absurd: 0.1 points, the precision the message shows, so rounding noise (a 0.0 against
#: 0.0) never blocks a plan.
ABSURD_MARGIN = 0.001


@dataclass(frozen=True, slots=True)
class Finding:
    """A broken rule: what it is, how severe, why it matters and where that comes from.

    Attributes
    ----------
    id : str
        The rule, e.g. ``"theatrical-opener"``.
    severity : str
        ``"blocking"`` (the plan should not be used as it is) or ``"warning"``.
    title : str
        The rule in a few words.
    message : str
        What is wrong with this plan, and the fix.
    rationale : str
        Why the rule matters.
    source : str
        Where the rule comes from (the research, or the ethics it rests on).
    """

    id: str
    severity: str
    title: str
    message: str
    rationale: str
    source: str


def _fmt(plan: Plan, amount: float) -> str:
    return amount_words(amount, plan.scenario.unit)


def _theatrical(plan: Plan) -> str | None:
    if plan.scenario.honour_opener:
        return None
    return (
        f"You declared you would not honour a yes to the opener ({_fmt(plan, plan.opener)}). "
        "Open with a request you would accept, or do not use the technique."
    )


def _beyond(plan: Plan) -> bool:
    s = plan.scenario
    return s.cost(plan.opener) > s.cost(plan.defensible_limit) * (1 + 1e-9)


def _absurd(plan: Plan) -> str | None:
    c = plan.contributions
    credibility = -c.get("credibility", 0.0)
    anchor = c.get("anchoring", 0.0)  # past its reversal an anchor pushes away: a penalty
    penalty = credibility - min(anchor, 0.0)
    gain = c.get("reciprocity", 0.0) + c.get("contrast", 0.0) + max(anchor, 0.0)
    if not (_beyond(plan) and penalty > gain + ABSURD_MARGIN):
        return None
    penalty_text = (
        f"the model's credibility penalty ({100 * credibility:.1f} points of P(yes) to the "
        "fallback)"
    )
    if anchor < 0:  # the anchor counts among the penalties, not among what adds
        reversed_anchor = f"the anchor, pushed past its reversal ({100 * -anchor:.1f} points)"
        costs = f"{penalty_text} and {reversed_anchor}, outweigh"
        adds = "reciprocity and contrast add"
    else:
        costs = f"{penalty_text} outweighs"
        adds = "reciprocity, contrast and anchoring add"
    return (
        f"The opener ({_fmt(plan, plan.opener)}) reads as bad faith: {costs} what "
        f"{adds} ({100 * gain:.1f} points). Open within {plan.opener_basis.name} "
        f"({_fmt(plan, plan.defensible_limit)})."
    )


def _beyond_benchmarks(plan: Plan) -> str | None:
    if not _beyond(plan):
        return None
    return (
        f"The opener ({_fmt(plan, plan.opener)}) lies beyond your boldest benchmark, "
        f"{plan.opener_basis.name} ({_fmt(plan, plan.defensible_limit)}): you could not justify "
        "it if asked, and the model's credibility penalty applies."
    )


def _worse_than(plan: Plan, bound: float, label: str) -> str | None:
    s = plan.scenario
    asks = [("fallback", plan.fallback), ("second fallback", plan.second_fallback)]
    bad = [(name, v) for name, v in asks if v is not None and not s.better(v, bound)]
    if not bad:
        return None
    name, value = bad[0]
    return f"The {name} ({_fmt(plan, value)}) is worse than {label} ({_fmt(plan, bound)})."


def _delayed(plan: Plan) -> str | None:
    delay = plan.scenario.delay_hours
    if delay == 0:
        return None
    at_once = plan.timing[0].estimate.p_yes
    return (
        f"You plan to retreat {delay:g} h after the refusal; the model gives P(agreement) "
        f"{plan.sequence.p_yes:.0%} then against {at_once:.0%} at once. Retreat immediately."
    )


def _other_person(plan: Plan) -> str | None:
    if plan.scenario.retreat_by_same_person:
        return None
    return "The retreat comes from someone else, so it is no concession. Make it yourself."


def _repeated(plan: Plan) -> str | None:
    if plan.prior_retreats == 0:
        return None
    return (
        f"Your journal shows {plan.prior_retreats} earlier retreat(s) with this counterpart; "
        "the lift wears off and the pattern shows. Ask directly, or change the frame."
    )


def _no_criterion(plan: Plan) -> str | None:
    if plan.fallback_criterion is not None:
        return None
    return (
        f"No benchmark supports the fallback ({_fmt(plan, plan.fallback)}). Add the market "
        "figure, norm or precedent that justifies it."
    )


def _unexplained(plan: Plan) -> str | None:
    if plan.scenario.explanation.strip():
        return None
    return (
        "Say how you will explain the concession ('explanation'): what you gave up and what "
        "you still need. The plan's script suggests wording."
    )


def _vulnerable(plan: Plan) -> str | None:
    if not plan.scenario.counterpart_vulnerable:
        return None
    return "You declared the counterpart vulnerable. Make a plain, fair request instead."


def _power(plan: Plan) -> str | None:
    if not plan.scenario.power_asymmetry:
        return None
    return (
        "You hold power over the counterpart: make clear that a no carries no penalty, or "
        "make a plain request."
    )


#: One check per rule id in ``audit_rules.toml``.
CHECKS: dict[str, Callable[[Plan], str | None]] = {
    "theatrical-opener": _theatrical,
    "absurd-opener": _absurd,
    "opener-beyond-benchmarks": _beyond_benchmarks,
    "fallback-below-minimum": lambda p: _worse_than(
        p, p.scenario.minimum, minimum_words(p.scenario.direction)[0]
    ),
    "fallback-below-batna": lambda p: _worse_than(p, p.scenario.batna, "your BATNA"),
    "delayed-retreat": _delayed,
    "different-requester": _other_person,
    "repeated-use": _repeated,
    "no-objective-criterion": _no_criterion,
    "unexplained-concession": _unexplained,
    "vulnerable-counterpart": _vulnerable,
    "power-asymmetry": _power,
}


def audit(plan: Plan) -> tuple[Finding, ...]:
    """Check a plan against every bundled rule; blocking findings first.

    Parameters
    ----------
    plan : Plan
        A plan from :func:`ditf.plan.plan` (its scenario carries the honesty declarations).

    Returns
    -------
    tuple of Finding

    Examples
    --------
    >>> from ditf.plan import plan, plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "volunteering", "unit": "hours", "target": 2, "minimum": 1, "batna": 0,
    ...     "opener": 500, "honesty": {"honour_opener": False},
    ...     "benchmarks": [{"name": "typical shift", "kind": "norm", "value": 4}],
    ...     "counterpart": {"accepts_low": 0.5, "accepts_high": 3}})
    >>> sorted(f.id for f in plan(s).findings if f.severity == "blocking")
    ['absurd-opener', 'theatrical-opener']
    """
    findings = []
    for rule in load_audit_rules():
        message = CHECKS[rule.id](plan)
        if message is not None:
            findings.append(
                Finding(rule.id, rule.severity, rule.title, message, rule.rationale, rule.source)
            )
    return tuple(sorted(findings, key=lambda f: f.severity != "blocking"))


def require_clean(plan: Plan) -> Plan:
    """Return ``plan`` unless a finding blocks it (strict mode).

    Raises
    ------
    PlanRejected
        Naming every blocking finding.
    """
    blocking = [f for f in plan.findings if isinstance(f, Finding) and f.severity == "blocking"]
    if blocking:
        reasons = "; ".join(f"{f.id}: {f.message}" for f in blocking)
        raise PlanRejected(f"Strict mode refused the plan. {reasons}")
    return plan
