"""Every page and every result state on a phone (390x844) and a laptop (1280x800).

For each state: no horizontal overflow, the result (or the error) in view after a submit, no
console error, and no serious or critical accessibility violation found by axe-core. axe-core
comes from the npm registry (package.json pins it; ``make test`` runs ``npm ci``) and is
injected from node_modules with Playwright's ``add_script_tag(path=...)``: never a CDN.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from web_helpers import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 30_000
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}

pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"Debian's Chromium is not installed at {CHROMIUM} (.ci/run installs it)",
    ),
    pytest.mark.skipif(
        not AXE.exists(),
        reason=f"axe-core is not installed at {AXE}: run 'npm ci' (make test does)",
    ),
]


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


@pytest.fixture(params=sorted(VIEWPORTS))
def tab(request, chromium):
    width, height = VIEWPORTS[request.param]
    # axe-core is injected as an inline script, which the app's Content-Security-Policy
    # forbids (rightly): these contexts bypass the CSP; test_web_browser.py checks it.
    context = chromium.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems  # type: ignore[attr-defined]
    yield page
    context.close()


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return int(
        page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - document.documentElement.clientWidth"
        )
    )


def wide_elements(page: Page) -> list[str]:
    """The elements that stick out to the right of the window (for the failure message)."""
    return list(
        page.evaluate(
            """() => {
              const w = document.documentElement.clientWidth, out = [];
              for (const el of document.querySelectorAll('body *')) {
                const r = el.getBoundingClientRect();
                if (r.right > w + 1 && r.width > 0) {
                  out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                    (el.className && el.className.baseVal === undefined ? '.' + el.className : '')
                    + ' ' + Math.round(r.right));
                }
              }
              return out.slice(0, 8);
            }"""
        )
    )


def in_view(page: Page, selector: str) -> bool:
    """The top of the first element matching ``selector`` is inside the window."""
    box = page.evaluate(
        """(sel) => { const el = document.querySelector(sel); if (!el) return null;
                     const r = el.getBoundingClientRect();
                     return [r.top, r.bottom, window.innerHeight]; }""",
        selector,
    )
    assert box is not None, f"no {selector} on the page"
    top, bottom, height = box
    return bool(bottom > 0 and top < height)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations']});
          return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' +
                 v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )
    return list(found)


def check(page: Page, shown: str | None = None, *allowed: str) -> None:
    """The state is fine: no sideways overflow, ``shown`` in view, no console error, axe clean."""
    page.wait_for_load_state("load")
    assert overflow(page) <= 0, wide_elements(page)
    if shown is not None:
        page.wait_for_selector(shown)
        page.wait_for_function(
            """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                          return r.bottom > 0 && r.top < window.innerHeight; }""",
            arg=shown,
            timeout=5_000,
        )
        assert in_view(page, shown), f"{shown} is not in view"
    assert serious_violations(page) == []
    left = [p for p in page.problems if not any(a in p for a in allowed)]  # type: ignore[attr-defined]
    assert left == [], left


PAGES = ("/", "/plan", "/train", "/defend", "/journal", "/predict", "/simulate", "/evidence",
         "/study", "/docs", "/train/class")  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_page_fits_and_passes_axe(tab, live_server, path):
    tab.goto(f"{live_server.url}{path}")
    check(tab)


# Result states: each drives a form and names what must come into view. ------------------------


def plan_result(page: Page, url: str) -> str:
    page.goto(f"{url}/plan")
    page.fill("#target", "110,000")
    page.click("#run-plan")
    page.wait_for_selector("#plan-opener")
    return "#plan-headline"


def plan_plain(page: Page, url: str) -> str:
    """A vulnerable counterpart: the plan is a plain request, the technique's asks muted."""
    page.goto(f"{url}/plan")
    page.check("#counterpart_vulnerable")
    page.click("#run-plan")
    page.wait_for_selector("#plan-plain-ask")
    return "#plan-headline"


def plan_advanced(page: Page, url: str) -> str:
    plan_result(page, url)
    page.click("#depth-advanced")
    page.wait_for_selector('figure[data-chart="chart-plan-mechanisms"] svg')
    return "#plan-headline"


def plan_error(page: Page, url: str) -> str:
    page.goto(f"{url}/plan")
    page.fill("#minimum", "a lot")
    page.click("#run-plan")
    return "#plan-form .alert"


def plan_upload_error(page: Page, url: str) -> str:
    page.goto(f"{url}/plan")
    page.click("#run-upload")
    return "#upload-form .alert"


def defend_result(page: Page, url: str) -> str:
    page.goto(f"{url}/defend")
    page.click("#run-defend")
    return "#verdict"


