"""Evidence: the bundled studies, meta-analyses and replications."""

from __future__ import annotations

from pydantic import Field

from ditf.data import MetaAnalysis, StudyCondition
from ditf.model import ConditionFit, Replication
from ditf.web._schemas.base import Public, Wrapper, derived, public_model

public_model(ConditionFit, properties=("reproduced",))


@derived(StudyCondition, properties=("pct",), after={"pct": "complied"})
class StudyConditionPublic(Wrapper):
    """One condition of a published experiment (a row of the bundled ``studies.csv``)."""


@derived(MetaAnalysis)
class MetaAnalysisPublic(Wrapper):
    """One pooled effect from a meta-analysis."""


@derived(Replication)
class ReplicationPublic(Wrapper):
    """A bundled experiment next to the fitted model, and simulated same-size reruns."""


class EvidencePublic(Public):
    """The bundled evidence with its sources, and the replications of its experiments."""

    studies: list[StudyConditionPublic]
    meta_analyses: list[MetaAnalysisPublic]
    replications: list[ReplicationPublic]
    facts: str = Field(description="The directional findings (Markdown).")
