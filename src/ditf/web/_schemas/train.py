"""Trainer: rounds as the requester and as the target, and a trainee's progress."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import Field

from ditf.train import (
    MAX_EXPLANATION,
    MAX_ROUND_DELAY_HOURS,
    Choice,
    ClassProgress,
    LevelProgress,
    Pitch,
    Pressure,
    Progress,
    RoundResult,
    RoundSummary,
    TargetBrief,
    TargetResult,
    TraineeRow,
)
from ditf.web._schemas.base import (
    Amount,
    Derived,
    Public,
    Request,
    Seed,
    Wrapper,
    derived,
    public_model,
)
from ditf.web._schemas.journal import Key
from ditf.web._schemas.plan import BenchmarkPublic, DomainName

Level: TypeAlias = Literal["beginner", "practitioner", "advanced"]


def _scenario_ids(schema: dict[str, Any]) -> None:
    # Read when the schema is built (not at import): the bundled scenarios' ids.
    from ditf.train import load_trainer_scenarios

    schema["enum"] = sorted(s.id for s in load_trainer_scenarios())


ScenarioId: TypeAlias = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        description="A bundled trainer scenario's id.",
        json_schema_extra=_scenario_ids,
    ),
]


class PickRequest(Request):
    """Which scenario: an id, or a domain (default: any) and a level, drawn with the seed."""

    scenario: ScenarioId | None = None
    domain: DomainName | None = None
    level: Level = "beginner"
    seed: Seed | None = Field(default=None, description="Default: a fresh one (returned).")


class RoundRequest(PickRequest):
    """A round as the requester: your opener (or none), fallback, timing and explanation."""

    trainee: Key = Field(description="Who plays (the journal stores the round under it).")
    opener: Amount | None = Field(default=None, description="Null: ask the fallback directly.")
    fallback: Amount = Field(description="The request you really need.")
    delay_hours: float = Field(
        default=0.0, ge=0, le=MAX_ROUND_DELAY_HOURS, description="Hours before the retreat."
    )
    explanation: str = Field(default="", max_length=MAX_EXPLANATION)
    honour_opener: bool = Field(default=True, description="You would keep a yes to the opener.")


#: Which pitches a round draws: either at even odds, or only honest or only theatrical ones
#: (a teacher's choice).
Pitches: TypeAlias = Literal["mixed", "honest", "theatrical"]
PITCHES_HONEST: dict[str, bool | None] = {"mixed": None, "honest": True, "theatrical": False}


class PitchRequest(PickRequest):
    """Be the one asked: a simulated counterpart runs the technique, honestly or as theatre."""

    pitches: Pitches = Field(
        default="mixed",
        description="mixed: honest or theatrical at even odds; honest or theatrical: only those "
        "(a teacher's choice). Send it back with the answer.",
    )


class TargetRequest(Request):
    """Your answer to a pitch; ``scenario`` and ``seed`` rebuild the pitch you were shown."""

    trainee: Key
    scenario: ScenarioId
    seed: Seed
    decision: Literal["accept", "decline", "counter"]
    counter: Amount | None = Field(default=None, description="Your counter-offer.")
    flag_theatrical: bool = Field(default=False, description="You call the opener theatre.")
    pitches: Pitches = Field(default="mixed", description="As sent for the pitch.")


class GoalTextPublic(Public):
    """A learning goal."""

    id: str
    text: str


class AcceptsPublic(Public):
    """Your estimate of the counterpart (a central 90% range)."""

    accepts_low: float
    accepts_high: float


@derived(TargetBrief)
class TargetBriefPublic(Derived):
    """The other side, for role reversal."""


class TrainerScenarioPublic(Public):
    """What the trainee is told before a round (``TrainerScenario.to_dict()``)."""

    id: str
    domain: str
    level: str
    title: str
    briefing: str
    goals: list[GoalTextPublic]
    unit: str
    direction: str
    target: float
    minimum: float
    batna: float
    reference: float | None
    benchmarks: list[BenchmarkPublic]
    counterpart: AcceptsPublic
    prior_retreats: int
    honour_limit: float | None
    counterpart_vulnerable: bool
    power_asymmetry: bool
    as_target: TargetBriefPublic


class ScenarioSummaryPublic(Public):
    """How a result names its scenario."""

    id: str
    domain: str
    level: str
    title: str
    unit: str


public_model(Choice, properties=("uses_technique",), after={"opener": ""})
public_model(
    Pressure,
    exclude=("lo", "hi"),
    fields={"interval": (list[float], Field(description="The 90% interval of p_after."))},
    after={"interval": "p_after"},
)


class StoredPublic(Derived):
    """Where the journal keeps a round."""

    round_id: int = Field(description="The stored training round's id.")
    trainee: str
    seed: int = Field(description="Replays the round.")


@derived(
    RoundResult,
    fields={"role": Literal["requester"], "scenario": ScenarioSummaryPublic},
    after={"role": "", "scenario": "role", "choice": "scenario", "answers": "choice"},
)
class RoundPublic(StoredPublic):
    """A round as the requester (``RoundResult.to_dict()``), as stored in the journal."""


class PitchShownPublic(Derived):
    """What the counterpart asks, without whether it is honest (``Pitch.to_dict(reveal=False)``)."""

    scenario: ScenarioSummaryPublic
    role: str
    briefing: str
    limit: float
    benchmarks: list[BenchmarkPublic]
    opener: float
    fallback: float
    delay_hours: float
    lines: list[str]


class PitchPublic(Public):
    """A pitch to answer with ``POST /api/train/target`` (send back ``scenario`` and ``seed``)."""

    scenario: str
    seed: int
    pitch: PitchShownPublic


@derived(Pitch, exclude=PitchShownPublic.model_fields)
class PitchRevealedPublic(PitchShownPublic):
    """The pitch after the answer: honest or theatre, the criteria and the tactics used."""


@derived(
    TargetResult,
    fields={"role": Literal["target"], "pitch": PitchRevealedPublic},
    after={"role": ""},
)
class TargetPublic(StoredPublic):
    """A round as the target (``TargetResult.to_dict()``), as stored in the journal."""


@derived(RoundSummary)
class RoundSummaryPublic(Derived):
    """One stored round, briefly."""


@derived(LevelProgress)
class LevelProgressPublic(Derived):
    """A trainee's rounds at one level."""


@derived(Progress)
class ProgressPublic(Wrapper):
    """A trainee's rounds, oldest first, and the average score per level."""


@derived(TraineeRow)
class TraineeRowPublic(Derived):
    """One trainee in the class view: their rounds, per side and per level, and averages."""


@derived(ClassProgress)
class ClassPublic(Wrapper):
    """A class: every trainee's rounds and averages, and the class's average per level."""
