"""Simulate: populations answering the standard conditions, and sweeps over a grid."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ditf.simulate import CONDITIONS, SWEEPABLE, simulate, sweep
from ditf.web._charts import simulation_chart, sweep_chart
from ditf.web._deps import AppState, StateDep
from ditf.web._errors import API_ERRORS
from ditf.web._limits import check_cap, check_sweep
from ditf.web._pages import defaults, form_values, parse_form
from ditf.web._routes._shape import Api, Show, answer, page
from ditf.web._schemas.simulate import SimulateRequest, SimulationPublic, SweepPublic, SweepRequest

router = APIRouter()
api = Api(router, "simulate", API_ERRORS)
#: The sweep part of the page's form, with its first values.
SWEEP_DEFAULTS = {
    "sweep_name": "opener",
    "sweep_start": 3,
    "sweep_stop": 30000,
    "sweep_steps": 9,
    "sweep_log": True,
}


async def run_simulate(state: AppState, body: SimulateRequest) -> SimulationPublic:
    """Simulate the request's population (within the web caps)."""
    cap = state.settings.web_max_population
    check_cap(body.people, cap, "people per condition", "DITF_WEB_MAX_POPULATION")
    scenario = body.to_scenario()

    def compute() -> SimulationPublic:
        result = simulate(
            scenario,
            conditions=body.conditions,
            n_people=body.people,
            episodes=body.episodes,
            settings=state.limits,
            rng=body.seed,
        )
        return SimulationPublic.from_core(result, body.episodes)

    return await state.worker.run(compute)


async def run_sweep(state: AppState, body: SweepRequest) -> SweepPublic:
    """Run the request's sweep (within the web caps)."""
    axes = [a.to_core() for a in body.axes]
    check_sweep(axes, len(body.conditions or CONDITIONS), body.people, state.settings)
    scenario = body.to_scenario()

    def compute() -> SweepPublic:
        result = sweep(
            axes,
            scenario,
            conditions=body.conditions,
            n_people=body.people,
            settings=state.limits,
            rng=body.seed,
        )
        return SweepPublic.from_core(result)

    return await state.worker.run(compute)


@api.route("POST", "/api/simulate", "Simulate a population answering the standard conditions")
async def simulate_api(body: SimulateRequest, state: StateDep) -> SimulationPublic:
    """Rates per condition, episode and step with 95% Wilson intervals (Monte Carlo only).

    ``people`` is capped by ``DITF_WEB_MAX_POPULATION``.
    """
    return await run_simulate(state, body)


@api.route("POST", "/api/sweep", "Simulate the conditions over a grid of parameters")
async def sweep_api(body: SweepRequest, state: StateDep) -> SweepPublic:
    """One row per grid point and condition.

    Any scenario number or model parameter can be swept; runs and responses are capped by
    ``DITF_WEB_MAX_SWEEP_RUNS`` and ``DITF_WEB_MAX_RESPONSES``.
    """
    return await run_sweep(state, body)


# Pages ----------------------------------------------------------------------------------------

BOOLEANS = ("prosocial", "sweep_log")


def _page(request: Request, values: dict[str, Any]) -> Show:
    lists = {"conditions": CONDITIONS, "sweepable": SWEEPABLE}
    results = {"simulation": None, "sweep": None, "chart": None}
    return page(request, "simulate.html", values=values, **lists, **results)


def _sweep_data(values: dict[str, Any]) -> dict[str, Any]:
    """The page's one-axis sweep fields as a :class:`SweepRequest`'s ``axes``."""
    axis = {"name": values.get("sweep_name", ""), "log": values.get("sweep_log", False)}
    for key in ("start", "stop", "steps"):
        if values.get(f"sweep_{key}", "") != "":
            axis[key] = values[f"sweep_{key}"]
    return values | {"axes": [axis]}


@router.get("/simulate", include_in_schema=False)
async def simulate_page(request: Request) -> Response:
    """The simulation and sweep form."""
    return await _page(request, defaults(SimulateRequest) | SWEEP_DEFAULTS)()


@router.post("/simulate", include_in_schema=False)
async def simulate_form(request: Request, state: StateDep) -> Response:
    """Simulate the conditions the form chose; table and chart."""
    values, _ = await form_values(request, booleans=BOOLEANS, multi=("conditions",))

    async def work() -> dict[str, Any]:
        result = await run_simulate(state, parse_form(SimulateRequest, values))
        return {"simulation": result, "chart": simulation_chart(result)}

    return await answer(_page(request, values), work)


@router.post("/simulate/sweep", include_in_schema=False)
async def sweep_form(request: Request, state: StateDep) -> Response:
    """Sweep one parameter over a range; table and chart."""
    values, _ = await form_values(request, booleans=BOOLEANS, multi=("conditions",))

    async def work() -> dict[str, Any]:
        result = await run_sweep(state, parse_form(SweepRequest, _sweep_data(values)))
        return {"sweep": result, "chart": sweep_chart(result)}

    return await answer(_page(request, values), work)
