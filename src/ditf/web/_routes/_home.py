"""The home page, the health probe and the API reference."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ditf.model import load_model
from ditf.web._apidoc import operations
from ditf.web._deps import StateDep
from ditf.web._pages import render
from ditf.web._routes._predict import run_predict
from ditf.web._schemas.base import HealthPublic
from ditf.web._schemas.predict import PredictRequest

router = APIRouter()


@router.get("/", include_in_schema=False)
async def home_page(request: Request, state: StateDep) -> HTMLResponse:
    """What ditf does, with the model's answer for the classic experiment."""
    classic = await run_predict(state, PredictRequest())
    model = load_model()
    return render(request, "home.html", classic=classic, model=model)


@router.get("/healthz", tags=["meta"], summary="Health probe")
async def health() -> HealthPublic:
    """Answers ``{"status": "ok"}`` while the app runs (needs no token)."""
    return HealthPublic()


@router.get("/docs", include_in_schema=False)
async def api_reference(request: Request) -> HTMLResponse:
    """Every API operation with its fields, from the app's OpenAPI schema."""
    return render(request, "docs.html", operations=operations(request.app.openapi()))
