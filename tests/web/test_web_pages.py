"""Server-rendered pages: what they show, how forms answer, and how they report bad input."""

from __future__ import annotations

import html
import json
import re

import pytest

from ditf.model import Context, Sequence, predict, replicate
from ditf.web._pages import number, pct, points
from ditf.web._routes._plan import FORM_DEFAULTS

HTML = {"accept": "text/html"}


def chart_spec(page: str, chart_id: str) -> dict:
    """The JSON chart specification a page embeds for its script."""
    match = re.search(
        rf'<script type="application/json" id="{chart_id}">(.*?)</script>', page, re.S
    )
    assert match, f"no chart {chart_id}"
    assert f'data-chart="{chart_id}"' in page
    return json.loads(html.unescape(match.group(1)))


def alerts(page: str) -> list[str]:
    found = re.findall(r'<div class="alert" role="alert">(.*?)</div>', page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", a)).split()) for a in found]


def test_filters():
    assert (pct(0.3851), pct(None), pct(0.5, 0)) == ("38.5%", "", "50%")
    assert (points(0.218), points(-0.03)) == ("+21.8", "-3.0")
    assert (number(1234567.0), number(0.12345), number(None)) == ("1,234,567", "0.123", "")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Door-in-the-face, with the evidence"),
        ("/plan", "Plan"),
        ("/train", "Trainer"),
        ("/defend", "Defend"),
        ("/journal", "Journal"),
        ("/predict", "Predict"),
        ("/simulate", "Simulate"),
        ("/evidence", "Evidence"),
        ("/study", "Study"),
        ("/docs", "API reference"),
    ],
)
def test_pages_render_with_navigation(api, path, heading):
    page = api.get(path, headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}" in page.text
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page.text)
    assert current == [path]


def test_home_links_every_tool(api):
    page = api.get("/", headers=HTML).text
    for path in ("/plan", "/train", "/defend", "/journal", "/predict", "/simulate", "/evidence",
                 "/study"):  # fmt: skip
        assert f'<a class="card link" href="{path}">' in page


def test_home_shows_the_models_answer_for_the_classic_experiment(api):
    page = api.get("/", headers=HTML).text
    pred = predict(Sequence.door_in_the_face(opener=208, target=2, unit="hours"),
                   Context(baseline=0.167))  # fmt: skip
    assert pct(pred.p_sequence) in page
    assert f"{pct(pred.lo)} to {pct(pred.hi)}" in page


def test_predict_form_starts_with_the_classic_values(api):
    page = api.get("/predict", headers=HTML).text
    assert 'name="opener"' in page and 'value="208.0"' in page
    assert re.search(r'name="prosocial"[^>]* checked', page)
    assert "Fill in the form" in page


def test_predict_form_answers_with_the_model_and_a_chart(browser):
    form = {"opener": "500", "target": "2", "unit": "dollars", "baseline": "0.3",
            "delay_hours": "1", "plausible_max": "300", "prior_retreats": "1",
            "prosocial": "on"}  # fmt: skip
    page = browser.post_form("/predict", form)
    assert page.status_code == 200
    seq = Sequence.door_in_the_face(opener=500, target=2, unit="dollars", delay_hours=1)
    pred = predict(seq, Context(baseline=0.3, plausible_max=300, prior_retreats=1))
    assert f'id="p-sequence">{pct(pred.p_sequence)}<' in page.text
    spec = chart_spec(page.text, "chart-predict")
    assert spec["type"] == "bars"
    assert [i["value"] for i in spec["items"]] == pytest.approx(list(pred.contributions.values()))
    assert 'value="dollars"' in page.text  # the form keeps what was typed


def test_unchecked_boxes_are_false(browser):
    page = browser.post_form("/predict", {"baseline": "0.3"})  # no prosocial box
    seq = Sequence.door_in_the_face(opener=208, target=2, unit="hours", prosocial=False)
    pred = predict(seq, Context(baseline=0.3))
    assert f'id="p-sequence">{pct(pred.p_sequence)}<' in page.text
    assert not re.search(r'name="prosocial"[^>]* checked', page.text)


def test_predict_form_lists_what_to_fix(browser):
    page = browser.post_form("/predict", {"opener": "lots", "baseline": "1.5"})
    assert page.status_code == 422
    [problems] = alerts(page.text)
    assert "opener: 'lots' is not a number" in problems
    assert "baseline: Input should be less than 1" in problems
    assert 'value="lots"' in page.text


