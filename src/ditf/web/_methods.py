"""HEAD and OPTIONS for every route, and a true ``Allow`` header on 405 answers.

FastAPI registers a GET route for GET only, and when two routes share a path (the journal's
collections take GET and POST) a 405 lists the methods of the first one alone. This
middleware answers ``HEAD`` like ``GET`` without the body, ``OPTIONS`` with 204 and the
methods every route of the path takes, and gives 405 answers that same ``Allow`` list.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Methods every path that takes GET also takes.
ALWAYS = ("HEAD", "OPTIONS")
#: Methods a route may declare.
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> set[str]:
    """The methods the routes matching ``scope``'s path take (empty: no route has the path).

    Each method is tried against the routes as the router would (routers may be nested).
    """
    methods = {
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] == Match.FULL for route in routes)
    }
    if len(methods) == len(METHODS):
        methods = {"GET"}  # a mount (the static files) matches any method, and serves GET
    if "GET" in methods:
        methods.update(ALWAYS)
    elif methods:
        methods.add("OPTIONS")
    return methods


class MethodsMiddleware:
    """HEAD as GET without a body, OPTIONS with ``Allow``, and ``Allow`` on every 405.

    Parameters
    ----------
    app : ASGI app
        The app to wrap.
    router : Router
        The app's router, whose routes say which methods a path takes.
    """

    def __init__(self, app: ASGIApp, *, router: Router) -> None:
        self.app = app
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        allowed = allowed_methods(self.router.routes, scope)
        allow = ", ".join(sorted(allowed))
        if method == "OPTIONS" and allowed:
            await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
            return
        head = method == "HEAD" and "GET" in allowed
        if head:
            scope = {**scope, "method": "GET"}

        async def send_fixed(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405 and allow:
                MutableHeaders(scope=message)["Allow"] = allow
            if head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, send_fixed)
