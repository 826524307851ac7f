"""What routes get from the app: its state, as ``Annotated`` dependencies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from ditf.settings import Settings
from ditf.web._cache import ResultCache
from ditf.web._schemas import PredictionPublic, PredictRequest
from ditf.web._work import Worker


@dataclass(frozen=True, slots=True)
class CachedPrediction:
    """A prediction and its JSON, serialized once: cache hits answer with the bytes as they are."""

    public: PredictionPublic
    json: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class AppState:
    """Everything one app instance shares between requests (created by ``create_app``).

    Attributes
    ----------
    settings : Settings
        As given to ``create_app``.
    limits : Settings
        The settings passed to library calls: the tighter of the general and web caps.
    worker : Worker
        Runs CPU-bound library calls in threads.
    predictions : ResultCache
        Predictions by request (deterministic: a fixed seed), with their JSON.
    templates : Jinja2Templates
        The page templates.
    """

    settings: Settings
    limits: Settings
    worker: Worker
    predictions: ResultCache[PredictRequest, CachedPrediction]
    templates: Jinja2Templates


def get_state(request: Request) -> AppState:
    return cast(AppState, request.app.state.ditf)


async def _state(request: Request) -> AppState:
    # Async on purpose: FastAPI runs a plain function dependency in a worker thread, a thread
    # hop per request for a dictionary lookup.
    return get_state(request)


StateDep = Annotated[AppState, Depends(_state)]
