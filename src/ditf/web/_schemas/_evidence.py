"""Evidence: the bundled studies, meta-analyses and replications."""

from __future__ import annotations

from pydantic import Field

from ditf.data import MetaAnalysis, StudyCondition
from ditf.model import Replication
from ditf.web._schemas._base import Public


class StudyConditionPublic(Public):
    """One condition of a published experiment (a row of the bundled ``studies.csv``)."""

    study: str
    year: int
    experiment: str
    condition: str
    condition_type: str
    first_request: str
    first_cost: float | None
    target_request: str
    target_cost: float
    cost_unit: str
    same_requester: bool
    delay_hours: float
    prosocial: bool
    measure: str
    n: int
    complied: int
    pct: float
    source: str

    @classmethod
    def from_core(cls, row: StudyCondition) -> StudyConditionPublic:
        """Wrap a :class:`ditf.data.StudyCondition`."""
        return cls.model_validate(row)


class MetaAnalysisPublic(Public):
    """One pooled effect from a meta-analysis."""

    meta_analysis: str
    year: int
    technique: str
    outcome: str
    k: int | None
    effect_metric: str
    effect: float
    scope: str
    source: str

    @classmethod
    def from_core(cls, row: MetaAnalysis) -> MetaAnalysisPublic:
        """Wrap a :class:`ditf.data.MetaAnalysis`."""
        return cls.model_validate(row)


class ConditionFitPublic(Public):
    """Observed against fitted: ``lo``-``hi`` is where a same-size rerun's % falls."""

    condition: str
    condition_type: str
    n: int
    observed_pct: float
    predicted_pct: float
    lo: float
    hi: float
    ci_lo: float
    ci_hi: float
    reproduced: bool


class ReplicationPublic(Public):
    """A bundled experiment next to the fitted model, and simulated same-size reruns."""

    study: str
    key: str
    source: str
    conditions: list[ConditionFitPublic]
    contrast: list[str]
    chi2_observed: float
    chi2_median: float
    chi2_lo: float
    chi2_hi: float
    power: float
    n_sims: int
    level: float

    @classmethod
    def from_core(cls, rep: Replication) -> ReplicationPublic:
        """Wrap a :class:`ditf.model.Replication`."""
        return cls.model_validate(rep)


class EvidencePublic(Public):
    """The bundled evidence with its sources, and the replications of its experiments."""

    studies: list[StudyConditionPublic]
    meta_analyses: list[MetaAnalysisPublic]
    replications: list[ReplicationPublic]
    facts: str = Field(description="The directional findings (Markdown).")
