"""The web app command: serve."""

from __future__ import annotations

import dataclasses
import gc
import logging
import re
from typing import Annotated, Any

import typer

from ditf._errors import MissingDependencyError
from ditf.cli._app import app, out, reported
from ditf.model import load_model
from ditf.settings import Settings


class _HideToken(logging.Filter):
    """Blank the token in access-log lines (a browser signs in with ``/?token=...``)."""

    _pattern = re.compile(r"([?&]token=)[^&\s]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._pattern.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        return True


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
) -> None:
    """Start the web app (pages and JSON API) with uvicorn."""
    with reported():
        given: dict[str, Any] = {"host": host, "port": port, "token": token, "db_url": db}
        settings = dataclasses.replace(
            Settings.from_env(), **{k: v for k, v in given.items() if v is not None}
        )
        try:
            import uvicorn

            from ditf.web import create_app
        except ImportError as exc:  # pragma: no cover - only without the web extra
            raise MissingDependencyError(
                f"ditf serve needs the web extra ({exc.name} is missing): pip install 'ditf[web]'"
            ) from exc
        web_app = create_app(settings)
        load_model()
        config = uvicorn.Config(web_app, host=settings.host, port=settings.port, log_level="info")
    # uvicorn set up its loggers when the config was made; only now can the filter be added.
    logging.getLogger("uvicorn.access").addFilter(_HideToken())
    # Everything the server needs is now imported and loaded: some 150,000 long-lived objects
    # (numpy, scipy, pandas, the app). Freezing them keeps the cyclic garbage collector from
    # re-scanning them in every full collection, a pause of tens of milliseconds that would
    # otherwise land on whichever requests are in flight (the p99 of the load benchmark).
    gc.collect()
    gc.freeze()
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    out.print(f"ditf web app on http://{shown}:{settings.port}/ (Ctrl+C stops it)")
    if settings.token is not None:
        out.print("A token is required: open /?token=TOKEN once in the browser.")
    uvicorn.Server(config).run()
