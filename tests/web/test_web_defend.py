"""Defend: the API and the page give what ``ditf.defend`` gives, the journal's episodes included."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from test_web_api import assert_error, jsonable
from test_web_pages import alerts, chart_spec

from ditf.defend import Episode, defence_report, defend, defend_case_from_mapping
from ditf.web._routes._defend import EXAMPLE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "defend"
HTML = {"accept": "text/html"}
PATTERNS = {
    "honest_retreat": "door-in-the-face",
    "theatrical_opener": "door-in-the-face",
    "foot_in_the_door": "foot-in-the-door",
    "repeated_retreat": "repeated-retreat",
}


def case(name: str) -> dict:
    return tomllib.loads((EXAMPLES / f"{name}.toml").read_text())


def post(client, body: dict):
    # TOML dates become datetimes; JSON carries them as ISO 8601 text.
    payload = json.dumps(body, default=lambda d: d.isoformat())
    return client.post("/api/defend", content=payload,
                       headers={"content-type": "application/json"})  # fmt: skip


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_example_is_defended_as_the_library_does(api, name):
    got = post(api, case(name))
    assert got.status_code == 200
    expected = defence_report(defend(defend_case_from_mapping(case(name))))
    body = got.json()
    assert body["pattern"] == PATTERNS[name]
    journal = {"episodes": 0, "other_units": 0} if expected["counterpart"] else None
    assert body == jsonable(expected) | {"journal": journal}
    if body["below_minimum"]:
        assert body["verdict"] == "decline" and body["may_accept"] is False


def test_the_journal_adds_earlier_episodes(api):
    body = case("honest_retreat") | {"counterpart": "vendor-x"}
    unit = body["unit"]
    for opener, fallback in ((15000, 12000), (14800, 11900)):
        ask = {"counterpart": "vendor-x", "domain": "procurement", "unit": unit,
               "opener": opener, "fallback": fallback, "asked_by": "them"}  # fmt: skip
        api.post("/api/journal/asks", json=ask)
    api.post("/api/journal/asks", json=ask | {"unit": "USD"})
    # Your own ask to them is the technique the other way round, as ``ditf defend --db`` reads.
    api.post("/api/journal/asks", json=ask | {"asked_by": "me"})
    got = post(api, body).json()
    assert got["journal"] == {"episodes": 2, "other_units": 1}
    past = [Episode.from_ask(opener=o, fallback=f, requester="vendor-x")
            for o, f in ((15000, 12000), (14800, 11900))]  # fmt: skip
    expected = defence_report(defend(defend_case_from_mapping(body), past_episodes=past))
    assert got["pattern"] == expected["pattern"] == "repeated-retreat"
    assert got["recognition"]["prior_retreats"] == 2


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({"domain": "cooking"}, ["domain"]),
        ({"requests": []}, ["requests", "at least 1 item"]),
        ({"minimum": -1}, ["minimum"]),
        ({"alone_answer": "perhaps"}, ["alone_answer"]),
        ({"benchmarks": [{"name": "a", "kind": "market-high", "value": 1},
                         {"name": "b", "kind": "market-low", "value": 2}]},
         ["benchmarks", "order"]),
        ({"minimum": 13000}, ["minimum (13000) is worse for you than batna"]),
    ],
)  # fmt: skip
def test_bad_cases_are_422_naming_the_field(api, changes, fragments):
    assert_error(post(api, case("honest_retreat") | changes), 422, *fragments)


def test_the_page_defends_the_example_at_each_depth(browser):
    page = browser.client.get("/defend", headers=HTML).text
    assert "Software rollout quote" in page
    expected = defence_report(defend(defend_case_from_mapping(tomllib.loads(EXAMPLE))))
    shown = browser.post_form("/defend", {"case": EXAMPLE, "depth": "advanced"}).text
    assert f'id="pattern">{expected["pattern"]}<' in shown
    assert 'id="p-after"' in shown and 'id="recognition"' in shown
    spec = chart_spec(shown, "chart-defend-mechanisms")
    assert [100 * i["value"] for i in spec["items"]] == pytest.approx(
        [m["points"] for m in expected["mechanisms"]]
    )
    beginner = browser.post_form("/defend", {"case": EXAMPLE, "depth": "beginner"}).text
    assert 'id="reply"' in beginner and 'id="p-after"' not in beginner


def test_the_page_takes_an_uploaded_file(browser):
    files = {"file": ("case.toml", (EXAMPLES / "foot_in_the_door.toml").read_bytes(), "text/plain")}
    shown = browser.post_form("/defend", {"case": ""}, files=files)
    assert shown.status_code == 200
    assert 'id="pattern">foot-in-the-door<' in shown.text
    assert "Street party" in shown.text  # the file's text fills the form


@pytest.mark.parametrize(
    ("text", "status", "fragment"),
    [
        ("minimum = ", 400, "case.toml is not valid TOML"),
        ('{"domain": "salary"}', 422, "minimum"),
        (EXAMPLE.replace("amount = 11500", "amount = -1"), 422, "requests[1].amount"),
    ],
)
def test_the_page_says_what_is_wrong(browser, text, status, fragment):
    page = browser.post_form("/defend", {"case": text})
    assert page.status_code == status
    assert fragment in alerts(page.text)[0]
