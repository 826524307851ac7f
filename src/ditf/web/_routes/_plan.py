"""Plan: the planner's scenario form (or an uploaded file), ``POST /api/plan`` and ``/api/audit``.

The route reads the counterpart's history from the journal, then calls
:func:`ditf.plan.plan_with_history` and :func:`ditf.plan.plan_report`; plans are cached by
scenario and history (the planner's seed is fixed, so a cached plan is the plan).
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ditf._errors import DitfError
from ditf.plan import (
    BENCHMARK_KINDS,
    DOMAINS,
    DOOR,
    plan_report,
    plan_with_history,
    prep_sheet,
    require_clean,
)
from ditf.store import AskRecord, Journal
from ditf.train import load_trainer_scenarios, trainer_scenario
from ditf.web._charts import mechanisms_chart, plan_charts
from ditf.web._deps import AppState, CachedPlan, JournalDep, StateDep
from ditf.web._errors import API_ERRORS, JOURNAL_ERRORS, REFUSED
from ditf.web._pages import form_values, parse_form, parse_mapping, read_upload, shown
from ditf.web._routes._shape import Api, Show, answer, page
from ditf.web._schemas.plan import (
    DEPTHS,
    AuditPublic,
    AuditRequest,
    PlanPublic,
    PlanRequest,
    PlanScenarioRequest,
)

router = APIRouter()
api = Api(router, "plan", API_ERRORS | REFUSED | JOURNAL_ERRORS)

#: The scenario's top-level fields as the form names them.
SCALARS = (
    "domain", "title", "unit", "direction", "target", "minimum", "batna", "reference",
    "delay_hours", "retreat_by", "explanation", "opener", "fallback",
)  # fmt: skip
HONESTY = ("honour_opener", "counterpart_vulnerable", "power_asymmetry")
BENCH = ("bench_name", "bench_kind", "bench_value")
#: Benchmark rows the form always offers (more with the page's button, or after a submit).
BENCH_ROWS = 4
#: The page's default depth, as ``ditf plan``'s.
PAGE_DEPTH = "practitioner"
#: The form's first values: a salary negotiation (illustrative figures, as in the repository's
#: examples/plan/salary.toml; put your own survey, norm or precedent).
FORM_DEFAULTS: dict[str, Any] = {
    "domain": "salary",
    "title": "Senior analyst offer",
    "unit": "EUR",
    "direction": "",
    "target": "110000",
    "minimum": "100000",
    "batna": "98000",
    "reference": "",
    "delay_hours": "0",
    "retreat_by": "same",
    "explanation": "I can move on the base if we agree on the scope of the role.",
    "opener": "",
    "fallback": "",
    "bench_name": [
        "salary survey, senior analyst, 25th percentile",
        "salary survey, senior analyst, median",
        "salary survey, senior analyst, 90th percentile",
    ],
    "bench_kind": ["market-low", "market-median", "market-high"],
    "bench_value": ["92000", "104000", "124000"],
    "counterpart_id": "",
    "accepts_low": "96000",
    "accepts_high": "118000",
    "distribution": "normal",
    "honour_opener": True,
    "counterpart_vulnerable": False,
    "power_asymmetry": False,
    "depth": PAGE_DEPTH,
}


async def counterpart_history(
    state: AppState, journal: Journal, counterpart: str
) -> tuple[int, tuple[AskRecord, ...]]:
    """The retreats ``counterpart`` has seen and the asks made to them (none without an id).

    Read at most once a moment (``RETREATS_TTL``) per process.
    """
    if not counterpart:
        return 0, ()

    async def read() -> tuple[int, tuple[AskRecord, ...]]:
        def both() -> tuple[int, tuple[AskRecord, ...]]:
            return journal.prior_retreats(counterpart), tuple(journal.asks(counterpart))

        return await state.io.run(both)

    return await state.retreats.get(counterpart, read)


async def cached_plan(state: AppState, journal: Journal, body: PlanScenarioRequest) -> CachedPlan:
    """The plan for a scenario and the counterpart's history, computed once per pair.

    The counterpart's recorded answers update the estimate of them (``docs/journal.md``).
    """
    retreats, asks = await counterpart_history(state, journal, body.counterpart.id)

    def compute() -> CachedPlan:
        result = plan_with_history(body.to_mapping(), asks, prior_retreats=retreats)
        return CachedPlan(result, plan_report(result))

    answered = tuple((a.id, a.outcome.result) for a in asks if a.outcome is not None)
    return await state.plans.get(
        (body.key(), retreats, answered), lambda: state.worker.run(compute)
    )


async def checked_plan(
    state: AppState, journal: Journal, body: PlanRequest | AuditRequest
) -> CachedPlan:
    """The scenario's plan; in ``strict`` mode refused when an audit finding blocks it.

    Raises
    ------
    PlanRejected
        In strict mode, if a finding blocks the plan.
    """
    cached = await cached_plan(state, journal, body)
    if body.strict:
        require_clean(cached.plan)
    return cached


@api.route(
    "POST",
    "/api/plan",
    "Plan a door-in-the-face: opener, fallbacks, odds, script and audit",
    response_model=PlanPublic,
)
async def plan_api(body: PlanRequest, state: StateDep, journal: JournalDep) -> Response:
    """The plan for a scenario, as ``ditf plan --json`` prints it.

    The body is a scenario in the format of ``ditf plan`` files. With ``counterpart.id`` the
    journal's earlier retreats on that counterpart feed the model's habituation. ``strict``
    refuses the plan (409) when an audit finding blocks it; ``depth`` leaves out what that
    depth does not show (null fields).
    """
    cached = await checked_plan(state, journal, body)
    return Response(cached.json(body.depth), media_type="application/json")


@api.route("POST", "/api/audit", "Audit a plan against the ethics and effectiveness rules")
async def audit_api(body: AuditRequest, state: StateDep, journal: JournalDep) -> AuditPublic:
    """The audit's findings (with their rationale and source) for the scenario's plan.

    The plan is the recommended one, or the scenario's own ``opener`` and ``fallback``.
    ``strict`` refuses (409) when a finding blocks the plan.
    """
    r = (await checked_plan(state, journal, body)).report
    keys = ("opener", "fallback", "second_fallback", "blocking", "findings")
    return AuditPublic.model_validate({k: r[k] for k in keys})


# Pages ----------------------------------------------------------------------------------------


def scenario_data(values: dict[str, Any]) -> dict[str, Any]:
    """The form's values as a :class:`PlanRequest`'s fields (empty fields left out)."""
    data = {k: values[k] for k in SCALARS if values.get(k, "") != ""}
    rows = zip_longest(*(values.get(k) or [] for k in BENCH), fillvalue="")
    data["benchmarks"] = [
        {"name": name, "kind": kind, "value": value}
        for name, kind, value in rows
        if name or value  # an empty row is no benchmark
    ]
    counterpart = {
        "id": values.get("counterpart_id", ""),
        "accepts_low": values.get("accepts_low", ""),
        "accepts_high": values.get("accepts_high", ""),
        "distribution": values.get("distribution", ""),
    }
    data["counterpart"] = {k: v for k, v in counterpart.items() if v != ""}
    data["honesty"] = {k: bool(values.get(k)) for k in HONESTY}
    return data


def form_from_mapping(data: dict[str, Any]) -> dict[str, Any]:
    """Form values from a scenario mapping (an uploaded file), for the user to edit."""
    values: dict[str, Any] = {k: shown(data.get(k)) for k in SCALARS}
    values["unit"] = values["unit"] or "units"
    values["retreat_by"] = values["retreat_by"] or "same"
    benchmarks = [b for b in data.get("benchmarks") or [] if isinstance(b, dict)]
    for field, key in zip(BENCH, ("name", "kind", "value"), strict=True):
        values[field] = [shown(b.get(key)) for b in benchmarks]
    counterpart = data.get("counterpart")
    counterpart = counterpart if isinstance(counterpart, dict) else {}
    values["counterpart_id"] = shown(counterpart.get("id"))
    values["accepts_low"] = shown(counterpart.get("accepts_low"))
    values["accepts_high"] = shown(counterpart.get("accepts_high"))
    values["distribution"] = shown(counterpart.get("distribution")) or "normal"
    honesty = data.get("honesty")
    honesty = honesty if isinstance(honesty, dict) else {}
    for key in HONESTY:
        values[key] = bool(honesty.get(key, key == "honour_opener"))
    return values


def example_mapping(example: str) -> dict[str, Any]:
    """A bundled trainer scenario's numbers as a planning scenario.

    Raises
    ------
    InvalidParameterError
        If there is no bundled scenario with that id.
    """
    s = trainer_scenario(example).to_dict()
    data = {k: s[k] for k in ("domain", "title", "unit", "direction", "target", "minimum", "batna")}
    end = "market-low" if s["direction"] == "more" else "market-high"
    default = next((b["value"] for b in s["benchmarks"] if b["kind"] == end), None)
    if s["reference"] != (default if DOMAINS[s["domain"]].price_like else 0.0):
        data["reference"] = s["reference"]  # only when it is not what the planner derives
    data["benchmarks"] = s["benchmarks"]
    data["counterpart"] = s["counterpart"]
    data["honesty"] = {k: s[k] for k in ("counterpart_vulnerable", "power_asymmetry")}
    return data


def bench_rows(values: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The benchmark rows to show: those filled in, and empty ones up to at least four."""
    rows = [
        (str(name), str(kind), str(value))
        for name, kind, value in zip_longest(*(values.get(k) or [] for k in BENCH), fillvalue="")
    ]
    return rows + [("", "market-median", "")] * max(1, BENCH_ROWS - len(rows))


