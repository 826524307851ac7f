"""Journal: counterparts, real asks and their outcomes, as the journal stores them."""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AwareDatetime, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ditf.plan import CounterpartUpdate
from ditf.store import AGREED, AskRecord, Counterpart, OutcomeRecord, TrainingRound
from ditf.web._schemas.base import (
    MAX_AMOUNT,
    Amount,
    Delay,
    Derived,
    Public,
    Request,
    Unit,
    Wrapper,
    derived,
    optional,
)
from ditf.web._schemas.plan import DomainName

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


@derived(Counterpart)
class CounterpartPublic(Wrapper):
    """A counterpart in the journal (times are ISO 8601, UTC)."""


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


@optional(
    AskRequest,
    exclude=("counterpart",),
    descriptions={
        "opener": "The first ask; send null to remove it (a direct ask).",
        "technique": None,
        "asked_at": "When it was asked (with a time zone): back-dates the ask.",
    },
)
class AskUpdateRequest(Request):
    """Changes to a recorded ask: only the fields sent change (``asked_at`` back-dates it)."""

    def changes(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`ditf.store.Journal.update_ask`: the fields sent.

        Only ``opener`` may be sent as null (to remove it); a null elsewhere changes nothing.
        """
        sent = self.model_dump(include=self.model_fields_set)
        changes = {k: v for k, v in sent.items() if v is not None or k == "opener"}
        if changes.get("technique") == "direct":
            changes["opener"] = None  # a direct ask has no opener
        return changes


class CounterpartUpdateRequest(Request):
    """A counterpart's new name or notes (the key stays); a field left out stays."""

    name: Label | None = None
    notes: Note | None = None


class OutcomeRequest(Request):
    """How an ask ended."""

    ask_id: int = Field(ge=1, le=2**53, description="The ask's id.")
    result: Result
    value: Annotated[float, Field(ge=0, le=MAX_AMOUNT)] | None = Field(
        default=None,
        description="The amount agreed, only for an accepted ask; default: the accepted "
        "ask's amount. A refused or walked-away ask has none (null).",
    )
    notes: Note = ""

    @field_validator("value")
    @classmethod
    def _agreed_only(cls, value: float | None, info: ValidationInfo) -> float | None:
        """No amount agreed on a result that agreed to nothing (the journal's rule too)."""
        result = info.data.get("result")
        if value is not None and result is not None and result not in AGREED:
            raise PydanticCustomError(
                "no_agreement",
                "must be empty: a {result} ask has no agreed amount (leave it empty, or "
                "choose the result the ask was accepted with)",
                {"result": result},
            )
        return value


@derived(OutcomeRecord)
class OutcomePublic(Wrapper):
    """How an ask ended."""


@derived(AskRecord, exclude=("outcome",))
class StoredAskPublic(Derived):
    """An ask as stored, without its outcome (the export lists outcomes on their own)."""


@derived(AskRecord)
class AskPublic(Wrapper):
    """An ask with its outcome (null until one is recorded)."""


@derived(TrainingRound)
class TrainingRoundPublic(Derived):
    """One round a trainee played; ``details`` is the round's full result."""


class JournalExportPublic(Public):
    """Everything in the journal, read in one snapshot (``Journal.export()``)."""

    schema_version: int
    counterparts: list[CounterpartPublic]
    asks: list[StoredAskPublic]
    outcomes: list[OutcomePublic]
    training_rounds: list[TrainingRoundPublic]


class CounterpartEstimateRequest(Request):
    """What the estimate of a counterpart's limit starts from; empty fields are guessed.

    Without a domain and unit, those of most of your asks to them; without a range, 10% around
    the amounts you asked them for in that domain and unit.
    """

    domain: DomainName | None = None
    unit: Unit | None = None
    accepts_low: Amount | None = Field(default=None, description="Your 90% range: low end.")
    accepts_high: Amount | None = Field(default=None, description="Your 90% range: high end.")
    distribution: Literal["normal", "uniform"] = "normal"


#: A 90% range: exactly two numbers, low then high (a core tuple is otherwise any list).
Range: TypeAlias = tuple[float, float]


@derived(CounterpartUpdate, fields={"prior": Range, "updated": Range | None})
class CounterpartEstimatePublic(Wrapper):
    """Your prior 90% range of a counterpart's limit, and the range after their answers."""


class CounterpartDetailPublic(Public):
    """A counterpart's page as JSON: who, the asks both ways, and the estimate of their limit."""

    counterpart: CounterpartPublic
    prior_retreats: int
    asks: list[AskPublic]
    estimate: CounterpartEstimatePublic
    plan_url: str = Field(description="The plan form, prefilled for this counterpart.")
