"""The counterpart page and the journal <-> plan ties: history, estimate, plan link, edits.

Issue 15 (Web) and issue 14 (Journal <-> plan): the page shows a counterpart's asks both ways
with their outcomes and the estimate of their limit next to your range; entries are edited,
back-dated and deleted with nothing lost on a bad edit; an unknown counterpart is flagged
before it is created; a plan is saved as an ask.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from test_web_api import assert_error

from ditf.plan import plan_scenario_from_mapping, scenario_with_history
from ditf.store import Journal

HTML = {"accept": "text/html"}
ASK = {"domain": "salary", "unit": "EUR", "opener": 125000.0, "fallback": 108000.0}


def journal_of(client) -> Journal:
    return client.app.state.journal


def post(browser, path: str, data: dict):
    """A browser's form post, the redirect not followed."""
    headers = {"accept": "text/html", "sec-fetch-site": "same-origin"}
    return browser.client.post(path, data={"csrf_token": browser.token, **data},
                               headers=headers, follow_redirects=False)  # fmt: skip


def words(html: str) -> str:
    """A page's text with its white space collapsed (templates wrap lines)."""
    return re.sub(r"\s+", " ", unescape(html))


def refused_plainly(journal: Journal, key: str = "acme-hr", amount: float = 108000.0) -> int:
    ask = journal.add_ask(key, domain="salary", unit="EUR", opener=None, fallback=amount,
                          technique="direct")  # fmt: skip
    journal.add_outcome(ask.id, result="refused")
    return ask.id


# The counterpart page and its API (issue 15, Web) ----------------------------------------------


def test_the_api_gives_the_history_and_the_updated_estimate(api):
    journal = journal_of(api)
    refused_plainly(journal)
    journal.add_ask("acme-hr", **ASK, asked_by="them")
    got = api.get("/api/journal/counterparts/acme-hr",
                  params={"accepts_low": 95000, "accepts_high": 120000})  # fmt: skip
    assert got.status_code == 200
    body = got.json()
    assert body["counterpart"]["key"] == "acme-hr"
    assert [a["asked_by"] for a in body["asks"]] == ["me", "them"]
    estimate = body["estimate"]
    assert estimate["prior"] == [95000, 120000] and estimate["answers"] == 1
    # The same update the planner makes (docs/journal.md): a plain no at 108,000 lowers the top.
    assert estimate["updated"][1] < 112000
    assert parse_qs(urlsplit(body["plan_url"]).query) == {
        "counterpart_id": ["acme-hr"], "domain": ["salary"], "unit": ["EUR"],
        "accepts_low": ["95000"], "accepts_high": ["120000"], "distribution": ["normal"],
    }  # fmt: skip


def test_the_estimate_is_the_planners(api):
    journal = journal_of(api)
    refused_plainly(journal)
    counterpart = {"id": "acme-hr", "accepts_low": 95000, "accepts_high": 120000}
    scenario = plan_scenario_from_mapping({
        "domain": "salary", "unit": "EUR", "target": 120000, "minimum": 107500,
        "batna": 95000, "counterpart": counterpart,
        "benchmarks": [{"name": "low", "kind": "market-low", "value": 95000},
                       {"name": "high", "kind": "market-high", "value": 120000}]})  # fmt: skip
    updated = scenario_with_history(scenario, journal.asks("acme-hr")).counterpart
    got = api.get("/api/journal/counterparts/acme-hr",
                  params={"accepts_low": 95000, "accepts_high": 120000}).json()  # fmt: skip
    assert got["estimate"]["updated"] == pytest.approx(updated.updated_range("more"))


def test_the_range_is_prefilled_from_the_amounts_asked(api):
    journal_of(api).add_ask("acme-hr", **ASK)
    estimate = api.get("/api/journal/counterparts/acme-hr").json()["estimate"]
    assert (estimate["domain"], estimate["unit"]) == ("salary", "EUR")
    assert estimate["prior"] == [97200, 138000]  # 10% beyond the fallback and the opener
    assert estimate["updated"] is None and estimate["answers"] == 0  # no outcome yet