def defend_quick(page: Page, url: str) -> str:
    """The short form: a buyer who would rather buy nothing, and pays at most 300."""
    page.goto(f"{url}/defend")
    page.select_option("#domain", "procurement")
    page.fill("#ask-amount-0", "€600")
    page.fill("#ask-who-0", "the seller")
    page.fill("#ask-minutes-0", "0")
    page.fill("#ask-amount-1", "350")
    page.fill("#ask-who-1", "the seller")
    page.fill("#ask-minutes-1", "1")
    page.fill("#limit", "300")
    page.fill("#alternative", "0")
    page.fill("#range_low", "250")
    page.fill("#range_high", "320")
    page.click("#run-quick")
    return "#verdict"


def defend_quick_error(page: Page, url: str) -> str:
    page.goto(f"{url}/defend")
    page.fill("#limit", "12,5")
    page.click("#run-quick")
    return "#quick-form .alert"


def defend_advanced(page: Page, url: str) -> str:
    page.goto(f"{url}/defend")
    page.select_option("#depth", "advanced")
    page.click("#run-defend")
    page.wait_for_selector('figure[data-chart="chart-defend-mechanisms"] svg')
    return "#verdict"


def predict_result(page: Page, url: str) -> str:
    page.goto(f"{url}/predict")
    page.click("#predict-form button[type=submit]")
    return "#p-sequence"


def predict_error(page: Page, url: str) -> str:
    page.goto(f"{url}/predict")
    page.fill("#baseline", "2")
    page.click("#predict-form button[type=submit]")
    return ".alert"


def simulate_result(page: Page, url: str) -> str:
    page.goto(f"{url}/simulate")
    page.fill("#people", "5000")
    page.click("#run-simulate")
    page.wait_for_selector('figure[data-chart="chart-simulate"] svg')
    return "#simulation-table"


def sweep_result(page: Page, url: str) -> str:
    page.goto(f"{url}/simulate")
    page.fill("#people", "2000")
    page.fill("#sweep_steps", "3")
    page.click("#run-sweep")
    page.wait_for_selector('figure[data-chart="chart-sweep"] svg')
    return 'figure[data-chart="chart-sweep"]'


def study_power(page: Page, url: str) -> str:
    page.goto(f"{url}/study")
    page.fill("#n_per_arm", "50, 200")
    page.fill("#n_studies", "200")
    page.click("#power-form button[type=submit]")
    return "#power-table"


def study_analysis(page: Page, url: str, tmp: Path) -> str:
    data = tmp / "trial.csv"
    data.write_text("condition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\n")
    page.goto(f"{url}/study")
    page.set_input_files("#file", str(data))
    page.click("#analyze-form button[type=submit]")
    return "#arms-table"


def study_error(page: Page, url: str) -> str:
    page.goto(f"{url}/study")
    page.click("#analyze-form button[type=submit]")
    return ".alert"


def train_requester(page: Page, url: str) -> str:
    page.goto(f"{url}/train")
    page.fill("#trainee", "Layout Tester")
    page.select_option("#scenario", "salary-practitioner")
    page.click("#start-round")
    page.wait_for_selector("#briefing")
    return "#briefing"


def train_requester_result(page: Page, url: str) -> str:
    train_requester(page, url)
    page.fill("#opener", "84,000")
    page.fill("#fallback", "76000")
    page.click("#play-round")
    return "#score"


def train_target(page: Page, url: str) -> str:
    page.goto(f"{url}/train")
    page.fill("#trainee", "Layout Target")
    page.select_option("#role", "target")
    page.click("#start-round")
    return "#pitch"


def train_target_result(page: Page, url: str) -> str:
    train_target(page, url)
    page.check("#decision-decline")
    page.click("#answer-pitch")
    return "#score"


def journal_added(page: Page, url: str) -> str:
    page.goto(f"{url}/journal")
    width = (page.viewport_size or {"width": 0})["width"]
    page.fill("#key", f"layout-hr-{width}")  # one live server for every test: a key each
    page.fill("#name", "Layout HR")
    page.click("#add-counterpart")
    return "#notice"


def seeded(page: Page, url: str, name: str) -> str:
    """A counterpart of this viewport with a refused plain ask of 108,000 (through the API)."""
    width = (page.viewport_size or {"width": 0})["width"]
    key = f"{name}-{width}"  # one live server for every test: a key each
    ask = {"counterpart": key, "domain": "salary", "unit": "EUR", "fallback": 108000}
    made = page.request.post(f"{url}/api/journal/asks", data=ask)
    assert made.ok, made.text()
    done = {"ask_id": made.json()["id"], "result": "refused"}
    assert page.request.post(f"{url}/api/journal/outcomes", data=done).ok
    return key


def counterpart_estimate(page: Page, url: str) -> str:
    key = seeded(page, url, "layout-estimate")
    page.goto(f"{url}/journal/counterparts/{key}")
    page.fill("#accepts_low", "95,000")
    page.fill("#accepts_high", "120,000")
    page.click("#run-estimate")
    page.wait_for_selector("#estimate-answer")
    return "#estimate"


