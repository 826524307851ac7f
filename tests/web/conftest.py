"""Web app fixtures: in-process clients on fresh apps, and a live uvicorn server.

Skipped as a whole without the web extra (a core-only install); everything else is real.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra: pip install 'ditf[web]'")

from web_helpers import (
    BASE,
    SMALL,
    Browserish,
    LiveServer,
    TestClient,
    csrf_of,
    start_server,
    with_db,
)

from ditf.settings import Settings
from ditf.web import create_app


@pytest.fixture
def make_client(tmp_path):
    """``make_client(settings)``: a TestClient (lifespan run) on a fresh app; closed after.

    Unless ``settings`` names a journal, each client has its own, in a temporary folder.
    """
    clients: list[TestClient] = []

    def make(settings: Settings = SMALL, **kwargs) -> TestClient:
        folder = tmp_path / f"client-{len(clients)}"
        folder.mkdir()
        client = TestClient(create_app(with_db(settings, folder)), base_url=BASE, **kwargs)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def api(make_client) -> TestClient:
    """A program's client: JSON, no cookies, no browser headers."""
    return make_client()


@pytest.fixture
def browser(make_client) -> Browserish:
    """A browser-like client that has loaded a page with a form (cookie and CSRF token)."""
    client = make_client()
    page = client.get("/predict", headers={"accept": "text/html"})
    assert page.status_code == 200
    return Browserish(client, csrf_of(page.text))


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = start_server(SMALL)
    yield server
    server.stop()
