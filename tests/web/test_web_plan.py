"""Plan and audit: the API and the page give what ``ditf.plan`` computes, and refuse bad input."""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path

import pytest
from markupsafe import escape
from test_web_api import assert_error, jsonable
from test_web_pages import alerts, chart_spec

from ditf.plan import plan, plan_report, plan_scenario_from_mapping
from ditf.web._routes._plan import FORM_DEFAULTS, example_mapping, form_from_mapping
from ditf.web._schemas.plan import PlanPublic

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "plan"
HTML = {"accept": "text/html"}
#: The salary example of ``docs/plan.md`` (counterpart acme-hr).
SALARY = json.loads((EXAMPLES / "salary.json").read_text())


def salary(**changes) -> dict:
    body = copy.deepcopy(SALARY)
    body.update(changes)
    return body


def library_report(body: dict, prior_retreats: int = 0) -> dict:
    return plan_report(plan(plan_scenario_from_mapping(body), prior_retreats=prior_retreats))


# API ------------------------------------------------------------------------------------------


def test_plan_matches_the_library(api):
    got = api.post("/api/plan", json=SALARY)
    assert got.status_code == 200
    assert got.json() == jsonable(library_report(SALARY)) | {"depth": "advanced"}


def test_a_plan_of_your_own_asks_for_another_domain(api):
    body = tomllib.loads((EXAMPLES / "fundraising.toml").read_text())
    body |= {"opener": 500, "fallback": 50}
    got = api.post("/api/plan", json=body).json()
    expected = library_report(body)
    assert (got["opener"], got["fallback"], got["chosen_by_you"]) == (500, 50, True)
    assert got["curve"] == jsonable(expected["curve"])
    assert got["findings"] == expected["findings"]


@pytest.mark.parametrize(
    ("depth", "hidden"),
    [
        ("beginner", {"curve", "timing", "sequence", "direct", "p_yes_sequence", "contributions"}),
        ("practitioner", {"contributions"}),
    ],
)
def test_depth_leaves_out_what_it_does_not_show(api, depth, hidden):
    full = api.post("/api/plan", json=SALARY).json()
    shallow = api.post("/api/plan", json=salary(depth=depth)).json()
    assert shallow["depth"] == depth
    for key, value in shallow.items():
        if key in hidden:
            assert value is None, key
        elif key != "depth" and value is not None:
            assert value == full[key], key
    assert shallow["script"] == full["script"] and shallow["findings"] == full["findings"]


def test_plans_are_cached_and_the_journal_feeds_the_habituation(api):
    cache = api.app.state.ditf.plans
    first = api.post("/api/plan", json=SALARY).json()
    assert api.post("/api/plan", json=salary(depth="beginner")).status_code == 200
    assert (cache.misses, cache.hits) == (1, 1)  # a depth is a view of the same plan
    for opener in (125000, 124000):
        ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR",
               "opener": opener, "fallback": 108000}  # fmt: skip
        assert api.post("/api/journal/asks", json=ask).status_code == 201
    again = api.post("/api/plan", json=SALARY).json()
    assert again == jsonable(library_report(SALARY, prior_retreats=2)) | {"depth": "advanced"}
    assert (first["prior_retreats"], again["prior_retreats"]) == (0, 2)
    assert "repeated-use" in [f["id"] for f in again["findings"]]
    assert again["p_yes_sequence"] < first["p_yes_sequence"]  # the lift wears off
    anonymous = salary(counterpart={**SALARY["counterpart"], "id": ""})
    assert api.post("/api/plan", json=anonymous).json()["prior_retreats"] == 0


def test_a_recorded_refusal_updates_the_counterpart_the_web_plans_with(api):
    first = api.post("/api/plan", json=SALARY).json()
    ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "fallback": 108000}
    ask_id = api.post("/api/journal/asks", json=ask).json()["id"]
    assert api.post("/api/journal/outcomes",
                    json={"ask_id": ask_id, "result": "refused"}).status_code == 201  # fmt: skip
    again = api.post("/api/plan", json=SALARY).json()
    assert first["counterpart"]["updated"] is None and again["counterpart"]["answers"] == 1
    assert again["counterpart"]["updated"][1] < first["counterpart"]["prior"][1]
    assert again["p_fallback_alone"] < 0.5 * first["p_fallback_alone"]


