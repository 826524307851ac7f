"""The app factory: settings in, a FastAPI app out; nothing happens at import."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ditf import __version__
from ditf.model import load_model
from ditf.settings import Settings
from ditf.web._cache import ResultCache
from ditf.web._deps import AppState
from ditf.web._errors import install_error_handlers
from ditf.web._limits import web_limits
from ditf.web._pages import STATIC_DIR, make_templates
from ditf.web._routes import router
from ditf.web._security import SecurityMiddleware, check_exposure
from ditf.web._work import Worker

#: Predictions kept in memory (each a few hundred bytes).
PREDICTION_CACHE = 4096
DESCRIPTION = """\
Evidence-based door-in-the-face: predictions from a model fitted to the published experiments
and meta-analyses, population simulations and sweeps, study power and analysis.

Errors are JSON `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`:
422 invalid input, 400 bad data, 401 token missing, 403 cross-site or no CSRF token,
413 body too large, 500 unexpected (no details are given out).
"""
TAGS = [
    {"name": "predict", "description": "P(yes) after a sequence, with interval and reasons."},
    {"name": "simulate", "description": "Populations and sweeps (Monte Carlo)."},
    {"name": "evidence", "description": "The bundled evidence and the replications."},
    {"name": "study", "description": "Study power and analysis of compliance data."},
    {"name": "meta", "description": "Health probe."},
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup and shutdown of shared resources.

    The shipped fit is read before the first request, so no request pays for it. The journal's
    database engine will be created here from ``settings.db_url`` (and disposed of after the
    ``yield``), and handed to routes through a dependency; this release has no journal yet.
    """
    await anyio.to_thread.run_sync(load_model)
    yield


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    settings : Settings, optional
        Host, token and caps; default :meth:`Settings.from_env` (the ``DITF_*`` variables).

    Returns
    -------
    FastAPI
        Serve it with ``ditf serve``, or ``uvicorn --factory ditf.web:create_app``.

    Raises
    ------
    InvalidParameterError
        If ``settings.host`` is not a loopback address and ``settings.token`` is not set.

    Examples
    --------
    >>> from ditf.settings import Settings
    >>> app = create_app(Settings())
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/"))[:2]
    ['/api/evidence', '/api/predict']
    """
    settings = settings or Settings.from_env()
    check_exposure(settings)
    app = FastAPI(
        title="ditf",
        version=__version__,
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ditf = AppState(
        settings=settings,
        limits=web_limits(settings),
        worker=Worker(os.cpu_count() or 1),
        predictions=ResultCache(PREDICTION_CACHE),
        templates=make_templates(),
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(SecurityMiddleware, settings=settings, secret=secrets.token_bytes(32))
    return app
