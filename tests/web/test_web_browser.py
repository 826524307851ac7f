"""The pages in a real browser: Debian's Chromium driven by Playwright against uvicorn.

Every test also fails on any console error or uncaught script error, which is how a
Content-Security-Policy violation shows itself.
"""

from __future__ import annotations

import dataclasses
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from web_helpers import CHROMIUM, SMALL, TOKEN, start_server

from ditf.model import Context, Sequence, predict
from ditf.plan import plan, plan_report, plan_scenario_from_mapping
from ditf.train import (
    Choice,
    TargetResponse,
    make_pitch,
    play_round,
    score_target,
    trainer_scenario,
)
from ditf.web._pages import pct

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"Debian's Chromium is not installed at {CHROMIUM} (.ci/run installs it with "
    "'apt-get install chromium'; ditf never downloads a browser)",
)
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: problems.append(str(e)))
    tab.problems = problems
    yield tab
    context.close()


def no_problems(tab, *allowed: str) -> None:
    left = [p for p in tab.problems if not any(a in p for a in allowed)]
    assert left == [], left


def test_predict_form_shows_the_result_and_the_chart(page, live_server):
    page.goto(f"{live_server.url}/predict")
    page.fill("#opener", "500")
    page.fill("#target", "2")
    page.fill("#baseline", "0.3")
    page.fill("#plausible_max", "300")
    page.click("#predict-form button[type=submit]")
    page.wait_for_selector("#p-sequence")
    seq = Sequence.door_in_the_face(opener=500, target=2, unit="hours")
    pred = predict(seq, Context(baseline=0.3, plausible_max=300))
    assert page.inner_text("#p-sequence") == pct(pred.p_sequence)
    assert page.inner_text("#interval") == f"{pct(pred.lo)} to {pct(pred.hi)}"
    bars = page.locator('figure[data-chart="chart-predict"] svg rect.bar')
    assert bars.count() == len(pred.contributions)
    assert page.locator('figure[data-chart="chart-predict"] svg rect.bar.neg').count() == sum(
        v < 0 for v in pred.contributions.values()
    )
    assert "reciprocity" in page.inner_text('figure[data-chart="chart-predict"]')
    assert page.input_value("#opener") == "500"
    no_problems(page)


def test_predict_form_reports_bad_input(page, live_server):
    page.goto(f"{live_server.url}/predict")
    page.fill("#baseline", "2")
    page.click("#predict-form button[type=submit]")
    alert = page.locator(".alert")
    assert "baseline" in alert.inner_text()
    assert page.locator("#p-sequence").count() == 0
    no_problems(page, "422")


def test_simulation_draws_a_chart_per_condition(page, live_server):
    page.goto(f"{live_server.url}/simulate")
    page.fill("#people", "20000")
    page.click("#run-simulate")
    page.wait_for_selector('figure[data-chart="chart-simulate"] svg')
    dots = page.locator('figure[data-chart="chart-simulate"] svg circle.dot')
    assert dots.count() == 5
    assert page.locator("#simulation-table tbody tr").count() == 5
    assert "door in the face" in page.inner_text('figure[data-chart="chart-simulate"]')
    no_problems(page)


def test_sweep_draws_lines(page, live_server):
    page.goto(f"{live_server.url}/simulate")
    page.fill("#people", "5000")
    page.fill("#plausible_max", "300")
    page.select_option("#sweep_name", "opener")
    page.fill("#sweep_start", "3")
    page.fill("#sweep_stop", "30000")
    page.fill("#sweep_steps", "5")
    page.check("#sweep_log")
    page.click("#run-sweep")
    page.wait_for_selector('figure[data-chart="chart-sweep"] svg')
    chart = page.locator('figure[data-chart="chart-sweep"]')
    assert chart.locator("svg polyline.line").count() == 5
    assert chart.locator("ul.legend li").count() == 5
    assert "opener (log scale)" in chart.inner_text()
    no_problems(page)


def test_evidence_charts_and_tables(page, live_server):
    page.goto(f"{live_server.url}/evidence")
    for study in ("cialdini1975", "freedman-fraser1966"):
        chart = page.locator(f'figure[data-chart="chart-{study}"]')
        assert chart.locator("svg circle.dot").count() >= 4
        assert chart.locator("svg rect.mark").count() == chart.locator("svg circle.dot").count()
    assert page.locator("text=reproduced").count() >= 4
    no_problems(page)


