"""The round's score: expected value against the best admissible option, goals, penalties.

::

    score = clip(60 * clip(EV_yours / EV_best, 0, 1)
                 + 40 * goals_met / goals
                 - 30 * blocking_findings, 0, 100)

``EV`` is the expected value beyond your BATNA under the model (never the sampled outcome, so
luck does not move the score). ``EV_best`` is the best *admissible* option: the planner's plan,
the best opener for your fallback, the best direct ask and your own choice, each admissible when
the audit finds nothing blocking and the scenario does not rule the technique out (a vulnerable
counterpart, or repeated use, under the matching goal). See ``docs/train.md``.

Ties: expected values within :data:`TIE_RTOL` (relative) of the best count as equal, and the
first of them in :data:`REFERENCE_ORDER` is the reference, so a rounding difference between
machines never changes which option the score names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ditf.plan import Finding
from ditf.train._goals import GoalResult

__all__ = [
    "BLOCKING_PENALTY",
    "GOAL_POINTS",
    "REFERENCE_ORDER",
    "TIE_RTOL",
    "VALUE_POINTS",
    "Option",
    "Penalty",
    "Score",
    "reference_option",
    "score_round",
]

VALUE_POINTS = 60.0
GOAL_POINTS = 40.0
BLOCKING_PENALTY = 30.0
# Relative tolerance under which two expected values are the same value: the planner and your
# own identical choice are evaluated along different code paths and may differ in the last bits.
TIE_RTOL = 1e-9
# Among tied options the reference is the standard one a trainee can look up, before their own.
REFERENCE_ORDER = (
    "planner", "best-opener", "best-direct", "target-direct", "fallback-direct", "yours",
)  # fmt: skip
FORMULA = (
    "score = clip(60 * clip(EV yours / EV best admissible, 0, 1) + 40 * goals met / goals "
    "- 30 * blocking findings, 0, 100); EV is the model's expected value beyond your BATNA, "
    "not the sampled outcome"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Option:
    """One way to play the round, with the model's odds and expected value.

    Attributes
    ----------
    key : str
        ``"yours"``, ``"fallback-direct"`` (your request asked alone), ``"target-direct"``,
        ``"best-direct"``, ``"best-opener"`` (the best opener for your fallback) or
        ``"planner"``.
    label : str
        A plain label.
    opener : float or None
        The opener (None: asked directly).
    fallback : float
        The request asked after the refusal, or alone.
    p_yes, p_lo, p_hi : float
        P(an agreement) with its interval (direct asks: your estimate, no interval).
    expected_value, value_lo, value_hi : float
        Expected value beyond your BATNA, with its interval.
    admissible : bool
        False when the audit blocks it or the scenario rules the technique out.
    why_not : str
        Why it is not admissible ("" when it is).
    """

    key: str
    label: str
    opener: float | None
    fallback: float
    p_yes: float
    p_lo: float
    p_hi: float
    expected_value: float
    value_lo: float
    value_hi: float
    admissible: bool
    why_not: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "key": self.key, "label": self.label, "opener": self.opener,
            "fallback": self.fallback, "p_yes": self.p_yes, "p_lo": self.p_lo,
            "p_hi": self.p_hi, "expected_value": self.expected_value,
            "value_lo": self.value_lo, "value_hi": self.value_hi,
            "admissible": self.admissible, "why_not": self.why_not,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Penalty:
    """Points taken off for one blocking audit finding."""

    id: str
    title: str
    points: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"id": self.id, "title": self.title, "points": self.points}


@dataclass(frozen=True, slots=True, kw_only=True)
class Score:
    """The round's score (0-100) and how it was made.

    Attributes
    ----------
    total : float
        The score, in [0, 100], to one decimal.
    value_points, goal_points, penalty_points : float
        The three terms of the formula (:data:`FORMULA`).
    value_ratio : float
        ``EV yours / EV best``, clipped to [0, 1].
    reference : str
        The key of the best admissible option.
    reference_value : float
        Its expected value.
    goals_met, goals_total : int
        Learning goals met, of all.
    penalties : tuple of Penalty
        One per blocking finding.
    formula : str
        The formula in words.
    """

    total: float
    value_points: float
    goal_points: float
    penalty_points: float
    value_ratio: float
    reference: str
    reference_value: float
    goals_met: int
    goals_total: int
    penalties: tuple[Penalty, ...]
    formula: str = FORMULA

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "total": self.total, "value_points": self.value_points,
            "goal_points": self.goal_points, "penalty_points": self.penalty_points,
            "value_ratio": self.value_ratio, "reference": self.reference,
            "reference_value": self.reference_value, "goals_met": self.goals_met,
            "goals_total": self.goals_total,
            "penalties": [p.to_dict() for p in self.penalties], "formula": self.formula,
        }  # fmt: skip


def reference_option(options: tuple[Option, ...]) -> Option:
    """The best admissible option, ties broken by :data:`TIE_RTOL` and :data:`REFERENCE_ORDER`."""
    admissible = [o for o in options if o.admissible]
    top = max(o.expected_value for o in admissible)
    tied = [o for o in admissible if o.expected_value >= top - TIE_RTOL * abs(top)]
    rank = {key: i for i, key in enumerate(REFERENCE_ORDER)}
    return min(tied, key=lambda o: rank.get(o.key, len(rank)))


def score_round(
    yours: Option,
    options: tuple[Option, ...],
    goals: tuple[GoalResult, ...],
    findings: tuple[Finding, ...],
) -> Score:
    """Score a round from its options, goals and audit findings (see the module docstring)."""
    best = reference_option(options)
    # The best admissible option always has a positive value: asking the target directly does.
    ratio = min(1.0, max(0.0, yours.expected_value / best.expected_value))
    met = sum(g.met for g in goals)
    penalties = tuple(
        Penalty(f.id, f.title, BLOCKING_PENALTY) for f in findings if f.severity == "blocking"
    )
    value_points = VALUE_POINTS * ratio
    goal_points = GOAL_POINTS * met / len(goals)
    penalty_points = sum((p.points for p in penalties), 0.0)
    total = min(100.0, max(0.0, value_points + goal_points - penalty_points))
    return Score(
        total=round(total, 1),
        value_points=value_points,
        goal_points=goal_points,
        penalty_points=penalty_points,
        value_ratio=ratio,
        reference=best.key,
        reference_value=best.expected_value,
        goals_met=met,
        goals_total=len(goals),
        penalties=penalties,
    )
