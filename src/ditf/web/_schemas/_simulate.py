"""Simulate and sweep: populations answering the standard conditions."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import ConfigDict, Field, WithJsonSchema, model_validator

from ditf.simulate import CONDITIONS, SWEEPABLE, Scenario, SimulationResult, SweepAxis, SweepResult
from ditf.web._schemas._base import (
    Baseline,
    Cost,
    Delay,
    PlausibleMax,
    Public,
    Request,
    Seed,
    Unit,
    one_of,
)

ConditionName: TypeAlias = Annotated[
    str,
    one_of(CONDITIONS),
    WithJsonSchema({"type": "string", "enum": list(CONDITIONS)}),
]
SweepName: TypeAlias = Annotated[
    str,
    one_of(SWEEPABLE),
    WithJsonSchema({"type": "string", "enum": list(SWEEPABLE)}),
]


class ScenarioRequest(Request):
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


class ScenarioPublic(Public):
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


class SimulationRowPublic(Public):
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


class SimulationPublic(Public):
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


class SweepAxisRequest(Request):
    """One swept parameter: explicit ``values``, or ``start``, ``stop`` and ``steps``."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["values"],
                    "properties": {
                        "values": {"type": "array"},
                        "start": {"type": "null"},
                        "stop": {"type": "null"},
                        "steps": {"type": "null"},
                        "log": {"const": False},
                    },
                },
                {
                    "required": ["start", "stop", "steps"],
                    "properties": {
                        "values": {"type": "null"},
                        "start": {"type": "number"},
                        "stop": {"type": "number"},
                        "steps": {"type": "integer"},
                    },
                },
            ]
        }
    )

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


class SweepAxisPublic(Public):
    """A swept parameter and its values."""

    name: str
    values: list[float]


class SweepRowPublic(Public):
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


class SweepPublic(Public):
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