def _depth(request: Request, values: dict[str, Any]) -> str:
    """The depth to show: the page's buttons (``?depth=``) win over the form's choice."""
    depth = request.query_params.get("depth") or values.get("depth") or PAGE_DEPTH
    return depth if depth in DEPTHS else PAGE_DEPTH


def _page(request: Request, values: dict[str, Any], **context: Any) -> Show:
    """The plan page showing ``values`` in its form, and what ``context`` adds."""
    lists: dict[str, Any] = {"depths": DEPTHS, "domains": tuple(DOMAINS), "kinds": BENCHMARK_KINDS}
    lists |= {"examples": load_trainer_scenarios(), "bench_rows": bench_rows(values)}
    results = {"report": None, "charts": None, "mechanisms": None, "save": None}
    base = {"form": "plan", "example": "", "depth": values.get("depth") or PAGE_DEPTH}
    context = base | results | {"unknown_counterpart": False} | context
    return page(request, "plan.html", values=values, **lists, **context)


async def _planner_curve(
    state: AppState, journal: Journal, body: PlanRequest
) -> dict[str, Any] | None:
    """With your own opener, the plan of the same scenario with the planner's (else None).

    Your opener alone is one point: the charts draw the planner's curve with it marked.
    """
    if body.opener is None:
        return None
    try:
        mine = body.model_copy(update={"opener": None, "listed": False})
        return (await cached_plan(state, journal, mine)).report
    except DitfError:
        return None


