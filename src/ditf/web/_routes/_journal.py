"""Journal: browse and add counterparts, asks and outcomes; the same as JSON under /api/journal.

Every write is one journal transaction: bad input is refused (422) before anything is written,
and what is stored stays as it was. Forms answer with a redirect to the journal page
(Post/Redirect/Get), so reloading the page never adds an entry twice.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from ditf._errors import DitfError, InvalidParameterError
from ditf.plan import DOMAINS, CounterpartUpdate, counterpart_update
from ditf.store import (
    RESULTS,
    TECHNIQUES,
    AskRecord,
    Counterpart,
    CounterpartHistory,
    Journal,
    OutcomeRecord,
)
from ditf.web._deps import AppState, JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS, FormInvalid, message_for, status_for
from ditf.web._pages import form_values, parse_form, render, shown
from ditf.web._routes._shape import Api, answer
from ditf.web._schemas.base import ErrorPublic, FieldErrorPublic
from ditf.web._schemas.journal import (
    KEY_PATTERN,
    AskPublic,
    AskRequest,
    AskUpdateRequest,
    CounterpartDetailPublic,
    CounterpartEstimatePublic,
    CounterpartEstimateRequest,
    CounterpartPublic,
    CounterpartRequest,
    CounterpartUpdateRequest,
    JournalExportPublic,
    OutcomePublic,
    OutcomeRequest,
)

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorPublic, "description": "No such counterpart (or ask) in the journal"},
}
router = APIRouter()
api = Api(router, "journal", API_ERRORS | JOURNAL_ERRORS)
#: The operations on one counterpart, by key (404 when the journal has none).
by_key = Api(router, "journal", api.responses | NOT_FOUND)
COUNTERPART = "/api/journal/counterparts/{key:path}"
ASK = "/api/journal/asks/{ask_id}"
CounterpartQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=KEY_PATTERN,
        description="Only this counterpart's asks (an unknown one has none).",
    ),
]
AskId = Annotated[int, Path(ge=1, le=2**53, description="The ask's id.")]
#: The largest time-zone offset ahead of UTC (UTC+14): a form's "today" may be that far ahead.
AHEAD = timedelta(hours=14)
#: Most asks the page lists (the newest); the export has them all.
PAGE_ASKS = 200


async def _history(state: AppState, journal: Journal, key: str) -> CounterpartHistory:
    """The counterpart's history, or 404 when the journal has no such counterpart."""

    def read() -> CounterpartHistory | None:
        return journal.history(key) if journal.get_counterpart(key) is not None else None

    history = await state.io.run(read)
    if history is None:
        raise HTTPException(404, f"No counterpart {key!r} in the journal: see /journal.")
    return history


async def _estimate(
    state: AppState, history: CounterpartHistory, query: CounterpartEstimateRequest
) -> tuple[CounterpartUpdate, str]:
    """The estimate of the counterpart's limit, and the plan form's link prefilled for them."""
    guess = query.model_dump()
    estimate = await state.worker.run(lambda: counterpart_update(history.asks, **guess))
    low, high = estimate.prior
    link = {"counterpart_id": history.counterpart.key, "domain": estimate.domain,
            "unit": estimate.unit, "accepts_low": shown(low), "accepts_high": shown(high),
            "distribution": query.distribution}  # fmt: skip
    return estimate, f"/plan?{urlencode(link)}"


def _add_counterpart(journal: Journal, body: CounterpartRequest) -> Counterpart:
    return journal.add_counterpart(body.key, name=body.name, notes=body.notes)


def _add_outcome(journal: Journal, body: OutcomeRequest) -> OutcomeRecord:
    return journal.add_outcome(body.ask_id, result=body.result, value=body.value, notes=body.notes)


@api.route("GET", "/api/journal/counterparts", "The journal's counterparts")
async def counterparts_api(state: StateDep, journal: JournalDep) -> list[CounterpartPublic]:
    """Every counterpart, by key."""
    found = await state.io.run(journal.counterparts)
    return [CounterpartPublic.from_core(c) for c in found]


@api.route("POST", "/api/journal/counterparts", "Add a counterpart", status_code=201)
async def add_counterpart_api(
    body: CounterpartRequest, state: StateDep, journal: JournalDep
) -> CounterpartPublic:
    """Add a counterpart (422 if the key is taken or not a valid id)."""
    added = await state.write(lambda: _add_counterpart(journal, body))
    return CounterpartPublic.from_core(added)


