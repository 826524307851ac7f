"""Factories for bargaining tests: problems (one issue, two issues), seats, random problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import strategies as st

from ditf.negotiate import Issue, OutcomeSpace, Problem

#: The shipped example scenarios.
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "negotiate"


def single(**changes: Any) -> Problem:
    """One issue in [0, 100] (101 levels): target 40, walk-aways 30 and 60 (the counterpart)."""
    fields: dict[str, Any] = {
        "space": OutcomeSpace.single(0, 100, unit="EUR"),
        "target": 40,
        "requester_reservation": 30,
        "counterpart_reservation": 60,
    }
    return Problem(**(fields | changes))


def two_issue_space(levels: int = 11) -> OutcomeSpace:
    """Two issues weighed differently by the sides (weights with no common small ratio, so no
    two outcomes have the same utility for either side)."""
    return OutcomeSpace(
        (
            Issue(name="discount", lo=0, hi=10, levels=levels, unit="%",
                  requester_weight=0.71, counterpart_weight=0.29),
            Issue(name="warranty", lo=0, hi=10, levels=levels, unit="months",
                  requester_weight=0.29, counterpart_weight=0.71),
        )
    )  # fmt: skip


def two_issue(**changes: Any) -> Problem:
    fields: dict[str, Any] = {
        "space": two_issue_space(),
        "target": {"discount": 7, "warranty": 5},
        "requester_reservation": {"discount": 3, "warranty": 3},
        "counterpart_reservation": {"discount": 8, "warranty": 8},
    }
    return Problem(**(fields | changes))


def cialdini(**changes: Any) -> Problem:
    """Cialdini et al. (1975) as a negotiation: hours in [0, 208] on a 2-hour grid; the target (2
    hours) is all either side will accept, so every answer is the model's."""
    fields: dict[str, Any] = {
        "space": OutcomeSpace.single(0, 208, levels=105, unit="hours"),
        "target": 2,
        "requester_reservation": 2,
        "counterpart_reservation": 2,
        "prosocial": True,
    }
    return Problem(**(fields | changes))


@st.composite
def problems(draw: Any) -> Problem:
    """Random valid problems: one or two issues, any reservations that leave the target valid."""
    n_issues = draw(st.integers(1, 2))
    issues = []
    for i in range(n_issues):
        lo = draw(st.integers(-50, 50))
        span = draw(st.integers(1, 100))
        issues.append(
            Issue(
                name=f"issue{i}",
                lo=lo,
                hi=lo + span,
                levels=draw(st.integers(2, 12)),
                requester_weight=draw(st.floats(0.05, 1.0)),
                counterpart_weight=draw(st.floats(0.05, 1.0)),
            )
        )
    space = OutcomeSpace(tuple(issues))
    unit = st.floats(0.0, 1.0)

    def point(shares: list[float]) -> list[float]:
        return [i.lo + s * (i.hi - i.lo) for i, s in zip(space.issues, shares, strict=True)]

    target = point([draw(st.floats(0.05, 1.0)) for _ in issues])
    below = [draw(unit) for _ in issues]  # requester reservation: a share of the target
    res_r = [i.lo + b * (t - i.lo) for i, b, t in zip(space.issues, below, target, strict=True)]
    res_c = point([draw(st.floats(0.02, 1.0)) for _ in issues])
    plausible = draw(st.one_of(st.none(), st.just(point([draw(st.floats(0.1, 1.0))
                                                         for _ in issues]))))  # fmt: skip
    return Problem(
        space=space, target=target, requester_reservation=res_r, counterpart_reservation=res_c,
        plausible_max=plausible, rounds=draw(st.integers(2, 30)),
        hours_per_round=draw(st.sampled_from([0.0, 0.5, 24.0])),
        prosocial=draw(st.booleans()),
    )  # fmt: skip


def brute_pareto(u_a: np.ndarray, u_b: np.ndarray) -> np.ndarray:
    """O(n^2) Pareto set: no other outcome at least as good for both and better for one."""
    better_eq = (u_a[None, :] >= u_a[:, None]) & (u_b[None, :] >= u_b[:, None])
    strictly = (u_a[None, :] > u_a[:, None]) | (u_b[None, :] > u_b[:, None])
    return ~np.any(better_eq & strictly, axis=1)