def test_strict_refuses_a_blocked_plan_with_409(api):
    theatrical = salary(honesty={"honour_opener": False})
    relaxed = api.post("/api/plan", json=theatrical).json()
    assert relaxed["blocking"] is True
    error = assert_error(api.post("/api/plan", json=theatrical | {"strict": True}), 409)
    assert error["detail"].startswith("Strict mode refused the plan. theatrical-opener")
    assert api.post("/api/plan", json=SALARY | {"strict": True}).status_code == 200


def test_audit_gives_the_findings_with_their_sources(api):
    body = salary(opener=400000, delay_hours=24, explanation="")
    got = api.post("/api/audit", json=body).json()
    expected = library_report(body)
    assert got == {
        "opener": 400000.0, "fallback": expected["fallback"],
        "second_fallback": expected["second_fallback"], "blocking": expected["blocking"],
        "findings": expected["findings"],
    }  # fmt: skip
    ids = [f["id"] for f in got["findings"]]
    assert {"opener-beyond-benchmarks", "delayed-retreat", "unexplained-concession"} <= set(ids)
    assert all(f["source"] and f["rationale"] for f in got["findings"])
    clean = api.post("/api/audit", json=SALARY | {"strict": True}).json()
    assert (clean["blocking"], clean["findings"]) == (False, [])


def test_audit_strict_409(api):
    body = salary(honesty={"counterpart_vulnerable": True}, strict=True)
    assert_error(api.post("/api/audit", json=body), 409, "vulnerable-counterpart")


@pytest.mark.parametrize(
    ("changes", "fragments"),
    [
        ({"domain": "cooking"}, ["domain", "must be one of", "salary"]),
        ({"target": -5}, ["target", "greater than or equal to 0"]),
        ({"benchmarks": []}, ["benchmarks", "at least 1 item"]),
        ({"benchmarks": [{"name": "x", "kind": "guess", "value": 1}]}, ["benchmarks[0].kind"]),
        ({"counterpart": {"accepts_low": 1}}, ["counterpart.accepts_high", "Field required"]),
        ({"honesty": {"honour_opener": "perhaps"}}, ["honesty.honour_opener"]),
        ({"depth": "expert"}, ["depth"]),
        ({"colour": "red"}, ["colour", "Extra inputs are not permitted"]),
        ({"minimum": 120000}, ["minimum (120000) is above target (110000)"]),
        ({"batna": 101000}, ["minimum (100000) is worse than batna (101000)"]),
        ({"counterpart": {"accepts_low": 120000, "accepts_high": 90000}},
         ["counterpart.accepts_low (120000) must be below counterpart.accepts_high"]),
        ({"opener": 100000, "fallback": 104000}, ["opener (100,000) must ask for more"]),
    ],
)  # fmt: skip
def test_bad_scenarios_are_422_naming_the_field(api, changes, fragments):
    assert_error(api.post("/api/plan", json=salary(**changes)), 422, *fragments)


def test_market_benchmarks_out_of_order(api):
    benchmarks = copy.deepcopy(SALARY["benchmarks"])
    benchmarks[0]["value"] = 130000
    assert_error(api.post("/api/audit", json=salary(benchmarks=benchmarks)), 422,
                 "benchmarks are out of order")  # fmt: skip


def test_the_report_schema_covers_the_library_report():
    report = library_report(SALARY)
    assert set(PlanPublic.model_fields) == set(report) | {"depth"}


# pages ----------------------------------------------------------------------------------------


