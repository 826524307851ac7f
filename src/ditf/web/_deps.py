"""What routes get from the app: its state, as ``Annotated`` dependencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar, cast

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from ditf._errors import JournalError
from ditf.plan import Plan
from ditf.settings import Settings
from ditf.store import AskRecord, Journal
from ditf.web._cache import ExpiringCache, ResultCache
from ditf.web._schemas.plan import PlanPublic
from ditf.web._schemas.predict import PredictionPublic, PredictRequest
from ditf.web._work import Worker

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CachedPrediction:
    """A prediction and its JSON, serialized once: cache hits answer with the bytes as they are."""

    public: PredictionPublic
    json: bytes


@dataclass(frozen=True, slots=True)
class CachedPlan:
    """A plan and its report, made once per scenario, and the report's JSON per depth.

    The JSON is made when a depth is first asked for (pages never ask: they render the report),
    on the event loop: no other request runs between the check and the store.
    """

    plan: Plan
    report: dict[str, Any]
    _json: dict[str, bytes] = field(default_factory=dict, init=False, repr=False, compare=False)

    def json(self, depth: str) -> bytes:
        """The report at ``depth`` as :class:`PlanPublic` JSON, serialized once."""
        if depth not in self._json:
            public = PlanPublic.from_report(self.report, depth)
            self._json[depth] = public.model_dump_json().encode()
        return self._json[depth]


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
    io : Worker
        Runs the journal's database calls in threads (they wait on the disk, not the CPU).
    predictions : ResultCache
        Predictions by request (deterministic: a fixed seed), with their JSON.
    plans : ResultCache
        Plans by scenario and the counterpart's history (deterministic too).
    retreats : ExpiringCache
        Counterparts' histories read from the journal (retreats seen, asks made to them),
        kept a moment.
    templates : Jinja2Templates
        The page templates.
    """

    settings: Settings
    limits: Settings
    worker: Worker
    io: Worker
    predictions: ResultCache[PredictRequest, CachedPrediction]
    plans: ResultCache[tuple[str, int, tuple[tuple[int, str], ...]], CachedPlan]
    retreats: ExpiringCache[str, tuple[int, tuple[AskRecord, ...]]]
    templates: Jinja2Templates

    async def write(self, change: Callable[[], T]) -> T:
        """Run a journal write in the journal's thread; the histories read before are stale."""
        done = await self.io.run(change)
        self.retreats.clear()
        return done


def get_state(request: Request) -> AppState:
    return cast(AppState, request.app.state.ditf)


async def _state(request: Request) -> AppState:
    # Async on purpose: FastAPI runs a plain function dependency in a worker thread, a thread
    # hop per request for a dictionary lookup.
    return get_state(request)


StateDep = Annotated[AppState, Depends(_state)]


def get_journal(request: Request) -> Journal:
    """The journal the app's lifespan opened.

    Raises
    ------
    JournalError
        If the app runs without its lifespan (so no journal was opened).
    """
    journal = getattr(request.app.state, "journal", None)
    if not isinstance(journal, Journal):
        raise JournalError(
            "The journal is not open: the web app was started without its lifespan. Serve it "
            "with ditf serve (or any ASGI server with lifespan support)."
        )
    return journal


async def _journal(request: Request) -> Journal:
    return get_journal(request)


JournalDep = Annotated[Journal, Depends(_journal)]
