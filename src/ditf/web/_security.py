"""Request security: who may call, from where, with how much, and the headers every answer has.

One ASGI middleware, in this order:

1. **Host.** Bound to loopback, the app answers only requests addressed to ``localhost``,
   ``127.0.0.1`` or ``[::1]``: a page on another site that re-points its own name at
   127.0.0.1 (DNS rebinding) is refused.
2. **Token.** With a token set (required away from loopback), every request but ``/healthz``
   and ``/static/`` needs ``Authorization: Bearer TOKEN`` or the session cookie that visiting
   ``/?token=TOKEN`` sets (the token is then dropped from the address by a redirect).
3. **Cross-site posting.** A request that changes state (not GET/HEAD/OPTIONS) is refused if
   the browser says it comes from another site (``Sec-Fetch-Site``) or another origin
   (``Origin``). If it comes from a browser at all (those headers, ditf's cookies, or a form
   encoding that any site can post), it must carry the CSRF token tied to the browser's
   ``ditf_csrf`` cookie: a form field ``csrf_token`` or an ``X-CSRF-Token`` header.
4. **Size.** Request bodies over ``Settings.web_max_upload_bytes`` get 413 before any work.
5. **Headers.** A strict Content-Security-Policy (scripts from the app's own files only, no
   inline script), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, a
   same-origin referrer policy, and ``Cache-Control: no-store`` on everything but static files.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request, cookie_parser
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ditf._errors import InvalidParameterError
from ditf.settings import Settings
from ditf.web._errors import error_response, handle_error

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Encodings an HTML form on any site can post without asking the app first (no preflight).
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"})
CSRF_COOKIE = "ditf_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
TOKEN_COOKIE = "ditf_token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Paths that need no token: a health probe and the (public) stylesheet and script.
PUBLIC_PREFIXES = ("/healthz", "/static/")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
_NONCE = re.compile(r"[A-Za-z0-9_-]{43}")


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address, IPv6 with or without brackets) is loopback.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("[::1]"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> None:
    """Refuse settings that would serve the app beyond this machine without a token.

    Raises
    ------
    InvalidParameterError
        If ``settings.host`` is not a loopback address and no token is set.
    """
    if settings.token is None and not is_loopback(settings.host):
        raise InvalidParameterError(
            f"Refusing to serve on {settings.host}: away from loopback (127.0.0.1) anyone who "
            "can reach that address could use the app, so it needs a token. Set DITF_TOKEN "
            "(or --token) to a secret of at least 16 characters, or bind to 127.0.0.1."
        )


def host_name(host_header: str) -> str:
    """The name in a ``Host`` header, without the port (``[::1]:8000`` gives ``::1``)."""
    if host_header.startswith("["):
        return host_header[1 : host_header.find("]")].lower()
    return host_header.rsplit(":", 1)[0].lower() if host_header.count(":") == 1 else host_header


def sign(secret: bytes, value: str) -> str:
    """HMAC-SHA256 of ``value`` under ``secret``, as hex."""
    return hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()


def session_value(token: str) -> str:
    """The session cookie's value for a token: derived from it, so the cookie never holds it."""
    return sign(token.encode(), "ditf web session")