def test_an_unknown_counterpart_is_404(api):
    assert_error(api.get("/api/journal/counterparts/nobody"), 404, "No counterpart 'nobody'")
    page = api.get("/journal/counterparts/nobody", headers=HTML)
    assert page.status_code == 404


def test_a_bad_range_is_refused(api):
    journal_of(api).add_counterpart("acme-hr")
    got = api.get("/api/journal/counterparts/acme-hr",
                  params={"accepts_low": 130000, "accepts_high": 120000})  # fmt: skip
    assert_error(got, 422, "must be below counterpart.accepts_high")


def test_the_page_shows_history_estimate_and_the_plan_link(api):
    journal = journal_of(api)
    refused_plainly(journal)
    journal.add_ask("acme-hr", **ASK, asked_by="them")
    page = api.get("/journal/counterparts/acme-hr?accepts_low=95,000&accepts_high=120k",
                   headers=HTML)  # fmt: skip
    assert page.status_code == 200
    text = words(page.text)
    assert "Their 1 recorded answer moves your range from 95,000–120,000 to" in text
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", page.text, re.S)
    assert len(rows) == 2 and ">they<" in rows[0] and ">you<" in rows[1]  # newest first
    assert "refused" in rows[1]
    link = re.search(r'id="plan-link" href="([^"]+)"', page.text)
    assert link is not None
    plan = api.get(unescape(link.group(1)), headers=HTML).text
    assert 'id="counterpart_id" name="counterpart_id"\n         value="acme-hr"' in plan
    assert 'value="95000"' in plan and 'value="120000"' in plan


def test_the_page_says_honestly_when_there_are_no_answers(api):
    journal_of(api).add_counterpart("quiet", name="Quiet Ltd")
    page = api.get("/journal/counterparts/quiet", headers=HTML)
    assert page.status_code == 200
    assert "No recorded answers from quiet in salary (EUR)" in page.text
    assert "no recorded answers</td>" in page.text
    assert 'id="no-asks"' in page.text


def test_the_page_marks_a_wrong_number(api):
    journal_of(api).add_counterpart("acme-hr")
    page = api.get("/journal/counterparts/acme-hr?accepts_low=a+lot", headers=HTML)
    assert page.status_code == 422
    assert 'id="accepts_low-error"' in page.text and 'id="estimate"' not in page.text


def test_the_plan_shows_the_updated_range_and_links_the_counterpart(browser):
    from test_web_plan import form_data  # the plan page's own form

    refused_plainly(journal_of(browser.client))
    page = browser.post_form("/plan", form_data() | {"counterpart_id": "acme-hr"})
    assert page.status_code == 200
    assert 'id="plan-counterpart"' in page.text
    assert '<a href="/journal/counterparts/acme-hr">acme-hr</a>' in page.text
    assert 'id="unknown-counterpart"' not in page.text


def test_the_plan_flags_an_unknown_counterpart(browser):
    from test_web_plan import form_data

    page = browser.post_form("/plan", form_data() | {"counterpart_id": "acme-hrr"})
    assert page.status_code == 200
    assert 'id="unknown-counterpart"' in page.text
    assert journal_of(browser.client).counterparts() == []  # planning never adds one


# Journal <-> plan (issue 14) --------------------------------------------------------------


