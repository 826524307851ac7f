"""Defend: what you were asked, in the format of ``ditf defend`` files, and the defence."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import Field

from ditf.defend import AskedRequest, Component, Evidence, Recognition
from ditf.web._schemas.base import LIMITS, Amount, Derived, Public, Request, Unit, derived
from ditf.web._schemas.plan import MAX_BENCHMARKS, BenchmarkPublic, BenchmarkRequest, DomainName

#: Most requests in one episode, and earlier episodes in one case.
MAX_REQUESTS: int = LIMITS["max_requests"]
MAX_EPISODES: int = LIMITS["max_episodes"]

Minutes: TypeAlias = Annotated[float, Field(ge=0, le=6e7)]
Probability: TypeAlias = Annotated[float, Field(ge=0, le=1)]


class AskedRequestRequest(Request):
    """One request made to you: how much, who asked, when, and what they said."""

    amount: Amount
    requester: str = Field(min_length=1, max_length=200)
    at_minutes: Minutes | None = Field(
        default=None, description="Minutes since the episode's first request (0 for it)."
    )
    at: datetime | date | None = Field(
        default=None, description="Or when, as a date-time (then for every request)."
    )
    explanation: str = Field(default="", max_length=2000, description="What they said.")


class EpisodeRequest(Request):
    """An earlier episode with the same counterpart."""

    label: str = Field(default="", max_length=200)
    requests: list[AskedRequestRequest] = Field(min_length=1, max_length=MAX_REQUESTS)


class DefendRequest(Request):
    """What you were asked (``docs/defend.md``); the last request is the one to answer."""

    domain: DomainName
    title: str = Field(default="", max_length=200)
    unit: Unit = "units"
    direction: Literal["less", "more"] = Field(
        default="less", description="'less' when you pay or give, 'more' when you receive."
    )
    minimum: Amount = Field(description="Your limit: the least favourable deal you accept.")
    batna: Amount = Field(description="The value of your best alternative.")
    reference: Amount | None = None
    benchmarks: list[BenchmarkRequest] = Field(min_length=1, max_length=MAX_BENCHMARKS)
    requests: list[AskedRequestRequest] = Field(min_length=1, max_length=MAX_REQUESTS)
    alone_answer: Literal["yes", "no"] | Probability | None = Field(
        default=None, description="What you would have said to the last request alone."
    )
    counterpart: str = Field(
        default="", max_length=100, description="Their id: the journal's asks count."
    )
    episodes: list[EpisodeRequest] = Field(default=[], max_length=MAX_EPISODES)
    interests: str = Field(default="", max_length=2000, description="What you need.")

    def to_mapping(self) -> dict[str, Any]:
        """The case as :func:`ditf.defend.defend_case_from_mapping` reads a file."""
        return self.model_dump(exclude_none=True)


class CounterPublic(Public):
    """The counter to make, and the benchmark it rests on."""

    amount: float
    basis: BenchmarkPublic | None


class DefendIntervalPublic(Public):
    """Intervals (``[low, high]``) at ``level``."""

    level: float
    p_yes_after_sequence: list[float]
    pressure: list[float]


@derived(AskedRequest)
class AskedPublic(Derived):
    """A request of the case."""


@derived(
    Evidence,
    rename={
        "peak": "opener",
        "peak_beyond": "opener_beyond_benchmarks",
        "peak_excess": "opener_excess_log",
        "peak_excess_ratio": "opener_excess_ratio",
    },
)
class SequenceEvidencePublic(Derived):
    """What the recognition rests on: the drop, the timing, the requester, the opener.

    ``opener`` is the request of the episode that costs you most (the core's ``peak``).
    """


@derived(Component, properties=("points",), fields={"score": float}, after={"points": "score"})
class ComponentPublic(Derived):
    """One piece of the recognition score."""


@derived(
    Recognition,
    exclude=("pattern", "confidence", "evidence"),
    properties=("prior_retreats",),
    fields={"threshold": Annotated[float, Field(description="The score that names a technique.")]},
    after={"threshold": "score", "prior_retreats": "components"},
)
class RecognitionPublic(Derived):
    """How the pattern was recognised."""


class MechanismPointsPublic(Public):
    """Percentage points of your P(yes) a mechanism adds."""

    mechanism: str
    points: float


class JournalReadPublic(Public):
    """The counterpart's earlier episodes read from the journal."""

    episodes: int
    other_units: int


class DefencePublic(Public):
    """A defence, as :func:`ditf.defend.defence_report` gives it (``ditf defend --json``)."""

    title: str
    domain: str
    unit: str
    direction: str
    minimum: float
    batna: float
    counterpart: str
    requests: list[AskedPublic]
    pattern: str
    confidence: float
    p_yes_after_sequence: float
    p_yes_alone: float
    pressure: float
    pressure_logodds: float | None = Field(
        description="Null when a probability is 0 or 1 to machine precision (infinite)."
    )
    interval: DefendIntervalPublic
    baseline_source: str
    below_minimum: bool
    beats_batna: bool | None
    position: str
    verdict: str
    may_accept: bool
    criterion: str
    counter: CounterPublic | None
    advice: list[str]
    reply: str
    evidence: SequenceEvidencePublic
    recognition: RecognitionPublic
    mechanisms: list[MechanismPointsPublic]
    mechanism_text: list[str]
    method: str
    journal: JournalReadPublic | None = None

    @classmethod
    def from_report(
        cls, report: dict[str, Any], journal: JournalReadPublic | None
    ) -> DefencePublic:
        """Wrap a ``defence_report`` dict (infinite log-odds become null: JSON has none)."""
        logodds = report["pressure_logodds"]
        finite = logodds is not None and math.isfinite(logodds)
        return cls.model_validate(
            report | {"pressure_logodds": logodds if finite else None, "journal": journal}
        )