def test_study_upload_and_power(page, live_server, tmp_path):
    data = tmp_path / "trial.csv"
    data.write_text("condition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\n")
    page.goto(f"{live_server.url}/study")
    page.set_input_files("#file", str(data))
    page.click("#analyze-form button[type=submit]")
    page.wait_for_selector("#arms-table")
    assert page.locator("#arms-table tbody tr").count() == 2
    assert page.locator('figure[data-chart="chart-analysis"] svg circle.dot').count() == 2
    page.fill("#n_per_arm", "50, 200")
    page.fill("#n_studies", "500")
    page.click("#power-form button[type=submit]")
    page.wait_for_selector("#power-table")
    assert page.locator("#power-table tbody tr").count() == 2
    assert page.locator('figure[data-chart="chart-power"] svg polyline.line').count() == 3
    no_problems(page)


@pytest.fixture
def attacker_site(live_server):
    """A page on another site (localhost vs 127.0.0.1) with a form that posts to the app."""
    form = (
        f'<form method="post" action="{live_server.url}/predict">'
        '<input name="baseline" value="0.5"><input name="csrf_token" value="guess">'
        '<button id="go">Win a prize</button></form>'
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(form)))
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_form_on_another_site_cannot_post(page, live_server, attacker_site):
    page.goto(f"{live_server.url}/predict")  # the victim has the app open, with its cookie
    page.goto(attacker_site)
    with page.expect_response(f"{live_server.url}/predict") as answer:
        page.click("#go")
    assert answer.value.status == 403
    assert "Cross-site request refused" in page.inner_text("main")
    assert page.locator("#p-sequence").count() == 0
    no_problems(page, "403")


def test_a_server_with_a_token_asks_for_it_once(page):
    server = start_server(dataclasses.replace(SMALL, token=TOKEN))
    try:
        response = page.goto(f"{server.url}/predict")
        assert response.status == 401
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_selector(".hero")
        assert "?token" not in page.url  # the redirect drops it from the address
        page.goto(f"{server.url}/predict")
        page.click("#predict-form button[type=submit]")
        page.wait_for_selector("#p-sequence")
    finally:
        server.stop()
    no_problems(page, "401")


# phase 2: plan, trainer, journal ---------------------------------------------------------------


def test_plan_form_shows_the_plan_and_its_curve(page, live_server):
    page.goto(f"{live_server.url}/plan")
    page.fill("#target", "108000")
    page.locator("input[name=bench_value]").nth(2).fill("126000")
    page.click("#add-benchmark")  # the page's script adds an empty row
    assert page.locator("input[name=bench_name]").count() == 5
    page.locator("input[name=bench_name]").nth(4).fill("the last offer I had")
    page.locator("select[name=bench_kind]").nth(4).select_option("precedent")
    page.locator("input[name=bench_value]").nth(4).fill("106000")
    page.click("#run-plan")
    page.wait_for_selector("#plan-opener")
    body = {
        "domain": "salary", "title": "Senior analyst offer", "unit": "EUR", "target": 108000,
        "minimum": 100000, "batna": 98000,
        "explanation": "I can move on the base if we agree on the scope of the role.",
        "benchmarks": [
            {"name": "salary survey, senior analyst, 25th percentile", "kind": "market-low",
             "value": 92000},
            {"name": "salary survey, senior analyst, median", "kind": "market-median",
             "value": 104000},
            {"name": "salary survey, senior analyst, 90th percentile", "kind": "market-high",
             "value": 126000},
            {"name": "the last offer I had", "kind": "precedent", "value": 106000},
        ],
        "counterpart": {"accepts_low": 96000, "accepts_high": 118000},
    }  # fmt: skip
    expected = plan_report(plan(plan_scenario_from_mapping(body)))
    assert page.inner_text("#plan-opener") == f"{expected['opener']:,.6g} EUR"
    assert page.inner_text("#plan-fallback") == f"{expected['fallback']:,.6g} EUR"
    chart = page.locator('figure[data-chart="chart-plan-odds"]')
    assert chart.locator("svg polygon.band").count() == 1  # the interval band of the curve
    assert chart.locator("svg circle.dot").count() == len(expected["curve"]) + 2
    assert chart.locator("svg line.marker").count() == 2
    assert "defensible limit" in chart.inner_text() and "chosen opener" in chart.inner_text()
    value = page.locator('figure[data-chart="chart-plan-value"]')
    assert value.locator("svg line.marker").count() == 2 and "EUR" in value.inner_text()
    page.click("#depth-advanced")
    page.wait_for_selector('figure[data-chart="chart-plan-mechanisms"] svg rect.bar')
    assert page.input_value("#target") == "108000"
    no_problems(page)


