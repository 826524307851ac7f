"""``ditf serve``: refuses unsafe settings with one line, and really serves on loopback."""

from __future__ import annotations

import gc
import logging
import os
import socket
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner
from web_helpers import TOKEN, csrf_of, free_port

from ditf.cli import app
from ditf.cli._serve import _HideToken, worker_app

SERVE = "from ditf.cli import main; main()"


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["serve", *args], env={"COLUMNS": "80", **(env or {})})


def assert_refused(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert fragment in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_serve_refuses_a_public_address_without_a_token():
    assert_refused(invoke("--host", "0.0.0.0"), "Refusing to serve on 0.0.0.0")
    env = {"DITF_HOST": "192.168.0.9"}
    assert_refused(invoke(env=env), "Refusing to serve on 192.168.0.9")


def test_serve_rejects_bad_options(tmp_path):
    assert_refused(invoke("--port", "70000"), "'port' parameter of Settings")
    assert_refused(invoke("--workers", "0"), "'workers' parameter of Settings")
    assert_refused(invoke("--db", "nosuchdb://x/y"), "unknown database 'nosuchdb'")
    assert_refused(invoke("--host", "0.0.0.0", "--token", "short"), "at least 16 characters")
    assert_refused(invoke(env={"DITF_PORT": "x"}), "DITF_PORT must be a positive integer")


def test_serve_help_names_the_options():
    result = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for option in ("--host", "--port", "--token", "--db", "--workers"):
        assert option in result.output


def _wait_for(url: str, process: subprocess.Popen, **kwargs) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, timeout=2, **kwargs)
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_starts_uvicorn_and_answers(tmp_path):
    port = free_port()
    env = {**os.environ, "DITF_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait_for(f"{base}/healthz", process).json() == {"status": "ok"}
        assert httpx.get(f"{base}/api/evidence", timeout=10).status_code == 401
        headers = {"authorization": f"Bearer {TOKEN}"}
        answer = httpx.post(f"{base}/api/predict", json={}, headers=headers, timeout=10)
        assert answer.status_code == 200
        assert 0 < answer.json()["p_sequence"] < 1
        signed_in = httpx.get(f"{base}/?token={TOKEN}", timeout=10)
        assert signed_in.status_code == 303
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert f"ditf web app on http://127.0.0.1:{port}/" in output
    assert "A token is required" in output
    assert "GET /?token=*** HTTP/1.1" in output  # the access log hides it
    assert TOKEN not in output


def test_the_access_log_filter_blanks_tokens():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None
    )
    record.args = ("127.0.0.1:5", "GET", f"/predict?x=1&token={TOKEN}&y=2", "1.1", 303)
    assert _HideToken().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /predict?x=1&token=***&y=2 HTTP/1.1" 303'
    plain = logging.LogRecord("x", logging.INFO, __file__, 1, "no args", None, None)
    assert _HideToken().filter(plain)
    assert plain.getMessage() == "no args"


def test_several_processes_share_one_csrf_key(tmp_path):
    port = free_port()
    env = {**os.environ, "DITF_DB": str(tmp_path / "journal.sqlite")}
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        assert _wait_for(f"{base}/healthz", process).json() == {"status": "ok"}
        page = httpx.get(f"{base}/journal", headers={"accept": "text/html"}, timeout=10)
        token = csrf_of(page.text)
        cookies = {"ditf_csrf": page.cookies["ditf_csrf"]}
        answers = []
        for i in range(8):  # a new connection each time: both processes answer some
            form = {"csrf_token": token, "key": f"k{i}"}
            answer = httpx.post(f"{base}/journal/counterparts", data=form, cookies=cookies,
                                headers={"sec-fetch-site": "same-origin"}, timeout=10)  # fmt: skip
            answers.append(answer.status_code)
        assert answers == [303] * 8
        keys = [c["key"] for c in httpx.get(f"{base}/api/journal/counterparts").json()]
        assert keys == [f"k{i}" for i in range(8)]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert f"ditf web app on http://127.0.0.1:{port}/ in 2 processes" in output
    assert output.count("Application startup complete") == 2


def test_a_worker_process_builds_its_app_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DITF_DB", str(tmp_path / "journal.sqlite"))
    monkeypatch.setenv("DITF_WORKERS", "2")
    monkeypatch.setenv("DITF_WEB_SECRET", "w" * 32)
    access = logging.getLogger("uvicorn.access")
    filters = list(access.filters)
    try:
        app = worker_app()
        assert app.state.ditf.settings.workers == 2
        assert app.state.ditf.settings.db_url == str(tmp_path / "journal.sqlite")
        assert any(isinstance(f, _HideToken) for f in access.filters)
    finally:
        gc.unfreeze()  # worker_app froze this test process's objects
        access.filters[:] = filters


def test_several_processes_need_a_free_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = invoke("--port", port, "--workers", "2", env={"DITF_DB": "sqlite://"})
    assert_refused(result, f"Cannot listen on 127.0.0.1 port {port}")
