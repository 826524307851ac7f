"""Journal: browse and add counterparts, asks and outcomes; the same as JSON under /api/journal.

Every write is one journal transaction: bad input is refused (422) before anything is written,
and what is stored stays as it was. Forms answer with a redirect to the journal page
(Post/Redirect/Get), so reloading the page never adds an entry twice.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ditf._errors import DitfError
from ditf.plan import DOMAINS
from ditf.store import RESULTS, TECHNIQUES
from ditf.web._deps import JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS, message_for, status_for
from ditf.web._pages import form_values, render, validate_form
from ditf.web._schemas import (
    AskPublic,
    AskRequest,
    CounterpartPublic,
    CounterpartRequest,
    JournalExportPublic,
    OutcomePublic,
    OutcomeRequest,
)
from ditf.web._schemas._journal import KEY_PATTERN

router = APIRouter()
ERRORS = API_ERRORS | JOURNAL_ERRORS
CounterpartQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=KEY_PATTERN,
        description="Only this counterpart's asks (an unknown one has none).",
    ),
]
#: Most asks the page lists (the newest); the export has them all.
PAGE_ASKS = 200


@router.get(
    "/api/journal/counterparts",
    tags=["journal"],
    summary="The journal's counterparts",
    responses=ERRORS,
)
async def counterparts_api(state: StateDep, journal: JournalDep) -> list[CounterpartPublic]:
    """Every counterpart, by key."""
    found = await state.io.run(journal.counterparts)
    return [CounterpartPublic.from_core(c) for c in found]


@router.post(
    "/api/journal/counterparts",
    tags=["journal"],
    summary="Add a counterpart",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def add_counterpart_api(
    body: CounterpartRequest, state: StateDep, journal: JournalDep
) -> CounterpartPublic:
    """Add a counterpart (422 if the key is taken or not a valid id)."""
    added = await state.io.run(
        lambda: journal.add_counterpart(body.key, name=body.name, notes=body.notes)
    )
    return CounterpartPublic.from_core(added)


@router.get(
    "/api/journal/asks",
    tags=["journal"],
    summary="Asks with their outcomes",
    responses=ERRORS,
)
async def asks_api(
    state: StateDep, journal: JournalDep, counterpart: CounterpartQuery = None
) -> list[AskPublic]:
    """Asks with their outcomes, oldest first; only ``counterpart``'s when given."""
    found = await state.io.run(lambda: journal.asks(counterpart))
    return [AskPublic.from_core(a) for a in found]


