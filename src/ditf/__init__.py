"""ditf: evidence-based door-in-the-face.

A calibrated model of how people answer request sequences (ask big, retreat to the target),
fitted to the published evidence, with the tools built on it.

Examples
--------
>>> import ditf
>>> seq = ditf.Sequence.door_in_the_face(opener=208, target=2, unit="hours")
>>> round(ditf.predict(seq, ditf.Context(baseline=0.167)).p_alone, 3)
0.167
"""

from __future__ import annotations

from ditf import data, model
from ditf._errors import (
    BackendError,
    ConvergenceWarning,
    DataError,
    DitfError,
    DitfWarning,
    ExtrapolationWarning,
    FitError,
    InvalidParameterError,
    JournalError,
    MissingDependencyError,
    NegotiationError,
    PlanRejected,
)
from ditf.model import (
    Context,
    Mechanisms,
    Request,
    Sequence,
    Step,
    compare,
    fit,
    predict,
    replicate,
)

__all__ = [
    "BackendError",
    "Context",
    "ConvergenceWarning",
    "DataError",
    "DitfError",
    "DitfWarning",
    "ExtrapolationWarning",
    "FitError",
    "InvalidParameterError",
    "JournalError",
    "Mechanisms",
    "MissingDependencyError",
    "NegotiationError",
    "PlanRejected",
    "Request",
    "Sequence",
    "Step",
    "compare",
    "data",
    "fit",
    "model",
    "predict",
    "replicate",
]

__version__ = "0.1.0"
