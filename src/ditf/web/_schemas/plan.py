"""Plan and audit: a scenario in the planner's file format, and the plan as ``plan_report``."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import Field, WithJsonSchema

from ditf.plan import BENCHMARK_KINDS, DOMAINS, Benchmark, Estimate, Finding
from ditf.web._schemas.base import (
    LIMITS,
    Amount,
    Delay,
    Derived,
    Public,
    Request,
    Unit,
    derived,
    one_of,
)

#: How much of a plan to show, as ``ditf plan --depth``.
DEPTHS = ("beginner", "practitioner", "advanced")
#: Report keys shown from the practitioner depth on: the odds, the curve and the timing.
PRACTITIONER_KEYS = (
    "p_yes_sequence", "p_yes_direct", "p_yes_fallback_direct", "expected_value_sequence",
    "expected_value_direct", "expected_value_fallback_direct", "interval", "p_fallback_alone",
    "p_fallback_after", "with_second_fallback", "direct", "fallback_direct", "foot_in_the_door",
    "sequence", "curve", "timing",
)  # fmt: skip
#: Report keys shown at the advanced depth only: the mechanism breakdown.
ADVANCED_KEYS = ("contributions",)
#: Most benchmarks one scenario may name: ``Settings.max_benchmarks``.
MAX_BENCHMARKS: int = LIMITS["max_benchmarks"]

DomainName: TypeAlias = Annotated[
    str,
    one_of(tuple(DOMAINS)),
    WithJsonSchema({"type": "string", "enum": list(DOMAINS)}),
]
BenchmarkKind: TypeAlias = Annotated[
    str,
    one_of(BENCHMARK_KINDS),
    WithJsonSchema({"type": "string", "enum": list(BENCHMARK_KINDS)}),
]
Depth: TypeAlias = Literal["beginner", "practitioner", "advanced"]


class BenchmarkRequest(Request):
    """A named objective criterion: a market figure, a norm or a precedent."""

    name: str = Field(min_length=1, max_length=200, description="Where the figure comes from.")
    kind: BenchmarkKind
    value: Amount


class CounterpartEstimateRequest(Request):
    """Your estimate of the counterpart: a central 90% range of the most they would agree to."""

    id: str = Field(
        default="",
        max_length=100,
        description="The counterpart's key in the journal; its earlier retreats count.",
    )
    accepts_low: Amount
    accepts_high: Amount
    distribution: Literal["normal", "uniform"] = "normal"


class HonestyRequest(Request):
    """Honesty declarations the audit checks."""

    honour_opener: bool = Field(default=True, description="You would accept a yes to it.")
    counterpart_vulnerable: bool = False
    power_asymmetry: bool = False


class PlanScenarioRequest(Request):
    """A planning scenario, in the format of ``ditf plan`` files (``docs/plan.md``)."""

    domain: DomainName
    title: str = Field(default="", max_length=200)
    unit: Unit = "units"
    direction: Literal["", "more", "less"] = Field(
        default="", description="'more' or 'less' is better for you; '' takes the domain's."
    )
    target: Amount = Field(description="What you want.")
    minimum: Amount = Field(description="The least favourable deal you accept.")
    batna: Amount = Field(description="The value of your best alternative to an agreement.")
    reference: Amount | None = Field(
        default=None, description="The amount that costs the counterpart nothing extra."
    )
    delay_hours: Delay = 0.0
    retreat_by: Literal["same", "other"] = "same"
    explanation: str = Field(default="", max_length=2000)
    opener: Amount | None = Field(default=None, description="Your own opener, to evaluate.")
    fallback: Amount | None = Field(default=None, description="Your own fallback, to evaluate.")
    listed: bool = Field(
        default=False,
        description="The opener is a real offer that exists and you honour (a premium tier, a "
        "list price): an honest opener even beyond the benchmarks. Needs an opener.",
    )
    benchmarks: tuple[BenchmarkRequest, ...] = Field(min_length=1, max_length=MAX_BENCHMARKS)
    counterpart: CounterpartEstimateRequest
    honesty: HonestyRequest = HonestyRequest()

    def to_mapping(self) -> dict[str, Any]:
        """The scenario as :func:`ditf.plan.plan_scenario_from_mapping` reads a file."""
        data = self.model_dump(include=set(PlanScenarioRequest.model_fields), exclude_none=True)
        data["benchmarks"] = list(data["benchmarks"])
        return data

    def key(self) -> str:
        """The scenario alone, as text: equal scenarios give equal plans (the seed is fixed)."""
        return self.model_dump_json(include=set(PlanScenarioRequest.model_fields))


class PlanRequest(PlanScenarioRequest):
    """Plan a scenario: the opener, the fallback(s), the odds, the script and the audit."""

    strict: bool = Field(default=False, description="Refuse (409) when a finding blocks the plan.")
    depth: Depth = Field(
        default="advanced",
        description="beginner: the asks and the script; practitioner: + odds, curve and "
        "timing; advanced: + the mechanisms.",
    )


class AuditRequest(PlanScenarioRequest):
    """Audit the plan for a scenario against the ethics and effectiveness rules."""

    strict: bool = Field(default=False, description="Refuse (409) when a finding blocks the plan.")


@derived(Estimate, rename={f"value{end}": f"expected_value{end}" for end in ("", "_lo", "_hi")})
class EstimatePublic(Derived):
    """P(agreement) and the expected value beyond your BATNA, with a central interval."""


class CurvePointPublic(EstimatePublic):
    """One opener on the curve, with the fallback fixed."""

    opener: float
    p_yes_opener: float
    defensible: bool


class TimingPointPublic(EstimatePublic):
    """The chosen asks with the retreat ``delay_hours`` after the refusal."""

    delay_hours: float


class NamedValuePublic(Public):
    """A benchmark's name and value."""

    name: str
    value: float


