"""The web app command: serve."""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import re
import secrets
import socket
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote_plus

import typer

from ditf._errors import InvalidParameterError, MissingDependencyError
from ditf.cli._app import app, out, reported
from ditf.model import load_model
from ditf.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI


class _HideToken(logging.Filter):
    """Blank the token in access-log lines (a browser signs in with ``/?token=...``).

    A query key is compared after percent-decoding (repeatedly, so ``%2574oken`` counts too)
    and case-folding: ``?%74oken=...`` signs in as well as ``?token=...`` does, and both are
    logged as ``token=***``. With the server's ``token`` given, any line that holds it in any
    of those spellings is blanked from its query on, whatever the key.
    """

    _query = re.compile(r"\?[^\s]*")

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.hide(a) if isinstance(a, str) else a for a in record.args)
        return True

    def hide(self, text: str) -> str:
        """``text`` with every token-like query value replaced by ``***``."""
        text = self._query.sub(lambda m: "?" + self._hide_query(m.group()[1:]), text)
        if self._token and self._token in _decoded(text):
            path, mark, _ = text.partition("?")
            return ("/***" if self._token in _decoded(path) else path) + (mark and "?***")
        return text

    def _hide_query(self, query: str) -> str:
        pairs = []
        for pair in re.split(r"([&;])", query):
            key, equals, _ = pair.partition("=")
            hidden = equals and _decoded(key).strip().casefold() == "token"
            pairs.append(f"{key}=***" if hidden else pair)
        return "".join(pairs)


def _decoded(text: str) -> str:
    """``text`` percent-decoded (``+`` as a space) until it no longer changes."""
    for _ in range(5):
        decoded = unquote_plus(text)
        if decoded == text:
            break
        text = decoded
    return text


@app.command("serve")
def serve_command(
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default 127.0.0.1; env DITF_HOST).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000; env DITF_PORT).")] = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Secret every request must carry; required away from loopback. Prefer the "
            "env DITF_TOKEN (a command line is visible to other users).",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Journal: a SQLAlchemy URL or a SQLite file (env DITF_DB)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Server processes (default 1; env DITF_WORKERS). Each answers requests and "
            "runs the model on its share of the cores, with its own cache of results.",
        ),
    ] = None,
) -> None:
    """Start the web app (pages and JSON API) with uvicorn."""
    with reported():
        given: dict[str, Any] = {
            "host": host, "port": port, "token": token, "db_url": db, "workers": workers,
        }  # fmt: skip
        settings = dataclasses.replace(
            Settings.from_env(), **{k: v for k, v in given.items() if v is not None}
        )
        try:
            import uvicorn

            from ditf.store import open_journal
            from ditf.web import create_app
        except ImportError as exc:  # pragma: no cover - only without the web extra
            raise MissingDependencyError(
                f"ditf serve needs the web extra ({exc.name} is missing): pip install 'ditf[web]'"
            ) from exc
        # A journal the app could not use fails here, with one line, before anything listens.
        open_journal(settings.db_url).close()
        if settings.workers > 1:
            # The processes share one CSRF key, so a form from one is accepted by another.
            secret = settings.web_secret or secrets.token_urlsafe(32)
            settings = dataclasses.replace(settings, web_secret=secret)
            config = uvicorn.Config(
                f"{__name__}:worker_app", factory=True, host=settings.host,
                port=settings.port, workers=settings.workers, log_level="info",
            )  # fmt: skip
            listening = _listen(settings)
        else:
            web_app = create_app(settings)
            load_model()
            config = uvicorn.Config(
                web_app, host=settings.host, port=settings.port, log_level="info"
            )
    _announce(settings)
    if settings.workers > 1:
        # The workers are new processes that read their settings from the environment.
        os.environ.update(settings.to_env())
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[listening]).run()
        return
    _settle(settings.token)
    uvicorn.Server(config).run()


def _listen(settings: Settings) -> socket.socket:
    """The socket every worker process accepts connections on.

    Made with ``IPPROTO_TCP``: asyncio turns Nagle's algorithm off (``TCP_NODELAY``) only on
    connections accepted from such a socket. uvicorn's own (protocol 0) leaves it on, and a
    worker's answers then wait for the client's delayed ACK, some 40 ms each.

    Raises
    ------
    InvalidParameterError
        If the address cannot be bound (in use, not this machine's).
    """
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((settings.host, settings.port))
    except OSError as exc:
        listening.close()
        raise InvalidParameterError(
            f"Cannot listen on {settings.host} port {settings.port}: {exc.strerror}. Choose "
            "another --port (or stop what uses it), or an address of this machine."
        ) from None
    listening.set_inheritable(True)
    return listening


def _settle(token: str | None) -> None:
    """Hide tokens in the access log and freeze what is loaded; call once the app is loaded.

    uvicorn sets up its loggers when its config is made; only then can the filter be added.
    Everything the server needs is imported and loaded by now: some 150,000 long-lived objects
    (numpy, scipy, pandas, the app). Freezing them keeps the cyclic garbage collector from
    re-scanning them in every full collection, a pause of tens of milliseconds that would
    otherwise land on whichever requests are in flight (the p99 of the load benchmark).
    """
    logging.getLogger("uvicorn.access").addFilter(_HideToken(token))
    gc.collect()
    gc.freeze()


def _announce(settings: Settings) -> None:
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    processes = f" in {settings.workers} processes" if settings.workers > 1 else ""
    out.print(f"ditf web app on http://{shown}:{settings.port}/{processes} (Ctrl+C stops it)")
    if settings.token is not None:
        out.print("A token is required: open /?token=TOKEN once in the browser.")


def worker_app() -> FastAPI:
    """The app of one of ``ditf serve --workers N``'s processes, from the ``DITF_*`` variables."""
    from ditf.web import create_app

    settings = Settings.from_env()
    web_app = create_app(settings)
    load_model()
    _settle(settings.token)
    return web_app
