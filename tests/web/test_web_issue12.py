"""Regression tests for issue 12's web items: journal at start, token in the log, the schema."""

from __future__ import annotations

import logging
import os

from test_web_serve import assert_refused, invoke

from ditf.cli._serve import _HideToken
from ditf.settings import Settings
from ditf.web import create_app

TOKEN = "a-test-token-that-is-long-enough"


def test_serve_refuses_a_journal_it_could_not_use(tmp_path, monkeypatch):
    not_a_db = tmp_path / "notes.sqlite"
    not_a_db.write_text("not a database\n")
    assert_refused(invoke("--db", str(not_a_db)), "file is not a database")
    assert_refused(invoke("--db", str(tmp_path)), "unable to open database file")
    assert_refused(invoke("--db", str(not_a_db / "j.sqlite")), "is not a folder")
    unreachable = "postgresql+psycopg://user:secret@127.0.0.1:1/db"
    result = invoke("--db", unreachable)
    assert_refused(result, "could not be reached" if "reached" in result.stderr else "port 1")
    assert "secret" not in result.stderr
    # Read-only: root writes anyway, so the test plays an unprivileged user.
    journal = tmp_path / "ro" / "journal.sqlite"
    journal.parent.mkdir()
    monkeypatch.setattr("os.access", lambda path, mode: False)
    assert_refused(invoke("--db", str(journal)), "cannot be written")


def test_journal_failures_never_show_the_database_path(make_client, tmp_path):
    requests = (
        ("GET", "/api/journal/counterparts", {}),
        ("POST", "/api/journal/counterparts", {"json": {"key": "acme"}}),
        ("GET", "/journal", {"headers": {"accept": "text/html"}}),
    )
    for i, (method, path, extra) in enumerate(requests):
        folder = tmp_path / f"private-folder-{i}"
        api = make_client(Settings(db_url=str(folder / "journal.sqlite")))
        folder.mkdir()  # broken after the start: the start itself refuses a broken journal
        (folder / "journal.sqlite").write_text("garbage that is not sqlite\n" * 10)
        response = api.request(method, path, **extra)
        assert response.status_code == 503, response.text
        assert "private-folder" not in response.text


def test_a_percent_encoded_token_key_is_hidden_in_the_log():
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', None, None
    )
    record.args = ("127.0.0.1:5", "GET", f"/journal?%74oken={TOKEN}&x=1", "1.1", 303)
    assert _HideToken().filter(record)
    assert TOKEN not in record.getMessage()
    assert "%74oken=***&x=1" in record.getMessage()
    hide = _HideToken(TOKEN).hide
    for line in (f"/?ToKeN={TOKEN}", f"/?%2574oken={TOKEN}", f"/?x={TOKEN.replace('-', '%2D')}"):
        assert TOKEN not in hide(line) and "%2D" not in hide(line), line


def test_booleans_are_not_numbers(api):
    assert api.post("/api/predict", json={"prior_retreats": False}).status_code == 422
    assert api.post("/api/simulate", json={"seed": False, "people": 10}).status_code == 422
    assert api.post("/api/predict", json={"opener": True}).status_code == 422
    assert api.post("/api/predict", json={"prior_retreats": 1}).status_code == 200


def test_options_lists_every_method_and_head_answers_like_get(api):
    for path in ("/api/journal/counterparts", "/api/journal/asks"):
        response = api.options(path)
        assert response.status_code == 204
        assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
        assert api.put(path).headers["allow"] == "GET, HEAD, OPTIONS, POST"
    for path in ("/healthz", "/api/evidence", "/api/train/scenarios", "/"):
        got, head = api.get(path), api.head(path)
        assert head.status_code == got.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]


def test_query_enums_are_in_the_schema(api):
    assert api.get("/api/train/scenarios", params={"domain": ""}).status_code == 422
    params = api.get("/openapi.json").json()["paths"]["/api/train/scenarios"]["get"]
    schemas = {p["name"]: p["schema"] for p in params["parameters"]}
    assert "enum" in schemas["domain"]["anyOf"][0]
    assert schemas["level"]["anyOf"][0]["enum"] == ["beginner", "practitioner", "advanced"]


def test_amount_limits_come_from_the_shared_settings(api):
    schemas = api.get("/openapi.json").json()["components"]["schemas"]
    fallback = schemas["AskRequest"]["properties"]["fallback"]
    assert fallback["maximum"] == Settings().max_amount
    assert schemas["DefendRequest"]["properties"]["requests"]["maxItems"] == (
        Settings().max_requests
    )


def test_unreadable_numbers_are_the_request_s_fault(api):
    csv = "condition,n,yes\ntarget_only," + "9" * 400 + ",4\ndoor_in_the_face,24,12\n"
    response = api.post("/api/study/analyze", json={"csv": csv})
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]


def test_the_app_refuses_to_start_on_a_bad_journal(tmp_path):
    import pytest
    from web_helpers import BASE, TestClient

    from ditf._errors import JournalError

    bad = tmp_path / "bad.sqlite"
    bad.write_text("x" * 100)
    with (
        pytest.raises(JournalError),
        TestClient(create_app(Settings(db_url=str(bad))), base_url=BASE),
    ):
        pass
    assert os.path.exists(bad)