@by_key.route("GET", COUNTERPART, "A counterpart: their history and the estimate of their limit")
async def counterpart_api(
    key: str,
    query: Annotated[CounterpartEstimateRequest, Query()],
    state: StateDep,
    journal: JournalDep,
) -> CounterpartDetailPublic:
    """The counterpart, the asks both ways, and your range updated by their answers.

    The answers are read as the planner reads them (``docs/journal.md``).

    Empty query fields are guessed as the counterpart page guesses them: the domain and unit
    of most of your asks to them, and a range around the amounts you asked for.
    """
    history = await _history(state, journal, key)
    estimate, plan_url = await _estimate(state, history, query)
    return CounterpartDetailPublic(
        counterpart=CounterpartPublic.from_core(history.counterpart),
        prior_retreats=history.prior_retreats,
        asks=[AskPublic.from_core(a) for a in history.asks],
        estimate=CounterpartEstimatePublic.from_core(estimate),
        plan_url=plan_url,
    )


@api.route("GET", "/api/journal/asks", "Asks with their outcomes")
async def asks_api(
    state: StateDep, journal: JournalDep, counterpart: CounterpartQuery = None
) -> list[AskPublic]:
    """Asks with their outcomes, oldest first; only ``counterpart``'s when given."""
    found = await state.io.run(lambda: journal.asks(counterpart))
    return [AskPublic.from_core(a) for a in found]


@api.route("POST", "/api/journal/asks", "Record an ask", status_code=201)
async def add_ask_api(body: AskRequest, state: StateDep, journal: JournalDep) -> AskPublic:
    """Record an ask (its counterpart is added when new).

    ``technique`` defaults to door-in-the-face with an opener and direct without one. An
    opener may lie below the fallback (a buyer opens low).
    """
    added = await state.write(lambda: journal.add_ask(body.counterpart, **body.arguments()))
    return AskPublic.from_core(added)


@api.route("POST", "/api/journal/outcomes", "Record how an ask ended", status_code=201)
async def add_outcome_api(
    body: OutcomeRequest, state: StateDep, journal: JournalDep
) -> OutcomePublic:
    """Record an ask's outcome; an ask has one (a second is refused with 422)."""
    return OutcomePublic.from_core(await state.write(lambda: _add_outcome(journal, body)))


@api.route("PATCH", ASK, "Correct or back-date an ask")
async def update_ask_api(
    ask_id: AskId, body: AskUpdateRequest, state: StateDep, journal: JournalDep
) -> AskPublic:
    """Change the fields sent (``asked_at`` back-dates).

    A bad change is refused (422) and the ask stays as it was. Its counterpart and outcome
    stay.
    """
    changed = await state.write(lambda: journal.update_ask(ask_id, **body.changes()))
    return AskPublic.from_core(changed)


@api.route("DELETE", ASK, "Delete an ask and its outcome")
async def delete_ask_api(ask_id: AskId, state: StateDep, journal: JournalDep) -> AskPublic:
    """Delete the ask and its outcome in one transaction; answers the deleted ask."""
    return AskPublic.from_core(await state.write(lambda: journal.delete_ask(ask_id)))


@api.route("DELETE", f"{ASK}/outcome", "Delete an ask's outcome (the ask is open again)")
async def delete_outcome_api(ask_id: AskId, state: StateDep, journal: JournalDep) -> OutcomePublic:
    """Delete the ask's outcome, to record it anew; answers the deleted outcome."""
    return OutcomePublic.from_core(await state.write(lambda: journal.delete_outcome(ask_id)))


@by_key.route("PATCH", COUNTERPART, "Change a counterpart's name or notes")
async def update_counterpart_api(
    key: str, body: CounterpartUpdateRequest, state: StateDep, journal: JournalDep
) -> CounterpartPublic:
    """Change the name or the notes sent; the key stays (404 for an unknown counterpart)."""
    await _history(state, journal, key)
    changed = await state.write(
        lambda: journal.update_counterpart(key, name=body.name, notes=body.notes)
    )
    return CounterpartPublic.from_core(changed)


@by_key.route("DELETE", COUNTERPART, "Delete a counterpart without asks")
async def delete_counterpart_api(
    key: str, state: StateDep, journal: JournalDep
) -> CounterpartPublic:
    """Delete the counterpart; one with asks is refused (422): delete its asks first."""
    await _history(state, journal, key)
    return CounterpartPublic.from_core(await state.write(lambda: journal.delete_counterpart(key)))


