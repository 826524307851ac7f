"""Bargaining commands: negotiate (one, with a transcript), tournament."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ditf import plots
from ditf._errors import InvalidParameterError
from ditf._validation import check_int_range
from ditf.cli._app import (
    NO_OUTPUT_OPTIONS,
    JsonFlag,
    OutputOptions,
    PlotFile,
    Seed,
    app,
    option_group,
    out,
    pct,
    print_json,
    progress,
    read_input,
    reported,
)
from ditf.negotiate import (
    COUNTERPARTS,
    STRATEGIES,
    BargainingScenario,
    DoorInTheFace,
    Negotiation,
    Strategy,
    TournamentResult,
    make_counterpart,
    make_strategy,
    negotiate,
    scenario_from_mapping,
    tournament,
)

# ---------------------------------------------------------------- shared

ScenarioFile = Annotated[
    Path, typer.Argument(help="Bargaining scenario (.toml or .json); see examples/negotiate/.")
]
Rounds = Annotated[
    int | None, typer.Option(help="Rounds of offers (default: the scenario's, else 100).")
]


def _load(file: Path, rounds: int | None) -> BargainingScenario:
    scenario = scenario_from_mapping(read_input(file))
    if rounds is None:
        return scenario
    return replace(scenario, problem=replace(scenario.problem, rounds=rounds))


def _strategy(scenario: BargainingScenario, name: str) -> Strategy:
    return _player(name, "strategy", "strategies", scenario.strategies, STRATEGIES, make_strategy)


def _counterpart(scenario: BargainingScenario, name: str) -> Strategy:
    return _player(name, "counterpart", "counterparts", scenario.counterparts, COUNTERPARTS,
                   make_counterpart)  # fmt: skip


def _player(
    name: str,
    option: str,
    section: str,
    defined: Mapping[str, Strategy],
    bundled: Collection[str],
    make: Callable[[str], Strategy],
) -> Strategy:
    """The player ``name`` of ``--option``: the scenario file's own, else a bundled one."""
    if name in defined:
        return defined[name]
    if name in bundled:
        return make(name)
    choices = sorted(set(bundled) | set(defined))
    raise InvalidParameterError(
        f"Unknown {option} {name!r} for --{option}. Choose from {', '.join(choices)}, or define "
        f"[{section}.{name}] in the scenario file."
    )


# ---------------------------------------------------------------- negotiate


