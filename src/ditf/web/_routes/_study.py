"""Study: power of the three-arm design, and the analysis of a study's compliance data."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ditf.data import parse_trials
from ditf.study import analyze, power_curve, sample_size_three_arm
from ditf.web._charts import power_chart, rates_chart
from ditf.web._deps import AppState, StateDep
from ditf.web._errors import API_ERRORS
from ditf.web._limits import check_cap
from ditf.web._pages import defaults, form_values, parse_form, split_list, upload_text
from ditf.web._routes._shape import Api, Show, answer, page
from ditf.web._schemas.study import AnalysisPublic, AnalyzeRequest, PowerPublic, PowerRequest

router = APIRouter()
api = Api(router, "study", API_ERRORS)


async def run_power(state: AppState, body: PowerRequest) -> PowerPublic:
    """The power curve (and sample size) the request asks for, within the web caps."""
    cap = state.settings.web_max_studies
    check_cap(body.n_studies, cap, "simulated studies", "DITF_WEB_MAX_STUDIES")
    scenario = body.to_scenario()

    def compute() -> PowerPublic:
        curve = power_curve(body.n_per_arm, scenario, **body.options())
        size = None
        if body.target_power is not None:
            size = sample_size_three_arm(body.target_power, scenario, **body.options())
        return PowerPublic.from_core(curve.points, size)

    return await state.worker.run(compute)


async def run_analyze(state: AppState, body: AnalyzeRequest, name: str = "csv") -> AnalysisPublic:
    """Rates, contrasts and tests for the request's arms (given as counts or as CSV text)."""
    if body.csv is not None:
        arms = parse_trials(body.csv, name)
    else:
        arms = tuple((a.condition, a.n, a.yes) for a in body.arms or ())

    def compute() -> AnalysisPublic:
        alternative = "larger" if body.one_sided else "two-sided"
        report = analyze(arms, reference=body.reference, test=body.test, alternative=alternative)
        return AnalysisPublic.from_core(report)

    return await state.worker.run(compute)


@api.route("POST", "/api/study/power", "Simulated power of the three-arm door-in-the-face design")
async def power_api(body: PowerRequest, state: StateDep) -> PowerPublic:
    """Power per sample size of the planned contrasts, simulated from the fitted model.

    Door-in-the-face against target-only and against exposure control, Holm-adjusted; with
    ``target_power``, also the people per arm needed. ``n_studies`` is capped by
    ``DITF_WEB_MAX_STUDIES``.
    """
    return await run_power(state, body)


@api.route("POST", "/api/study/analyze", "Compliance rates, contrasts and tests of a k-arm study")
async def analyze_api(body: AnalyzeRequest, state: StateDep) -> AnalysisPublic:
    """Rates with Wilson intervals per arm, and per planned contrast.

    Newcombe differences, odds and risk ratios, Fisher and chi-square tests with Holm's
    adjustment. A malformed CSV gives 400 with the line and column at fault.
    """
    return await run_analyze(state, body)


# Pages ----------------------------------------------------------------------------------------

POWER_BOOLEANS = ("prosocial", "one_sided", "behavioral", "uncertainty")


def _page(request: Request, form: str = "", **values: dict[str, Any]) -> Show:
    """The study page, showing the values the ``form`` (``power`` or ``analyze``) was sent."""
    power = defaults(PowerRequest)
    power["n_per_arm"] = ", ".join(str(n) for n in power["n_per_arm"])
    analyze = {"test": "fisher", "one_sided": False, "reference": ""}
    forms = {"power_values": power, "analyze_values": analyze}
    results = {"power": None, "analysis": None, "chart": None}
    return page(request, "study.html", form=form, **results, **(forms | values))


@router.get("/study", include_in_schema=False)
async def study_page(request: Request) -> Response:
    """The power calculator and the upload form."""
    return await _page(request)()


@router.post("/study/power", include_in_schema=False)
async def power_form(request: Request, state: StateDep) -> Response:
    """A power curve from the form; table and chart."""
    values, _ = await form_values(request, booleans=POWER_BOOLEANS)

    async def work() -> dict[str, Any]:
        listed = {"n_per_arm": split_list(values["n_per_arm"])} if values.get("n_per_arm") else {}
        body = parse_form(PowerRequest, values | listed)
        result = await run_power(state, body)
        return {"power": result, "chart": power_chart(result, body.target_power)}

    return await answer(_page(request, "power", power_values=values), work)


@router.post("/study/analyze", include_in_schema=False)
async def analyze_form(request: Request, state: StateDep) -> Response:
    """Analyse the uploaded CSV; rates, contrasts, tests and a chart."""
    values, uploads = await form_values(request, booleans=("one_sided",))

    async def work() -> dict[str, Any]:
        name, text = upload_text(uploads.get("file"), "CSV file")
        result = await run_analyze(state, parse_form(AnalyzeRequest, values | {"csv": text}), name)
        return {"analysis": result, "chart": rates_chart(result)}

    return await answer(_page(request, "analyze", analyze_values=values), work)
