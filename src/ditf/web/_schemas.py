"""Pydantic schemas of the web API: ``XRequest`` validates input, ``XPublic`` is what is returned.

Requests validate types and documented ranges at the boundary and convert themselves to the
library's frozen dataclasses (``to_core``); the library then checks everything that depends on
several values at once (an opener larger than the target, the caps) and raises
:class:`~ditf.InvalidParameterError`, which the app answers with 422.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from ditf.data import MetaAnalysis, StudyCondition
from ditf.model import Context, Prediction, Replication, Sequence
from ditf.simulate import CONDITIONS, SWEEPABLE, Scenario, SimulationResult, SweepAxis, SweepResult
from ditf.study import ComplianceReport, PowerResult

#: Posterior draws behind every web prediction: the library's (and ``ditf predict``'s) default,
#: so the page, the API and the command line give the same numbers for the same input.
WEB_DRAWS = 1000
#: Most sample sizes in one power curve.
MAX_POWER_SIZES = 20
#: Most arms in one analysis.
MAX_ARMS = 100


def _one_of(options: tuple[str, ...]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return AfterValidator(check)


ConditionName: TypeAlias = Annotated[
    str,
    _one_of(CONDITIONS),
    WithJsonSchema({"type": "string", "enum": list(CONDITIONS)}),
]
SweepName: TypeAlias = Annotated[
    str,
    _one_of(SWEEPABLE),
    WithJsonSchema({"type": "string", "enum": list(SWEEPABLE)}),
]
Cost: TypeAlias = Annotated[float, Field(gt=0)]
Seed: TypeAlias = Annotated[int, Field(ge=0, le=2**32 - 1, description="Random seed.")]
Unit: TypeAlias = Annotated[str, Field(min_length=1, max_length=40, description="Cost unit.")]
Delay: TypeAlias = Annotated[
    float, Field(ge=0, le=1e6, description="Hours between the first request and the target.")
]
Baseline: TypeAlias = Annotated[
    float, Field(gt=0, lt=1, description="P(yes) to the target when it is asked alone.")
]
PlausibleMax: TypeAlias = Annotated[
    float | None,
    Field(gt=0, description="Largest ask that still reads as good faith; null if unknown."),
]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class _Public(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


# Errors ---------------------------------------------------------------------------------------


class FieldErrorPublic(_Public):
    """One invalid field of a request."""

    field: str = Field(description="Where the problem is, e.g. 'baseline' or 'axes[0].values'.")
    message: str


class ErrorPublic(_Public):
    """Every error response: one readable sentence, and the invalid fields if any."""

    detail: str
    errors: list[FieldErrorPublic] = []


class HealthPublic(_Public):
    """The app is up."""

    status: Literal["ok"] = "ok"


# Predict --------------------------------------------------------------------------------------


class PredictRequest(_Request):
    """A door-in-the-face sequence (opener, refused, then the target) in a context."""

    opener: Cost = Field(
        default=208.0, description="Cost of the large opener (must exceed the target)."
    )
    target: Cost = Field(default=2.0, description="Cost of the target request.")
    unit: Unit = "hours"
    baseline: Baseline = 0.167
    delay_hours: Delay = 0.0
    plausible_max: PlausibleMax = None
    other_requester: bool = Field(default=False, description="Someone else asks the target.")
    described_only: bool = Field(default=False, description="The opener is described, not asked.")
    prosocial: bool = Field(default=True, description="The requests serve a prosocial cause.")
    prior_retreats: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Retreats this person already saw from this requester.",
    )

    def to_core(self) -> tuple[Sequence, Context]:
        """The sequence and context :func:`ditf.predict` takes."""
        sequence = Sequence.door_in_the_face(
            opener=self.opener,
            target=self.target,
            unit=self.unit,
            delay_hours=self.delay_hours,
            other_requester=self.other_requester,
            described_only=self.described_only,
            prosocial=self.prosocial,
        )
        context = Context(
            baseline=self.baseline,
            plausible_max=self.plausible_max,
            prior_retreats=self.prior_retreats,
        )
        return sequence, context


class PredictionPublic(_Public):
    """P(yes) to the target after the sequence, against asking it alone, and why.

    Probabilities are posterior means over ``draws`` posterior draws; ``lo``-``hi`` is the
    central ``level`` interval. ``contributions`` are probability points per mechanism (how
    much ``p_sequence`` falls with it switched off) plus ``selection``.
    """

    p_alone: float
    p_sequence: float
    lo: float
    hi: float
    lift: float
    lift_lo: float
    lift_hi: float
    lift_logodds: float | None = Field(
        description="logit(p_sequence) - logit(p_alone); null when p_sequence is 0 or 1 to "
        "machine precision (the log-odds are then infinite, which JSON cannot carry)."
    )
    p_asked: float
    behavioral_alone: float
    behavioral_sequence: float
    contributions: dict[str, float]
    method: str
    level: float
    draws: int

    @classmethod
    def from_core(cls, prediction: Prediction, draws: int) -> PredictionPublic:
        """Wrap a :class:`ditf.model.Prediction`."""
        values = dataclasses.asdict(prediction)
        if not math.isfinite(values["lift_logodds"]):
            values["lift_logodds"] = None
        return cls(**values, draws=draws)


# Simulate and sweep ---------------------------------------------------------------------------


class ScenarioRequest(_Request):
    """The requests and context of the standard conditions (defaults: Cialdini et al., 1975)."""

    opener: Cost = Field(default=208.0, description="Cost of the large opener.")
    target: Cost = Field(default=2.0, description="Cost of the target request.")
    foot: Cost = Field(
        default=0.1, description="Cost of the small first request (foot-in-the-door)."
    )
    unit: Unit = "hours"
    delay_hours: Delay = 0.0
    baseline: Baseline = 0.167
    plausible_max: PlausibleMax = None
    prosocial: bool = Field(default=True, description="The requests serve a prosocial cause.")

    def to_scenario(self) -> Scenario:
        """The :class:`ditf.simulate.Scenario` these fields describe."""
        return Scenario(**self.model_dump(include=set(Scenario.fields())))


class ScenarioPublic(_Public):
    """The scenario a simulation ran."""

    opener: float
    target: float
    foot: float
    unit: str
    delay_hours: float
    baseline: float
    plausible_max: float | None
    prosocial: bool


Conditions: TypeAlias = Annotated[
    list[ConditionName] | None,
    Field(min_length=1, max_length=len(CONDITIONS), description="Default: all conditions."),
]


class SimulateRequest(ScenarioRequest):
    """Simulate a population answering the standard conditions."""

    conditions: Conditions = None
    people: int = Field(default=100_000, ge=1, description="People per condition.")
    episodes: int = Field(
        default=1, ge=1, le=50, description="Times the same people meet the sequence."
    )
    seed: Seed = 0


class SimulationRowPublic(_Public):
    """One step of one condition in one episode (rates with 95% Wilson intervals).

    ``expected_value`` (and ``_kept``) are on target rows only: cost units obtained per
    person, said yes to (or carried out).
    """

    condition: str
    episode: int
    step: int
    cost: float
    is_target: bool
    asked: int
    yes: int
    kept: int
    p_yes: float
    p_yes_lo: float
    p_yes_hi: float
    p_kept: float
    p_kept_lo: float
    p_kept_hi: float
    expected_value: float | None = None
    expected_value_kept: float | None = None


class SimulationPublic(_Public):
    """Tidy simulation output: one row per condition, episode and step."""

    scenario: ScenarioPublic
    n_people: int
    episodes: int
    rows: list[SimulationRowPublic]

    @classmethod
    def from_core(cls, result: SimulationResult, episodes: int) -> SimulationPublic:
        """Wrap a :class:`ditf.simulate.SimulationResult`."""
        return cls(
            scenario=ScenarioPublic.model_validate(result.scenario),
            n_people=result.n_people,
            episodes=episodes,
            rows=[SimulationRowPublic(**r) for r in result.records()],
        )


class SweepAxisRequest(_Request):
    """One swept parameter: explicit ``values``, or ``start``, ``stop`` and ``steps``."""

    name: SweepName
    values: list[Annotated[float, Field(allow_inf_nan=False)]] | None = Field(
        default=None, min_length=1, max_length=10_000
    )
    start: float | None = None
    stop: float | None = None
    steps: int | None = Field(default=None, ge=1, le=10_000)
    log: bool = Field(default=False, description="Space the range evenly on a log scale.")

    @model_validator(mode="after")
    def _one_form(self) -> SweepAxisRequest:
        ranged = [x is not None for x in (self.start, self.stop, self.steps)]
        if any(ranged) if self.values is not None else not all(ranged):
            raise ValueError("give either 'values', or all of 'start', 'stop' and 'steps'")
        if self.values is not None and self.log:
            raise ValueError("'log' spaces a range; give 'start', 'stop' and 'steps' with it")
        return self

    def to_core(self) -> SweepAxis:
        """The :class:`ditf.simulate.SweepAxis` (a range goes through ``SweepAxis.parse``)."""
        if self.values is not None:
            return SweepAxis(self.name, tuple(self.values))
        spec = f"{self.name}={self.start!r}:{self.stop!r}:{self.steps}"
        return SweepAxis.parse(spec + (":log" if self.log else ""))


class SweepRequest(ScenarioRequest):
    """Simulate the conditions over a grid of scenario or model parameters."""

    axes: list[SweepAxisRequest] = Field(min_length=1, max_length=3)
    conditions: Conditions = None
    people: int = Field(default=20_000, ge=1, description="People per condition and run.")
    seed: Seed = 0


class SweepAxisPublic(_Public):
    """A swept parameter and its values."""

    name: str
    values: list[float]


class SweepRowPublic(_Public):
    """One run (grid point) and condition; ``values`` holds the swept parameters' values."""

    run: int
    values: dict[str, float]
    condition: str
    p_yes: float
    p_yes_lo: float
    p_yes_hi: float
    p_kept: float
    p_kept_lo: float
    p_kept_hi: float
    asked: int
    yes: int
    expected_value: float
    expected_value_kept: float


