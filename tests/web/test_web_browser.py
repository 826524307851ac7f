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
