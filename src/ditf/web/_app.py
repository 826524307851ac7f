"""The app factory: settings in, a FastAPI app out; nothing happens at import."""

from __future__ import annotations

import hashlib
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
from ditf.store import open_journal
from ditf.web._cache import ExpiringCache, ResultCache
from ditf.web._deps import AppState
from ditf.web._errors import install_error_handlers
from ditf.web._methods import MethodsMiddleware
from ditf.web._pages import STATIC_DIR, make_templates
from ditf.web._routes import router
from ditf.web._security import SecurityMiddleware, check_exposure
from ditf.web._work import Worker

#: Predictions kept in memory (each a few hundred bytes).
PREDICTION_CACHE = 4096
#: Plans kept in memory (each some 60 kB with its JSON at three depths).
PLAN_CACHE = 512
#: The journal's calls run one at a time per process, in a thread: SQLite serializes writes
#: anyway, and a journal not yet written to is one shared in-memory connection.
IO_THREADS = 1
#: Seconds a counterpart's retreat count is reused by the planner (this process's own journal
#: writes clear it at once; another process's show within this time).
RETREATS_TTL = 1.0
DESCRIPTION = """\
Evidence-based door-in-the-face: predictions from a model fitted to the published experiments
and meta-analyses, population simulations and sweeps, study power and analysis.

Errors are JSON `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`:
422 invalid input, 400 bad data, 401 token missing, 403 cross-site or no CSRF token,
409 refused by the audit (strict mode), 413 body too large, 503 the journal's database
failed, 500 unexpected (no details are given out).
"""
TAGS = [
    {"name": "predict", "description": "P(yes) after a sequence, with interval and reasons."},
    {"name": "simulate", "description": "Populations and sweeps (Monte Carlo)."},
    {"name": "evidence", "description": "The bundled evidence and the replications."},
    {"name": "study", "description": "Study power and analysis of compliance data."},
    {"name": "plan", "description": "Plan a door-in-the-face and audit the plan."},
    {"name": "journal", "description": "Counterparts, real asks and their outcomes."},
    {"name": "train", "description": "The trainer: rounds as requester and as target."},
    {"name": "defend", "description": "Recognise the technique used on you."},
    {"name": "meta", "description": "Health probe."},
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Startup and shutdown of shared resources.

    The shipped fit is read before the first request, so no request pays for it. The journal
    is opened from ``settings.db_url`` and checked (:func:`ditf.store.open_journal`: a journal
    the app could not use stops the start), handed to routes through ``JournalDep``, and
    closed after the ``yield``.
    """
    await anyio.to_thread.run_sync(load_model)
    settings: Settings = app.state.ditf.settings
    app.state.journal = await anyio.to_thread.run_sync(open_journal, settings.db_url)
    try:
        yield
    finally:
        app.state.journal.close()
        del app.state.journal


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
    >>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/"))[:3]
    ['/api/audit', '/api/defend', '/api/evidence']
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
        limits=settings.for_web(),
        # With several server processes, each takes its share of the cores.
        worker=Worker(max(1, (os.cpu_count() or 1) // settings.workers)),
        io=Worker(IO_THREADS),
        predictions=ResultCache(PREDICTION_CACHE),
        plans=ResultCache(PLAN_CACHE),
        retreats=ExpiringCache(RETREATS_TTL),
        templates=make_templates(),
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(MethodsMiddleware, router=app.router)
    app.add_middleware(SecurityMiddleware, settings=settings, secret=csrf_secret(settings))
    return app


def csrf_secret(settings: Settings) -> bytes:
    """The key of the CSRF tokens: the shared ``web_secret`` of several processes, or random."""
    if settings.web_secret is None:
        return secrets.token_bytes(32)
    return hashlib.sha256(b"ditf csrf " + settings.web_secret.encode()).digest()
