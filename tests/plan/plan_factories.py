"""Factories for planner tests: scenario mappings as a file would hold them, and a strategy.

``salary_mapping`` is a clean scenario (the audit finds nothing); tests break one field at a
time. ``scenario_mappings`` draws random valid scenarios in every domain and both directions.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from ditf.data import read_mapping
from ditf.plan import DOMAINS

#: The shipped example scenarios.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
#: One example per domain (the audit examples theatrical and absurd are not among them).
DOMAIN_EXAMPLES = ("salary", "procurement", "volunteering", "pricing", "settlement", "fundraising")

CLEAN_SALARY: dict[str, Any] = {
    "domain": "salary",
    "title": "factory salary",
    "unit": "EUR",
    "target": 110000,
    "minimum": 100000,
    "batna": 98000,
    "delay_hours": 0,
    "retreat_by": "same",
    "explanation": "I can move on the base if we agree on the scope of the role.",
    "benchmarks": [
        {"name": "survey 25th percentile", "kind": "market-low", "value": 92000},
        {"name": "survey median", "kind": "market-median", "value": 104000},
        {"name": "survey 90th percentile", "kind": "market-high", "value": 124000},
    ],
    "counterpart": {"id": "acme-hr", "accepts_low": 96000, "accepts_high": 118000},
    "honesty": {"honour_opener": True, "counterpart_vulnerable": False, "power_asymmetry": False},
}


def changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with ``changes``: ``None`` removes a key, dotted keys nest.

    >>> changed(CLEAN_SALARY, target=None, **{"honesty.honour_opener": False})["honesty"]
    {'honour_opener': False, 'counterpart_vulnerable': False, 'power_asymmetry': False}
    """
    data = copy.deepcopy(base)
    for key, value in changes.items():
        *parents, leaf = key.split(".")
        table = data
        for parent in parents:
            table = table.setdefault(parent, {})
        if value is None:
            table.pop(leaf, None)
        else:
            table[leaf] = value
    return data


def salary_mapping(**changes: Any) -> dict[str, Any]:
    """The clean salary scenario with ``changes`` (see :func:`changed`)."""
    return changed(CLEAN_SALARY, **changes)


def example_mapping(name: str, **changes: Any) -> dict[str, Any]:
    """``examples/plan/<name>.toml`` as a mapping, with ``changes``."""
    return changed(read_mapping(EXAMPLES / f"{name}.toml"), **changes)


def benchmark(name: str, kind: str, value: float) -> dict[str, Any]:
    return {"name": name, "kind": kind, "value": value}


#: Relative sizes, in multiples of a scenario's scale.
_fractions = st.floats(min_value=0.02, max_value=3.0, allow_nan=False)


@st.composite
def scenario_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A valid scenario mapping: any domain, either direction for prices, any honesty flags.

    Amounts are built as costs beyond the reference (``scale`` x a fraction), then mapped to
    the domain's direction, so every ordering rule holds by construction.
    """
    domain = draw(st.sampled_from(sorted(DOMAINS)))
    info = DOMAINS[domain]
    direction = info.direction
    if info.price_like and draw(st.booleans()):
        direction = "less" if direction == "more" else "more"
    sign = 1.0 if direction == "more" else -1.0
    scale = draw(st.floats(min_value=1.0, max_value=1e6))
    c_min = draw(_fractions)
    c_target = c_min * draw(st.floats(min_value=1.0, max_value=3.0))
    c_batna = c_min * draw(st.floats(min_value=0.0, max_value=1.0))
    c_bold = draw(_fractions)
    c_median = c_bold * draw(st.floats(min_value=0.0, max_value=1.0))
    c_norm = draw(_fractions)
    # Your estimate of the counterpart straddles your asks, as an estimate worth planning on.
    c_lo = c_min * draw(st.floats(min_value=0.3, max_value=1.0))
    width = max(c_target, c_bold) * draw(st.floats(min_value=0.2, max_value=2.0))
    costs = [c_target, c_bold, c_norm, c_lo + width]
    if not info.price_like:
        reference = 0.0
    elif direction == "more":
        reference = draw(st.floats(min_value=0.1, max_value=5.0)) * scale
    else:  # a buyer's amounts run down from the reference and never below zero, with room
        # left below the lowest ask for an opener that gives up 10% (MIN_CONCESSION; the
        # planner refuses a fallback near zero)
        reference = max(costs) * (1 + draw(st.floats(min_value=0.15, max_value=3.0))) * scale

    def amount(cost: float) -> float:
        return reference + sign * cost * scale

    low_end, high_end = ("market-low", "market-high")[:: int(sign)]
    benchmarks = [benchmark("boldest market figure", high_end, amount(c_bold))]
    if info.price_like:
        benchmarks.append(benchmark("reference market figure", low_end, reference))
        benchmarks.append(benchmark("market median", "market-median", amount(c_median)))
    benchmarks.append(
        benchmark("a norm", draw(st.sampled_from(["norm", "precedent"])), amount(c_norm))
    )
    accepts = sorted([amount(c_lo), amount(c_lo + width)])
    return {
        "domain": domain,
        "direction": direction,
        "unit": "units",
        "target": amount(c_target),
        "minimum": amount(c_min),
        "batna": max(0.0, amount(c_batna)),
        "delay_hours": draw(st.sampled_from([0.0, 0.0, 2.0, 48.0])),
        "retreat_by": draw(st.sampled_from(["same", "same", "other"])),
        "explanation": draw(st.sampled_from(["", "We can commit for three years."])),
        "benchmarks": draw(st.permutations(benchmarks)),
        "counterpart": {
            "id": "someone",
            "accepts_low": accepts[0],
            "accepts_high": accepts[1],
            "distribution": draw(st.sampled_from(["normal", "uniform"])),
        },
        "honesty": {
            "honour_opener": draw(st.booleans()),
            "counterpart_vulnerable": draw(st.booleans()),
            "power_asymmetry": draw(st.booleans()),
        },
    }