class SweepPublic(_Public):
    """Tidy sweep output."""

    axes: list[SweepAxisPublic]
    rows: list[SweepRowPublic]

    @classmethod
    def from_core(cls, result: SweepResult) -> SweepPublic:
        """Wrap a :class:`ditf.simulate.SweepResult`."""
        names = [a.name for a in result.axes]
        rows = []
        for row in result.rows:
            rest = {k: v for k, v in row.items() if k not in names}
            rows.append(SweepRowPublic(**rest, values={n: row[n] for n in names}))
        axes = [SweepAxisPublic(name=a.name, values=list(a.values)) for a in result.axes]
        return cls(axes=axes, rows=rows)


# Study ----------------------------------------------------------------------------------------


class PowerRequest(ScenarioRequest):
    """Simulated power of the three-arm design (DITF, exposure control, target only)."""

    n_per_arm: list[Annotated[int, Field(ge=2, le=1_000_000)]] = Field(
        default=[100, 200, 300, 500, 800],
        min_length=1,
        max_length=MAX_POWER_SIZES,
        description="Sample sizes per arm for the power curve.",
    )
    n_studies: int = Field(default=2_000, ge=10, description="Simulated studies per sample size.")
    alpha: float = Field(default=0.05, gt=0, lt=1, description="Family-wise alpha (Holm).")
    one_sided: bool = Field(default=False, description="Test that the treatment complies more.")
    behavioral: bool = Field(
        default=False, description="Count targets carried out, not verbal yeses."
    )
    uncertainty: bool = Field(default=False, description="Draw parameters from the posterior.")
    target_power: float | None = Field(
        default=None, gt=0, lt=1, description="Also find the people per arm that reach this power."
    )
    seed: Seed = 0

    def options(self) -> dict[str, Any]:
        """Keyword arguments shared by :func:`ditf.study.power_curve` and the sample size."""
        return {
            "n_studies": self.n_studies,
            "alpha": self.alpha,
            "alternative": "larger" if self.one_sided else "two-sided",
            "measure": "behavioral" if self.behavioral else "verbal",
            "uncertainty": self.uncertainty,
            "rng": self.seed,
        }


