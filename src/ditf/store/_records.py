"""What the journal returns: frozen records, never ORM rows, so callers never hold a session."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["AskRecord", "Counterpart", "CounterpartHistory", "OutcomeRecord", "TrainingRound"]


def _iso(moment: datetime) -> str:
    return moment.isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class Counterpart:
    """Someone you ask.

    Attributes
    ----------
    key : str
        The counterpart id used in scenario files (``"acme-hr"``); unique in a journal.
    name, notes : str
        Free text.
    created_at : datetime
        When it entered the journal (UTC).
    """

    key: str
    name: str
    notes: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (datetimes as ISO 8601 strings)."""
        return {"key": self.key, "name": self.name, "notes": self.notes,
                "created_at": _iso(self.created_at)}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class OutcomeRecord:
    """How an ask ended.

    Attributes
    ----------
    id : int
        The outcome's id.
    ask_id : int
        The ask it ends (an ask has at most one outcome).
    result : str
        ``"accepted-opener"``, ``"accepted-fallback"``, ``"refused"`` or ``"walked-away"``.
    value : float or None
        The amount agreed, in the ask's unit.
    notes : str
        Free text.
    recorded_at : datetime
        When it was recorded (UTC).
    """

    id: int
    ask_id: int
    result: str
    value: float | None
    notes: str
    recorded_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (datetimes as ISO 8601 strings)."""
        return {"id": self.id, "ask_id": self.ask_id, "result": self.result,
                "value": self.value, "notes": self.notes,
                "recorded_at": _iso(self.recorded_at)}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class AskRecord:
    """One real ask, with its outcome once recorded.

    Attributes
    ----------
    id : int
        The ask's id (``ditf journal add outcome ID`` refers to it).
    counterpart : str
        The counterpart's key.
    domain, unit : str
        What was asked for (``"salary"``) and the unit of the amounts (``"EUR"``).
    opener : float or None
        The first ask; ``None`` for a direct ask.
    fallback : float
        The real request: the retreat of a door-in-the-face, the second ask of a
        foot-in-the-door, or the only ask of a direct one.
    delay_hours : float
        Hours between the opener and the fallback.
    technique : str
        ``"door-in-the-face"``, ``"foot-in-the-door"`` or ``"direct"``.
    scenario : str
        The scenario file or id the ask came from, if any.
    asked_at : datetime
        When it was asked (UTC).
    asked_by : str
        ``"me"`` when we asked the counterpart, ``"them"`` when the counterpart asked us
        (what ``ditf defend --db`` reads).
    outcome : OutcomeRecord or None
        How it ended, if recorded.
    """

    id: int
    counterpart: str
    domain: str
    unit: str
    opener: float | None
    fallback: float
    delay_hours: float
    technique: str
    scenario: str
    asked_at: datetime
    asked_by: str = "me"
    outcome: OutcomeRecord | None = None

    @property
    def is_retreat(self) -> bool:
        """Whether the counterpart saw us retreat.

        True for a door-in-the-face of ours whose opener was not accepted; an ask still
        without an outcome counts, since the opener was made.
        """
        accepted = self.outcome is not None and self.outcome.result == "accepted-opener"
        return self.technique == "door-in-the-face" and self.asked_by == "me" and not accepted

    def to_dict(self, *, with_outcome: bool = True) -> dict[str, Any]:
        """The record as JSON-ready values; ``with_outcome`` nests the outcome (or None)."""
        payload: dict[str, Any] = {
            "id": self.id, "counterpart": self.counterpart, "domain": self.domain,
            "unit": self.unit, "opener": self.opener, "fallback": self.fallback,
            "delay_hours": self.delay_hours, "technique": self.technique,
            "scenario": self.scenario, "asked_at": _iso(self.asked_at),
            "asked_by": self.asked_by,
        }  # fmt: skip
        if with_outcome:
            payload["outcome"] = None if self.outcome is None else self.outcome.to_dict()
        return payload


@dataclass(frozen=True, slots=True, kw_only=True)
class CounterpartHistory:
    """A counterpart and every ask made to it, oldest first, with their outcomes.

    Attributes
    ----------
    counterpart : Counterpart
        Who.
    asks : tuple of AskRecord
        The asks, by ``asked_at`` then id.
    prior_retreats : int
        How many door-in-the-face retreats this counterpart has seen from us (the model's
        ``Context(prior_retreats=...)``).
    """

    counterpart: Counterpart
    asks: tuple[AskRecord, ...]
    prior_retreats: int

    def to_dict(self) -> dict[str, Any]:
        """The history as JSON-ready values."""
        return {"counterpart": self.counterpart.to_dict(),
                "asks": [a.to_dict() for a in self.asks],
                "prior_retreats": self.prior_retreats}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingRound:
    """One round a trainee played.

    Attributes
    ----------
    id : int
        The round's id.
    trainee : str
        Who played.
    domain, level, role : str
        The scenario's domain, the depth (``"beginner"``, ``"practitioner"``,
        ``"advanced"``) and the side played (``"requester"`` or ``"target"``).
    score : float
        The round's score.
    details : dict
        Free JSON details (the asks made, the counterpart's answers...). Treat as read-only.
    played_at : datetime
        When it was played (UTC).
    """

    id: int
    trainee: str
    domain: str
    level: str
    role: str
    score: float
    details: dict[str, Any]
    played_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values (datetimes as ISO 8601 strings)."""
        return {"id": self.id, "trainee": self.trainee, "domain": self.domain,
                "level": self.level, "role": self.role, "score": self.score,
                "details": copy.deepcopy(self.details),
                "played_at": _iso(self.played_at)}  # fmt: skip
