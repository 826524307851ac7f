"""Simulate and sweep: populations answering the standard conditions."""

from __future__ import annotations

from typing import Annotated, TypeAlias

from pydantic import ConfigDict, Field, WithJsonSchema, model_validator

from ditf.simulate import (
    CONDITIONS,
    SWEEPABLE,
    Scenario,
    SimulationResult,
    SimulationRow,
    SweepAxis,
    SweepResult,
)
from ditf.web._schemas.base import (
    Baseline,
    Cost,
    Delay,
    Derived,
    PlausibleMax,
    Request,
    Seed,
    Unit,
    derived,
    one_of,
    public_model,
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


#: The expected values of a target row: cost units obtained per person (a simulation has
#: them on its target rows only).
_EXPECTED = {
    "expected_value": "Cost units obtained per person, said yes to.",
    "expected_value_kept": "Cost units obtained per person, carried out.",
}
public_model(
    SimulationRow,
    fields={k: (float | None, Field(default=None, description=v)) for k, v in _EXPECTED.items()},
)


@derived(SimulationResult, fields={"episodes": int}, after={"episodes": "n_people"})
class SimulationPublic(Derived):
    """Tidy simulation output: one row per condition, episode and step."""

    @classmethod
    def from_core(cls, result: SimulationResult, episodes: int) -> SimulationPublic:
        """Wrap a :class:`ditf.simulate.SimulationResult`."""
        rows = result.records()
        return cls.model_validate({"scenario": result.scenario, "n_people": result.n_people,
                                   "episodes": episodes, "rows": rows})  # fmt: skip


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


@derived(
    SimulationRow,
    exclude=("episode", "step", "cost", "is_target", "kept"),
    fields={"run": int, "values": dict[str, float]}
    | {k: (float, Field(description=v)) for k, v in _EXPECTED.items()},
    after={"run": "", "values": "run", "asked": "p_kept_hi", "yes": "asked"},
)
class SweepRowPublic(Derived):
    """One run (grid point) and condition; ``values`` holds the swept parameters' values."""


@derived(SweepResult, fields={"rows": list[SweepRowPublic]})
class SweepPublic(Derived):
    """Tidy sweep output."""

    @classmethod
    def from_core(cls, result: SweepResult) -> SweepPublic:
        """Wrap a :class:`ditf.simulate.SweepResult`."""
        names = [a.name for a in result.axes]
        rows = [
            {k: v for k, v in row.items() if k not in names}
            | {"values": {n: row[n] for n in names}}
            for row in result.rows
        ]
        return cls.model_validate({"axes": result.axes, "rows": rows})