def counterpart_error(page: Page, url: str) -> str:
    key = seeded(page, url, "layout-range")
    page.goto(f"{url}/journal/counterparts/{key}")
    page.fill("#accepts_low", "130,000")
    page.fill("#accepts_high", "120,000")
    page.click("#run-estimate")
    return "#estimate-form .alert"


def counterpart_refused(page: Page, url: str) -> str:
    """Deleting a counterpart that has asks is refused, on its page."""
    key = seeded(page, url, "layout-keep")
    page.goto(f"{url}/journal/counterparts/{key}")
    page.click("#delete-counterpart")
    return "#counterpart-manage .alert"


def ask_edit_error(page: Page, url: str) -> str:
    key = seeded(page, url, "layout-edit")
    page.goto(f"{url}/journal/counterparts/{key}")
    page.click("#history-table a")
    page.fill("#fallback", "a lot")
    page.click("#save-ask")
    return "#edit-ask-form .alert"


def journal_unknown(page: Page, url: str) -> str:
    page.goto(f"{url}/journal")
    page.fill("#ask-counterpart", "layout-nobody-yet")
    page.fill("#fallback", "108,000")
    page.click("#add-ask")
    page.wait_for_selector("#confirm-new")
    return "#ask-form .alert"


def train_class(page: Page, url: str) -> str:
    """The class view after a theatrical-only round (the teacher's choice)."""
    page.goto(f"{url}/train")
    page.fill("#trainee", "Layout Class")
    page.select_option("#role", "target")
    page.select_option("#pitches", "theatrical")
    page.click("#start-round")
    page.check("#decision-decline")
    page.click("#answer-pitch")
    page.wait_for_selector("#score")
    assert "This counterpart was theatrical" in page.inner_text("body")
    page.goto(f"{url}/train/class")
    return "#class-table"


STATES: dict[str, Callable[..., str]] = {
    f.__name__: f
    for f in (
        plan_result, plan_plain, plan_advanced, plan_error, plan_upload_error, defend_result,
        defend_advanced, defend_quick, defend_quick_error, predict_result, predict_error,
        simulate_result, sweep_result, study_power, study_error, train_requester,
        train_requester_result, train_target, train_target_result, journal_added,
        counterpart_estimate, counterpart_error, counterpart_refused, ask_edit_error,
        journal_unknown, train_class,
    )
}  # fmt: skip
#: Console messages a state may log: the HTTP status of a page that reports bad input.
ALLOWED = ("422", "400")


@pytest.mark.parametrize("state", sorted(STATES))
def test_every_result_state_fits_shows_its_answer_and_passes_axe(tab, live_server, state):
    shown = STATES[state](tab, live_server.url)
    check(tab, shown, *ALLOWED)


def test_an_uploaded_study_fits_and_passes_axe(tab, live_server, tmp_path):
    shown = study_analysis(tab, live_server.url, tmp_path)
    check(tab, shown)


def test_the_plan_form_takes_110_000_and_plans(tab, live_server):
    plan_result(tab, live_server.url)
    assert "EUR" in tab.inner_text("#plan-opener")
    assert tab.input_value("#target") == "110,000"  # the form keeps what was typed
    assert tab.inner_text("#plan-headline").strip()


def test_a_wrong_number_is_marked_next_to_its_field(tab, live_server):
    plan_error(tab, live_server.url)
    field = tab.locator("#minimum")
    assert field.get_attribute("aria-invalid") == "true"
    message = tab.inner_text("#minimum-error")
    assert "'a lot' is not a number" in message
    assert "minimum-error" in (field.get_attribute("aria-describedby") or "")
    assert tab.get_attribute("#target", "aria-invalid") is None


def test_the_defend_form_gives_a_verdict(tab, live_server):
    defend_quick(tab, live_server.url)
    answer = tab.inner_text("#defend-answer")
    assert answer.startswith("Decline 350 EUR: it is above your limit of 300 EUR")
    assert tab.inner_text("#pattern")  # the recognised pattern
    assert tab.input_value("#alternative") == "0"
    assert tab.input_value("#ask-amount-0") == "€600"


def test_the_plan_downloads_its_prep_sheet(tab, live_server):
    from ditf.plan import SHEET_SECTIONS

    plan_result(tab, live_server.url)
    with tab.expect_download() as download:
        tab.click("#download-sheet")
    assert download.value.suggested_filename == "prep-sheet.md"
    sheet = Path(download.value.path()).read_text(encoding="utf-8")
    assert [line[3:] for line in sheet.splitlines() if line.startswith("## ")] == list(
        SHEET_SECTIONS
    )
    assert tab.inner_text("#plan-headline") in sheet
    tab.emulate_media(media="print")  # the print stylesheet hides the forms and navigation
    assert not tab.is_visible("#plan-form") and not tab.is_visible("header.top")
    assert tab.is_visible("#plan-headline") and tab.is_visible("#script")


