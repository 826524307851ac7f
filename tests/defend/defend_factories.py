"""Factories for the defend tests: case mappings as a file would hold them, and strategies.

``vendor_mapping`` is an honest, immediate, explained retreat from a sales rep that meets your
limit; tests change one field at a time. ``case_mappings`` draws random valid cases in every
domain and both directions, with one to four requests.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from ditf.plan import DOMAINS

VENDOR: dict[str, Any] = {
    "domain": "procurement",
    "title": "factory vendor",
    "unit": "EUR",
    "direction": "less",
    "minimum": 12000,
    "batna": 12500,
    "benchmarks": [
        {"name": "quotes, lowest", "kind": "market-low", "value": 9000},
        {"name": "quotes, median", "kind": "market-median", "value": 11000},
        {"name": "quotes, highest", "kind": "market-high", "value": 14500},
    ],
    "requests": [
        {"amount": 14000, "requester": "Dana", "at_minutes": 0},
        {"amount": 11500, "requester": "Dana", "at_minutes": 2,
         "explanation": "Without the on-site training."},
    ],
}  # fmt: skip


def vendor_mapping(**changes: Any) -> dict[str, Any]:
    """A deep copy of the vendor case; ``None`` removes a key.

    >>> vendor_mapping(batna=None).get("batna") is None
    True
    """
    data = copy.deepcopy(VENDOR)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def retreat(
    opener: float,
    target: float,
    *,
    minutes: float = 1,
    other: bool = False,
    explanation: str = "We can drop the extras.",
) -> list[dict[str, Any]]:
    """Two requests: an opener, then a retreat (or an escalation when ``target`` is larger)."""
    return [
        {"amount": opener, "requester": "A", "at_minutes": 0},
        {"amount": target, "requester": "B" if other else "A", "at_minutes": minutes,
         "explanation": explanation},
    ]  # fmt: skip


def hours_mapping(requests: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """A volunteering case in hours (count-like, prosocial) with two norms 4 and 16 hours."""
    data: dict[str, Any] = {
        "domain": "volunteering",
        "unit": "hours",
        "minimum": 4,
        "batna": 0,
        "alone_answer": 0.3,
        "benchmarks": [
            {"name": "a Saturday shift", "kind": "norm", "value": 4},
            {"name": "a full weekend", "kind": "norm", "value": 16},
        ],
        "requests": requests,
    }
    data.update(changes)
    return data


@st.composite
def case_mappings(draw: st.DrawFn, max_requests: int = 4) -> dict[str, Any]:
    """A random valid case: any domain, either direction, one to ``max_requests`` requests."""
    domain = draw(st.sampled_from(sorted(DOMAINS)))
    direction = draw(st.sampled_from(["less", "more"]))
    sign = 1.0 if direction == "more" else -1.0
    ref = draw(st.floats(10.0, 1000.0))
    # Costs > 0 beyond the reference; an amount is reference - sign * cost.
    cost_limit = draw(st.floats(1.0, 500.0))
    amount_of = lambda c: round(ref - sign * c, 6)  # noqa: E731
    if direction == "more":
        cost_limit = min(cost_limit, ref * 0.9)
    market = sorted([amount_of(0.0), amount_of(cost_limit), amount_of(cost_limit / 2)])
    benchmarks = [
        {"name": "market low", "kind": "market-low", "value": market[0]},
        {"name": "market median", "kind": "market-median", "value": market[1]},
        {"name": "market high", "kind": "market-high", "value": market[2]},
    ]
    max_cost = cost_limit * 3 if direction == "less" else ref * 0.99
    costs = draw(st.lists(st.floats(0.01, max_cost), min_size=1, max_size=max_requests))
    minimum = amount_of(draw(st.floats(0.0, max_cost)))
    # The BATNA is at most as good as the minimum (needed for price-like domains).
    batna = max(0.0, minimum - sign * draw(st.floats(0.0, 50.0)))
    times = sorted(draw(st.lists(st.floats(0, 5000), min_size=len(costs), max_size=len(costs))))
    requests = [
        {"amount": amount_of(c), "requester": draw(st.sampled_from(["A", "B"])),
         "at_minutes": t, "explanation": draw(st.sampled_from(["", "a reason"]))}
        for c, t in zip(costs, times, strict=True)
    ]  # fmt: skip
    data: dict[str, Any] = {
        "domain": domain,
        "direction": direction,
        "unit": "units",
        "reference": ref,
        "minimum": minimum,
        "batna": batna,
        "benchmarks": benchmarks,
        "requests": requests,
    }
    answer = draw(st.sampled_from([None, "yes", "no", 0.05, 0.5, 0.95]))
    if answer is not None:
        data["alone_answer"] = answer
    return data