@app.command("negotiate")
def negotiate_command(
    file: ScenarioFile,
    strategy: Annotated[
        str, typer.Option(help=f"Requester strategy: {', '.join(STRATEGIES)} or a file's own.")
    ] = "door_in_the_face",
    counterpart: Annotated[
        str, typer.Option(help="Counterpart: human (the file's), a file population, or boulware...")
    ] = "human",
    opener: Annotated[
        float | None,
        typer.Option(help="Door-in-the-face opener, one-issue scenarios (default: the top)."),
    ] = None,
    rounds: Rounds = None,
    seed: Seed = 0,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Play one negotiation and show its transcript and win-win report."""
    with reported():
        check_int_range(seed, "--seed", "ditf negotiate", 0)
        scenario = _load(file, rounds)
        requester = _strategy(scenario, strategy)
        if opener is not None:
            if strategy != "door_in_the_face":
                raise InvalidParameterError(
                    "--opener only applies to --strategy door_in_the_face; define a strategy in "
                    "the scenario file to set other parameters."
                )
            requester = DoorInTheFace(opener=_opener_utility(scenario, opener))
        result = negotiate(scenario.problem, requester, _counterpart(scenario, counterpart),
                           rng=seed)  # fmt: skip
        if plot is not None:
            plots.plot_negotiation(result, plot)
    if as_json:
        print_json(result.to_dict())
        return
    _render_negotiation(result)


def _opener_utility(scenario: BargainingScenario, opener: float) -> float:
    """The requester's utility of ``--opener``, checked against the scenario's one issue."""
    space = scenario.problem.space
    if len(space.issues) != 1:
        raise InvalidParameterError(
            f"The --opener option applies to one-issue scenarios; this one has "
            f"{len(space.issues)} issues ({', '.join(space.names)}). Define a door_in_the_face "
            "strategy with an opener table in the scenario file instead."
        )
    issue = space.issues[0]
    if not issue.lo <= opener <= issue.hi:
        raise InvalidParameterError(
            f"The --opener option must lie in the range of {issue.name}, [{issue.lo:g}, "
            f"{issue.hi:g}]. Got {opener:g} instead. Choose an opener inside the range, or widen "
            "the issue's range in the scenario file."
        )
    return space.utilities(opener)[0]


def _render_negotiation(result: Negotiation) -> None:
    table = Table(
        title=f"{result.requester} vs {result.counterpart}", title_justify="left", expand=False
    )
    for col in ("round", "who", "move", "outcome", "U req", "U cp", "P(yes)", "says"):
        table.add_column(col, justify="right" if col in ("round", "U req", "U cp", "P(yes)")
                         else "left", overflow="fold")  # fmt: skip
    for m in result.moves:
        p_yes = "" if m.p_yes is None else pct(m.p_yes)
        table.add_row(str(m.round), m.side, m.action, m.outcome, f"{m.requester_utility:.2f}",
                      f"{m.counterpart_utility:.2f}", p_yes, m.message)  # fmt: skip
    out.print(table)
    r = result.report
    where = "" if result.agreement is None else (
        f": {result.problem.space.describe(result.agreement_index)}"
    )  # fmt: skip
    out.print(f"{result.status}{where} after {result.rounds} round(s)")
    share = "n/a" if math.isnan(r.nash_share) else pct(r.nash_share)
    out.print(
        f"surplus over the reservations: requester {r.requester_surplus:+.3f}, counterpart "
        f"{r.counterpart_surplus:+.3f}, joint {r.joint_surplus:+.3f}; distance to the Pareto "
        f"frontier {r.pareto_distance:.3f}; Nash product {r.nash_product:.4f} ({share} of the "
        "best)"
    )
    out.print(r.verdict())


# ---------------------------------------------------------------- tournament


@app.command("tournament")
@option_group("output_options", OutputOptions)
def tournament_command(
    file: ScenarioFile,
    strategy: Annotated[
        list[str] | None,
        typer.Option("--strategy", help="Repeat to choose; default all, the file's included."),
    ] = None,
    counterpart: Annotated[
        list[str] | None,
        typer.Option("--counterpart", help="Repeat to choose; default the file's populations."),
    ] = None,
    negotiations: Annotated[
        int, typer.Option("--negotiations", "-n", help="Negotiations per strategy and counterpart.")
    ] = 1000,
    episodes: Annotated[int, typer.Option(help="Times the same counterparts meet you.")] = 1,
    rounds: Rounds = None,
    seed: Seed = 0,
    output_options: OutputOptions = NO_OUTPUT_OPTIONS,
) -> None:
    """Every strategy against every counterpart population, many negotiations each."""
    with reported():
        check_int_range(seed, "--seed", "ditf tournament", 0)
        scenario = _load(file, rounds)
        names = strategy or list(STRATEGIES) + list(scenario.strategies)
        strategies = {name: _strategy(scenario, name) for name in names}
        chosen = counterpart or list(scenario.counterparts)
        counterparts = {name: _counterpart(scenario, name) for name in chosen}
        result = _run_tournament(scenario, strategies, counterparts, negotiations, episodes,
                                 seed, quiet=output_options.as_json)  # fmt: skip
        records = result.records()
        output_options.save(records, partial(plots.plot_tournament, result))
    if output_options.as_json:
        print_json({"n": result.n, "episodes": result.episodes, "rows": records})
        return
    _render_tournament(result)


def _run_tournament(
    scenario: BargainingScenario,
    strategies: dict[str, Strategy],
    counterparts: dict[str, Strategy],
    n: int,
    episodes: int,
    seed: int,
    *,
    quiet: bool,
) -> TournamentResult:
    """Run the tournament with a progress bar on stderr (drawn on a terminal only)."""
    with progress("negotiating", quiet=quiet) as advance:
        return tournament(scenario.problem, strategies, counterparts, n=n, episodes=episodes,
                          rng=seed, progress=advance)  # fmt: skip


def _render_tournament(result: TournamentResult) -> None:
    many = result.episodes > 1
    table = Table(title=f"Tournament: {result.n:,} negotiations per cell", title_justify="left")
    columns = ["strategy", "counterpart", *(["episode"] if many else []), "agree", "walk",
               "rounds", "U req (95%)", "joint", "Pareto", "retreat"]  # fmt: skip
    for col in columns:
        table.add_column(col, justify="left" if col in ("strategy", "counterpart") else "right")
    for r in result.rows:
        shares = {"joint gain": r.retreat_joint_gain, "transfer": r.retreat_transfer,
                  "joint loss": r.retreat_joint_loss}  # fmt: skip
        retreat = r.retreat if r.retreat == "none" else f"{pct(shares[r.retreat])} {r.retreat}"
        table.add_row(
            r.strategy, r.counterpart, *([str(r.episode)] if many else []),
            pct(r.agreement_rate), pct(r.walk_away_rate), f"{r.mean_rounds:.1f}",
            f"{r.requester_utility:.3f} ({r.requester_utility_lo:.3f}-"
            f"{r.requester_utility_hi:.3f})",
            f"{r.joint_surplus:+.3f}", f"{r.pareto_distance:.3f}", retreat,
        )  # fmt: skip
    out.print(table)
    same = [f"{r.strategy} vs {r.counterpart}" for r in result.rows if r.identical]
    if same:
        out.print(
            f"Every run ended the same way in: {', '.join(same)}: their "
            "intervals have no width and more negotiations would not change them."
        )
    out.print("Rates have 95% Wilson intervals (in --json and --csv); U req a 95% normal one.")