def form_data(**changes) -> dict:
    """The page's form as a browser posts it (the salary defaults, changed)."""
    data = {k: v for k, v in FORM_DEFAULTS.items() if not isinstance(v, bool)}
    data |= {k: "on" for k, v in FORM_DEFAULTS.items() if v is True}
    data |= {"bench_name": [*FORM_DEFAULTS["bench_name"], ""],
             "bench_kind": [*FORM_DEFAULTS["bench_kind"], "norm"],
             "bench_value": [*FORM_DEFAULTS["bench_value"], ""]}  # fmt: skip
    return data | changes


def test_the_form_starts_with_a_salary_negotiation(api):
    page = api.get("/plan", headers=HTML).text
    assert 'value="110000"' in page and 'value="salary survey, senior analyst, median"' in page
    assert page.count('name="bench_name"') == 4  # three benchmarks and an empty row
    assert "Fill in the scenario" in page
    assert re.search(r'<option value="practitioner" selected>', page)


def test_the_form_plans_at_the_chosen_depth(browser):
    page = browser.post_form("/plan", form_data(depth="advanced"))
    assert page.status_code == 200
    expected = library_report(SALARY)
    assert f'id="plan-opener">{expected["opener"]:,.6g} EUR<' in page.text
    assert f'id="plan-fallback">{expected["fallback"]:,.6g} EUR<' in page.text
    assert f"<strong>{escape(expected['headline'])}</strong>" in page.text  # the one-line answer
    for line in expected["script"]:
        assert str(escape(line)) in page.text
    odds = chart_spec(page.text, "chart-plan-odds")
    assert odds["type"] == "lines"
    assert [p[1] for p in odds["series"][0]["points"]] == [c["p_yes"] for c in expected["curve"]]
    assert [m["x"] for m in odds["markers"]] == [expected["defensible_limit"], expected["opener"]]
    value = chart_spec(page.text, "chart-plan-value")
    assert value["y_kind"] == "value" and value["y_label"] == "EUR"
    assert value["series"][1]["points"][0][1] == expected["expected_value_direct"]
    mechanisms = chart_spec(page.text, "chart-plan-mechanisms")
    assert [i["value"] for i in mechanisms["items"]] == list(expected["contributions"].values())
    assert 'id="timing-table"' in page.text and 'id="findings-table"' not in page.text
    assert "No findings." in page.text


def test_the_depth_buttons_show_more_or_less(browser):
    beginner = browser.post_form("/plan?depth=beginner", form_data(depth="advanced")).text
    assert 'id="script"' in beginner and "chart-plan-odds" not in beginner
    assert re.search(r'id="depth-beginner" aria-pressed="true"', beginner)
    practitioner = browser.post_form("/plan", form_data(explanation="")).text
    assert "chart-plan-odds" in practitioner and "chart-plan-mechanisms" not in practitioner
    assert 'id="audit-count">Audit: 1 finding(s)' in practitioner


def test_blocking_findings_show_at_every_depth(browser):
    data = form_data(depth="beginner")
    del data["honour_opener"]  # an unticked box is not sent
    page = browser.post_form("/plan", data).text
    assert "Blocking: You would not honour a yes to the opener." in page


def test_a_plain_recommendation_shows_the_plain_ask_and_saves_a_direct_ask(browser):
    data = form_data(counterpart_vulnerable="on")
    expected = library_report(salary(honesty={"counterpart_vulnerable": True}))
    assert expected["recommendation"] == "plain request"
    page = browser.post_form("/plan", data).text
    assert f'id="plan-plain-ask">{expected["plain_ask"]:,.6g} EUR<' in page
    assert str(escape(expected["script"][0])).startswith("Ask plainly: ")
    assert str(escape(expected["script"][0])) in page
    assert "The technique's asks, not recommended here:" in page
    save = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    assert save["technique"] == "direct" and save["opener"] == ""
    assert float(save["fallback"]) == expected["plain_ask"]
    assert f"Once you have asked: {expected['plain_ask']:,.6g} EUR." in page