class Refusal(Exception):
    """A request the middleware answers itself, with a status and a readable reason."""

    def __init__(self, status: int, detail: str, headers: Mapping[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers


def _cookie(name: str, value: str, scope: Scope) -> str:
    secure = "; Secure" if scope.get("scheme") == "https" else ""
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}"


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the app the body already read, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class SecurityMiddleware:
    """The app's request guard (see the module docstring for what it checks).

    Parameters
    ----------
    app : ASGI app
        The app to guard.
    settings : Settings
        ``host``, ``token`` and ``web_max_upload_bytes`` are used.
    secret : bytes
        Key of the CSRF tokens (random per app, so tokens do not outlive the process).
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, secret: bytes) -> None:
        self.app = app
        self.token = settings.token
        self.session = None if settings.token is None else session_value(settings.token)
        self.loopback = is_loopback(settings.host)
        self.max_body = settings.web_max_upload_bytes
        self.secret = secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = cookie_parser(headers.get("cookie", ""))
        nonce = cookies.get(CSRF_COOKIE, "")
        fresh = None
        if not _NONCE.fullmatch(nonce):
            # A browser without the cookie gets one with the page it loads; a request that
            # changes state without it is refused below, so it needs none.
            fresh = secrets.token_urlsafe(32) if scope["method"] in SAFE_METHODS else None
            nonce = fresh or ""
        scope.setdefault("state", {})["csrf_token"] = sign(self.secret, nonce) if nonce else ""
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                self._add_headers(message, scope, fresh)
            await send(message)

        try:
            self._check_host(headers)
            login = self._login(scope)
            if login is not None:
                await login(scope, receive, guarded_send)
                return
            bearer = self._check_token(scope, headers, cookies)
            if scope["method"] not in SAFE_METHODS:
                receive = await self._check_unsafe(scope, receive, headers, cookies, bearer)
        except Refusal as refusal:
            response = error_response(
                Request(scope), refusal.status, refusal.detail, headers=refusal.headers
            )
            await response(scope, receive, guarded_send)
            return
        try:
            await self.app(scope, receive, guarded_send)
        except Exception as exc:
            if started:
                raise
            response = await handle_error(Request(scope), exc)
            await response(scope, receive, guarded_send)

    # -- the checks, in order --------------------------------------------------------------

    def _check_host(self, headers: Headers) -> None:
        if not self.loopback:
            return
        host = headers.get("host", "")
        if not is_loopback(host_name(host)):
            raise Refusal(
                400,
                f"This ditf server answers only requests addressed to localhost or 127.0.0.1; "
                f"this one was addressed to {host!r}. (It guards a server without a token "
                "against DNS rebinding.) To serve other names, bind another address with a "
                "token.",
            )

    def _login(self, scope: Scope) -> Response | None:
        """``GET /?token=...`` with the right token: set the session cookie and redirect."""
        if self.token is None or self.session is None or scope["method"] != "GET":
            return None
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.pop("token", None)
        if given is None:
            return None
        if not hmac.compare_digest(given[-1].encode(), self.token.encode()):
            raise Refusal(401, "Wrong token.", {"WWW-Authenticate": "Bearer"})
        rest = urlencode(query, doseq=True)
        # The redirect drops the token from the address bar and the browser's history.
        response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
        response.headers.append("Set-Cookie", _cookie(TOKEN_COOKIE, self.session, scope))
        return response

    def _check_token(self, scope: Scope, headers: Headers, cookies: dict[str, str]) -> bool:
        """Whether a valid bearer token came with the request; refuse if a token is missing."""
        if self.token is None or self.session is None:
            return False
        scheme, _, value = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            value.strip().encode(), self.token.encode()
        ):
            return True
        session = cookies.get(TOKEN_COOKIE, "")
        if hmac.compare_digest(session.encode(), self.session.encode()):
            return False
        if scope["path"].startswith(PUBLIC_PREFIXES):
            return False
        raise Refusal(
            401,
            "This ditf server needs its token. In a browser, open /?token=TOKEN once; from a "
            "program, send the header 'Authorization: Bearer TOKEN'.",
            {"WWW-Authenticate": "Bearer"},
        )

    async def _check_unsafe(
        self,
        scope: Scope,
        receive: Receive,
        headers: Headers,
        cookies: dict[str, str],
        bearer: bool,
    ) -> Receive:
        """Refuse cross-site and oversized requests; check the CSRF token of browser ones."""
        site = headers.get("sec-fetch-site")
        if site is not None and site not in ("same-origin", "none"):
            raise Refusal(403, f"Cross-site request refused (Sec-Fetch-Site: {site}).")
        origin = headers.get("origin")
        host = headers.get("host", "").lower()
        if origin is not None and urlsplit(origin).netloc.lower() != host:
            raise Refusal(403, f"Cross-origin request refused (Origin: {origin}).")
        body = await self._read_body(receive, headers)
        kind = headers.get("content-type", "").partition(";")[0].strip().lower()
        from_browser = (
            site is not None
            or origin is not None
            or CSRF_COOKIE in cookies
            or TOKEN_COOKIE in cookies
            or kind in FORM_TYPES
        )
        if from_browser and not bearer:
            given = headers.get(CSRF_HEADER) or await self._form_token(scope, body, kind, receive)
            nonce = cookies.get(CSRF_COOKIE, "")
            if not _NONCE.fullmatch(nonce) or not given:
                raise Refusal(
                    403,
                    "The form is missing its security token or cookie. Reload the page and "
                    "submit it again (cookies must be enabled).",
                )
            if not hmac.compare_digest(given.encode(), sign(self.secret, nonce).encode()):
                raise Refusal(
                    403,
                    "The form's security token does not match (the page may be from before a "
                    "server restart). Reload the page and submit it again.",
                )
        return _replay(body, receive)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytes:
        limit = f"the limit of {self.max_body:,} bytes (DITF_WEB_MAX_UPLOAD_BYTES)"
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body:
            raise Refusal(413, f"The request body has {int(declared):,} bytes, over {limit}.")
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refusal(400, "The client disconnected before sending the whole request.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise Refusal(413, f"The request body is over {limit}.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _form_token(scope: Scope, body: bytes, kind: str, receive: Receive) -> str | None:
        """The ``csrf_token`` field of a url-encoded or multipart form body, if any."""
        if kind == "application/x-www-form-urlencoded":
            values = parse_qs(body.decode("utf-8", "replace")).get(CSRF_FIELD)
            return values[-1] if values else None
        if kind != "multipart/form-data":
            return None
        request = Request(scope, _replay(body, receive))
        try:
            form = await request.form()
        except (HTTPException, MultiPartException):
            return None
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()

    def _add_headers(self, message: Message, scope: Scope, fresh: str | None) -> None:
        headers = MutableHeaders(scope=message)
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if not scope["path"].startswith("/static/"):
            headers.setdefault("Cache-Control", "no-store")
        if fresh is not None and headers.get("content-type", "").startswith("text/html"):
            headers.append("Set-Cookie", _cookie(CSRF_COOKIE, fresh, scope))
