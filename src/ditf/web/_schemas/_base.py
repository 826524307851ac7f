"""Shared pieces of the schemas: base classes, common field types, errors."""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Annotated, Any, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ditf.settings import Settings

__all__ = [
    "Amount",
    "Baseline",
    "Cost",
    "Delay",
    "ErrorPublic",
    "FieldErrorPublic",
    "HealthPublic",
    "PlausibleMax",
    "Public",
    "Request",
    "Seed",
    "Unit",
    "one_of",
]

#: The shared input limits (one set for the CLI, the journal and the web), read from the
#: defaults of :class:`~ditf.settings.Settings`; nothing is built at import.
LIMITS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(Settings)}
#: Largest amount (a price, hours, a gift) accepted anywhere: ``Settings.max_amount``.
MAX_AMOUNT: float = LIMITS["max_amount"]
#: Longest delay in hours: ``Settings.max_delay_hours``.
MAX_DELAY_HOURS: float = LIMITS["max_delay_hours"]


def one_of(options: tuple[str, ...]) -> AfterValidator:
    """A validator that accepts only ``options`` (with a message listing them)."""

    def check(value: str) -> str:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return value

    return AfterValidator(check)


Cost: TypeAlias = Annotated[float, Field(gt=0)]
Amount: TypeAlias = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
Seed: TypeAlias = Annotated[int, Field(ge=0, le=2**32 - 1, description="Random seed.")]
Unit: TypeAlias = Annotated[str, Field(min_length=1, max_length=40, description="Cost unit.")]
Delay: TypeAlias = Annotated[
    float,
    Field(ge=0, le=MAX_DELAY_HOURS, description="Hours between the first request and the target."),
]
Baseline: TypeAlias = Annotated[
    float, Field(gt=0, lt=1, description="P(yes) to the target when it is asked alone.")
]
PlausibleMax: TypeAlias = Annotated[
    float | None,
    Field(gt=0, description="Largest ask that still reads as good faith; null if unknown."),
]


class Request(BaseModel):
    """Base of every request body: frozen, no unknown fields, no NaN or infinity.

    Numbers are strict about booleans: ``true``/``false`` is not a number (pydantic would read
    ``false`` as 0), as the schema's ``"type": "integer"``/``"number"`` says. Form fields
    (text) are still read as numbers.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans_as_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None or info.field_name in _takes_booleans(cls):
            return value
        items = value if isinstance(value, list | tuple) else (value,)
        if any(isinstance(item, bool) for item in items):
            raise ValueError("true/false is not a valid value here")
        return value


@functools.cache
def _takes_booleans(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` whose type admits ``bool`` (nested models check their own)."""
    return frozenset(
        name for name, field in model.model_fields.items() if _admits_bool(field.annotation)
    )


def _admits_bool(annotation: Any) -> bool:
    if annotation is bool or annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False
    return any(_admits_bool(arg) for arg in typing.get_args(annotation))


class Public(BaseModel):
    """Base of every response body."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


class FieldErrorPublic(Public):
    """One invalid field of a request."""

    field: str = Field(description="Where the problem is, e.g. 'baseline' or 'axes[0].values'.")
    message: str


class ErrorPublic(Public):
    """Every error response: one readable sentence, and the invalid fields if any."""

    detail: str
    errors: list[FieldErrorPublic] = []


class HealthPublic(Public):
    """The app is up."""

    status: Literal["ok"] = "ok"