def test_a_trainer_round_as_requester_to_its_feedback(page, live_server):
    page.goto(f"{live_server.url}/train")
    page.fill("#trainee", "Ann Lee")
    page.select_option("#scenario", "salary-practitioner")
    page.click("#start-round")
    page.wait_for_selector("#briefing")
    seed = int(page.input_value("input[name=seed]"))
    page.fill("#opener", "84000")
    page.fill("#fallback", "76000")
    page.fill("#explanation", "I see that is a stretch; I can come down to the median.")
    page.click("#play-round")
    page.wait_for_selector("#score")
    choice = Choice(
        opener=84000,
        fallback=76000,
        explanation="I see that is a stretch; I can come down to the median.",
    )
    expected = play_round(trainer_scenario("salary-practitioner"), choice, rng=seed)
    assert page.inner_text("#score") == f"{expected.score.total:.1f} / 100"
    bars = page.locator('figure[data-chart="chart-train-mechanisms"] svg rect.bar')
    assert bars.count() == len(expected.mechanisms)
    assert page.locator("#mechanism-notes li").count() == len(expected.mechanisms)
    assert page.locator("#options-table tbody tr").count() == len(expected.options)
    assert page.locator("#levels-table tbody tr").count() == 1
    page.goto(f"{live_server.url}/train")  # the name is remembered
    assert page.input_value("#trainee") == "Ann Lee"
    no_problems(page)


def test_a_trainer_round_as_target_to_its_score(page, live_server):
    page.goto(f"{live_server.url}/train")
    page.fill("#trainee", "Bo")
    page.select_option("#role", "target")
    page.select_option("#level", "beginner")
    page.select_option("#domain", "fundraising")
    page.click("#start-round")
    page.wait_for_selector("#pitch")
    assert "This counterpart was" not in page.inner_text("main")
    seed = int(page.input_value("input[name=seed]"))
    pitch = make_pitch(trainer_scenario("fundraising-beginner"), rng=seed)
    assert page.inner_text("#pitch-opener") == pitch.lines[0]
    page.check("#decision-counter")
    page.fill("#counter", "10")
    page.check("#flag_theatrical")
    page.click("#answer-pitch")
    page.wait_for_selector("#score")
    result = score_target(
        pitch, TargetResponse(decision="counter", counter=10, flag_theatrical=True)
    )
    assert page.inner_text("#score") == f"{result.score:.0f} / 100"
    truth = "honest" if pitch.honest else "theatrical"
    assert f"This counterpart was {truth}" in page.inner_text("#truth")
    no_problems(page)


def test_a_journal_entry_is_added_and_listed(page, live_server):
    page.goto(f"{live_server.url}/journal")
    page.fill("#key", "browser-hr")
    page.fill("#name", "Browser HR")
    page.click("#add-counterpart")
    page.wait_for_selector("#notice")
    assert "Counterpart browser-hr added." in page.inner_text("#notice")
    page.fill("#ask-counterpart", "browser-hr")
    page.fill("#opener", "125000")
    page.fill("#fallback", "108000")
    page.click("#add-ask")
    page.wait_for_selector("#history")
    assert page.inner_text("#prior-retreats") == "1"
    row = page.locator("#asks-table tbody tr").first.inner_text()
    assert "browser-hr" in row and "125,000" in row and "108,000 EUR" in row and "open" in row
    assert "Browser HR" in page.inner_text("#counterparts-table")
    page.reload()  # Post/Redirect/Get: reloading adds nothing
    assert page.locator("#asks-table tbody tr").count() == 1
    no_problems(page)
