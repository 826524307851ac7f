"""A defence as plain data (JSON-ready), shared by the CLI, the web app and the API."""

from __future__ import annotations

from typing import Any

from ditf._text import format_amount
from ditf.defend._case import AskedRequest
from ditf.defend._defend import Defence
from ditf.defend._recognise import THRESHOLD, Evidence

__all__ = ["defence_report"]


def _request(r: AskedRequest) -> dict[str, Any]:
    return {"amount": r.amount, "requester": r.requester, "at_minutes": r.at_minutes,
            "explanation": r.explanation}  # fmt: skip


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "n_requests": e.n_requests,
        "current": e.current,
        "previous": e.previous,
        "amount_ratio": e.amount_ratio,
        "cost_ratio": e.cost_ratio,
        "log_cost_ratio": e.log_cost_ratio,
        "minutes_between": e.minutes_between,
        "same_requester": e.same_requester,
        "explained": e.explained,
        "opener": e.peak,
        "limit": {"name": e.limit.name, "kind": e.limit.kind, "value": e.limit.value},
        "opener_beyond_benchmarks": e.peak_beyond,
        "opener_excess_log": e.peak_excess,
        "opener_excess_ratio": e.peak_excess_ratio,
        "past_retreats": e.past_retreats,
    }


def _detail(name: str, detail: str, case: Any) -> str:
    """A recognition component's words, with the reference a cost ratio is measured from."""
    if name not in ("drop", "step_up") or case.reference is None:
        return detail
    ref = f"{format_amount(case.reference)} {case.unit}"
    return detail.replace(
        "x (ln",
        f" times (a request's cost to you is how far it lies beyond {ref}, your reference; ln",
        1,
    )


def defence_report(defence: Defence) -> dict[str, Any]:
    """Everything in a defence as JSON-ready data, with the headline keys at the top level.

    Keys include ``pattern``, ``confidence``, ``p_yes_after_sequence``, ``p_yes_alone``,
    ``pressure``, ``interval``, ``below_minimum``, ``advice``, ``reply``, ``evidence``,
    ``recognition``, ``mechanisms`` and ``counter``. In ``evidence``, ``opener`` is the request
    of the episode that costs you most (the opener of a retreat, the larger request of an
    escalation).

    Parameters
    ----------
    defence : Defence
        From :func:`ditf.defend.defend`.

    Returns
    -------
    dict
        Plain values only (str, float, bool, None, lists and dicts): ``json.dumps`` takes it.

    Examples
    --------
    >>> from ditf.defend import defend, defend_case_from_mapping
    >>> case = defend_case_from_mapping({
    ...     "domain": "fundraising", "unit": "EUR", "minimum": 30, "batna": 0,
    ...     "benchmarks": [{"name": "typical gift", "kind": "norm", "value": 25},
    ...                    {"name": "a major gift", "kind": "norm", "value": 250}],
    ...     "requests": [{"amount": 20, "requester": "canvasser", "at_minutes": 0}]})
    >>> report = defence_report(defend(case))
    >>> report["pattern"], round(report["pressure"], 9), report["below_minimum"]
    ('plain-request', 0.0, False)
    """
    case, r, p, a = defence.case, defence.recognition, defence.pressure, defence.advice
    basis = a.counter_basis
    return {
        "title": case.title,
        "domain": case.domain,
        "unit": case.unit,
        "direction": case.direction,
        "minimum": case.minimum,
        "batna": case.batna,
        "counterpart": case.counterpart,
        "requests": [_request(x) for x in case.requests],
        "pattern": r.pattern,
        "confidence": r.confidence,
        "p_yes_after_sequence": p.p_after,
        "p_yes_alone": p.p_alone,
        "pressure": p.pressure,
        "pressure_logodds": p.pressure_logodds,
        "interval": {
            "level": p.level,
            "p_yes_after_sequence": [p.lo, p.hi],
            "pressure": [p.pressure_lo, p.pressure_hi],
        },
        "baseline_source": p.baseline_source,
        "below_minimum": a.below_minimum,
        "beats_batna": a.beats_batna,
        "position": a.position,
        "verdict": a.verdict,
        "may_accept": a.may_accept,
        "criterion": a.criterion,
        "counter": None if a.counter is None else {
            "amount": a.counter,
            "basis": None if basis is None else {"name": basis.name, "kind": basis.kind,
                                                 "value": basis.value},
        },
        "advice": list(a.lines),
        "reply": a.reply,
        "evidence": _evidence(r.evidence),
        "recognition": {
            "shape": r.shape,
            "score": r.score,
            "threshold": THRESHOLD,
            "components": [
                {"name": c.name, "weight": c.weight, "score": c.score, "points": c.points,
                 "detail": _detail(c.name, c.detail, case)}
                for c in r.components
            ],
            "prior_retreats": r.prior_retreats,
            "past_scores": list(r.past_scores),
            "past_skipped": r.past_skipped,
        },
        "mechanisms": [
            {"mechanism": k, "points": 100 * v} for k, v in p.contributions.items()
        ],
        "mechanism_text": list(p.explanations),
        "method": p.method,
    }  # fmt: skip
