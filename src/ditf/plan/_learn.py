"""A scenario updated by the journal: the counterpart's recorded answers change your estimate."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from ditf.model import Mechanisms, ParamArrays, load_model
from ditf.model.mechanisms import compile_two_step, total_lift
from ditf.plan._history import AskLike, answers_from_asks, prior_index
from ditf.plan._planner import retreat_context, retreat_sequence
from ditf.plan._scenario import PlanScenario

__all__ = ["retreat_lift", "scenario_with_history"]


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
    lifts = {
        id(a): retreat_lift(s, a.opener, a.fallback, a.delay_hours)
        for a in mine
        if a.technique == "door-in-the-face" and a.opener is not None and a.outcome is not None
        and s.cost(a.opener) > s.cost(a.fallback) > 0
    }  # fmt: skip
    answers = answers_from_asks(list(mine), lifts)
    return dataclasses.replace(s, counterpart=s.counterpart.with_answers(answers))