@api.route(
    "GET", "/api/journal/export", "Everything in the journal", response_model=JournalExportPublic
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
    "counterpart-changed": "Counterpart {counterpart} changed.",
    "counterpart-deleted": "Counterpart {deleted} deleted.",
    "ask": "Ask {ask} added.",
    "ask-changed": "Ask {ask} changed.",
    "ask-deleted": "Ask {ask} deleted, with its outcome.",
    "outcome": "Outcome of ask {ask} recorded.",
    "outcome-deleted": "The outcome of ask {ask} was deleted: the ask is open again.",
}
#: Notices about a counterpart alone (no ask id).
ABOUT_COUNTERPART = ("counterpart", "counterpart-changed", "counterpart-deleted")
ASK_DEFAULTS: dict[str, Any] = {
    "counterpart": "",
    "domain": "salary",
    "unit": "EUR",
    "technique": "",
    "opener": "",
    "fallback": "",
    "delay_hours": "0",
    "scenario": "",
    "asked_on": "",
    "asked_by": "me",
}


def notice(request: Request) -> str:
    """The line confirming what the last form added (from the redirect's query)."""
    kind = request.query_params.get("added", "")
    ask = request.query_params.get("ask", "")
    if kind not in ADDED or (kind not in ABOUT_COUNTERPART and not ask.isdigit()):
        return ""
    counterpart = request.query_params.get("counterpart", "")
    deleted = request.query_params.get("deleted", "")
    return ADDED[kind].format(counterpart=counterpart, deleted=deleted, ask=ask)


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
        "counterpart_values": {"key": "", "name": "", "notes": ""},
        "ask_values": ASK_DEFAULTS | {"counterpart": chosen or ""},
        "outcome_values": {"ask_id": "", "result": "accepted-fallback", "value": "", "notes": ""},
        "domains": tuple(DOMAINS),
        "techniques": TECHNIQUES,
        "results": RESULTS,
        "confirm_new": False,
    }
    return render(request, "journal.html", status_code=status_code, **(page | context))


def _back(counterpart: str, added: str, ask: int | None = None) -> RedirectResponse:
    """See Other: the journal page for ``counterpart``, confirming what was added.

    A deleted counterpart is not selected (the page would show them, and prefill the ask
    form with them): the notice reads its key from ``deleted``.
    """
    chosen = "deleted" if added == "counterpart-deleted" else "counterpart"
    query = {chosen: counterpart, "added": added}
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

    async def work() -> Response:
        body = parse_form(CounterpartRequest, values)
        await state.write(lambda: _add_counterpart(journal, body))
        return _back(body.key, "counterpart")

    show = partial(_page, request, state, journal, form="counterpart", counterpart_values=values)
    return await answer(show, work)


def moment(text: str, keep: datetime | None = None) -> datetime | None:
    """A form's date (YYYY-MM-DD) as a time: ``keep``'s if that day, now if today, else noon.

    The browser's date is local: a day up to :data:`AHEAD` past today's UTC date is someone's
    today (east of UTC), and it, like today, is now (noon may be hours ahead, and the journal
    refuses asks dated in the future).

    Raises
    ------
    FormInvalid
        If ``text`` is not such a date, or is a day after today (the error names the
        ``asked_on`` field).
    """
    if not text:
        return keep
    try:
        day = date.fromisoformat(text)
    except ValueError:
        message = f"'asked_on' must be a date written YYYY-MM-DD, e.g. 2024-05-01. Got {text!r}."
        raise FormInvalid([FieldErrorPublic(field="asked_on", message=message)]) from None
    now = datetime.now(UTC)
    if day > (now + AHEAD).date():
        message = (f"{text} is in the future: record an ask once it was made, dated today "
                   "or earlier.")  # fmt: skip
        raise FormInvalid([FieldErrorPublic(field="asked_on", message=message)])
    if keep is not None and keep.date() == day:
        return keep
    return now if day >= now.date() else datetime.combine(day, time(12), tzinfo=UTC)


def unknown_counterpart(key: str, known: list[str]) -> str:
    """What the form says about a counterpart key the journal does not have yet."""
    near = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(k) for k in near)}?" if near else ""
    return (
        f'No counterpart {key!r} in the journal yet.{hint} Check the key, or tick "Add it as a '
        'new counterpart" and record the ask again.'
    )


