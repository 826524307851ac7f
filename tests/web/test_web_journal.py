"""The journal: the API and the page store what ``ditf.store`` stores; bad input loses nothing."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta

import pytest
from test_web_api import assert_error
from test_web_pages import alerts
from web_helpers import SMALL

from ditf.store import Journal
from ditf.web._routes._journal import AHEAD

HTML = {"accept": "text/html"}
ASK = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "opener": 125000,
       "fallback": 108000}  # fmt: skip


def journal_of(client) -> Journal:
    return client.app.state.journal


def test_counterparts_are_added_and_listed(api):
    assert api.get("/api/journal/counterparts").json() == []
    added = api.post("/api/journal/counterparts",
                     json={"key": "acme-hr", "name": "Acme HR", "notes": "Dana"})  # fmt: skip
    assert added.status_code == 201
    stored = journal_of(api).get_counterpart("acme-hr")
    assert added.json() == stored.to_dict()
    assert api.get("/api/journal/counterparts").json() == [stored.to_dict()]


def test_asks_and_outcomes_match_the_journal(api):
    ask = api.post("/api/journal/asks", json=ASK)
    assert ask.status_code == 201
    assert ask.json()["technique"] == "door-in-the-face" and ask.json()["outcome"] is None
    direct = api.post(
        "/api/journal/asks",
        json=ASK
        | {"opener": None, "counterpart": "other", "asked_at": "2024-06-01T10:00:00+02:00"},
    )
    assert direct.json()["technique"] == "direct"
    assert direct.json()["asked_at"] == "2024-06-01T08:00:00+00:00"
    outcome = api.post(
        "/api/journal/outcomes", json={"ask_id": ask.json()["id"], "result": "accepted-fallback"}
    )
    assert outcome.status_code == 201
    assert outcome.json()["value"] == 108000
    records = journal_of(api).asks()
    assert api.get("/api/journal/asks").json() == [r.to_dict() for r in records]
    mine = api.get("/api/journal/asks", params={"counterpart": "acme-hr"}).json()
    assert mine == [journal_of(api).asks("acme-hr")[0].to_dict()]
    assert api.get("/api/journal/asks", params={"counterpart": "nobody"}).json() == []


def test_the_export_is_the_journals(api):
    api.post("/api/journal/asks", json=ASK)
    api.post("/api/train/round", json={"trainee": "ann", "scenario": "salary-beginner",
                                       "seed": 1, "fallback": 52000})  # fmt: skip
    got = api.get("/api/journal/export").json()
    assert got == journal_of(api).export()
    assert len(got["asks"]) == 1 and len(got["training_rounds"]) == 1


def test_the_journal_persists_across_apps(make_client, tmp_path):
    settings = dataclasses.replace(SMALL, db_url=str(tmp_path / "kept.sqlite"))
    first = make_client(settings)
    first.post("/api/journal/asks", json=ASK)
    first.__exit__(None, None, None)  # the server stops
    again = make_client(settings)
    assert [a["fallback"] for a in again.get("/api/journal/asks").json()] == [108000]


@pytest.mark.parametrize(
    ("path", "body", "status", "fragments"),
    [
        ("/api/journal/counterparts", {"key": "acme-hr"}, 422, ["must be new"]),
        ("/api/journal/counterparts", {"key": " padded"}, 422, ["key", "should match pattern"]),
        ("/api/journal/counterparts", {"key": ""}, 422, ["key", "at least 1 character"]),
        ("/api/journal/asks", ASK | {"fallback": -1}, 422, ["fallback", "greater than 0"]),
        ("/api/journal/asks", ASK | {"opener": 108000}, 422, ["'opener'", "must differ"]),
        ("/api/journal/asks", ASK | {"technique": "direct"}, 422, ["'opener'", "direct ask"]),
        ("/api/journal/asks", ASK | {"technique": "lowball"}, 422, ["technique"]),
        ("/api/journal/asks", ASK | {"asked_at": "2024-06-01T10:00"}, 422,
         ["asked_at", "timezone"]),
        ("/api/journal/asks", {k: v for k, v in ASK.items() if k != "unit"}, 422,
         ["unit", "Field required"]),
        ("/api/journal/outcomes", {"ask_id": 1, "result": "refused"}, 422,
         ["'ask_id'", "without an outcome"]),
        ("/api/journal/outcomes", {"ask_id": 99, "result": "refused"}, 422,
         ["'ask_id'", "the id of an ask"]),
        ("/api/journal/outcomes", {"ask_id": 1, "result": "maybe"}, 422, ["result"]),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_stored_is_lost(api, path, body, status, fragments):
    api.post("/api/journal/counterparts", json={"key": "acme-hr", "name": "Acme HR"})
    ask = api.post("/api/journal/asks", json=ASK).json()
    api.post("/api/journal/outcomes", json={"ask_id": ask["id"], "result": "refused"})
    before = api.get("/api/journal/export").json()
    assert_error(api.post(path, json=body), status, *fragments)
    assert api.get("/api/journal/export").json() == before


def test_a_failing_database_is_503(make_client, tmp_path):
    folder = tmp_path / "journal-folder"
    client = make_client(dataclasses.replace(SMALL, db_url=str(folder / "journal.sqlite")))
    folder.write_text("a file where the journal's folder should be (made after the start)")
    error = assert_error(client.post("/api/journal/asks", json=ASK), 503)
    assert "journal's database failed" in error["detail"]
    assert "journal-folder" not in error["detail"]  # the path is in the log only
    assert_error(client.post("/api/plan", json={}), 422)  # the rest of the app still answers


def test_the_journal_needs_the_lifespan(tmp_path):
    from web_helpers import BASE, TestClient

    from ditf.web import create_app

    app = create_app(dataclasses.replace(SMALL, db_url=str(tmp_path / "j.sqlite")))
    client = TestClient(app, base_url=BASE)  # no `with`: the lifespan never runs
    assert_error(client.get("/api/journal/counterparts"), 503, "journal's database failed")


# pages ----------------------------------------------------------------------------------------


def test_the_page_lists_counterparts_and_asks(api):
    api.post("/api/journal/counterparts", json={"key": "acme-hr", "name": "Acme HR"})
    api.post("/api/journal/asks", json=ASK)
    api.post("/api/journal/asks", json=ASK | {"counterpart": "bright", "unit": "USD"})
    page = api.get("/journal", headers=HTML).text
    # The counterparts table and the ask link to the counterpart's page.
    assert page.count('<a href="/journal/counterparts/acme-hr">') == 2
    assert "Acme HR" in page and "bright" in page
    assert re.search(r'<option value="1"[^>]*>1: acme-hr, 108,000 EUR</option>', page)
    mine = api.get("/journal?counterpart=acme-hr", headers=HTML).text
    assert 'id="prior-retreats">1<' in mine and "USD" not in mine.split('id="asks"')[1]


def test_forms_add_and_redirect(browser):
    added = browser.post_form("/journal/counterparts", {"key": "acme-hr", "name": "Acme"})
    assert added.status_code == 200  # followed the redirect
    assert "Counterpart acme-hr added." in added.text
    form = {
        "counterpart": "acme-hr",
        "domain": "salary",
        "unit": "EUR",
        "technique": "",
        "opener": "125000",
        "fallback": "108000",
        "delay_hours": "0",
        "scenario": "",
    }
    answer = browser.client.post(
        "/journal/asks", data={"csrf_token": browser.token, **form},
        headers={"accept": "text/html", "sec-fetch-site": "same-origin"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == "/journal?counterpart=acme-hr&added=ask&ask=1"
    shown = browser.client.get(answer.headers["location"], headers=HTML).text
    assert "Ask 1 added." in shown and 'id="prior-retreats">1<' in shown
    recorded = browser.post_form("/journal/outcomes", {"ask_id": "1", "result": "refused"})
    assert "Outcome of ask 1 recorded." in recorded.text
    assert "(every ask has its outcome)" in recorded.text


@pytest.mark.parametrize(
    ("path", "data", "fragment"),
    [
        ("/journal/counterparts", {"key": ""}, "key"),
        ("/journal/counterparts", {"key": "acme-hr"}, "must be new"),
        ("/journal/asks", {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR",
                           "fallback": "lots"}, "fallback"),
        ("/journal/asks", {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR",
                           "opener": "5", "fallback": "5"}, "must differ"),
        ("/journal/outcomes", {"ask_id": "", "result": "refused"}, "ask_id"),
        ("/journal/outcomes", {"ask_id": "1", "result": "refused"}, "without an outcome"),
    ],
)  # fmt: skip
def test_forms_with_mistakes_keep_the_journal_and_the_values(browser, path, data, fragment):
    browser.post_form("/journal/counterparts", {"key": "acme-hr"})
    ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "fallback": "9"}
    browser.post_form("/journal/asks", ask)
    browser.post_form("/journal/outcomes", {"ask_id": "1", "result": "refused"})
    before = browser.client.get("/api/journal/export").json()
    page = browser.post_form(path, data)
    assert page.status_code == 422
    assert fragment in alerts(page.text)[0]
    for value in data.values():
        if value not in ("", "salary", "refused", "1"):
            assert f'value="{value}"' in page.text
    assert browser.client.get("/api/journal/export").json() == before


def test_an_unknown_notice_is_not_shown(api):
    page = api.get("/journal?added=ask&ask=x&counterpart=<b>", headers=HTML).text
    assert 'id="notice"' not in page
    page = api.get("/journal?added=counterpart&counterpart=<b>", headers=HTML).text
    assert "Counterpart &lt;b&gt; added." in page


# refused outcomes and future asks ---------------------------------------------------------------


@pytest.mark.parametrize("result", ["refused", "walked-away"])
def test_an_outcome_that_agreed_to_nothing_takes_no_amount_in_the_api(api, result):
    ask_id = api.post("/api/journal/asks", json=ASK).json()["id"]
    before = api.get("/api/journal/export").json()
    body = {"ask_id": ask_id, "result": result, "value": 105000}
    error = assert_error(api.post("/api/journal/outcomes", json=body), 422,
                         f"a {result} ask has no agreed amount")  # fmt: skip
    assert [e["field"] for e in error["errors"]] == ["value"]
    assert api.get("/api/journal/export").json() == before
    accepted = {"ask_id": ask_id, "result": "accepted-fallback", "value": 105000}
    assert api.post("/api/journal/outcomes", json=accepted).json()["value"] == 105000


def test_the_outcome_form_says_a_refused_ask_has_no_amount_at_the_value(browser):
    journal = journal_of(browser.client)
    ask = journal.add_ask("acme-hr", **{k: v for k, v in ASK.items() if k != "counterpart"})
    before = journal.export()
    form = {"ask_id": str(ask.id), "result": "refused", "value": "105,000"}
    page = browser.post_form("/journal/outcomes", form)
    assert page.status_code == 422
    error = re.search(r'<small class="field-error" id="value-error">([^<]*)</small>', page.text)
    assert error and "a refused ask has no agreed amount" in error.group(1)
    assert 'value="105,000"' in page.text  # what was typed stays
    assert journal.export() == before


def test_an_ask_dated_in_the_future_is_refused_by_the_api(api):
    before = api.get("/api/journal/export").json()
    future = ASK | {"asked_at": "2031-01-01T00:00:00+00:00"}
    assert_error(api.post("/api/journal/asks", json=future), 422,
                 "'asked_at' parameter of Journal.add_ask must not lie in the future")  # fmt: skip
    assert api.get("/api/journal/export").json() == before
    ask_id = api.post("/api/journal/asks", json=ASK).json()["id"]
    before = api.get("/api/journal/export").json()
    moved = api.patch(f"/api/journal/asks/{ask_id}", json={"asked_at": "2031-01-01T00:00Z"})
    assert_error(moved, 422, "'asked_at' parameter of Journal.update_ask must not lie in the")
    assert api.get("/api/journal/export").json() == before


def test_the_ask_form_refuses_a_day_ahead_and_dates_today_now(browser):
    journal = journal_of(browser.client)
    form = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "fallback": "108000",
            "confirm_new": "on"}  # fmt: skip
    ahead = browser.post_form("/journal/asks", form | {"asked_on": "2031-01-01"})
    assert ahead.status_code == 422
    error = re.search(r'<small class="field-error" id="asked_on-error">([^<]*)</small>',
                      ahead.text)  # fmt: skip
    assert error and "2031-01-01 is in the future" in error.group(1)
    assert journal.asks() == []
    start = datetime.now(UTC)
    today = browser.post_form("/journal/asks", form | {"asked_on": start.date().isoformat()})
    assert today.status_code == 200  # the redirect, followed
    (ask,) = journal.asks()
    assert start <= ask.asked_at <= datetime.now(UTC)  # now, not noon (maybe hours ahead)
    # Someone east of UTC: their today is up to 14 h ahead of UTC's; the day after is not.
    east = (datetime.now(UTC) + AHEAD).date()
    assert (
        browser.post_form("/journal/asks", form | {"asked_on": east.isoformat()}).status_code == 200
    )
    beyond = (east + timedelta(days=1)).isoformat()
    assert browser.post_form("/journal/asks", form | {"asked_on": beyond}).status_code == 422
    assert len(journal.asks()) == 2
    past = browser.post_form("/journal/asks", form | {"asked_on": "2024-05-01"})
    assert past.status_code == 200
    assert journal.asks()[0].asked_at == datetime(2024, 5, 1, 12, tzinfo=UTC)  # noon