def test_predict_form_shows_the_models_objection(browser):
    page = browser.post_form("/predict", {"opener": "1", "target": "2"})
    assert page.status_code == 422
    assert "opener must be larger than the target" in alerts(page.text)[0]


def test_simulate_form_draws_conditions(browser):
    form = {"people": "20000", "conditions": ["target_only", "door_in_the_face"],
            "prosocial": "on", "seed": "1"}  # fmt: skip
    page = browser.post_form("/simulate", form)
    assert page.status_code == 200
    spec = chart_spec(page.text, "chart-simulate")
    assert spec["type"] == "intervals"
    assert [i["label"] for i in spec["items"]] == ["target only", "door in the face"]
    lo, hi = spec["items"][1]["points"][0][1:]
    assert lo < spec["items"][1]["points"][0][0] < hi
    assert page.text.count("<tr><td>") == 2
    checked = re.findall(r'name="conditions" value="(\w+)" checked', page.text)
    assert checked == ["target_only", "door_in_the_face"]


def test_simulate_episodes_draw_lines(browser):
    page = browser.post_form("/simulate", {"people": "5000", "episodes": "3"})
    spec = chart_spec(page.text, "chart-simulate")
    assert spec["type"] == "lines"
    assert {len(s["points"]) for s in spec["series"]} == {3}


def test_simulate_over_the_cap_says_so(browser):
    page = browser.post_form("/simulate", {"people": "900000"})
    assert page.status_code == 422
    assert "DITF_WEB_MAX_POPULATION" in alerts(page.text)[0]


def test_simulate_form_errors(browser):
    page = browser.post_form("/simulate", {"people": "many", "conditions": []})
    assert page.status_code == 422
    assert "people" in alerts(page.text)[0]
    page = browser.post_form("/simulate", {"opener": "1", "target": "2", "people": "1000"})
    assert "opener > target > foot" in alerts(page.text)[0]


def test_sweep_form_draws_a_line_per_condition(browser):
    form = {"people": "5000", "conditions": ["door_in_the_face", "target_only"],
            "sweep_name": "opener", "sweep_start": "3", "sweep_stop": "30000",
            "sweep_steps": "5", "sweep_log": "on", "plausible_max": "300"}  # fmt: skip
    page = browser.post_form("/simulate/sweep", form)
    assert page.status_code == 200
    spec = chart_spec(page.text, "chart-sweep")
    assert spec["log_x"] is True
    assert [s["name"] for s in spec["series"]] == ["door in the face", "target only"]
    assert [p[0] for p in spec["series"][0]["points"]] == pytest.approx([3, 30, 300, 3000, 30000])
    ditf = [p[1] for p in spec["series"][0]["points"]]
    assert max(ditf) > ditf[-1]  # past the plausible maximum the opener backfires
    assert page.text.count("<tr><td>") == 10


def test_sweep_form_errors(browser):
    page = browser.post_form("/simulate/sweep", {"sweep_name": "opener", "sweep_start": "x"})
    assert page.status_code == 422
    assert "axes[0]" in alerts(page.text)[0]
    page = browser.post_form(
        "/simulate/sweep",
        {"sweep_name": "opener", "sweep_start": "3", "sweep_stop": "9", "sweep_steps": "50"},
    )
    assert page.status_code == 422
    assert "DITF_WEB_MAX_SWEEP_RUNS" in alerts(page.text)[0]
    page = browser.post_form(
        "/simulate/sweep",
        {"sweep_name": "baseline", "sweep_start": "0.5", "sweep_stop": "2", "sweep_steps": "2"},
    )
    assert page.status_code == 422
    assert "baseline" in alerts(page.text)[0]


def test_evidence_page_puts_the_replications_next_to_the_model(api):
    page = api.get("/evidence", headers=HTML).text
    for study in ("cialdini1975", "freedman-fraser1966"):
        rep = replicate(study)
        section = page.split(f'id="replication-{study}"')[1].split("</section>")[0]
        for c in rep.conditions:
            assert f"<td>{c.observed_pct:.1f}%</td>" in section
            assert f"<td>{c.predicted_pct:.1f}%</td>" in section
        assert section.count("reproduced") + section.count("outside") == len(rep.conditions)
        spec = chart_spec(page, f"chart-{study}")
        assert spec["series"] == ["fitted (rerun range)", "observed"]
    assert "Feeley" in page and "Human Communication Research" in page
    assert "<strong>DITF beats asking alone.</strong>" in page