@router.post("/journal/asks", include_in_schema=False)
async def add_ask_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Record an ask from the form; back to its counterpart's history.

    A counterpart key the journal does not have is flagged (with the nearest keys) and only
    added once the form confirms it (``confirm_new``), so a typo never becomes a new person.
    """
    values, _ = await form_values(request, booleans=("confirm_new",))
    confirmed = values.pop("confirm_new")
    show = partial(_page, request, state, journal, form="ask", ask_values=ASK_DEFAULTS | values)

    async def work() -> Response:
        asked_at = moment(values.get("asked_on", ""))
        body = parse_form(AskRequest, {k: v for k, v in values.items() if k != "asked_on"})
        arguments = body.arguments() | ({"asked_at": asked_at} if asked_at else {})

        def add() -> AskRecord | str:
            if not confirmed and journal.get_counterpart(body.counterpart) is None:
                known = [c.key for c in journal.counterparts()]
                return unknown_counterpart(body.counterpart, known)
            return journal.add_ask(body.counterpart, **arguments)

        added = await state.write(add)
        if isinstance(added, str):
            return await show(status_code=422, error=added, confirm_new=True)
        return _back(body.counterpart, "ask", added.id)

    return await answer(show, work)


@router.post("/journal/outcomes", include_in_schema=False)
async def add_outcome_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Record an outcome from the form; back to the ask's counterpart."""
    values, _ = await form_values(request)

    async def work() -> Response:
        body = parse_form(OutcomeRequest, values)

        def add() -> str:
            _add_outcome(journal, body)
            return next(a.counterpart for a in journal.asks() if a.id == body.ask_id)

        return _back(await state.write(add), "outcome", body.ask_id)

    show = partial(_page, request, state, journal, form="outcome", outcome_values=values)
    return await answer(show, work)


@router.get("/journal/counterparts/{key:path}", include_in_schema=False)
async def counterpart_page(
    key: str, request: Request, state: StateDep, journal: JournalDep
) -> HTMLResponse:
    """A counterpart's history, the estimate of their limit next to your range, a plan link.

    The small form (a GET) sets the range the estimate starts from.
    """
    return await _counterpart_view(key, request, state, journal)


async def _counterpart_view(
    key: str, request: Request, state: AppState, journal: Journal, error: str = ""
) -> HTMLResponse:
    """The counterpart page; ``error`` is a refused edit or deletion of the counterpart."""
    history = await _history(state, journal, key)
    values = {k: v.strip() for k, v in request.query_params.items()} if not error else {}
    page: dict[str, Any] = {"history": history, "asks": list(reversed(history.asks)),
                            "estimate": None, "plan_url": "", "domains": tuple(DOMAINS),
                            "manage_error": error, "submitted": bool(values)}  # fmt: skip
    code = 200
    try:
        query = parse_form(CounterpartEstimateRequest, values)
        page["estimate"], page["plan_url"] = await _estimate(state, history, query)
    except FormInvalid as exc:
        code, page["errors"] = 422, exc.errors
    except DitfError as exc:
        code, page["error"] = status_for(exc), message_for(exc)
    if page["estimate"] is not None:
        e = page["estimate"]
        values = {"domain": e.domain, "unit": e.unit,
                  "accepts_low": shown(e.prior[0]), "accepts_high": shown(e.prior[1]),
                  "distribution": values.get("distribution", "normal")}  # fmt: skip
    code = 422 if error else code  # a refused edit or deletion (the counterpart's forms)
    return render(request, "counterpart.html", status_code=code, values=values, **page)


# Editing and deleting: one route shape for the forms of an ask's and a counterpart's page ----


def _ask_form_values(ask: AskRecord) -> dict[str, Any]:
    """A stored ask as the edit form shows it."""
    return {"domain": ask.domain, "unit": ask.unit, "technique": ask.technique,
            "opener": shown(ask.opener), "fallback": shown(ask.fallback),
            "delay_hours": shown(ask.delay_hours), "scenario": ask.scenario,
            "asked_on": ask.asked_at.date().isoformat(), "asked_by": ask.asked_by}  # fmt: skip


async def _ask_or_404(state: AppState, journal: Journal, ask_id: int) -> AskRecord:
    found = await state.io.run(lambda: [a for a in journal.asks() if a.id == ask_id])
    if not found:
        raise HTTPException(404, f"No ask {ask_id} in the journal: see /journal.")
    return found[0]


async def _edit_page(
    request: Request, ask: AskRecord, *, status_code: int = 200, **context: Any
) -> HTMLResponse:
    page: dict[str, Any] = {"ask": ask, "values": _ask_form_values(ask), "form": "",
                            "domains": tuple(DOMAINS), "techniques": TECHNIQUES}  # fmt: skip
    return render(request, "ask_edit.html", status_code=status_code, **(page | context))


@router.get("/journal/asks/{ask_id}/edit", include_in_schema=False)
async def edit_ask_page(
    ask_id: AskId, request: Request, state: StateDep, journal: JournalDep
) -> HTMLResponse:
    """The form to correct or back-date an ask, delete its outcome, or delete it."""
    return await _edit_page(request, await _ask_or_404(state, journal, ask_id))


