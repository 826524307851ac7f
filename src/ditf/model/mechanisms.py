"""The model's mechanisms and step evaluation, for packages that build on the model.

``ditf.simulate``, ``ditf.negotiate`` and ``ditf.study`` evaluate the same mechanisms as
:func:`ditf.model.predict`: one function per mechanism (each citing its source), the step
features they read, and the exact two-step evaluation. Everything here is pure and
vectorised; see ``docs/model.md`` for the equations.
"""

from __future__ import annotations

from ditf.model._mechanisms import (
    LATENT_MECHANISMS,
    NO_ANSWER,
    REFUSED,
    YES_AGREED,
    YES_PERFORMED,
    StepFeatures,
    anchor_pull,
    anchoring,
    consistency,
    contrast,
    credibility,
    follow_through,
    lifts,
    reciprocity,
    total_lift,
)
from ditf.model._probability import (
    NO,
    NOT_ASKED,
    YES,
    Outcome,
    TwoStepDesign,
    compile_two_step,
    evaluate_two_step,
    step_features,
)

__all__ = [
    "LATENT_MECHANISMS",
    "NO",
    "NOT_ASKED",
    "NO_ANSWER",
    "REFUSED",
    "YES",
    "YES_AGREED",
    "YES_PERFORMED",
    "Outcome",
    "StepFeatures",
    "TwoStepDesign",
    "anchor_pull",
    "anchoring",
    "compile_two_step",
    "consistency",
    "contrast",
    "credibility",
    "evaluate_two_step",
    "follow_through",
    "lifts",
    "reciprocity",
    "step_features",
    "total_lift",
]
