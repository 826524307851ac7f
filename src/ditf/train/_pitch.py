"""The counterpart's pitch in role reversal: the technique run on the trainee.

The counterpart is the scenario's requester; the trainee plays the other side (its
``as_target`` brief, with a limit). An honest pitch is the planner's own plan for a fallback
with a named criterion: an opener inside the benchmarks and a retreat at once. A theatrical
pitch opens far beyond the benchmarks, retreats past the trainee's limit with no criterion,
and adds pressure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ditf._text import format_amount
from ditf._types import Seed
from ditf._validation import as_generator, check_instance, check_type
from ditf.plan import Benchmark, PlanScenario, plan
from ditf.train._scenario import TrainerScenario

__all__ = ["Pitch", "benchmark_dict", "fmt", "make_pitch"]

#: How far (as a multiple of the boldest benchmark's cost) a theatrical opener reaches, by level:
#: blatant for beginners, barely beyond the benchmarks for the advanced.
THEATRICAL_REACH = {"beginner": (3.0, 5.0), "practitioner": (2.0, 3.0), "advanced": (1.4, 2.0)}
#: A theatrical retreat lands this far beyond the trainee's limit (as a multiple of its cost).
PAST_LIMIT = (1.08, 1.3)
#: For a buyer's opener the price cannot fall below this share of the reference price.
PRICE_FLOOR = 0.05
#: Pressure lines a theatrical counterpart adds, by level (subtler at higher levels).
PRESSURE = {
    "beginner": (
        ("deadline", "This offer is only good if we settle it right now."),
        ("guilt", "I have already given up so much for you."),
        ("flattery", "Someone as reasonable as you surely sees that."),
    ),
    "practitioner": (
        ("deadline", "I need your answer today."),
        ("guilt", "I have already come a long way toward you."),
    ),
    "advanced": (("guilt", "I think I have been more than fair in coming down this far."),),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Pitch:
    """What a simulated counterpart asks of the trainee: an opener, then a retreat.

    Attributes
    ----------
    scenario : TrainerScenario
        The scenario; the trainee plays ``scenario.as_target``.
    honest : bool
        The hidden truth: an honest retreat or theatre.
    opener, fallback : float
        The two asks, in the scenario's unit.
    delay_hours : float
        Hours between the refusal and the retreat.
    opener_basis, criterion : Benchmark or None
        The benchmarks the counterpart names for the opener and the retreat (None: none).
    lines : tuple of str
        What the counterpart says: the opener, then the retreat.
    tactics : tuple of str
        Pressure tactics used (``deadline``, ``guilt``, ``flattery``); empty when honest.
    """

    scenario: TrainerScenario
    honest: bool
    opener: float
    fallback: float
    delay_hours: float
    opener_basis: Benchmark | None
    criterion: Benchmark | None
    lines: tuple[str, ...]
    tactics: tuple[str, ...]

    @property
    def limit(self) -> float:
        """The trainee's limit: the worst deal they accept."""
        return self.scenario.as_target.limit

    def to_dict(self, *, reveal: bool = True) -> dict[str, Any]:
        """JSON-ready data; ``reveal=False`` leaves out whether it is honest (for the trainee).

        Examples
        --------
        >>> from ditf.train import trainer_scenario
        >>> pitch = make_pitch(trainer_scenario("salary-beginner"), honest=False, rng=0)
        >>> "honest" in pitch.to_dict(reveal=False)
        False
        """
        s = self.scenario
        shown = {
            "scenario": s.summary(),
            "role": s.as_target.role,
            "briefing": s.as_target.briefing,
            "limit": self.limit,
            "benchmarks": [benchmark_dict(b) for b in s.scenario.benchmarks],
            "opener": self.opener,
            "fallback": self.fallback,
            "delay_hours": self.delay_hours,
            "lines": list(self.lines),
        }
        if not reveal:
            return shown
        basis, crit = self.opener_basis, self.criterion
        return shown | {
            "honest": self.honest,
            "opener_basis": None if basis is None else benchmark_dict(basis),
            "criterion": None if crit is None else benchmark_dict(crit),
            "tactics": list(self.tactics),
        }


def benchmark_dict(b: Benchmark) -> dict[str, Any]:
    """A benchmark as JSON-ready data."""
    return {"name": b.name, "kind": b.kind, "value": b.value}


def fmt(s: PlanScenario, amount: float) -> str:
    """An amount with its unit, as the planner writes it."""
    return f"{format_amount(amount)} {s.unit}"


def _round(x: float, digits: int) -> float:
    """A number a person would say out loud: ``digits`` significant figures."""
    return float(f"{x:.{digits}g}")