def test_a_plan_is_saved_as_an_ask(browser):
    from test_web_plan import form_data

    journal_of(browser.client).add_counterpart("acme-hr")
    page = browser.post_form("/plan", form_data() | {"counterpart_id": "acme-hr"})
    form = re.search(r'<form method="post" action="/journal/asks" id="save-ask-form".*?</form>',
                     page.text, re.S)  # fmt: skip
    assert form is not None
    fields = dict(re.findall(r'name="(\w+)"\s+value="([^"]*)"', form.group(0)))
    fields.pop("csrf_token")
    fields["asked_on"] = "2024-05-01"
    saved = post(browser, "/journal/asks", fields)
    assert saved.status_code == 303
    (ask,) = journal_of(browser.client).asks("acme-hr")
    assert ask.technique == "door-in-the-face" and ask.fallback == float(fields["fallback"])
    assert ask.opener == float(fields["opener"]) and ask.asked_by == "me"
    assert ask.asked_at == datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_an_unknown_counterpart_is_flagged_before_it_is_added(browser):
    journal = journal_of(browser.client)
    journal.add_counterpart("acme-hr")
    form = {"counterpart": "acme-hrr", "domain": "salary", "unit": "EUR", "opener": "125,000",
            "fallback": "108000"}  # fmt: skip
    flagged = post(browser, "/journal/asks", form)
    assert flagged.status_code == 422
    assert "No counterpart 'acme-hrr' in the journal yet. Did you mean 'acme-hr'?" in unescape(
        flagged.text
    )
    assert 'id="confirm-new"' in flagged.text and 'value="125,000"' in flagged.text
    assert journal.asks() == [] and [c.key for c in journal.counterparts()] == ["acme-hr"]
    added = post(browser, "/journal/asks", form | {"confirm_new": "on"})
    assert added.status_code == 303
    assert [a.counterpart for a in journal.asks()] == ["acme-hrr"]


def test_an_ask_is_edited_and_back_dated_from_its_page(browser):
    journal = journal_of(browser.client)
    ask = journal.add_ask("acme-hr", **ASK)
    page = browser.client.get(f"/journal/asks/{ask.id}/edit", headers=HTML)
    assert page.status_code == 200 and 'value="125000"' in page.text
    form = {"domain": "salary", "unit": "EUR", "technique": "door-in-the-face",
            "opener": "126,000", "fallback": "108000", "delay_hours": "0", "scenario": "",
            "asked_on": "2024-05-01", "asked_by": "me"}  # fmt: skip
    changed = post(browser, f"/journal/asks/{ask.id}/edit", form)
    assert changed.status_code == 303 and "added=ask-changed" in changed.headers["location"]
    (now,) = journal.asks()
    assert now.opener == 126000 and now.asked_at == datetime(2024, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"fallback": "126000"}, "must differ from the fallback"),
        ({"fallback": "a lot"}, "&#39;a lot&#39; is not a number"),
        ({"asked_on": "May 1st"}, "must be a date written YYYY-MM-DD"),
        ({"technique": "foot-in-the-door", "opener": ""}, "A foot-in-the-door ask needs an opener"),
    ],
)
def test_a_bad_edit_keeps_the_ask_and_the_typed_values(browser, change, fragment):
    journal = journal_of(browser.client)
    ask = journal.add_ask("acme-hr", **ASK | {"opener": 126000.0})
    journal.add_outcome(ask.id, result="refused")
    before = journal.export()
    form = {
        "domain": "salary",
        "unit": "EUR",
        "technique": "door-in-the-face",
        "opener": "126000",
        "fallback": "108000",
        "delay_hours": "0",
        "asked_by": "me",
    }
    page = post(browser, f"/journal/asks/{ask.id}/edit", form | change)  # fmt: skip
    assert page.status_code == 422
    assert fragment in page.text
    assert journal.export() == before


@pytest.mark.parametrize("technique", ["door-in-the-face", "foot-in-the-door", "direct"])
def test_an_emptied_opener_makes_the_ask_direct(browser, technique):
    """As the label says ("empty for a direct ask"), whatever technique the ask had."""
    journal = journal_of(browser.client)
    stored = "foot-in-the-door" if technique == "direct" else technique
    ask = journal.add_ask("acme-hr", **ASK | {"technique": stored})
    # The form shows the stored technique; "direct" is chosen on purpose.
    form = {"domain": "salary", "unit": "EUR", "technique": technique, "opener": "",
            "fallback": "108000", "delay_hours": "0", "asked_by": "me"}  # fmt: skip
    changed = post(browser, f"/journal/asks/{ask.id}/edit", form)
    assert changed.status_code == 303, words(changed.text)
    (now,) = journal.asks()
    assert (now.technique, now.opener, now.fallback) == ("direct", None, 108000.0)