async def _answer(
    request: Request,
    state: AppState,
    journal: Journal,
    values: dict[str, Any],
    data: dict[str, Any] | None = None,
) -> Response:
    """Plan the form's scenario (or ``data``, an uploaded file's) and render it, or the errors.

    The form shows ``values`` either way.
    """
    depth = _depth(request, values)
    values = values | {"depth": depth}

    async def work() -> dict[str, Any]:
        if data is None:
            body = parse_form(PlanRequest, scenario_data(values))
        else:
            body = parse_mapping(PlanRequest, data)
        report = (await cached_plan(state, journal, body)).report
        key = body.counterpart.id
        known = not key or await state.io.run(lambda: journal.get_counterpart(key) is not None)
        charts = None
        if depth != "beginner":
            charts = plan_charts(report, await _planner_curve(state, journal, body))
        title = "Points of P(yes) to the fallback each mechanism adds after the opener"
        mechanisms = None
        if depth == "advanced":
            mechanisms = mechanisms_chart(report["contributions"], title)
        save = save_values(values, report)
        results = {"report": report, "charts": charts, "mechanisms": mechanisms, "save": save}
        return results | {"unknown_counterpart": not known}

    form = "plan" if data is None else "upload"
    return await answer(_page(request, values, form=form), work)


def save_values(values: dict[str, Any], report: dict[str, Any]) -> dict[str, str]:
    """The plan's asks as the journal's ask form takes them (the "save as an ask" form)."""
    door = report["recommendation"] == DOOR
    return {
        "counterpart": str(values.get("counterpart_id") or ""),
        "domain": report["domain"],
        "unit": report["unit"],
        "technique": "door-in-the-face" if door else "direct",
        "opener": shown(report["opener"]) if door else "",
        "fallback": shown(report["fallback"] if door else report["plain_ask"]),
        "delay_hours": shown(values.get("delay_hours") or "0") if door else "0",
        "scenario": (report["title"] or f"web plan, {report['domain']}")[:200],
    }