def make_pitch(scenario: TrainerScenario, *, honest: bool | None = None, rng: Seed = None) -> Pitch:
    """A simulated counterpart runs the technique on the trainee, honestly or as theatre.

    Honest: the planner's plan (:func:`ditf.plan.plan`) for a fallback drawn among the amounts a
    benchmark supports, so the opener stays inside the benchmarks, the fallback names its
    criterion, and the retreat comes at once. Theatrical: an opener beyond the boldest
    benchmark (far beyond for beginners, just beyond for the advanced), a retreat past the
    trainee's limit with no criterion, and pressure lines.

    Parameters
    ----------
    scenario : TrainerScenario
        The scenario; the trainee plays its ``as_target`` side.
    honest : bool or None, default None
        Force an honest or a theatrical pitch; None draws one at random (even odds).
    rng : int, Generator or None
        Randomness (the same seed gives the same pitch).

    Returns
    -------
    Pitch

    Examples
    --------
    >>> from ditf.train import trainer_scenario
    >>> s = trainer_scenario("salary-beginner")
    >>> pitch = make_pitch(s, honest=False, rng=0)
    >>> pitch.opener > s.scenario.boldest_benchmark.value, s.within_limit(pitch.fallback)
    (True, False)
    """
    check_instance(scenario, "scenario", "make_pitch", TrainerScenario)
    gen = as_generator(rng)
    if honest is None:
        honest = bool(gen.random() < 0.5)
    check_type(honest, "honest", "make_pitch", bool, "a bool or None")
    if honest:
        candidates = _supported(scenario.scenario)
        return _honest(scenario, candidates[int(gen.integers(len(candidates)))], gen.random())
    reach = THEATRICAL_REACH[scenario.level]
    return _theatrical(scenario, gen.uniform(*reach), gen.uniform(*PAST_LIMIT))


def _criterion(s: PlanScenario, amount: float) -> Benchmark | None:
    support = [b for b in s.benchmarks if s.better(b.value, amount)]
    return min(support, key=lambda b: abs(b.value - amount), default=None)


def _supported(s: PlanScenario) -> list[float]:
    """Retreats an honest requester can name a criterion for, between minimum and target."""
    amounts = {s.target} | {b.value for b in s.benchmarks}
    picks = sorted(
        a for a in amounts
        if s.better(a, s.minimum) and s.better(s.target, a) and _criterion(s, a) is not None
    )  # fmt: skip
    return picks or [s.boldest_benchmark.value]


def _honest(trainer: TrainerScenario, fallback: float, spread: float) -> Pitch:
    """The planner's plan for ``fallback``, its opener moved toward the boldest benchmark.

    ``spread`` is the share of the way, in log cost: every opener in that range is defensible.
    """
    s = trainer.scenario
    p = plan(dataclasses.replace(s, fallback=fallback))
    basis, crit = p.opener_basis, _criterion(s, fallback)
    assert crit is not None  # _supported keeps only amounts with a criterion
    low, high = s.cost(p.opener), s.cost(basis.value)
    opener = p.opener
    if high > low:
        moved = _round(s.amount(low * (high / low) ** spread), 2)
        if s.cost(fallback) < s.cost(moved) <= high:
            opener = moved
    noun = s.info.noun
    lines = (
        f'"I would like {noun} {fmt(s, opener)}, within {basis.name} ({fmt(s, basis.value)})."',
        f'"I understand that is more than you can do. I can move to {fmt(s, fallback)}, in '
        f'line with {crit.name} ({fmt(s, crit.value)})."',
    )
    return Pitch(
        scenario=trainer, honest=True, opener=opener, fallback=fallback, delay_hours=0.0,
        opener_basis=basis, criterion=crit, lines=lines, tactics=(),
    )  # fmt: skip


def _theatrical(trainer: TrainerScenario, reach: float, past: float) -> Pitch:
    s = trainer.scenario
    assert s.reference is not None
    cost = s.cost(s.boldest_benchmark.value) * reach
    if s.direction == "less":
        # A buyer's price cannot go below zero: keep the absurd offer a positive price.
        cost = min(cost, (1 - PRICE_FLOOR) * s.reference)
    opener = _round(s.amount(cost), 2)
    limit_cost = s.cost(trainer.as_target.limit)
    # Past the limit, but still a retreat: below the opener (and, for a buyer, above zero).
    fallback_cost = min(limit_cost * past, (limit_cost + s.cost(opener)) / 2)
    fallback = _round(s.amount(fallback_cost), 2)
    if not limit_cost < s.cost(fallback) < s.cost(opener):
        fallback = s.amount(fallback_cost)
    tactics = PRESSURE[trainer.level]
    noun = s.info.noun
    given_up = abs(opener - fallback)
    pressure = " ".join(line for _, line in tactics)
    lines = (
        f'"I need {noun} {fmt(s, opener)}. Anyone in my place would ask the same."',
        f'"All right, I will move {fmt(s, given_up)} toward you, to {fmt(s, fallback)}. '
        f'{pressure}"',
    )
    return Pitch(
        scenario=trainer, honest=False, opener=opener, fallback=fallback, delay_hours=0.0,
        opener_basis=None, criterion=None, lines=lines, tactics=tuple(t for t, _ in tactics),
    )  # fmt: skip
