"""Errors to HTTP responses: one table from ditf's error tree to statuses, never a traceback.

Pages get an HTML page, the API and non-browser clients get :class:`ErrorPublic` JSON. An
unexpected exception becomes a 500 with a generic message; its traceback goes to the server
log only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from ditf._errors import DitfError, InvalidParameterError, JournalError, PlanRejected
from ditf.web._schemas.base import ErrorPublic, FieldErrorPublic

logger = logging.getLogger("ditf.web")

#: The one mapping from ditf's errors to HTTP statuses, most specific first. Errors Python
#: raises while reading user text (a 400-digit integer, a number too large for a float, JSON
#: nested too deep) are the request's fault, not the server's: 400, never 500.
STATUSES: tuple[tuple[type[BaseException], int], ...] = (
    (InvalidParameterError, 422),
    (PlanRejected, 409),
    (JournalError, 503),
    (DitfError, 400),
    (ValueError, 400),
    (OverflowError, 400),
    (RecursionError, 400),
)
#: Errors from reading user text that ditf did not translate (the statuses above, not ditf's).
UNREADABLE = (ValueError, OverflowError, RecursionError)
#: What a client is told about an error ditf did not raise on purpose.
UNEXPECTED = (
    "Something went wrong on the server and the request was not completed. This is a bug in "
    "ditf: the server log has the details."
)
#: What a client is told when the journal's database fails: never its path or URL (a URL may
#: hold a user name, a host or a password); the server log has the full message.
JOURNAL_UNAVAILABLE = (
    "The journal's database failed, so nothing was read or written. Retry in a moment; if it "
    "persists, whoever runs the server will find the reason in its log."
)
#: What a client is told about a value Python could not read (no internals are given out).
UNREADABLE_INPUT = (
    "A value in the request could not be read: a number is too large or too precise, or the "
    "data is nested too deep. Send smaller numbers and flatter data."
)
TITLES = {
    400: "Bad request",
    401: "Token required",
    403: "Refused",
    404: "Not found",
    405: "Method not allowed",
    409: "Refused by the audit",
    413: "Too large",
    422: "Invalid input",
    500: "Server error",
    503: "Unavailable",
}


#: Error responses every API operation documents.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorPublic, "description": "Bad input data, e.g. a malformed CSV"},
    401: {"model": ErrorPublic, "description": "The server has a token and it is missing"},
    403: {"model": ErrorPublic, "description": "Cross-site request, or no CSRF token"},
    413: {"model": ErrorPublic, "description": "The request body is over the size limit"},
    422: {"model": ErrorPublic, "description": "Invalid input: which fields, and why"},
    500: {"model": ErrorPublic, "description": "Unexpected server error (no details)"},
}
#: What an operation that may be refused by the audit (strict mode) adds.
REFUSED: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorPublic, "description": "Strict mode: a finding blocks the plan"},
}
#: What an operation that reads or writes the journal adds.
JOURNAL_ERRORS: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorPublic, "description": "The journal's database failed"},
}


class FormInvalid(InvalidParameterError):
    """A form or file that does not validate: its field errors, for the page to show.

    Its message lists them (``field: why; ...``), for a page that shows one sentence.
    """

    def __init__(self, errors: Sequence[FieldErrorPublic]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = list(errors)


def status_for(exc: BaseException) -> int:
    """The HTTP status for an exception (500 for anything ditf did not raise on purpose)."""
    return next((status for kind, status in STATUSES if isinstance(exc, kind)), 500)


def message_for(exc: BaseException) -> str:
    """What the client may read about an exception: ditf's message, or a generic one.

    A journal failure gets a generic message too: ditf's names the database's path or URL.
    """
    if isinstance(exc, JournalError):
        return JOURNAL_UNAVAILABLE
    if isinstance(exc, DitfError):
        return str(exc)
    return UNREADABLE_INPUT if isinstance(exc, UNREADABLE) else UNEXPECTED


def wants_html(path: str, accept: str) -> bool:
    """Whether the caller is a browser page (API paths always get JSON)."""
    return not path.startswith("/api") and "text/html" in accept


def field_name(loc: Sequence[Any]) -> str:
    """A pydantic error location as a field path, e.g. ``axes[0].values``."""
    name = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path") else loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "request"


def field_errors(errors: Sequence[Mapping[str, Any]]) -> list[FieldErrorPublic]:
    """Pydantic's error list as field/message pairs (inputs are not echoed back)."""
    return [
        FieldErrorPublic(field=field_name(e.get("loc", ())), message=str(e.get("msg", "invalid")))
        for e in errors
    ]


def error_response(
    request: Request,
    status: int,
    detail: str,
    errors: Sequence[FieldErrorPublic] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error as JSON (:class:`ErrorPublic`) or, for a browser page, as an HTML page."""
    if wants_html(request.url.path, request.headers.get("accept", "")):
        templates = request.app.state.ditf.templates
        html = templates.get_template("error.html").render(
            status=status,
            title=TITLES.get(status, "Error"),
            detail=detail,
            errors=errors,
            active="",
        )
        return HTMLResponse(html, status_code=status, headers=headers)
    body = ErrorPublic(detail=detail, errors=list(errors))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def handle_error(request: Request, exc: Exception) -> Response:
    """The one handler of ditf's errors (and the last resort for anything else)."""
    log_error(request, exc)
    return error_response(request, status_for(exc), message_for(exc))


def log_error(request: Request, exc: BaseException) -> None:
    """Log what a client is not told: a traceback, or the journal's own message."""
    if status_for(exc) == 500:
        logger.error("Unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    elif isinstance(exc, JournalError):
        logger.error("Journal failure in %s %s: %s", request.method, request.url.path, exc)
    elif isinstance(exc, UNREADABLE) and not isinstance(exc, DitfError):
        logger.warning("Unreadable input in %s %s", request.method, request.url.path, exc_info=exc)


async def handle_validation(request: Request, exc: Exception) -> Response:
    """422 with one readable sentence and the invalid fields."""
    assert isinstance(exc, RequestValidationError)
    invalid = FormInvalid(field_errors(exc.errors()))
    return error_response(request, 422, f"Invalid request. {invalid}.", invalid.errors)


async def handle_http(request: Request, exc: Exception) -> Response:
    """Not found, method not allowed: the same shapes as every other error."""
    assert isinstance(exc, HTTPException)
    return error_response(request, exc.status_code, str(exc.detail), headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(DitfError, handle_error)
    for kind in UNREADABLE:
        app.add_exception_handler(kind, handle_error)
    app.add_exception_handler(RequestValidationError, handle_validation)
    app.add_exception_handler(HTTPException, handle_http)