#: What a link may prefill on the plan form (a counterpart page's "plan for this counterpart").
PREFILL = ("counterpart_id", "domain", "unit", "accepts_low", "accepts_high", "distribution")


@router.get("/plan", include_in_schema=False)
async def plan_page(request: Request, example: str = "") -> Response:
    """The scenario form, with a salary example or a bundled practice scenario's numbers.

    ``?counterpart_id=KEY&accepts_low=..&accepts_high=..`` (and ``domain``, ``unit``,
    ``distribution``) prefill the counterpart, as the counterpart page's link does.
    """
    query = request.query_params
    prefill = {k: query[k].strip()[:200] for k in PREFILL if k in query and not example}
    show = _page(request, dict(FORM_DEFAULTS) | prefill)

    async def work() -> Response:
        values = form_from_mapping(example_mapping(example)) | {"depth": PAGE_DEPTH}
        return await _page(request, values, example=example)()

    return await answer(show, work) if example else await show()


@router.post("/plan", include_in_schema=False)
async def plan_form(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """The form's plan at the chosen depth, or what to fix."""
    values, _ = await form_values(request, booleans=HONESTY, multi=BENCH)
    return await _answer(request, state, journal, values)


@router.post("/plan/upload", include_in_schema=False)
async def plan_upload(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """Plan an uploaded scenario file; the form is filled with it, to edit and plan again."""
    options, uploads = await form_values(request)

    async def work() -> Response:
        mapping = read_upload(uploads.get("file"), "scenario")
        values = form_from_mapping(mapping) | {"depth": options.get("depth", PAGE_DEPTH)}
        # The file is validated as it is (types, unknown fields), not as the form re-reads it.
        data = mapping | {"depth": _depth(request, values)}
        return await _answer(request, state, journal, values, data)

    return await answer(_page(request, dict(FORM_DEFAULTS), form="upload"), work)


@router.post("/plan/sheet", include_in_schema=False)
async def plan_sheet(request: Request, state: StateDep, journal: JournalDep) -> Response:
    """The form's plan as the Markdown prep sheet, to download (or the form with what to fix)."""
    values, _ = await form_values(request, booleans=HONESTY, multi=BENCH)
    try:
        body = parse_form(PlanRequest, scenario_data(values))
        cached = await cached_plan(state, journal, body)
    except DitfError:
        return await _answer(request, state, journal, values)
    headers = {"Content-Disposition": 'attachment; filename="prep-sheet.md"'}
    sheet = prep_sheet(cached.report)
    return Response(sheet, media_type="text/markdown; charset=utf-8", headers=headers)