class ContrastPowerPublic(_Public):
    """Power of one planned contrast."""

    treatment: str
    control: str
    power: float
    power_unadjusted: float
    mean_difference: float


class PowerPointPublic(_Public):
    """Simulated power at one sample size."""

    n_per_arm: int
    n_studies: int
    alpha: float
    alternative: str
    measure: str
    uncertainty: bool
    heterogeneity: bool
    arms: list[str]
    mean_rates: list[float]
    contrasts: list[ContrastPowerPublic]
    power_all: float
    power_any: float
    mc_se: float


class PowerPublic(_Public):
    """A power curve, and the sample size for ``target_power`` when one was asked."""

    points: list[PowerPointPublic]
    sample_size: PowerPointPublic | None = None

    @classmethod
    def from_core(
        cls, points: tuple[PowerResult, ...], sample_size: PowerResult | None
    ) -> PowerPublic:
        """Wrap :class:`ditf.study.PowerResult` objects."""
        size = None if sample_size is None else PowerPointPublic(**sample_size.to_dict())
        return cls(points=[PowerPointPublic(**p.to_dict()) for p in points], sample_size=size)


class ArmCountRequest(_Request):
    """One arm: its name, people, and people who said yes."""

    condition: str = Field(min_length=1, max_length=100)
    n: int = Field(ge=1, le=10**9)
    yes: int = Field(ge=0, le=10**9)


