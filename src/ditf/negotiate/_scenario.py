"""Bargaining scenarios from mappings (parsed TOML or JSON files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ditf._errors import DataError
from ditf._validation import check_keys
from ditf.negotiate._counterpart import HumanCounterpart
from ditf.negotiate._space import Issue, OutcomeSpace, Problem
from ditf.negotiate._strategies import (
    STRATEGIES,
    DirectAsk,
    DoorInTheFace,
    Strategy,
    TimeBased,
    make_strategy,
)

__all__ = ["BargainingScenario", "scenario_from_mapping"]

_TOP = {"issues", "requester", "counterpart", "counterparts", "strategies", "rounds",
        "hours_per_round", "prosocial"}  # fmt: skip
_ISSUE = {"name", "lo", "hi", "levels", "unit", "requester_weight", "counterpart_weight"}
_REQUESTER = {"target", "reservation"}
_PERSON = {"baseline", "patience", "prior_retreats", "strength"}
_COUNTERPART = {"reservation", "plausible_max"} | _PERSON
#: Parameters a named strategy may set, by kind; outcomes are converted to requester utilities.
_STRATEGY_KEYS = {
    "door_in_the_face": {"opener", "fallback", "concede_after", "selector"},
    "direct_ask": {"target", "selector"},
    "time_based": {"exponent"},
}


@dataclass(frozen=True, slots=True)
class BargainingScenario:
    """A problem with its named counterpart populations and named strategies.

    Attributes
    ----------
    problem : Problem
    counterparts : dict of str to HumanCounterpart
        "human" (the ``[counterpart]`` table) first, then each ``[counterparts.NAME]`` variant.
    strategies : dict of str to Strategy
        Strategies defined in ``[strategies.NAME]`` tables (the registry's are always there).
    """

    problem: Problem
    counterparts: dict[str, HumanCounterpart] = field(default_factory=dict)
    strategies: dict[str, Strategy] = field(default_factory=dict)


def _table(
    data: Mapping[str, Any], key: str, allowed: set[str], required: set[str], label: str = ""
) -> dict[str, Any]:
    label = label or key
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        raise DataError(f"[{label}] must be a table; got {type(table).__name__}.")
    check_keys(table, allowed, f"[{label}]", required)
    return dict(table)


def _issues(data: Mapping[str, Any]) -> OutcomeSpace:
    items = data.get("issues")
    if not isinstance(items, list) or not items:
        raise DataError(
            "A bargaining scenario needs [[issues]]: a list of tables with name, lo and hi."
        )
    issues = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            raise DataError(f"Issue {i} must be a table with name, lo and hi.")
        check_keys(item, _ISSUE, f"Issue {i}", ("name", "lo", "hi"))
        issues.append(Issue(**item))
    return OutcomeSpace(tuple(issues))


def _strategy(name: str, spec: Any, space: OutcomeSpace) -> Strategy:
    if not isinstance(spec, Mapping) or "kind" not in spec:
        raise DataError(f"[strategies.{name}] must be a table with a 'kind'.")
    kind = spec["kind"]
    params = {k: v for k, v in spec.items() if k != "kind"}
    if kind not in STRATEGIES and kind != "time_based":
        raise DataError(
            f"[strategies.{name}] has kind {kind!r}; use one of {sorted(STRATEGIES)} or "
            "'time_based'."
        )
    allowed = _STRATEGY_KEYS.get(kind, set())
    check_keys(params, allowed, f"[strategies.{name}] ({kind})")
    for key in ("opener", "fallback", "target"):  # outcomes -> requester utilities
        if key in params:
            params[key] = space.utilities(space.outcome(params[key], key, f"strategies.{name}"))[0]
    if kind == "door_in_the_face":
        return DoorInTheFace(**params)
    if kind == "direct_ask":
        return DirectAsk(**params)
    if kind == "time_based":
        return TimeBased(**params)
    return make_strategy(kind)


def scenario_from_mapping(data: Mapping[str, Any]) -> BargainingScenario:
    """Build a bargaining scenario from a mapping (a parsed TOML or JSON file).

    See ``examples/negotiate/`` and ``docs/negotiate.md`` for the format: ``[[issues]]``,
    ``[requester]`` (``target``, ``reservation``), ``[counterpart]`` (``reservation``,
    optional ``plausible_max``, ``baseline``, ``prior_retreats``, ``strength``,
    ``patience``), optional ``[counterparts.NAME]`` variants and ``[strategies.NAME]``
    tables, and top-level ``rounds``, ``hours_per_round``, ``prosocial``.

    Raises
    ------
    DataError
        If a table or key is missing or unknown.
    InvalidParameterError
        If a value is out of range (e.g. a reservation outside the space).

    Examples
    --------
    >>> scenario = scenario_from_mapping({
    ...     "issues": [{"name": "price", "lo": 0, "hi": 100, "unit": "EUR"}],
    ...     "requester": {"target": 40, "reservation": 30},
    ...     "counterpart": {"reservation": 60, "baseline": 0.3},
    ... })
    >>> scenario.problem.target, list(scenario.counterparts)
    ((40.0,), ['human'])
    """
    if not isinstance(data, Mapping):
        raise DataError(f"A scenario must be a table/object; got {type(data).__name__}.")
    check_keys(data, _TOP, "The scenario")
    space = _issues(data)
    requester = _table(data, "requester", _REQUESTER, _REQUESTER)
    counterpart = _table(data, "counterpart", _COUNTERPART, {"reservation"})
    extra = {k: data[k] for k in ("rounds", "hours_per_round", "prosocial") if k in data}
    problem = Problem(
        space=space,
        target=requester["target"],
        requester_reservation=requester["reservation"],
        counterpart_reservation=counterpart["reservation"],
        plausible_max=counterpart.get("plausible_max"),
        **extra,
    )
    person = {k: v for k, v in counterpart.items() if k in _PERSON}
    populations = {"human": HumanCounterpart(**person)}
    variants = data.get("counterparts", {})
    if not isinstance(variants, Mapping):
        raise DataError("[counterparts] must hold tables [counterparts.NAME].")
    for name in variants:
        changes = _table(variants, name, _PERSON, set(), f"counterparts.{name}")
        populations[str(name)] = HumanCounterpart(**(person | changes))
    named = data.get("strategies", {})
    if not isinstance(named, Mapping):
        raise DataError("[strategies] must hold tables [strategies.NAME] with a 'kind'.")
    strategies = {str(name): _strategy(str(name), spec, space) for name, spec in named.items()}
    return BargainingScenario(problem=problem, counterparts=populations, strategies=strategies)
