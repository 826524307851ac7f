"""Evidence: the bundled studies and meta-analyses with their sources, next to the model."""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ditf.data import load_facts, load_meta_analyses, load_studies
from ditf.model import replicate, study_names
from ditf.web._charts import replication_chart
from ditf.web._deps import StateDep
from ditf.web._errors import API_ERRORS
from ditf.web._pages import render
from ditf.web._schemas.evidence import (
    EvidencePublic,
    MetaAnalysisPublic,
    ReplicationPublic,
    StudyConditionPublic,
)

router = APIRouter()


@lru_cache(maxsize=1)
def evidence() -> EvidencePublic:
    """The bundled evidence and the replication of each bundled experiment (seed 0).

    It depends on the shipped data and fit alone, so it is computed once per process.
    """
    return EvidencePublic(
        studies=[StudyConditionPublic.from_core(s) for s in load_studies()],
        meta_analyses=[MetaAnalysisPublic.from_core(m) for m in load_meta_analyses()],
        replications=[ReplicationPublic.from_core(replicate(name)) for name in study_names()],
        facts=load_facts(),
    )


def fact_items(text: str) -> list[tuple[str, str]]:
    r"""The numbered findings of ``facts.md`` as (title, text) pairs.

    Examples
    --------
    >>> fact_items("intro\n\n1. **A.** one\n   more\n2. **B.** two\n")
    [('A.', 'one more'), ('B.', 'two')]
    """
    found = re.findall(r"^\d+\.\s+\*\*(.+?)\*\*(.*?)(?=^\d+\.\s|\Z)", text, flags=re.M | re.S)
    return [(title.strip(), " ".join(body.split())) for title, body in found]


@router.get(
    "/api/evidence",
    tags=["evidence"],
    summary="The bundled evidence and the replications",
    responses=API_ERRORS,
)
async def evidence_api(state: StateDep) -> EvidencePublic:
    """Every bundled experiment condition and meta-analytic effect, with its source.

    Also the directional findings, and each experiment's observed vs fitted rates with
    simulated reruns (4000 posterior draws, seed 0).
    """
    return await state.worker.run(evidence)


@router.get("/evidence", include_in_schema=False)
async def evidence_page(request: Request, state: StateDep) -> HTMLResponse:
    """The replication tables next to the model, then the evidence itself."""
    result = await state.worker.run(evidence)
    charts = [replication_chart(r) for r in result.replications]
    facts = fact_items(result.facts)
    return render(request, "evidence.html", evidence=result, charts=charts, facts=facts)
