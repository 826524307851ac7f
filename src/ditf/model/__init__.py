"""The behavioural model of how people answer request sequences.

A random-utility (probit) model with a stable willingness shared across steps and one named,
switchable lift per mechanism: reciprocal concession, perceptual contrast, credibility,
self-perception/consistency, follow-through and prosocial moderation. It is fitted to the
bundled evidence (:func:`fit`), and the fit shipped with ditf drives :func:`predict`.
See ``docs/model.md`` for the equations and their sources.
"""

from __future__ import annotations

from ditf.model._anchoring import AnchoringTarget, bundled_anchoring_targets, first_offer_r
from ditf.model._compare import MECHANISM_SETS, ModelComparison, compare
from ditf.model._context import (
    CONTEXT_RESULTS,
    MIN_CONTEXT_ASKS,
    ContextAsk,
    ContextFit,
    fit_context,
    new_context_interval,
)
from ditf.model._fit import FitResult, fit, load_model
from ditf.model._interval import central_interval
from ditf.model._meta import MetaTarget, typical_r
from ditf.model._params import MECHANISMS, Mechanisms, ModelParams, ParamArrays
from ditf.model._predict import OutcomeDraws, Prediction, predict, predict_draws
from ditf.model._priors import PRIORS, Prior
from ditf.model._replicate import ConditionFit, Replication, replicate, study_names
from ditf.model._requests import Context, Request, Sequence, Step, scenario_from_mapping

__all__ = [
    "CONTEXT_RESULTS",
    "MECHANISMS",
    "MECHANISM_SETS",
    "MIN_CONTEXT_ASKS",
    "PRIORS",
    "AnchoringTarget",
    "ConditionFit",
    "Context",
    "ContextAsk",
    "ContextFit",
    "FitResult",
    "Mechanisms",
    "MetaTarget",
    "ModelComparison",
    "ModelParams",
    "OutcomeDraws",
    "ParamArrays",
    "Prediction",
    "Prior",
    "Replication",
    "Request",
    "Sequence",
    "Step",
    "bundled_anchoring_targets",
    "central_interval",
    "compare",
    "first_offer_r",
    "fit",
    "fit_context",
    "load_model",
    "new_context_interval",
    "predict",
    "predict_draws",
    "replicate",
    "scenario_from_mapping",
    "study_names",
    "typical_r",
]