@router.post(
    "/api/journal/asks",
    tags=["journal"],
    summary="Record an ask",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def add_ask_api(body: AskRequest, state: StateDep, journal: JournalDep) -> AskPublic:
    """Record an ask (its counterpart is added when new).

    ``technique`` defaults to door-in-the-face with an opener and direct without one. An
    opener may lie below the fallback (a buyer opens low).
    """
    added = await state.io.run(lambda: journal.add_ask(body.counterpart, **body.arguments()))
    state.retreats.clear()
    return AskPublic.from_core(added)


@router.post(
    "/api/journal/outcomes",
    tags=["journal"],
    summary="Record how an ask ended",
    status_code=status.HTTP_201_CREATED,
    responses=ERRORS,
)
async def add_outcome_api(
    body: OutcomeRequest, state: StateDep, journal: JournalDep
) -> OutcomePublic:
    """Record an ask's outcome; an ask has one (a second is refused with 422)."""
    added = await state.io.run(
        lambda: journal.add_outcome(
            body.ask_id, result=body.result, value=body.value, notes=body.notes
        )
    )
    state.retreats.clear()
    return OutcomePublic.from_core(added)


@router.get(
    "/api/journal/export",
    tags=["journal"],
    summary="Everything in the journal",
    response_model=JournalExportPublic,
    responses=ERRORS,
)
async def export_api(state: StateDep, journal: JournalDep) -> Response:
    """Counterparts, asks, outcomes and training rounds, read in one snapshot (a backup)."""
    exported = await state.io.run(journal.export)
    return Response(
        JournalExportPublic.model_validate(exported).model_dump_json(),
        media_type="application/json",
    )


# Pages ----------------------------------------------------------------------------------------

#: What each form adds, and the notice the journal page shows after it.
ADDED = {
    "counterpart": "Counterpart {counterpart} added.",
    "ask": "Ask {ask} added.",
    "outcome": "Outcome of ask {ask} recorded.",
}
ASK_DEFAULTS: dict[str, Any] = {
    "counterpart": "",
    "domain": "salary",
    "unit": "EUR",
    "technique": "",
    "opener": "",
    "fallback": "",
    "delay_hours": "0",
    "scenario": "",
}


def notice(request: Request) -> str:
    """The line confirming what the last form added (from the redirect's query)."""
    kind = request.query_params.get("added", "")
    ask = request.query_params.get("ask", "")
    if kind not in ADDED or (kind != "counterpart" and not ask.isdigit()):
        return ""
    counterpart = request.query_params.get("counterpart", "")
    return ADDED[kind].format(counterpart=counterpart, ask=ask)


async def _page(
    request: Request,
    state: StateDep,
    journal: JournalDep,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The journal page: counterparts, asks (one counterpart's, or all) and the three forms."""
    chosen = request.query_params.get("counterpart") or None

    def read() -> dict[str, Any]:
        everyone = journal.counterparts()
        asks = journal.asks(chosen)
        history = journal.history(chosen) if chosen and journal.get_counterpart(chosen) else None
        open_asks = [a for a in journal.asks() if a.outcome is None]
        return {"counterparts": everyone, "asks": asks, "history": history, "open": open_asks}

    data = await state.io.run(read)
    page: dict[str, Any] = {
        "chosen": chosen,
        "counterparts": data["counterparts"],
        "asks": list(reversed(data["asks"]))[:PAGE_ASKS],
        "total_asks": len(data["asks"]),
        "history": data["history"],
        "open_asks": data["open"],
        "notice": notice(request),
        "form": "",
        "errors": [],
        "error": None,
        "counterpart_values": {"key": "", "name": "", "notes": ""},
        "ask_values": ASK_DEFAULTS | {"counterpart": chosen or ""},
        "outcome_values": {"ask_id": "", "result": "accepted-fallback", "value": "", "notes": ""},
        "domains": tuple(DOMAINS),
        "techniques": TECHNIQUES,
        "results": RESULTS,
    }
    return render(request, "journal.html", status_code=status_code, **(page | context))


def _back(counterpart: str, added: str, ask: int | None = None) -> RedirectResponse:
    """See Other: the journal page for ``counterpart``, confirming what was added."""
    query = {"counterpart": counterpart, "added": added}
    if ask is not None:
        query["ask"] = str(ask)
    return RedirectResponse(f"/journal?{urlencode(query)}", status_code=303)


@router.get("/journal", include_in_schema=False)
async def journal_page(request: Request, state: StateDep, journal: JournalDep) -> HTMLResponse:
    """Counterparts, asks and outcomes; ``?counterpart=KEY`` shows one counterpart's history."""
    return await _page(request, state, journal)


@router.post("/journal/counterparts", include_in_schema=False)
async def add_counterpart_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Add a counterpart from the form; back to the journal page."""
    values, _ = await form_values(request)
    body, errors = validate_form(CounterpartRequest, values)
    failed = {"form": "counterpart", "counterpart_values": values}
    if body is None:
        return await _page(request, state, journal, status_code=422, errors=errors, **failed)
    try:
        await state.io.run(
            lambda: journal.add_counterpart(body.key, name=body.name, notes=body.notes)
        )
    except DitfError as exc:
        code = status_for(exc)
        return await _page(
            request, state, journal, status_code=code, error=message_for(exc), **failed
        )
    return _back(body.key, "counterpart")


@router.post("/journal/asks", include_in_schema=False)
async def add_ask_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Record an ask from the form; back to its counterpart's history."""
    values, _ = await form_values(request)
    data = {k: v for k, v in values.items() if v != ""}
    body, errors = validate_form(AskRequest, data)
    failed = {"form": "ask", "ask_values": ASK_DEFAULTS | values}
    if body is None:
        return await _page(request, state, journal, status_code=422, errors=errors, **failed)
    try:
        added = await state.io.run(lambda: journal.add_ask(body.counterpart, **body.arguments()))
        state.retreats.clear()
    except DitfError as exc:
        code = status_for(exc)
        return await _page(
            request, state, journal, status_code=code, error=message_for(exc), **failed
        )
    return _back(body.counterpart, "ask", added.id)


@router.post("/journal/outcomes", include_in_schema=False)
async def add_outcome_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Record an outcome from the form; back to the ask's counterpart."""
    values, _ = await form_values(request)
    body, errors = validate_form(OutcomeRequest, values)
    failed = {"form": "outcome", "outcome_values": values}
    if body is None:
        return await _page(request, state, journal, status_code=422, errors=errors, **failed)

    def add() -> str:
        journal.add_outcome(body.ask_id, result=body.result, value=body.value, notes=body.notes)
        return next(a.counterpart for a in journal.asks() if a.id == body.ask_id)

    try:
        counterpart = await state.io.run(add)
        state.retreats.clear()
    except DitfError as exc:
        code = status_for(exc)
        return await _page(
            request, state, journal, status_code=code, error=message_for(exc), **failed
        )
    return _back(counterpart, "outcome", body.ask_id)
