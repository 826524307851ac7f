"""Predict: P(yes) after a door-in-the-face sequence, as a page and as ``POST /api/predict``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ditf._errors import DitfError
from ditf.model import predict
from ditf.web._charts import contributions_chart
from ditf.web._deps import AppState, CachedPrediction, StateDep
from ditf.web._errors import API_ERRORS, message_for, status_for
from ditf.web._pages import defaults, form_values, render, validate_form
from ditf.web._schemas import WEB_DRAWS, PredictionPublic, PredictRequest

router = APIRouter()
BOOLEANS = ("other_requester", "described_only", "prosocial", "negotiation")


async def cached_predict(state: AppState, body: PredictRequest) -> CachedPrediction:
    """The model's prediction for a request, cached (same input, same seed, same numbers)."""

    def compute() -> CachedPrediction:
        sequence, context = body.to_core()
        prediction = predict(
            sequence, context, n_draws=WEB_DRAWS, first_baseline=body.first_baseline
        )
        public = PredictionPublic.from_core(prediction, WEB_DRAWS)
        return CachedPrediction(public, public.model_dump_json().encode())

    return await state.predictions.get(body, lambda: state.worker.run(compute))


async def run_predict(state: AppState, body: PredictRequest) -> PredictionPublic:
    """The model's prediction for a request (see :func:`cached_predict`)."""
    return (await cached_predict(state, body)).public


@router.post(
    "/api/predict",
    tags=["predict"],
    summary="P(yes) after a door-in-the-face sequence",
    response_model=PredictionPublic,
    responses=API_ERRORS,
)
async def predict_api(body: PredictRequest, state: StateDep) -> Response:
    """P(yes) to the target after a refused opener, against asking it alone.

    With the interval and each mechanism's contribution, from the fitted model with 1000
    posterior draws.
    """
    # The JSON was made from a validated PredictionPublic when it entered the cache.
    return Response((await cached_predict(state, body)).json, media_type="application/json")


def _page(values: dict[str, Any], **context: Any) -> dict[str, Any]:
    return {"values": values, "errors": [], "error": None, "result": None, "chart": None} | context


@router.get("/predict", include_in_schema=False)
async def predict_page(request: Request) -> HTMLResponse:
    """The prediction form, filled with Cialdini et al.'s (1975) classic request."""
    return render(request, "predict.html", **_page(defaults(PredictRequest)))


@router.post("/predict", include_in_schema=False)
async def predict_form(request: Request, state: StateDep) -> HTMLResponse:
    """The form's answer: the prediction and a chart of the mechanisms, or what to fix."""
    values, _ = await form_values(request, booleans=BOOLEANS)
    body, errors = validate_form(PredictRequest, values)
    if body is None:
        return render(request, "predict.html", status_code=422, **_page(values, errors=errors))
    try:
        result = await run_predict(state, body)
    except DitfError as exc:
        page = _page(values, error=message_for(exc))
        return render(request, "predict.html", status_code=status_for(exc), **page)
    page = _page(values, result=result, chart=contributions_chart(result))
    return render(request, "predict.html", **page)
