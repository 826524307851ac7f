"""Shared pieces of the schemas: base classes, common field types, errors."""

from __future__ import annotations

from typing import Annotated, Literal, TypeAlias

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

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

#: Largest amount (a price, hours, a gift) accepted anywhere: far beyond any real ask, and far
#: enough from float overflow that costs and their ratios stay finite.
MAX_AMOUNT = 1e12


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
    float, Field(ge=0, le=1e6, description="Hours between the first request and the target.")
]
Baseline: TypeAlias = Annotated[
    float, Field(gt=0, lt=1, description="P(yes) to the target when it is asked alone.")
]
PlausibleMax: TypeAlias = Annotated[
    float | None,
    Field(gt=0, description="Largest ask that still reads as good faith; null if unknown."),
]


class Request(BaseModel):
    """Base of every request body: frozen, no unknown fields, no NaN or infinity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


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
