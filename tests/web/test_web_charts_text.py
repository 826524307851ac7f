"""Charts and words fixed (issue 14, "Text and charts fixed").

Your own opener on the plan chart, drawn on the planner's curve rather than as one point; the
power chart's 80% line and its answer on the chart, with percentages in the table; the ratio
Defend reports with the reference it is measured from; no exponent numbers; no "(250).Their".
"""

from __future__ import annotations

import re
import tomllib
from html import unescape

from test_web_defend import EXAMPLES, post
from test_web_pages import chart_spec
from test_web_plan import SALARY, form_data

from ditf._text import format_amount as amount
from ditf.web._charts import plan_charts


def test_your_own_opener_is_marked_on_the_planners_curve(browser):
    page = browser.post_form("/plan", form_data(opener="120000", fallback="108000")).text
    odds = chart_spec(page, "chart-plan-odds")
    assert len(odds["series"][0]["points"]) > 1  # not the one point of the fixed opener
    labels = {m["label"]: m["x"] for m in odds["markers"]}
    assert labels["your opener"] == 120000
    assert "planner's opener" in labels and "chosen opener" not in labels
    assert "fallback 108,000 EUR" in odds["title"]
    value = chart_spec(page, "chart-plan-value")
    assert value["markers"] == odds["markers"]


def test_the_planners_opener_is_marked_as_chosen(api):
    from test_web_plan import library_report

    report = library_report(SALARY)
    odds, _ = plan_charts(report)
    assert [m["label"] for m in odds["markers"]] == ["defensible limit", "chosen opener"]


def test_the_power_chart_has_its_target_line_and_answer(browser):
    form = {"n_per_arm": "50, 200", "n_studies": "300", "target_power": "0.8",
            "prosocial": "on"}  # fmt: skip
    page = browser.post_form("/study/power", form).text
    spec = chart_spec(page, "chart-power")
    assert spec["guides"] == [{"y": 0.8, "label": "80% power"}]
    found = re.search(r'id="sample-size"><strong>([\d,]+) people', page)
    size = int(found.group(1).replace(",", ""))
    assert spec["markers"][0]["x"] == size and "80% power at" in spec["markers"][0]["label"]
    assert size in [p[0] for p in spec["series"][0]["points"]]  # the answer is on the curve
    table = re.search(r'<table class="numbers" id="power-table">.*?</table>', page, re.S).group(0)
    assert "%" in table and not re.search(r"<td>0\.\d{3}", table)  # percentages, as the axis


def test_the_power_chart_draws_80_percent_without_a_target(browser):
    page = browser.post_form("/study/power", {"n_per_arm": "50, 200", "n_studies": "300"}).text
    spec = chart_spec(page, "chart-power")
    assert spec["guides"] == [{"y": 0.8, "label": "80% power"}] and spec["markers"] == []


def test_defend_states_the_reference_of_its_cost_ratio(api):
    report = post(api, tomllib.loads((EXAMPLES / "theatrical_opener.toml").read_text())).json()
    drop = next(c for c in report["recognition"]["components"] if c["name"] == "drop")
    assert "x (ln" not in drop["detail"]
    assert re.search(r"falls [\d.]+ times \(a request's cost to you is how far it lies beyond "
                     r"[\d,.]+ \w+, your reference; ln", drop["detail"])  # fmt: skip


def test_amounts_have_no_exponent():
    assert amount(10270.3, 4) == "10,270" and amount(9489.2, 4) == "9,489"
    assert amount(1.086e4, 4) == "10,860"
    assert amount(123456789.0) == "123,457,000"


def test_the_trainer_feedback_keeps_a_space_between_sentences(browser):
    from test_web_train import hidden, start

    page = start(browser.client, trainee="spacing", level="advanced", role="target")
    form = {"trainee": "spacing", "scenario": hidden(page, "scenario"),
            "seed": hidden(page, "seed"), "level": "advanced", "domain": "",
            "decision": "decline"}  # fmt: skip
    shown = browser.post_form("/train/target", form)
    assert shown.status_code == 200
    words = " ".join(re.sub(r"<[^>]+>", " ", unescape(shown.text)).split())
    assert "Their opener's basis" in words or "They named no criterion" in words
    assert not re.search(r"\)\.(Their|They)", unescape(shown.text))
