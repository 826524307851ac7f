"""A scenario updated by the journal: the counterpart's recorded answers change your estimate."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ditf._errors import InvalidParameterError
from ditf.model import ContextAsk, Mechanisms, ParamArrays, load_model
from ditf.model.mechanisms import compile_two_step, total_lift
from ditf.plan._history import AskLike, answers_from_asks, prior_index
from ditf.plan._planner import retreat_context, retreat_sequence
from ditf.plan._scenario import DOMAINS, PlanScenario

__all__ = ["context_asks", "retreat_lift", "scenario_with_history"]


class _Recorded(AskLike, Protocol):
    """A journal ask with a domain and a unit (``ditf.store.AskRecord``)."""

    @property
    def domain(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def delay_hours(self) -> float: ...


def retreat_lift(s: PlanScenario, opener: float, fallback: float, delay_hours: float) -> float:
    """The mechanisms' latent lift on the fallback of a retreat, at the fitted model's mode.

    The same cell the planner evaluates (anchoring, reciprocity, contrast...), pinned by the
    prior estimate of the counterpart, so that a yes won by a retreat counts for less.
    """
    params = load_model().params
    p = ParamArrays.from_matrix(params.to_array()[None, :])
    prior = dataclasses.replace(s, counterpart=s.counterpart.with_answers(()))
    cell = (
        retreat_sequence(prior, opener, fallback, delay_hours),
        retreat_context(prior, fallback, 0),
    )
    design = compile_two_step([cell])
    p_first = prior.counterpart.p_accepts(opener, s.direction)
    distance = prior_index(np.array(prior.baseline(fallback))) - prior_index(np.array(p_first))
    lift = total_lift(p, design.after_no, Mechanisms(), np.ones((1, 1)), np.array([[distance]]))
    return float(np.ravel(lift)[0])


def scenario_with_history(s: PlanScenario, asks: Sequence[_Recorded]) -> PlanScenario:
    """``s`` with its counterpart updated by the answers recorded in ``asks``.

    Only your asks to them in the scenario's domain and unit count; a retreat's fallback
    counts with the mechanisms' lift (:func:`retreat_lift`).

    Examples
    --------
    >>> from types import SimpleNamespace as Ask
    >>> from ditf.plan import plan_scenario_from_mapping
    >>> s = plan_scenario_from_mapping({
    ...     "domain": "salary", "unit": "EUR", "target": 110000, "minimum": 100000,
    ...     "batna": 98000,
    ...     "benchmarks": [{"name": "survey low", "kind": "market-low", "value": 90000},
    ...                    {"name": "survey high", "kind": "market-high", "value": 125000}],
    ...     "counterpart": {"accepts_low": 95000, "accepts_high": 120000}})
    >>> no = Ask(technique="direct", opener=None, fallback=108000, asked_by="me",
    ...          domain="salary", unit="EUR", delay_hours=0.0,
    ...          outcome=Ask(result="refused"))
    >>> updated = scenario_with_history(s, [no])
    >>> s.baseline(108000) > 2 * updated.baseline(108000)
    True
    """
    mine = [a for a in asks if a.domain == s.domain and a.unit == s.unit]

    def lift(ask: _Recorded) -> float:  # a retreat in this scenario's costs, else no lift
        opener = ask.opener
        if opener is None or not s.cost(opener) > s.cost(ask.fallback) > 0:
            return 0.0
        return retreat_lift(s, opener, ask.fallback, ask.delay_hours)

    answers = answers_from_asks(mine, lift)
    return dataclasses.replace(s, counterpart=s.counterpart.with_answers(answers))


def context_asks(
    asks: Sequence[_Recorded], domain: str, reference: float | None = None
) -> tuple[ContextAsk, ...]:
    """A journal's asks in ``domain`` as the context calibration reads them (model costs).

    Only your asks with an outcome count. A count-like domain (hours, a gift) costs its
    amount; a price-like one costs the distance beyond ``reference``, the amount that costs
    the counterpart nothing extra, in the domain's direction (required: the journal does not
    know it). Foot-in-the-door asks are left out (their first ask is no opener).

    Raises
    ------
    InvalidParameterError
        If the domain is unknown, or price-like without a reference, or an ask lies on the
        wrong side of the reference.
    """
    info = DOMAINS.get(domain)
    if info is None:
        raise InvalidParameterError(f"Unknown domain {domain!r}: use one of {', '.join(DOMAINS)}.")
    if info.price_like and reference is None:
        raise InvalidParameterError(
            f"A {domain} context needs --reference: the amount that costs the counterpart "
            "nothing extra (for a salary, the market low), so that asks become costs."
        )
    sign = 1.0 if info.direction == "more" else -1.0
    ref = 0.0 if reference is None else reference

    def cost(amount: float) -> float:
        c = sign * (amount - ref)
        if c <= 0:
            raise InvalidParameterError(
                f"An ask of {amount:g} lies at or beyond the reference ({ref:g}): it costs the "
                "counterpart nothing. Check --reference."
            )
        return c

    out = []
    for a in asks:
        if a.domain != domain or a.asked_by != "me" or a.outcome is None:
            continue
        if a.technique == "foot-in-the-door":
            continue
        opener = None if a.opener is None else cost(a.opener)
        result = a.outcome.result
        if opener is None and result == "accepted-opener":  # a plain ask has no opener
            result = "accepted-fallback"
        out.append(ContextAsk(fallback=cost(a.fallback), opener=opener, result=result,
                              delay_hours=a.delay_hours))  # fmt: skip
    return tuple(out)