def test_study_power_form(browser):
    form = {"n_per_arm": "50, 200; 400", "n_studies": "500", "target_power": "0.8",
            "prosocial": "on"}  # fmt: skip
    page = browser.post_form("/study/power", form)
    assert page.status_code == 200
    spec = chart_spec(page.text, "chart-power")
    # The points asked for, and the sample size found for the target power (on the curve).
    size = spec["markers"][0]["x"]
    assert [p[0] for p in spec["series"][0]["points"]] == sorted({50, 200, 400, size})
    assert 'id="sample-size"' in page.text
    assert 'value="50, 200; 400"' in page.text


def test_study_power_form_errors(browser):
    page = browser.post_form("/study/power", {"n_per_arm": "1, ten"})
    assert page.status_code == 422
    problems = alerts(page.text)[0]
    assert "n_per_arm[0]" in problems and "n_per_arm[1]" in problems
    page = browser.post_form("/study/power", {"n_per_arm": "", "n_studies": "5000"})
    assert "DITF_WEB_MAX_STUDIES" in alerts(page.text)[0]


def test_study_upload_is_analysed(browser):
    csv = b"\xef\xbb\xbfcondition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\n"
    files = {"file": ("cialdini.csv", csv, "text/csv")}
    page = browser.post_form("/study/analyze", {"test": "chi2", "one_sided": "on"}, files=files)
    assert page.status_code == 200
    spec = chart_spec(page.text, "chart-analysis")
    assert [i["label"] for i in spec["items"]] == ["target_only", "door_in_the_face"]
    assert "door_in_the_face vs target_only" in page.text
    assert re.search(r'<option value="chi2" selected>', page.text)


@pytest.mark.parametrize(
    ("files", "data", "status", "fragment"),
    [
        (None, {}, 400, "Choose a CSV file"),
        ({"file": ("x.csv", b"\xff\xfe\x00", "text/csv")}, {}, 400, "not UTF-8"),
        ({"file": ("x.csv", b"condition,n,yes\na,3,9\nb,3,1\n", "text/csv")}, {}, 400,
         "x.csv, line 2"),
        ({"file": ("x.csv", b"condition,n,yes\na,3,1\nb,3,1\n", "text/csv")},
         {"test": "t-test"}, 422, "test"),
        ({"file": ("x.csv", b"condition,n,yes\na,3,1\nb,3,1\n", "text/csv")},
         {"reference": "c"}, 422, "reference"),
    ],
)  # fmt: skip
def test_study_upload_errors(browser, files, data, status, fragment):
    page = browser.post_form("/study/analyze", data, files=files)
    assert page.status_code == status
    assert fragment in alerts(page.text)[0]


def test_api_reference_lists_operations_and_fields(api):
    page = api.get("/docs", headers=HTML).text
    for path in ("/api/predict", "/api/simulate", "/api/sweep", "/api/study/power",
                 "/api/study/analyze", "/api/evidence", "/api/plan", "/api/journal/asks",
                 "/api/train/round", "/api/defend"):  # fmt: skip
        assert f"<code>POST {path}</code>" in page or f"<code>GET {path}</code>" in page
    predict_section = page.split("<code>POST /api/predict</code>")[2].split("</section>")[0]
    assert "<code>baseline</code>" in predict_section
    assert "&gt; 0, &lt; 1" in predict_section
    assert "PredictionPublic" in predict_section


def test_html_errors_for_browsers(api):
    page = api.get("/missing", headers=HTML)
    assert page.status_code == 404
    assert "<h1>Not found" in page.text
    assert api.get("/missing").json() == {"detail": "Not Found", "errors": []}


def test_element_ids_are_unique_on_every_page(browser):
    client = browser.client
    client.post("/api/journal/asks", headers={"x-csrf-token": browser.token},
                json={"counterpart": "a", "domain": "salary", "unit": "EUR", "opener": 3,
                      "fallback": 2})  # fmt: skip
    client.post("/api/train/round", headers={"x-csrf-token": browser.token},
                json={"trainee": "ann", "scenario": "salary-beginner", "seed": 1,
                      "opener": 60000, "fallback": 52000})  # fmt: skip
    pages = [client.get(path, headers=HTML).text for path in (
        "/", "/plan", "/journal", "/journal?counterpart=a", "/train", "/defend", "/predict",
        "/simulate", "/evidence", "/study", "/docs", "/train/play?trainee=b&role=target",
        "/train/play?trainee=b", "/train/result?trainee=ann&round=1",
    )]  # fmt: skip
    form = {k: v for k, v in FORM_DEFAULTS.items() if isinstance(v, str | list)}
    pages.append(browser.post_form("/plan", form | {"depth": "advanced"}).text)
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
