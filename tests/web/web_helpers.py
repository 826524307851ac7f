"""Shared pieces of the web tests: settings, a browser-like client, a live uvicorn server.

A module with a name of its own (test files import it; ``conftest`` is for fixtures only).
The app is always the real one from ``create_app``; the live server runs uvicorn in a thread
(so coverage sees it), bound to 127.0.0.1 on a free port, with small caps so tests stay fast.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import socket
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from ditf.settings import Settings
from ditf.web import create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for the httpx2 package in its test client and warns once, at import,
    # when it falls back to httpx (which works the same); the warning is not about ditf.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

#: Loopback, as a browser addresses it; the app refuses other Host headers without a token.
BASE = "http://127.0.0.1:8000"
CHROMIUM = "/usr/bin/chromium"
TOKEN = "a-test-token-that-is-long-enough"
#: Caps small enough that no test waits long, and that the cap tests can exceed them. Its
#: journal is the default one: clients and servers get a temporary file instead (``with_db``).
SMALL = Settings(
    web_max_population=50_000,
    web_max_sweep_runs=12,
    web_max_responses=5_000_000,
    web_max_studies=2_000,
    web_max_upload_bytes=20_000,
)


def with_db(settings: Settings, folder: Path) -> Settings:
    """``settings`` with a journal file in ``folder`` unless it names one: tests never touch
    the user's journal."""
    if settings.db_url is not None:
        return settings
    return dataclasses.replace(settings, db_url=str(folder / "journal.sqlite"))


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@dataclass
class Browserish:
    """A TestClient that behaves like a browser tab: it loaded a page, has the cookie and token."""

    client: TestClient
    token: str

    def post_form(self, path: str, data: dict, files: dict | None = None, **headers: str):
        body = {"csrf_token": self.token, **data}
        hdrs = {"accept": "text/html", "sec-fetch-site": "same-origin", **headers}
        return self.client.post(path, data=body, files=files, headers=hdrs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread
    folder: Path

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(settings: Settings) -> LiveServer:
    """uvicorn serving a fresh app (own temporary journal) on 127.0.0.1 in a thread.

    Returns once it accepts connections.
    """
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="ditf-web-"))
    config = uvicorn.Config(
        create_app(with_db(settings, folder)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws="none",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return LiveServer(f"http://127.0.0.1:{port}", server, thread, folder)
