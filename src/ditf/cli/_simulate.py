"""Simulation commands: simulate, sweep."""

from __future__ import annotations

import dataclasses
from contextlib import nullcontext
from functools import partial
from typing import Annotated

import typer
from rich.table import Table

from ditf import plots
from ditf._errors import InvalidParameterError
from ditf._validation import check_int_range
from ditf.cli._app import (
    NO_OUTPUT_OPTIONS,
    NO_SCENARIO_OPTIONS,
    Conditions,
    OutputOptions,
    People,
    ScenarioOptions,
    Seed,
    app,
    option_group,
    out,
    pct,
    print_json,
    progress,
    reported,
    unique_conditions,
)
from ditf.settings import Settings
from ditf.simulate import (
    Backend,
    DaskBackend,
    ProcessBackend,
    Scenario,
    SerialBackend,
    SweepAxis,
    SweepResult,
    simulate,
    sweep,
)

# ---------------------------------------------------------------- simulate, sweep


@app.command("simulate")
@option_group("scenario_options", ScenarioOptions)
@option_group("output_options", OutputOptions)
def simulate_command(
    condition: Conditions = None,
    people: People = 100_000,
    episodes: Annotated[int, typer.Option(help="Times the same people meet the sequence.")] = 1,
    scenario_options: ScenarioOptions = NO_SCENARIO_OPTIONS,
    seed: Seed = 0,
    output_options: OutputOptions = NO_OUTPUT_OPTIONS,
) -> None:
    """Simulate a population answering the standard conditions."""
    with reported():
        scenario = scenario_options.scenario()
        check_int_range(seed, "--seed", "ditf simulate", 0)
        result = simulate(
            scenario, conditions=unique_conditions(condition), n_people=people, episodes=episodes,
            settings=Settings.from_env(), rng=seed,
        )  # fmt: skip
        records = result.records()
        output_options.save(records, partial(plots.plot_simulation, result))
    if output_options.as_json:
        print_json({"scenario": dataclasses.asdict(scenario), "n_people": people,
                     "rows": records})  # fmt: skip
        return
    table = Table(title=f"Simulated: {people:,} people per condition", title_justify="left")
    for col in ("condition", "episode", "P(yes) to target", "95% interval", "carried out",
                "value/person"):  # fmt: skip
        table.add_column(col, justify="left" if col == "condition" else "right")
    for row in (r for r in result.rows if r.is_target):
        value = result.expected_value(row.condition, row.episode)
        table.add_row(row.condition.replace("_", " "), str(row.episode), pct(row.p_yes),
                      f"{pct(row.p_yes_lo)}-{pct(row.p_yes_hi)}", pct(row.p_kept),
                      f"{value:.3g} {scenario.unit}")  # fmt: skip
    out.print(table)


@app.command("sweep")
@option_group("scenario_options", ScenarioOptions)
@option_group("output_options", OutputOptions)
def sweep_command(
    specs: Annotated[
        list[str], typer.Argument(help="PARAM=START:STOP:STEPS[:log], PARAM=A,B,C or PARAM=V.")
    ],
    condition: Conditions = None,
    people: People = 50_000,
    scenario_options: ScenarioOptions = NO_SCENARIO_OPTIONS,
    seed: Seed = 0,
    processes: Annotated[int | None, typer.Option(help="Run on this many local processes.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Start a Dask LocalCluster with this many workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on an existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    output_options: OutputOptions = NO_OUTPUT_OPTIONS,
) -> None:
    """Simulate the conditions over a grid of scenario or model parameters."""
    with reported():
        axes = [SweepAxis.parse(spec) for spec in specs]
        scenario = scenario_options.scenario()
        check_int_range(seed, "--seed", "ditf sweep", 0)
        if sum(x is not None for x in (processes, workers, scheduler)) > 1:
            raise InvalidParameterError("Choose one of --processes, --workers or --scheduler.")
        conditions = unique_conditions(condition)
        result = _run_sweep(axes, scenario, conditions, people, seed, processes, workers,
                            scheduler, quiet=output_options.as_json)  # fmt: skip
        records = list(result.rows)
        output_options.save(records, partial(plots.plot_sweep, result))
    if output_options.as_json:
        print_json({"axes": [dataclasses.asdict(a) for a in axes], "rows": records})
        return
    table = Table(title="Sweep: P(yes) to the target", title_justify="left")
    names = [a.name for a in axes]
    for col in (*names, "condition", "P(yes)", "95% interval", "value/person"):
        table.add_column(col, justify="left" if col == "condition" else "right")
    for r in records:
        table.add_row(*(f"{r[n]:g}" for n in names), r["condition"].replace("_", " "),
                      pct(r["p_yes"]), f"{pct(r['p_yes_lo'])}-{pct(r['p_yes_hi'])}",
                      f"{r['expected_value']:.3g}")  # fmt: skip
    out.print(table)


def _run_sweep(
    axes: list[SweepAxis],
    scenario: Scenario,
    conditions: list[str] | None,
    people: int,
    seed: int,
    processes: int | None,
    workers: int | None,
    scheduler: str | None,
    *,
    quiet: bool,
) -> SweepResult:
    """Run a sweep on the chosen backend with a progress bar on stderr."""
    local: Backend = SerialBackend() if processes is None else ProcessBackend(processes)
    remote = workers is not None or scheduler is not None
    dask = DaskBackend(workers=workers, scheduler=scheduler) if remote else None
    with dask or nullcontext(), progress("sweeping", quiet=quiet) as advance:
        return sweep(axes, scenario, conditions=conditions, n_people=people,
                     backend=dask or local, settings=Settings.from_env(), rng=seed,
                     progress=advance)  # fmt: skip