class AnalyzeRequest(_Request):
    """Compliance data of a k-arm study: ``arms`` counts, or ``csv`` text.

    The CSV is what ``ditf study analyze`` reads: ``condition,outcome`` per person, or
    ``condition,n,yes`` per arm.
    """

    arms: list[ArmCountRequest] | None = Field(default=None, min_length=2, max_length=MAX_ARMS)
    csv: str | None = Field(default=None, min_length=1)
    reference: str | None = Field(default=None, description="Arm the contrasts compare against.")
    test: Literal["fisher", "chi2"] = "fisher"
    one_sided: bool = Field(default=False, description="Test treatment > control.")

    @model_validator(mode="after")
    def _one_source(self) -> AnalyzeRequest:
        if (self.arms is None) == (self.csv is None):
            raise ValueError("give either 'arms' or 'csv', not both or neither")
        return self


class ArmRatePublic(_Public):
    """Compliance in one arm with its Wilson interval."""

    name: str
    n: int
    yes: int
    rate: float
    lo: float
    hi: float


class ComparisonPublic(_Public):
    """One planned contrast: difference, odds and risk ratios, tests."""

    treatment: str
    control: str
    difference: float
    difference_lo: float
    difference_hi: float
    odds_ratio: float
    odds_ratio_lo: float
    odds_ratio_hi: float
    risk_ratio: float
    risk_ratio_lo: float
    risk_ratio_hi: float
    corrected: bool
    chi2: float
    p_chi2: float
    p_fisher: float
    p_holm: float


class AnalysisPublic(_Public):
    """Rates per arm, the planned contrasts and the test that all arms comply alike."""

    arms: list[ArmRatePublic]
    comparisons: list[ComparisonPublic]
    chi2: float
    df: int
    p_chi2: float
    reference: str
    level: float
    test: str
    alternative: str
    notes: list[str]

    @classmethod
    def from_core(cls, report: ComplianceReport) -> AnalysisPublic:
        """Wrap a :class:`ditf.study.ComplianceReport`."""
        return cls.model_validate(report.to_dict())


# Evidence -------------------------------------------------------------------------------------


class StudyConditionPublic(_Public):
    """One condition of a published experiment (a row of the bundled ``studies.csv``)."""

    study: str
    year: int
    experiment: str
    condition: str
    condition_type: str
    first_request: str
    first_cost: float | None
    target_request: str
    target_cost: float
    cost_unit: str
    same_requester: bool
    delay_hours: float
    prosocial: bool
    measure: str
    n: int
    complied: int
    pct: float
    source: str

    @classmethod
    def from_core(cls, row: StudyCondition) -> StudyConditionPublic:
        """Wrap a :class:`ditf.data.StudyCondition`."""
        return cls.model_validate(row)


class MetaAnalysisPublic(_Public):
    """One pooled effect from a meta-analysis."""

    meta_analysis: str
    year: int
    technique: str
    outcome: str
    k: int | None
    effect_metric: str
    effect: float
    scope: str
    source: str

    @classmethod
    def from_core(cls, row: MetaAnalysis) -> MetaAnalysisPublic:
        """Wrap a :class:`ditf.data.MetaAnalysis`."""
        return cls.model_validate(row)


class ConditionFitPublic(_Public):
    """Observed against fitted: ``lo``-``hi`` is where a same-size rerun's % falls."""

    condition: str
    condition_type: str
    n: int
    observed_pct: float
    predicted_pct: float
    lo: float
    hi: float
    ci_lo: float
    ci_hi: float
    reproduced: bool


class ReplicationPublic(_Public):
    """A bundled experiment next to the fitted model, and simulated same-size reruns."""

    study: str
    key: str
    source: str
    conditions: list[ConditionFitPublic]
    contrast: list[str]
    chi2_observed: float
    chi2_median: float
    chi2_lo: float
    chi2_hi: float
    power: float
    n_sims: int
    level: float

    @classmethod
    def from_core(cls, rep: Replication) -> ReplicationPublic:
        """Wrap a :class:`ditf.model.Replication`."""
        return cls.model_validate(rep)


class EvidencePublic(_Public):
    """The bundled evidence with its sources, and the replications of its experiments."""

    studies: list[StudyConditionPublic]
    meta_analyses: list[MetaAnalysisPublic]
    replications: list[ReplicationPublic]
    facts: str = Field(description="The directional findings (Markdown).")