def test_a_technique_changed_to_one_with_an_opener_asks_for_it_at_the_opener(browser):
    journal = journal_of(browser.client)
    ask = journal.add_ask("acme-hr", **ASK)
    before = journal.export()
    form = {"domain": "salary", "unit": "EUR", "technique": "foot-in-the-door", "opener": "",
            "fallback": "108000"}  # fmt: skip
    page = post(browser, f"/journal/asks/{ask.id}/edit", form)
    assert page.status_code == 422
    error = re.search(r'<small class="field-error" id="opener-error">([^<]*)</small>', page.text)
    assert error and words(error.group(1)) == (
        "A foot-in-the-door ask needs an opener, the first amount you asked for: enter it, or "
        "leave the opener empty and choose the technique direct."
    )
    assert "Journal.update_ask" not in page.text
    assert journal.export() == before


def test_deleting_an_ask_needs_the_box_and_takes_its_outcome(browser):
    journal = journal_of(browser.client)
    ask_id = refused_plainly(journal)
    kept = post(browser, f"/journal/asks/{ask_id}/delete", {})
    assert kept.status_code == 422 and "nothing was deleted" in kept.text
    assert len(journal.asks()) == 1
    gone = post(browser, f"/journal/asks/{ask_id}/delete", {"confirm": "on"})
    assert gone.status_code == 303
    assert journal.asks() == [] and journal.export()["outcomes"] == []
    notice = browser.client.get(gone.headers["location"], headers=HTML).text
    assert f"Ask {ask_id} deleted, with its outcome." in notice


def test_an_outcome_is_deleted_and_the_ask_reopens(browser):
    journal = journal_of(browser.client)
    ask_id = refused_plainly(journal)
    reopened = post(browser, f"/journal/asks/{ask_id}/outcome/delete", {})
    assert reopened.status_code == 303
    assert journal.asks()[0].outcome is None


def test_a_counterpart_with_asks_is_not_deleted_from_its_page(browser):
    journal = journal_of(browser.client)
    refused_plainly(journal)
    page = post(browser, "/journal/counterparts/acme-hr/delete", {})
    assert page.status_code == 422
    assert "has 1 ask(s) recorded" in page.text
    assert len(journal.asks()) == 1
    journal.add_counterpart("empty")
    gone = post(browser, "/journal/counterparts/empty/delete", {})
    assert gone.status_code == 303 and journal.get_counterpart("empty") is None


def test_a_deleted_counterpart_is_not_shown_on_the_journal_page(browser):
    journal = journal_of(browser.client)
    journal.add_counterpart("acme-hr")
    journal.add_counterpart("gone")
    done = post(browser, "/journal/counterparts/gone/delete", {})
    assert done.status_code == 303
    query = parse_qs(urlsplit(done.headers["location"]).query)
    assert urlsplit(done.headers["location"]).path == "/journal"
    assert "counterpart" not in query and query["deleted"] == ["gone"]
    page = browser.client.get(done.headers["location"], headers=HTML).text
    assert "Counterpart gone deleted." in page
    assert 'id="history"' not in page and "Asks to gone" not in words(page)
    assert re.search(r'id="ask-counterpart" name="counterpart" value=""', page)  # not prefilled
    assert [c.key for c in journal.counterparts()] == ["acme-hr"]


def test_a_counterpart_is_renamed_from_its_page(browser):
    journal = journal_of(browser.client)
    journal.add_counterpart("acme-hr", name="Acme")
    done = post(browser, "/journal/counterparts/acme-hr/edit",
                             {"name": "Acme HR", "notes": "Dana"})  # fmt: skip
    assert done.status_code == 303
    assert (journal.get_counterpart("acme-hr").name, journal.get_counterpart("acme-hr").notes) == (
        "Acme HR", "Dana")  # fmt: skip


