"""Predict: P(yes) after a door-in-the-face sequence, as a page and as ``POST /api/predict``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ditf.model import predict
from ditf.web._charts import contributions_chart
from ditf.web._deps import AppState, CachedPrediction, StateDep
from ditf.web._errors import API_ERRORS
from ditf.web._pages import defaults, form_values, parse_form
from ditf.web._routes._shape import Api, Show, answer, page
from ditf.web._schemas.predict import WEB_DRAWS, PredictionPublic, PredictRequest

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


@Api(router, "predict", API_ERRORS).route(
    "POST",
    "/api/predict",
    "P(yes) after a door-in-the-face sequence",
    response_model=PredictionPublic,
)
async def predict_api(body: PredictRequest, state: StateDep) -> Response:
    """P(yes) to the target after a refused opener, against asking it alone.

    With the interval and each mechanism's contribution, from the fitted model with 1000
    posterior draws.
    """
    # The JSON was made from a validated PredictionPublic when it entered the cache.
    return Response((await cached_predict(state, body)).json, media_type="application/json")


def _page(request: Request, values: dict[str, Any]) -> Show:
    return page(request, "predict.html", values=values, result=None, chart=None)


@router.get("/predict", include_in_schema=False)
async def predict_page(request: Request) -> Response:
    """The prediction form, filled with Cialdini et al.'s (1975) classic request."""
    return await _page(request, defaults(PredictRequest))()


@router.post("/predict", include_in_schema=False)
async def predict_form(request: Request, state: StateDep) -> Response:
    """The form's answer: the prediction and a chart of the mechanisms, or what to fix."""
    values, _ = await form_values(request, booleans=BOOLEANS)

    async def work() -> dict[str, Any]:
        result = await run_predict(state, parse_form(PredictRequest, values))
        return {"result": result, "chart": contributions_chart(result)}

    return await answer(_page(request, values), work)
