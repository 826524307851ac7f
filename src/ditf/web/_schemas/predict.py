"""Predict: one door-in-the-face sequence in a context."""

from __future__ import annotations

import dataclasses
import inspect
import math

from pydantic import Field

from ditf.model import Context, Prediction, Sequence
from ditf.web._schemas.base import (
    Baseline,
    Cost,
    Delay,
    Derived,
    PlausibleMax,
    Request,
    Unit,
    derived,
)

#: Posterior draws behind every web prediction: the library's (and ``ditf predict``'s) default,
#: so the page, the API and the command line give the same numbers for the same input.
WEB_DRAWS = 1000


class PredictRequest(Request):
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
    negotiation: bool = Field(
        default=False,
        description="The asks are amounts negotiated between two parties (salary, price, "
        "settlement): the refused opener anchors the counterpart's limit.",
    )
    first_baseline: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="P(yes) to the opener asked alone, when known from outside the model (the "
        "planner's estimate of the counterpart); default: implied by the cost ratio.",
    )

    def to_core(self) -> tuple[Sequence, Context]:
        """The sequence and context :func:`ditf.predict` takes (each from its own fields)."""
        steps = self.model_dump(
            include=set(inspect.signature(Sequence.door_in_the_face).parameters)
        )
        context = self.model_dump(include={f.name for f in dataclasses.fields(Context)})
        return Sequence.door_in_the_face(**steps), Context(**context)


@derived(
    Prediction,
    fields={
        "lift_logodds": (
            float | None,
            Field(
                description="logit(p_sequence) - logit(p_alone); null when p_sequence is 0 or 1 "
                "to machine precision (the log-odds are then infinite, which JSON cannot carry)."
            ),
        ),
        "draws": (int, Field(description="Posterior draws the means and intervals are over.")),
    },
)
class PredictionPublic(Derived):
    """P(yes) to the target after the sequence, against asking it alone, and why.

    Probabilities are posterior means over ``draws`` posterior draws; ``lo``-``hi`` is the
    central ``level`` interval. ``contributions`` are probability points per mechanism (how
    much ``p_sequence`` falls with it switched off) plus ``selection``.
    """

    @classmethod
    def from_core(cls, prediction: Prediction, draws: int) -> PredictionPublic:
        """Wrap a :class:`ditf.model.Prediction`."""
        values = dataclasses.asdict(prediction)
        if not math.isfinite(values["lift_logodds"]):
            values["lift_logodds"] = None
        return cls.model_validate(values | {"draws": draws})