@derived(Benchmark)
class BenchmarkPublic(Derived):
    """A benchmark: a market figure, a norm or a precedent."""


@derived(Finding)
class FindingPublic(Derived):
    """A broken audit rule: what, how severe, why it matters and where that comes from."""


class PlanIntervalPublic(Public):
    """The intervals (``[low, high]``) at ``level``."""

    level: float
    p_yes_sequence: list[float]
    expected_value_sequence: list[float]
    p_fallback_after: list[float]


class CounterpartPublic(Public):
    """Your estimate of the counterpart: the prior 90% range and the one the journal updated."""

    id: str
    prior: list[float]
    updated: list[float] | None = Field(description="After the journal's recorded answers.")
    answers: int = Field(description="Recorded answers of this counterpart that were used.")


class PlanPublic(Public):
    """A plan, as :func:`ditf.plan.plan_report` gives it.

    Fields below the requested ``depth`` are null: the odds, ``curve`` and ``timing`` from
    ``practitioner`` on, ``contributions`` at ``advanced``. The audit's ``findings`` are
    always complete.
    """

    depth: Depth
    headline: str = Field(description="The plan in one sentence, compared like for like.")
    recommendation: Literal["door-in-the-face", "plain request"]
    why: str = Field(description="Why a plain request is recommended; empty otherwise.")
    domain: str
    title: str
    unit: str
    direction: str
    opener: float
    fallback: float
    second_fallback: float | None
    plain_ask: float = Field(
        description="What to ask plainly: the target, or the fallback if alone it is worth more."
    )
    retreat: str = Field(description="How the retreat is made, e.g. 'retreat at once'.")
    opener_basis: NamedValuePublic
    fallback_criterion: NamedValuePublic | None
    defensible_limit: float
    counterpart: CounterpartPublic | None = None
    prior_retreats: int = Field(description="Earlier retreats on this counterpart (journal).")
    chosen_by_you: bool
    script: list[str]
    findings: list[FindingPublic]
    blocking: bool
    p_yes_sequence: float | None = None
    p_yes_direct: float | None = None
    p_yes_fallback_direct: float | None = None
    expected_value_sequence: float | None = None
    expected_value_direct: float | None = None
    expected_value_fallback_direct: float | None = None
    interval: PlanIntervalPublic | None = None
    p_fallback_alone: float | None = None
    p_fallback_after: float | None = None
    with_second_fallback: EstimatePublic | None = None
    direct: EstimatePublic | None = None
    fallback_direct: EstimatePublic | None = None
    foot_in_the_door: EstimatePublic | None = None
    sequence: EstimatePublic | None = None
    curve: list[CurvePointPublic] | None = None
    timing: list[TimingPointPublic] | None = None
    contributions: dict[str, float] | None = None

    @classmethod
    def from_report(cls, report: dict[str, Any], depth: str) -> PlanPublic:
        """A ``plan_report`` dict, with the keys below ``depth`` set to null."""
        hidden = {"beginner": PRACTITIONER_KEYS + ADVANCED_KEYS, "practitioner": ADVANCED_KEYS}
        shown = {k: (None if k in hidden.get(depth, ()) else v) for k, v in report.items()}
        return cls.model_validate(shown | {"depth": depth})


class AuditPublic(Public):
    """The audit of the plan for a scenario (the recommended asks, or yours)."""

    opener: float
    fallback: float
    second_fallback: float | None
    blocking: bool
    findings: list[FindingPublic]
