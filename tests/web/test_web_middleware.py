"""The security middleware driven directly over ASGI, for what HTTP clients rarely do."""

from __future__ import annotations

import json

import anyio
import pytest
from web_helpers import SMALL

from ditf.web._security import SecurityMiddleware


def scope(method: str = "POST", path: str = "/api/x", headers=()) -> dict:
    return {
        "type": "http", "method": method, "path": path, "query_string": b"",
        "scheme": "http", "server": ("127.0.0.1", 8000), "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }  # fmt: skip


def run(app, scope, messages):
    """Call ``app`` with ``messages`` as the request; return what it sent."""
    sent: list[dict] = []
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        await anyio.sleep(0)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    anyio.run(app, scope, receive, send)
    return sent


def status_and_body(sent):
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body


async def echo_twice(scope, receive, send):
    """Reads the body, then asks for more (a server answers with a disconnect)."""
    first = await receive()
    second = await receive()
    payload = json.dumps([first.get("body", b"").decode(), second["type"]]).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": payload})


def test_the_app_reads_the_replayed_body_then_the_server():
    guard = SecurityMiddleware(echo_twice, settings=SMALL, secret=b"k" * 32)
    sent = run(guard, scope(), [{"type": "http.request", "body": b'{"a": 1}'}])
    status, body = status_and_body(sent)
    assert (status, json.loads(body)) == (200, ['{"a": 1}', "http.disconnect"])
    start = sent[0]
    names = {k.decode().lower() for k, _ in start["headers"]}
    assert {"content-security-policy", "x-frame-options", "cache-control"} <= names


def test_a_client_that_leaves_mid_body_is_answered_400():
    guard = SecurityMiddleware(echo_twice, settings=SMALL, secret=b"k" * 32)
    messages = [{"type": "http.request", "body": b"{", "more_body": True},
                {"type": "http.disconnect"}]  # fmt: skip
    status, body = status_and_body(run(guard, scope(), messages))
    assert status == 400
    assert "disconnected" in json.loads(body)["detail"]


async def fails_midway(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"part", "more_body": True})
    raise RuntimeError("broken stream")


def test_an_error_after_the_answer_started_is_not_papered_over():
    guard = SecurityMiddleware(fails_midway, settings=SMALL, secret=b"k" * 32)
    with pytest.raises(RuntimeError, match="broken stream"):
        run(guard, scope("GET"), [])


async def lifespan_app(scope, receive, send):
    assert scope["type"] == "lifespan"
    await receive()
    await send({"type": "lifespan.startup.complete"})


def test_other_scopes_pass_through():
    guard = SecurityMiddleware(lifespan_app, settings=SMALL, secret=b"k" * 32)
    sent = run(guard, {"type": "lifespan"}, [{"type": "lifespan.startup"}])
    assert sent == [{"type": "lifespan.startup.complete"}]