def _edit_ask(journal: Journal, ask: AskRecord, values: dict[str, Any]) -> object:
    """Change the ask as the form says; a bad edit shows what to fix and changes nothing."""
    body = parse_form(AskUpdateRequest, {k: v for k, v in values.items() if k != "asked_on"})
    changes = body.changes()
    if values.get("opener", "") == "":
        changes |= _without_opener(ask, values.get("technique", ""))
    changes["asked_at"] = moment(values.get("asked_on", ""), ask.asked_at)
    return journal.update_ask(ask.id, **changes)


def _without_opener(ask: AskRecord, technique: str) -> dict[str, Any]:
    """An emptied opener: a direct ask, as the field's label says.

    The technique the form shows is the stored one, so only a technique changed to one with
    an opener says otherwise; then the opener field says what to fix.

    Raises
    ------
    FormInvalid
        If the form changed the technique to one that needs an opener.
    """
    if technique in ("", "direct", ask.technique):
        return {"opener": None, "technique": "direct"}
    message = (f"A {technique} ask needs an opener, the first amount you asked for: enter "
               "it, or leave the opener empty and choose the technique direct.")  # fmt: skip
    raise FormInvalid([FieldErrorPublic(field="opener", message=message)])


def _delete_ask(journal: Journal, ask: AskRecord, values: dict[str, Any]) -> object:
    """Delete the ask and its outcome, once the form's box confirms it."""
    if not values["confirm"]:
        raise InvalidParameterError(
            f'Tick "Yes, delete ask {ask.id}" to delete it: nothing was deleted.'
        )
    return journal.delete_ask(ask.id)


def _delete_outcome(journal: Journal, ask: AskRecord, values: dict[str, Any]) -> object:
    """Delete the ask's outcome (the ask is open again, to record it anew)."""
    return journal.delete_outcome(ask.id)


#: The ask page's forms: the path after ``/journal/asks/{id}/``, the form's name on the page,
#: the change, and the notice on the journal page after it.
ASK_FORMS = (
    ("edit", "edit", _edit_ask, "ask-changed"),
    ("delete", "delete", _delete_ask, "ask-deleted"),
    ("outcome/delete", "outcome", _delete_outcome, "outcome-deleted"),
)


def _ask_form(form: str, change: Callable[..., object], added: str) -> Callable[..., Any]:
    """The route of one of an ask's forms: change the ask, or show the form with what to fix."""

    async def route(
        ask_id: AskId, request: Request, state: StateDep, journal: JournalDep
    ) -> Response:
        ask = await _ask_or_404(state, journal, ask_id)
        values, _ = await form_values(request, booleans=("confirm",))

        async def work() -> Response:
            await state.write(lambda: change(journal, ask, values))
            return _back(ask.counterpart, added, ask_id)

        shown = _ask_form_values(ask) | values  # the edit form keeps what was typed
        return await answer(partial(_edit_page, request, ask, form=form, values=shown), work)

    route.__doc__ = change.__doc__
    return route


for _path, _form, _change, _added in ASK_FORMS:
    router.post(f"/journal/asks/{{ask_id}}/{_path}", include_in_schema=False)(
        _ask_form(_form, _change, _added)
    )


def _edit_counterpart(journal: Journal, key: str, values: dict[str, Any]) -> object:
    """Change the counterpart's name and notes; back to the journal."""
    body = parse_form(CounterpartUpdateRequest, values)
    return journal.update_counterpart(key, name=body.name or "", notes=body.notes or "")


def _delete_counterpart(journal: Journal, key: str, values: dict[str, Any]) -> object:
    """Delete a counterpart without asks (one with asks is refused, and stays)."""
    return journal.delete_counterpart(key)


def _counterpart_form(change: Callable[..., object], added: str) -> Callable[..., Any]:
    """The route of one of a counterpart's forms: change it, or show why it was refused."""

    async def route(key: str, request: Request, state: StateDep, journal: JournalDep) -> Response:
        await _history(state, journal, key)
        values, _ = await form_values(request)
        try:
            await state.write(lambda: change(journal, key, values))
        except DitfError as exc:
            return await _counterpart_view(key, request, state, journal, message_for(exc))
        return _back(key, added)

    route.__doc__ = change.__doc__
    return route


#: The counterpart page's forms: the path after ``/journal/counterparts/{key}/``, the change,
#: and the notice on the journal page after it.
for _path, _write, _added in (
    ("edit", _edit_counterpart, "counterpart-changed"),
    ("delete", _delete_counterpart, "counterpart-deleted"),
):
    router.post(f"/journal/counterparts/{{key:path}}/{_path}", include_in_schema=False)(
        _counterpart_form(_write, _added)
    )