def test_the_api_edits_and_deletes(api):
    journal = journal_of(api)
    ask_id = refused_plainly(journal)
    changed = api.patch(
        f"/api/journal/asks/{ask_id}",
        json={"asked_at": "2024-05-01T10:00:00+02:00", "fallback": 107000},
    )
    assert changed.status_code == 200, changed.text  # fmt: skip
    assert changed.json()["asked_at"] == "2024-05-01T08:00:00+00:00"
    assert changed.json()["fallback"] == 107000 and changed.json()["outcome"]["result"] == "refused"
    before = journal.export()
    assert_error(api.patch(f"/api/journal/asks/{ask_id}", json={"opener": 107000,
                                                               "technique": "door-in-the-face"}),
                 422, "must differ from the fallback")  # fmt: skip
    assert journal.export() == before
    assert_error(api.delete("/api/journal/counterparts/acme-hr"), 422, "has 1 ask(s)")
    assert api.delete(f"/api/journal/asks/{ask_id}/outcome").json()["result"] == "refused"
    assert api.delete(f"/api/journal/asks/{ask_id}").json()["id"] == ask_id
    assert_error(api.delete(f"/api/journal/asks/{ask_id}"), 422, "the id of an ask")
    renamed = api.patch("/api/journal/counterparts/acme-hr", json={"name": "Acme HR"})
    assert renamed.json()["name"] == "Acme HR"
    assert api.delete("/api/journal/counterparts/acme-hr").json()["key"] == "acme-hr"
    assert journal.counterparts() == []


def test_deleting_an_answer_changes_the_plan(api):
    """The web planner's caches follow edits: a deleted outcome plans with your range again."""
    from test_web_plan import SALARY

    ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "fallback": 108000}
    ask_id = api.post("/api/journal/asks", json=ask).json()["id"]
    api.post("/api/journal/outcomes", json={"ask_id": ask_id, "result": "refused"})
    assert api.post("/api/plan", json=SALARY).json()["counterpart"]["answers"] == 1
    assert api.delete(f"/api/journal/asks/{ask_id}/outcome").status_code == 200
    assert api.post("/api/plan", json=SALARY).json()["counterpart"]["updated"] is None


def test_more_edit_paths(browser, api):
    journal = journal_of(browser.client)
    assert browser.client.get("/journal/asks/99/edit", headers=HTML).status_code == 404
    ask = journal.add_ask("acme-hr", **ASK, asked_at=datetime(2024, 5, 1, 9, 30, tzinfo=UTC))
    form = {"domain": "salary", "unit": "EUR", "technique": "door-in-the-face",
            "opener": "125000", "fallback": "107000", "asked_on": "2024-05-01"}  # fmt: skip
    assert post(browser, f"/journal/asks/{ask.id}/edit", form).status_code == 303
    assert journal.asks()[0].asked_at == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)  # same day
    reopened = post(browser, f"/journal/asks/{ask.id}/outcome/delete", {})
    assert reopened.status_code == 422 and "has none yet" in reopened.text
    bad_day = post(
        browser,
        "/journal/asks",
        {
            "counterpart": "acme-hr",
            "domain": "salary",
            "unit": "EUR",
            "fallback": "1",
            "asked_on": "x",
        },
    )
    assert bad_day.status_code == 422 and 'id="asked_on-error"' in bad_day.text  # fmt: skip
    long_name = post(browser, "/journal/counterparts/acme-hr/edit", {"name": "x" * 201})
    assert long_name.status_code == 422 and "name" in long_name.text
    other = journal_of(api).add_ask("acme-hr", **ASK)
    direct = api.patch(f"/api/journal/asks/{other.id}", json={"technique": "direct"})
    assert (direct.json()["technique"], direct.json()["opener"]) == ("direct", None)
