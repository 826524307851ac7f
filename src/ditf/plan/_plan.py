"""What a plan is: its asks, their estimates, the opener curve and the timing table.

The result types of :func:`ditf.plan.plan`, apart from the planner so that the audit (which
reads a plan) and the planner (which runs the audit) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from ditf.plan._scenario import Benchmark, PlanScenario

__all__ = [
    "DOOR", "MIN_CONCESSION", "PLAIN", "CurvePoint", "Estimate", "Plan", "TimingPoint",
]  # fmt: skip

#: The smallest retreat that counts as a concession: giving up 10% of what the opener asks
#: beyond the reference (log ratio ln(1/0.9) = 0.105). Below it the fitted reciprocity lift
#: is under a tenth of its maximum (saturation ~0.95: 0.105 / (0.105 + 0.95) = 10%), and
#: concession size drives the effect (Feeley et al., 2016, r = .35-.68): a smaller move is a
#: plain request, and is named so.
MIN_CONCESSION = 0.10
DOOR, PLAIN = "door-in-the-face", "plain request"


@dataclass(frozen=True, slots=True)
class Estimate:
    """P(agreement) and expected value (beyond your BATNA) with a central interval."""

    p_yes: float
    p_lo: float
    p_hi: float
    value: float
    value_lo: float
    value_hi: float


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One opener on the curve, with the fallback fixed."""

    opener: float
    p_opener: float
    estimate: Estimate
    defensible: bool


@dataclass(frozen=True, slots=True)
class TimingPoint:
    """The chosen plan with the retreat made ``delay_hours`` after the refusal."""

    delay_hours: float
    estimate: Estimate


@dataclass(frozen=True, slots=True)
class Plan:
    """A door-in-the-face plan with its odds, alternatives and audit.

    Attributes
    ----------
    scenario : PlanScenario
        What was planned.
    opener, fallback : float
        The two asks, in the scenario's unit.
    second_fallback : float or None
        A last retreat, when it adds expected value (never below the minimum).
    opener_basis, fallback_criterion, second_criterion : Benchmark or None
        The named benchmarks behind the asks (None: no objective criterion).
    sequence : Estimate
        Opener then fallback: P(an agreement) and the expected value.
    with_second : Estimate or None
        The same with the second fallback.
    direct : Estimate
        The target asked alone (your estimate of the counterpart; no model uncertainty).
    fallback_direct : Estimate
        The fallback asked alone: the like-for-like comparison for the sequence.
    recommendation : str
        ``"door-in-the-face"``, or ``"plain request"`` when the retreat is below
        :data:`MIN_CONCESSION`, a plain ask is worth more, or the audit blocks the technique.
    why : str
        One sentence saying why, when the recommendation is a plain request ("" otherwise).
    foot_in_the_door : Estimate
        A small request first, then the fallback.
    p_fallback_alone, p_fallback_after : float
        P(yes) to the fallback asked alone, and after the opener is refused.
    p_fallback_lo, p_fallback_hi : float
        Interval of ``p_fallback_after``.
    curve : tuple of CurvePoint
        The whole opener curve for the chosen fallback.
    timing : tuple of TimingPoint
        The chosen asks at several delays before the retreat.
    contributions : dict of str to float
        Probability points each mechanism adds to ``p_fallback_after``.
    defensible_limit : float
        The boldest benchmark: openers beyond it are outside the defensible range.
    prior_retreats : int
        Earlier retreats this counterpart has seen from you (from the journal).
    chosen_by_you : bool
        True when the scenario fixed the opener or the fallback.
    level : float
        Interval level.
    findings : tuple
        The audit's findings (:class:`ditf.plan.Finding`).
    """

    scenario: PlanScenario
    opener: float
    fallback: float
    second_fallback: float | None
    opener_basis: Benchmark
    fallback_criterion: Benchmark | None
    second_criterion: Benchmark | None
    sequence: Estimate
    with_second: Estimate | None
    direct: Estimate
    fallback_direct: Estimate
    foot_in_the_door: Estimate
    p_fallback_alone: float
    p_fallback_after: float
    p_fallback_lo: float
    p_fallback_hi: float
    curve: tuple[CurvePoint, ...]
    timing: tuple[TimingPoint, ...]
    contributions: dict[str, float]
    defensible_limit: float
    prior_retreats: int
    chosen_by_you: bool
    level: float
    findings: tuple[object, ...] = ()
    recommendation: str = DOOR
    why: str = ""

    @property
    def plain_ask(self) -> float:
        """The amount to ask plainly: the target, or the fallback if alone it is worth more.

        Only a fallback within your minimum and BATNA: a plain ask never goes past them.
        """
        s = self.scenario
        within = s.better(self.fallback, s.minimum) and s.better(self.fallback, s.batna)
        if within and self.fallback_direct.value > self.direct.value:
            return self.fallback
        return s.target

    @property
    def blocking(self) -> bool:
        """Whether any audit finding blocks the plan."""
        return any(getattr(f, "severity", "") == "blocking" for f in self.findings)
