"""The shapes every route shares: a JSON operation's declaration, and a form's answer.

A JSON operation documents its resource's tag and the error responses it may give; an
:class:`Api` says them once per resource. A form's route parses the form, calls the library,
and answers with the result, a redirect (Post/Redirect/Get) or the page with what to fix:
:func:`answer` is that shape, :func:`page` the page it shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from fastapi.types import DecoratedCallable

from ditf._errors import DitfError
from ditf.web._errors import FormInvalid, message_for, status_for
from ditf.web._pages import render

#: A page to answer with: ``await show(status_code=..., **context)`` renders it.
Show = Callable[..., Awaitable[Response]]
#: A form's work: what the page adds, or a response of its own (see :func:`answer`).
Work = Callable[[], Awaitable[Mapping[str, Any] | Response]]
#: Documented error responses by status.
Responses = dict[int | str, dict[str, Any]]


class Api:
    """One resource's JSON operations: its tag and the errors they document, said once.

    Parameters
    ----------
    router : APIRouter
        The resource's router.
    tag : str
        The OpenAPI tag of its operations.
    responses : dict
        The error responses every operation of the resource documents.
    """

    def __init__(self, router: APIRouter, tag: str, responses: Responses) -> None:
        self.router = router
        self.tag = tag
        self.responses = responses

    def route(
        self,
        method: str,
        path: str,
        summary: str,
        *,
        responses: Responses | None = None,
        **options: Any,
    ) -> Callable[[DecoratedCallable], DecoratedCallable]:
        """Declare an operation: ``method`` on ``path``, with its summary and extra errors."""
        return self.router.api_route(
            path,
            methods=[method],
            tags=[self.tag],
            summary=summary,
            responses=self.responses | (responses or {}),
            **options,
        )


def page(request: Request, template: str, **context: Any) -> Show:
    """The page ``template`` with ``context``, and whatever an answer adds to it."""

    async def show(status_code: int = 200, **more: Any) -> Response:
        return render(request, template, status_code=status_code, **(context | more))

    return show


async def answer(
    show: Show, work: Callable[[], Awaitable[Mapping[str, Any] | Response]]
) -> Response:
    """The shape of every form's route: do the work, then show the result or what to fix.

    ``work`` parses the form (:func:`~ditf.web._pages.parse_form`), calls the library, and
    returns what the page adds (its result, a chart) or a response of its own: a redirect
    after a write, so that reloading never writes twice (Post/Redirect/Get). A form that does
    not validate shows its fields' errors (422); a refusal shows ditf's message, with its
    status.
    """
    try:
        done = await work()
    except FormInvalid as exc:
        return await show(status_code=422, errors=exc.errors)
    except DitfError as exc:
        return await show(status_code=status_for(exc), error=message_for(exc))
    return done if isinstance(done, Response) else await show(**done)