def test_the_form_lists_what_to_fix_and_keeps_the_values(browser):
    data = form_data(target="lots", accepts_low="", bench_value=["92000", "x", "124000", ""])
    page = browser.post_form("/plan", data)
    assert page.status_code == 422
    [problems] = alerts(page.text)
    for field in ("target", "benchmarks[1].value", "counterpart.accepts_low"):
        assert field in problems
    assert 'value="lots"' in page.text and 'value="x"' in page.text


def test_the_form_shows_the_planners_objection(browser):
    page = browser.post_form("/plan", form_data(minimum="120000"))
    assert page.status_code == 422
    assert "minimum (120000) is above target (110000)" in alerts(page.text)[0]


def test_a_counterpart_id_reads_the_journal(browser):
    ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "opener": 125000,
           "fallback": 108000}  # fmt: skip
    browser.client.post("/api/journal/asks", json=ask, headers={"x-csrf-token": browser.token})
    page = browser.post_form("/plan", form_data(counterpart_id="acme-hr")).text
    assert "The journal holds 1 earlier retreat(s)" in page


def test_an_uploaded_file_is_planned_and_fills_the_form(browser):
    files = {"file": ("salary.toml", (EXAMPLES / "salary.toml").read_bytes(), "application/toml")}
    page = browser.post_form("/plan/upload", {"depth": "beginner"}, files=files)
    assert page.status_code == 200
    expected = library_report(SALARY)
    assert f'id="plan-fallback">{expected["fallback"]:,.6g} EUR<' in page.text
    assert 'value="acme-hr"' in page.text  # the form now holds the file's values
    assert "chart-plan-odds" not in page.text  # the depth chosen with the upload


@pytest.mark.parametrize(
    ("name", "content", "status", "fragment"),
    [
        (None, b"", 400, "Choose a scenario file"),
        ("s.yaml", b"domain: salary", 400, "expected a .toml or .json file"),
        ("s.toml", b"domain = ", 400, "s.toml is not valid TOML"),
        ("s.json", b"[1, 2]", 400, "the top level must be a table/object"),
        ("s.json", b"\xff\xfe", 400, "not UTF-8"),
        ("s.json", json.dumps(SALARY | {"colour": 1}).encode(), 422, "colour"),
        ("s.json", json.dumps(SALARY | {"target": "high"}).encode(), 422, "target"),
    ],
)
def test_bad_uploads_say_what_is_wrong(browser, name, content, status, fragment):
    files = None if name is None else {"file": (name, content, "application/octet-stream")}
    page = browser.post_form("/plan/upload", {}, files=files)
    assert page.status_code == status
    assert fragment in alerts(page.text)[0]


def test_a_practice_scenario_fills_the_form(api):
    page = api.get("/plan?example=procurement-practitioner", headers=HTML).text
    mapping = example_mapping("procurement-practitioner")
    assert f'value="{mapping["target"]:g}"' in page
    assert '<option value="procurement" selected>' in page
    assert api.get("/plan?example=nothing", headers=HTML).status_code == 422


def test_every_practice_scenario_is_a_valid_plan():
    from ditf.train import load_trainer_scenarios

    for s in load_trainer_scenarios():
        scenario = plan_scenario_from_mapping(example_mapping(s.id))
        assert scenario.reference == s.scenario.reference
        assert scenario.benchmarks == s.scenario.benchmarks


def test_form_values_from_a_file_with_odd_entries():
    values = form_from_mapping({"benchmarks": [{"name": "a", "value": 2.5}, "junk"],
                                "counterpart": "x", "honesty": []})  # fmt: skip
    assert values["bench_name"] == ["a"] and values["bench_value"] == ["2.5"]
    assert values["accepts_low"] == "" and values["honour_opener"] is True
    assert values["unit"] == "units" and values["retreat_by"] == "same"


def test_a_buyers_fallback_near_zero_is_422_not_a_crash(api):
    body = tomllib.loads((EXAMPLES / "procurement.toml").read_text()) | {"fallback": 1}
    assert_error(api.post("/api/plan", json=body), 422, "fallback")
