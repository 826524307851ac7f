"""Evidence: the bundled studies, meta-analyses and replications."""

from __future__ import annotations

from pydantic import Field

from ditf.data import MetaAnalysis, StudyCondition
from ditf.model import ConditionFit, Replication
from ditf.web._schemas.base import Derived, Public, derived, public_model

public_model(ConditionFit, properties=("reproduced",))


@derived(StudyCondition, properties=("pct",), after={"pct": "complied"})
class StudyConditionPublic(Derived):
    """One condition of a published experiment (a row of the bundled ``studies.csv``)."""

    @classmethod
    def from_core(cls, row: StudyCondition) -> StudyConditionPublic:
        """Wrap a :class:`ditf.data.StudyCondition`."""
        return cls.model_validate(row)


@derived(MetaAnalysis)
class MetaAnalysisPublic(Derived):
    """One pooled effect from a meta-analysis."""

    @classmethod
    def from_core(cls, row: MetaAnalysis) -> MetaAnalysisPublic:
        """Wrap a :class:`ditf.data.MetaAnalysis`."""
        return cls.model_validate(row)


@derived(Replication)
class ReplicationPublic(Derived):
    """A bundled experiment next to the fitted model, and simulated same-size reruns."""

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
