"""Security: exposure needs a token, cross-site posting is refused, headers, sizes, errors."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from web_helpers import BASE, SMALL, TOKEN, csrf_of

from ditf._errors import (
    BackendError,
    DataError,
    DitfError,
    InvalidParameterError,
    JournalError,
    MissingDependencyError,
    PlanRejected,
)
from ditf.web import create_app
from ditf.web._errors import JOURNAL_UNAVAILABLE, UNEXPECTED, field_name, status_for
from ditf.web._security import (
    CONTENT_SECURITY_POLICY,
    SECURITY_HEADERS,
    check_exposure,
    host_name,
    is_loopback,
)

EXPOSED = dataclasses.replace(SMALL, host="0.0.0.0", token=TOKEN)
HTML = {"accept": "text/html"}


# exposure and token ---------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org", "::"])
def test_the_app_refuses_to_start_away_from_loopback_without_a_token(host):
    with pytest.raises(InvalidParameterError, match=f"Refusing to serve on {host}.*DITF_TOKEN"):
        create_app(dataclasses.replace(SMALL, host=host))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_token(host):
    check_exposure(dataclasses.replace(SMALL, host=host))


def test_loopback_names():
    assert [is_loopback(h) for h in ("LOCALHOST", "[::1]", "10.0.0.1", "not a host")] == [
        True, True, False, False,
    ]  # fmt: skip
    assert [host_name(h) for h in ("127.0.0.1:8000", "[::1]:80", "localhost", "::1")] == [
        "127.0.0.1", "::1", "localhost", "::1",
    ]  # fmt: skip


def test_a_token_is_required_when_exposed(make_client):
    client = make_client(EXPOSED, follow_redirects=False)
    refused = client.post("/api/predict", json={})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer TOKEN" in refused.json()["detail"]
    wrong = client.post("/api/predict", json={}, headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    ok = client.post("/api/predict", json={}, headers={"authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert client.get("/healthz").status_code == 200  # probes need no token
    assert client.get("/static/ditf.css").status_code == 200


def test_a_browser_signs_in_with_the_token_in_the_address(make_client):
    client = make_client(EXPOSED, follow_redirects=False)
    page = client.get("/predict", headers=HTML)
    assert page.status_code == 401
    assert 'name="token"' in page.text  # the sign-in form
    assert client.get("/?token=wrong-token-but-long-enough").status_code == 401
    signed_in = client.get(f"/predict?token={TOKEN}&x=1")
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/predict?x=1"
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert TOKEN not in cookie  # the cookie holds a value derived from the token
    assert client.get("/predict", headers=HTML).status_code == 200


def test_a_token_on_loopback_is_enforced_too(make_client):
    client = make_client(dataclasses.replace(SMALL, token=TOKEN))
    assert client.get("/api/evidence").status_code == 401


def test_settings_repr_hides_the_token():
    assert TOKEN not in repr(EXPOSED)


# host header ----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "10.0.0.1"])
def test_loopback_servers_refuse_other_host_names(api, host):
    response = api.get("/api/evidence", headers={"host": host})
    assert response.status_code == 400
    assert "DNS rebinding" in response.json()["detail"]


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1", "[::1]:8000"])
def test_loopback_names_are_accepted(api, host):
    assert api.get("/healthz", headers={"host": host}).status_code == 200


def test_an_exposed_server_accepts_any_host(make_client):
    client = make_client(EXPOSED)
    headers = {"host": "ditf.example.org", "authorization": f"Bearer {TOKEN}"}
    assert client.get("/healthz", headers=headers).status_code == 200


# cross-site posting ---------------------------------------------------------------------------


def test_same_origin_forms_with_the_token_pass(browser):
    response = browser.post_form("/predict", {"baseline": "0.2"}, origin=BASE)
    assert response.status_code == 200


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_cross_site_posts_are_refused_even_with_a_token(browser, site):
    response = browser.post_form("/predict", {"baseline": "0.2"}, **{"sec-fetch-site": site})
    assert response.status_code == 403
    assert "Cross-site request refused" in response.text


def test_cross_origin_posts_are_refused(browser):
    for origin in ("http://evil.example", "null", "http://127.0.0.1:9999"):
        response = browser.post_form("/predict", {}, origin=origin)
        assert response.status_code == 403
        assert "Cross-origin request refused" in response.text


def test_forms_without_the_token_are_refused(make_client):
    client = make_client()
    client.get("/predict", headers=HTML)  # has the cookie, but the form has no token
    response = client.post("/predict", data={"baseline": "0.2"}, headers=HTML)
    assert response.status_code == 403
    assert "missing its security token" in response.text


def test_a_token_from_another_cookie_is_refused(make_client, browser):
    other = make_client()
    other.get("/predict", headers=HTML)  # a different browser: its own cookie
    response = other.post("/predict", data={"csrf_token": browser.token}, headers=HTML)
    assert response.status_code == 403
    assert "does not match" in response.text


def test_a_form_posted_with_no_cookie_is_refused(api):
    # A cross-site page can make a browser post a form without the app's cookie.
    response = api.post("/predict", data={"csrf_token": "0" * 64, "baseline": "0.2"})
    assert response.status_code == 403


def test_multipart_forms_carry_the_token(browser):
    csv = b"condition,n,yes\na,10,2\nb,10,5\n"
    files = {"file": ("t.csv", csv, "text/csv")}
    assert browser.post_form("/study/analyze", {}, files=files).status_code == 200
    browser.token = "0" * 64
    assert browser.post_form("/study/analyze", {}, files=files).status_code == 403


def test_text_plain_posts_need_the_header_token(api):
    response = api.post(
        "/api/predict", content=b"{}", headers={"content-type": "text/plain", **HTML}
    )
    assert response.status_code == 403


def test_browser_json_calls_send_the_token_as_a_header(browser):
    client = browser.client
    denied = client.post("/api/predict", json={})
    assert denied.status_code == 403  # the cookie marks it as a browser call
    allowed = client.post("/api/predict", json={}, headers={"x-csrf-token": browser.token})
    assert allowed.status_code == 200


def test_programs_posting_json_need_no_csrf_token(api):
    assert api.post("/api/predict", json={}).status_code == 200
    assert "set-cookie" not in api.post("/api/predict", json={}).headers


def test_bearer_requests_skip_the_csrf_token(make_client):
    client = make_client(EXPOSED)
    headers = {"authorization": f"Bearer {TOKEN}", **HTML}
    response = client.post("/predict", data={"baseline": "0.2"}, headers=headers)
    assert response.status_code == 200
    assert "P(yes) to the target" in response.text


def test_the_csrf_cookie_is_strict_and_only_set_on_pages(api):
    page = api.get("/predict", headers=HTML)
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("ditf_csrf=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert csrf_of(page.text)
    again = api.get("/predict", headers=HTML)
    assert "set-cookie" not in again.headers  # kept, not rotated on every page
    assert csrf_of(again.text) == csrf_of(page.text)


# size -----------------------------------------------------------------------------------------


def test_oversized_bodies_are_refused_before_any_work(api):
    big = {"csv": "condition,n,yes\n" + "a,1,1\n" * 5000}
    response = api.post("/api/study/analyze", json=big)
    assert response.status_code == 413
    assert "DITF_WEB_MAX_UPLOAD_BYTES" in response.json()["detail"]


def test_oversized_streamed_bodies_are_refused(api):
    def chunks():
        for _ in range(30):
            yield b"x" * 1000

    response = api.post(
        "/api/predict", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_oversized_uploads_from_the_page(browser):
    files = {"file": ("big.csv", b"condition,outcome\n" + b"a,1\n" * 6000, "text/csv")}
    response = browser.post_form("/study/analyze", {}, files=files)
    assert response.status_code == 413
    assert "Too large" in response.text


# headers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/predict", "/api/evidence", "/healthz", "/nowhere"])
def test_security_headers_on_every_response(api, path):
    response = api.get(path, headers=HTML)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["cache-control"] == "no-store"


def test_static_files_are_cacheable_and_guarded(api):
    response = api.get("/static/ditf.js")
    assert response.status_code == 200
    assert "cache-control" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_the_policy_allows_no_inline_script():
    policy = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert policy["script-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"


def test_pages_have_no_inline_script_or_style(api):
    pages = ("/", "/predict", "/simulate", "/evidence", "/study", "/docs", "/plan", "/journal",
             "/train", "/defend", "/train/play?trainee=a&role=target")  # fmt: skip
    for path in pages:
        html = api.get(path, headers=HTML).text
        for tag in html.split("<script")[1:]:
            assert tag.startswith((' src="/static/', ' type="application/json"')), tag[:60]
        assert "style=" not in html and "<style" not in html
        assert " on" + "click=" not in html.lower()


# errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidParameterError("x"), 422),
        (DataError("x"), 400),
        (PlanRejected("x"), 409),
        (JournalError("x"), 503),
        (MissingDependencyError("x"), 400),
        (BackendError("x"), 400),
        (DitfError("x"), 400),
        (RuntimeError("x"), 500),
        (KeyError("x"), 500),
    ],
)
def test_one_table_maps_errors_to_statuses(make_client, error, status):
    client = make_client()

    @client.app.get("/api/raise")
    async def raise_it() -> None:
        raise error

    response = client.get("/api/raise")
    assert response.status_code == status
    assert "Traceback" not in response.text
    assert status_for(error) == status
    detail = response.json()["detail"]
    shown = {500: UNEXPECTED, 503: JOURNAL_UNAVAILABLE}
    assert detail == shown.get(status, "x")
    assert response.headers["x-frame-options"] == "DENY"


def test_unexpected_errors_are_logged_not_shown(make_client, caplog):
    client = make_client()

    @client.app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    with caplog.at_level(logging.ERROR, logger="ditf.web"):
        response = client.get("/boom", headers=HTML)
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "Server error" in response.text  # an HTML page for a browser
    assert "secret internals" in caplog.text


def test_field_names_are_readable():
    assert field_name(("body", "axes", 0, "values")) == "axes[0].values"
    assert field_name(("query", "x")) == "x"
    assert field_name(()) == "request"