def test_a_counterpart_page_without_answers_fits_and_passes_axe(tab, live_server):
    width = (tab.viewport_size or {"width": 0})["width"]
    tab.request.post(f"{live_server.url}/api/journal/counterparts", data={"key": f"quiet-{width}"})
    tab.goto(f"{live_server.url}/journal/counterparts/quiet-{width}")
    check(tab)
    assert "No recorded answers" in tab.inner_text("#estimate-answer")


def test_an_ask_edit_page_fits_and_passes_axe(tab, live_server):
    key = seeded(tab, live_server.url, "layout-edit-page")
    tab.goto(f"{live_server.url}/journal/counterparts/{key}")
    tab.click("#history-table a")
    tab.wait_for_selector("#edit-ask-form")
    check(tab)


def test_plan_for_this_counterpart_plans_with_their_answers(tab, live_server):
    """The counterpart page's link opens the plan form prefilled; the plan reads the journal."""
    key = seeded(tab, live_server.url, "layout-plan-for")
    tab.goto(f"{live_server.url}/journal/counterparts/{key}")
    updated = tab.inner_text("#estimate-table tbody tr:nth-child(2)")
    tab.click("#plan-link")
    assert tab.input_value("#counterpart_id") == key
    assert tab.input_value("#accepts_low") == "97200"  # 10% below the 108,000 asked
    tab.click("#run-plan")
    tab.wait_for_selector("#plan-counterpart")
    check(tab, "#plan-headline")
    assert key in tab.inner_text("#plan-counterpart")
    low = updated.split()[1]
    assert low in tab.inner_text("#plan-counterpart")  # the page's estimate is the plan's


def test_a_plan_is_saved_to_the_journal(tab, live_server):
    key = seeded(tab, live_server.url, "layout-save")
    tab.goto(f"{live_server.url}/plan?counterpart_id={key}")
    tab.click("#run-plan")
    tab.wait_for_selector("#save-ask-form")
    assert tab.input_value("#save-counterpart") == key
    tab.click("#save-plan")
    tab.wait_for_selector("#notice")
    check(tab, "#notice")
    assert "added" in tab.inner_text("#notice")


# Charts: labels whole, markers apart, small bars small (issue 14) -------------------------------


def test_evidence_labels_are_not_cut(tab, live_server):
    tab.goto(f"{live_server.url}/evidence")
    tab.wait_for_selector("svg.plot text.label")
    cut = tab.evaluate(
        """() => [...document.querySelectorAll('svg.plot text.label')]
             .filter((t) => t.getBBox().x < 0).map((t) => t.textContent)"""
    )
    assert cut == []


def test_plan_markers_neither_overlap_nor_sit_on_the_curve(tab, live_server):
    tab.goto(f"{live_server.url}/plan")
    tab.fill("#opener", "120,000")
    tab.fill("#fallback", "108,000")
    tab.click("#run-plan")
    tab.wait_for_selector('figure[data-chart="chart-plan-odds"] svg text.marker-label')
    boxes = tab.evaluate(
        """() => {
          const svg = document.querySelector('figure[data-chart="chart-plan-odds"] svg');
          const labels = [...svg.querySelectorAll('text.marker-label')].map((t) => {
            const b = t.getBBox(); return [t.textContent, b.x, b.y, b.x + b.width, b.y + b.height];
          });
          const curve = svg.querySelector('polyline.line');
          const top = Math.min(...[...curve.points].map((p) => p.y));
          const dots = [...curve.points].length;
          return {labels, top, dots};
        }"""
    )
    labels = boxes["labels"]
    assert {text.split(" (")[0] for text, *_ in labels} >= {"your opener", "defensible limit"}
    assert boxes["dots"] > 1  # the planner's curve, not the fixed opener's single point
    for i, (_, x0, y0, x1, y1) in enumerate(labels):
        assert y1 <= boxes["top"] + 1  # above the curve
        for _, a0, b0, a1, b1 in labels[i + 1 :]:
            assert x1 <= a0 or a1 <= x0 or y1 <= b0 or b1 <= y0  # apart from the others


def test_small_mechanism_bars_stay_small(tab, live_server):
    defend_advanced(tab, live_server.url)
    bars = tab.evaluate(
        """() => {
          const svg = document.querySelector('figure[data-chart="chart-defend-mechanisms"] svg');
          const width = svg.getBBox().width;
          return [...svg.querySelectorAll('rect.bar')].map((r) => [
            parseFloat(r.querySelector('title').textContent.split(': ').pop()),
            r.getBBox().width / width]);
        }"""
    )
    assert bars
    for points, share in bars:
        if abs(points) < 0.5:
            assert share < 0.1, (points, share)
