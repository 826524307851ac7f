"""Journal: counterparts, real asks and their outcomes, as the journal stores them."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AwareDatetime, Field

from ditf.store import AskRecord, Counterpart, OutcomeRecord
from ditf.web._schemas._base import MAX_AMOUNT, Delay, Public, Request

#: No white space at either end, no control character (the journal refuses both; it also
#: refuses Unicode's other "other" characters, which a portable pattern cannot list).
_EDGE = r"[^\s\u0000-\u001f\u007f-\u009f]"
KEY_PATTERN = rf"^{_EDGE}(?:[^\u0000-\u001f\u007f-\u009f]*{_EDGE})?$"
Key: TypeAlias = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        pattern=KEY_PATTERN,
        description="An id such as 'acme-hr': no leading or trailing spaces.",
    ),
]
Label: TypeAlias = Annotated[str, Field(max_length=200)]
Note: TypeAlias = Annotated[str, Field(max_length=10_000)]
Positive: TypeAlias = Annotated[float, Field(gt=0, le=MAX_AMOUNT)]
Technique: TypeAlias = Literal["door-in-the-face", "foot-in-the-door", "direct"]
Result: TypeAlias = Literal["accepted-opener", "accepted-fallback", "refused", "walked-away"]


class CounterpartRequest(Request):
    """Someone you ask."""

    key: Key
    name: Label = ""
    notes: Note = ""


class CounterpartPublic(Public):
    """A counterpart in the journal (times are ISO 8601, UTC)."""

    key: str
    name: str
    notes: str
    created_at: str

    @classmethod
    def from_core(cls, record: Counterpart) -> CounterpartPublic:
        """Wrap a :class:`ditf.store.Counterpart`."""
        return cls.model_validate(record.to_dict())


class AskRequest(Request):
    """An ask you made: the opener (if any), then the real request."""

    counterpart: Key = Field(description="The counterpart's key; a new one is added.")
    domain: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="What was asked for, e.g. 'salary'."
    )
    unit: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="Unit of the amounts, e.g. 'EUR'."
    )
    opener: Positive | None = Field(
        default=None, description="The first ask; null for a direct ask."
    )
    fallback: Positive = Field(description="The real request.")
    delay_hours: Delay = 0.0
    technique: Technique | None = Field(
        default=None,
        description="Default: door-in-the-face with an opener, direct without one.",
    )
    scenario: Label = Field(default="", description="The scenario it came from.")
    asked_at: AwareDatetime | None = Field(
        default=None, description="When it was asked (with a time zone); default now."
    )
    asked_by: Literal["me", "them"] = Field(
        default="me",
        description="me: you asked them; them: they asked you (what defend reads).",
    )

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`ditf.store.Journal.add_ask` (but the counterpart)."""
        technique = self.technique or ("direct" if self.opener is None else "door-in-the-face")
        values = self.model_dump(exclude={"counterpart", "technique"})
        return values | {"technique": technique}


class OutcomeRequest(Request):
    """How an ask ended."""

    ask_id: int = Field(ge=1, le=2**53, description="The ask's id.")
    result: Result
    value: Annotated[float, Field(ge=0, le=MAX_AMOUNT)] | None = Field(
        default=None, description="The amount agreed; default: the accepted ask's amount."
    )
    notes: Note = ""


class OutcomePublic(Public):
    """How an ask ended."""

    id: int
    ask_id: int
    result: str
    value: float | None
    notes: str
    recorded_at: str

    @classmethod
    def from_core(cls, record: OutcomeRecord) -> OutcomePublic:
        """Wrap a :class:`ditf.store.OutcomeRecord`."""
        return cls.model_validate(record.to_dict())


class StoredAskPublic(Public):
    """An ask as stored, without its outcome (the export lists outcomes on their own)."""

    id: int
    counterpart: str
    domain: str
    unit: str
    opener: float | None
    fallback: float
    delay_hours: float
    technique: str
    scenario: str
    asked_at: str
    asked_by: str


class AskPublic(StoredAskPublic):
    """An ask with its outcome (null until one is recorded)."""

    outcome: OutcomePublic | None

    @classmethod
    def from_core(cls, record: AskRecord) -> AskPublic:
        """Wrap a :class:`ditf.store.AskRecord`."""
        return cls.model_validate(record.to_dict())


class TrainingRoundPublic(Public):
    """One round a trainee played; ``details`` is the round's full result."""

    id: int
    trainee: str
    domain: str
    level: str
    role: str
    score: float
    details: dict[str, Any]
    played_at: str


class JournalExportPublic(Public):
    """Everything in the journal, read in one snapshot (``Journal.export()``)."""

    schema_version: int
    counterparts: list[CounterpartPublic]
    asks: list[StoredAskPublic]
    outcomes: list[OutcomePublic]
    training_rounds: list[TrainingRoundPublic]
