"""Pydantic schemas of the web API: ``XRequest`` validates input, ``XPublic`` is what is returned.

Requests validate types and documented ranges at the boundary and convert themselves to the
library's inputs (``to_core``, ``to_mapping``); the library then checks everything that depends
on several values at once (an opener larger than the target, a minimum that beats the target,
the caps) and raises :class:`~ditf.InvalidParameterError`, which the app answers with 422.
One module per resource; this package re-exports them all.
"""

from __future__ import annotations

from ditf.web._schemas._base import ErrorPublic, FieldErrorPublic, HealthPublic
from ditf.web._schemas._defend import DefencePublic, DefendRequest, JournalReadPublic
from ditf.web._schemas._evidence import (
    EvidencePublic,
    MetaAnalysisPublic,
    ReplicationPublic,
    StudyConditionPublic,
)
from ditf.web._schemas._journal import (
    AskPublic,
    AskRequest,
    AskUpdateRequest,
    CounterpartDetailPublic,
    CounterpartEstimatePublic,
    CounterpartEstimateRequest,
    CounterpartPublic,
    CounterpartRequest,
    CounterpartUpdateRequest,
    JournalExportPublic,
    OutcomePublic,
    OutcomeRequest,
)
from ditf.web._schemas._plan import (
    DEPTHS,
    AuditPublic,
    AuditRequest,
    PlanPublic,
    PlanRequest,
    PlanScenarioRequest,
)
from ditf.web._schemas._predict import WEB_DRAWS, PredictionPublic, PredictRequest
from ditf.web._schemas._simulate import (
    SimulateRequest,
    SimulationPublic,
    SweepPublic,
    SweepRequest,
)
from ditf.web._schemas._study import (
    AnalysisPublic,
    AnalyzeRequest,
    PowerPublic,
    PowerRequest,
)
from ditf.web._schemas._train import (
    ClassPublic,
    PickRequest,
    PitchPublic,
    PitchRequest,
    ProgressPublic,
    RoundPublic,
    RoundRequest,
    TargetPublic,
    TargetRequest,
    TrainerScenarioPublic,
)

__all__ = [
    "DEPTHS",
    "WEB_DRAWS",
    "AnalysisPublic",
    "AnalyzeRequest",
    "AskPublic",
    "AskRequest",
    "AskUpdateRequest",
    "AuditPublic",
    "AuditRequest",
    "ClassPublic",
    "CounterpartDetailPublic",
    "CounterpartEstimatePublic",
    "CounterpartEstimateRequest",
    "CounterpartPublic",
    "CounterpartRequest",
    "CounterpartUpdateRequest",
    "DefencePublic",
    "DefendRequest",
    "ErrorPublic",
    "EvidencePublic",
    "FieldErrorPublic",
    "HealthPublic",
    "JournalExportPublic",
    "JournalReadPublic",
    "MetaAnalysisPublic",
    "OutcomePublic",
    "OutcomeRequest",
    "PickRequest",
    "PitchPublic",
    "PitchRequest",
    "PlanPublic",
    "PlanRequest",
    "PlanScenarioRequest",
    "PowerPublic",
    "PowerRequest",
    "PredictRequest",
    "PredictionPublic",
    "ProgressPublic",
    "ReplicationPublic",
    "RoundPublic",
    "RoundRequest",
    "SimulateRequest",
    "SimulationPublic",
    "StudyConditionPublic",
    "SweepPublic",
    "SweepRequest",
    "TargetPublic",
    "TargetRequest",
    "TrainerScenarioPublic",
]
