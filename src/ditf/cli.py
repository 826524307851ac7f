"""The ``ditf`` command line: parse, call one library function, render.

Every command rejects bad input with a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ditf import data, plots
from ditf._errors import DitfError, InvalidParameterError
from ditf._validation import check_int_range, check_option, check_positive, check_probability
from ditf.model import (
    PRIORS,
    Context,
    FitResult,
    Prediction,
    Replication,
    Request,
    Sequence,
    Step,
    compare,
    fit,
    predict,
    replicate,
    scenario_from_mapping,
    study_names,
)
from ditf.settings import Settings
from ditf.simulate import (
    CONDITIONS,
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
from ditf.study import (
    PowerResult,
    analyze,
    meta_from_table,
    otree_design_from_mapping,
    power_curve,
    power_two_arm,
    render_otree_app,
    sample_size_three_arm,
    sample_size_two_arm,
)

app = typer.Typer(
    name="ditf",
    help="Evidence-based door-in-the-face: a calibrated model of request sequences.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a ditf error into a clear message and exit code 2 (never a traceback)."""
    try:
        yield
    except DitfError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2))


# ---------------------------------------------------------------- replicate


def _replication_json(rep: Replication) -> dict[str, Any]:
    return {
        "study": rep.study,
        "key": rep.key,
        "source": rep.source,
        "conditions": [
            dataclasses.asdict(c) | {"reproduced": c.reproduced} for c in rep.conditions
        ],
        "replication": {
            "contrast": list(rep.contrast),
            "chi2_observed": rep.chi2_observed,
            "chi2_median": rep.chi2_median,
            "chi2_lo": rep.chi2_lo,
            "chi2_hi": rep.chi2_hi,
            "power": rep.power,
            "n_sims": rep.n_sims,
            "level": rep.level,
        },
    }


def _render_replication(rep: Replication) -> None:
    level = f"{100 * rep.level:.0f}%"
    table = Table(title=f"{rep.key}\n[dim]{rep.source}[/]", title_justify="left")
    columns = ("condition", "n", "observed", "fitted", f"{level} rerun", f"{level} fitted p", "")
    for col in columns:
        table.add_column(col, justify="left" if col == "condition" else "right")
    for c in rep.conditions:
        table.add_row(
            c.condition,
            str(c.n),
            f"{c.observed_pct:.1f}%",
            f"{c.predicted_pct:.1f}%",
            f"{c.lo:.1f}-{c.hi:.1f}%",
            f"{c.ci_lo:.1f}-{c.ci_hi:.1f}%",
            "[green]reproduced[/]" if c.reproduced else "[red]outside[/]",
        )
    out.print(table)
    out.print(
        f"[dim]rerun: where the observed % of a same-size rerun falls ({level} posterior "
        "predictive); fitted p: the model's probability itself.[/]"
    )
    treat, control = rep.contrast
    out.print(
        f"\nSimulated replication at the original n ({rep.n_sims} reruns from the posterior), "
        f"{treat!r} vs {control!r}:\n"
        f"  chi-square observed {rep.chi2_observed:.2f}; simulated median {rep.chi2_median:.2f} "
        f"({level} of reruns between {rep.chi2_lo:.2f} and {rep.chi2_hi:.2f})\n"
        f"  chance a same-size replication is significant (p < .05): "
        f"[bold]{100 * rep.power:.0f}%[/]"
    )


@app.command("replicate")
def replicate_command(
    study: Annotated[str, typer.Argument(help=f"One of: {', '.join(study_names())}.")],
    sims: Annotated[int, typer.Option(help="Simulated reruns (posterior draws).")] = 4000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    plot: Annotated[
        Path | None, typer.Option(help="Save a chart of observed vs fitted (.png, .svg, .pdf).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare a published experiment with the fitted model and simulate reruns."""
    with _reported():
        check_int_range(seed, "--seed", "ditf replicate", 0)
        rep = replicate(study, n_sims=sims, rng=seed)
        if plot is not None:
            plots.plot_replication(rep, plot)
    if as_json:
        _print_json(_replication_json(rep))
    else:
        _render_replication(rep)


# ---------------------------------------------------------------- predict


def _options_scenario(
    target: float | None,
    opener: float | None,
    foot: float | None,
    baseline: float | None,
    **flags: Any,
) -> tuple[Sequence, Context]:
    if target is None or baseline is None:
        raise InvalidParameterError(
            "Give --target and --baseline (P(yes) when the target is asked alone), or a "
            "scenario FILE."
        )
    if opener is not None and foot is not None:
        raise InvalidParameterError("Give either --opener (door-in-the-face) or --foot, not both.")
    # Validate under the option names the user typed.
    target = check_positive(target, "--target", "ditf predict")
    baseline = check_probability(baseline, "--baseline", "ditf predict", open_interval=True)
    opener = None if opener is None else check_positive(opener, "--opener", "ditf predict")
    foot = None if foot is None else check_positive(foot, "--foot", "ditf predict")
    requester = "other requester" if flags["other_requester"] else "requester"
    last = Request(
        cost=target, unit=flags["unit"], prosocial=flags["prosocial"], requester=requester
    )
    steps = []
    if opener is not None:
        first = Request(
            cost=opener,
            unit=flags["unit"],
            prosocial=flags["prosocial"],
            described_only=flags["described_only"],
        )
        if not opener > target:
            raise InvalidParameterError(
                f"A retreat needs --opener larger than --target; got {opener} and {target}."
            )
        steps.append(Step(request=first))
    elif foot is not None:
        if not foot < target:
            raise InvalidParameterError(
                f"Foot-in-the-door needs --foot smaller than --target; got {foot} and {target}."
            )
        steps.append(
            Step(request=Request(cost=foot, unit=flags["unit"], prosocial=flags["prosocial"]))
        )
    steps.append(Step(request=last, delay_hours=flags["delay_hours"]))
    context = Context(
        baseline=baseline,
        plausible_max=flags["plausible_max"],
        prior_retreats=flags["prior_retreats"],
    )
    return Sequence(tuple(steps)), context


def _prediction_json(pred: Prediction) -> dict[str, Any]:
    return dataclasses.asdict(pred)


def _render_prediction(pred: Prediction, seq: Sequence) -> None:
    level = f"{100 * pred.level:.0f}%"
    costs = " -> ".join(
        f"{s.request.cost:g}{' (described)' if s.request.described_only else ''}" for s in seq.steps
    )
    table = Table(
        title=f"Sequence {costs} {seq.target.unit}", title_justify="left", show_header=False
    )
    table.add_column()
    table.add_column(justify="right")
    table.add_row("P(yes) to the target asked alone", _pct(pred.p_alone))
    table.add_row(
        "P(yes) to the target after the sequence",
        f"[bold]{_pct(pred.p_sequence)}[/] ({level}: {_pct(pred.lo)}-{_pct(pred.hi)})",
    )
    table.add_row(
        "lift",
        f"{100 * pred.lift:+.1f} points ({level}: {100 * pred.lift_lo:+.1f} to "
        f"{100 * pred.lift_hi:+.1f}); {pred.lift_logodds:+.2f} log-odds",
    )
    table.add_row("P(the target is reached)", _pct(pred.p_asked))
    table.add_row(
        "P(carried out): alone / after the sequence",
        f"{_pct(pred.behavioral_alone)} / {_pct(pred.behavioral_sequence)}",
    )
    out.print(table)
    why = Table(title="Why: probability points each part adds", title_justify="left")
    why.add_column("mechanism")
    why.add_column("points", justify="right")
    why.add_column("")
    for name, value in pred.contributions.items():
        bar = ("+" if value >= 0 else "-") * min(40, round(abs(100 * value)))
        why.add_row(name.replace("_", " "), f"{100 * value:+.1f}", bar)
    out.print(why)
    out.print(f"[dim]method: {pred.method}; probabilities are posterior means.[/]")


@app.command("predict")
def predict_command(
    file: Annotated[
        Path | None, typer.Argument(help="Scenario file (.toml or .json) with steps and context.")
    ] = None,
    target: Annotated[float | None, typer.Option(help="Cost of the target (last) request.")] = None,
    opener: Annotated[
        float | None, typer.Option(help="Cost of a larger opener (door-in-the-face).")
    ] = None,
    foot: Annotated[
        float | None, typer.Option(help="Cost of a smaller first request (foot-in-the-door).")
    ] = None,
    baseline: Annotated[
        float | None, typer.Option(help="P(yes) when the target is asked alone.")
    ] = None,
    delay_hours: Annotated[
        float, typer.Option(help="Hours between the first request and the target.")
    ] = 0.0,
    other_requester: Annotated[bool, typer.Option(help="Someone else asks the target.")] = False,
    described_only: Annotated[
        bool, typer.Option(help="The opener is described, not asked.")
    ] = False,
    prosocial: Annotated[
        bool, typer.Option("--prosocial/--not-prosocial", help="A prosocial cause.")
    ] = True,
    prior_retreats: Annotated[
        int, typer.Option(help="Retreats this person already saw from you.")
    ] = 0,
    plausible_max: Annotated[
        float | None, typer.Option(help="Largest good-faith ask (market high).")
    ] = None,
    unit: Annotated[str, typer.Option(help="Unit of the costs.")] = "units",
    seed: Annotated[int, typer.Option(help="Random seed for the posterior draws.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """P(yes) to a request after a sequence, against asking it alone, and why."""
    options = {
        "--target": target, "--opener": opener, "--foot": foot, "--baseline": baseline,
        "--plausible-max": plausible_max,
    }  # fmt: skip
    with _reported():
        if file is not None:
            given = [name for name, value in options.items() if value is not None]
            if given:
                raise InvalidParameterError(
                    f"Give a scenario FILE or options, not both: {', '.join(given)} would be "
                    f"ignored. Edit {file.name} instead."
                )
            seq, context = scenario_from_mapping(data.read_mapping(file))
        else:
            seq, context = _options_scenario(
                target, opener, foot, baseline,
                delay_hours=delay_hours, other_requester=other_requester,
                described_only=described_only, prosocial=prosocial,
                prior_retreats=prior_retreats, plausible_max=plausible_max, unit=unit,
            )  # fmt: skip
        check_int_range(seed, "--seed", "ditf predict", 0)
        pred = predict(seq, context, rng=seed)
    if as_json:
        _print_json(_prediction_json(pred))
    else:
        _render_prediction(pred, seq)


# ---------------------------------------------------------------- evidence


@app.command("evidence")
def evidence_command(as_json: JsonFlag = False) -> None:
    """Print the bundled evidence: experiments, meta-analyses, and the findings."""
    studies, metas = data.load_studies(), data.load_meta_analyses()
    if as_json:
        _print_json({
            "studies": [dataclasses.asdict(s) for s in studies],
            "meta_analyses": [dataclasses.asdict(m) for m in metas],
        })  # fmt: skip
        return
    table = Table(title="Experiments (studies.csv)", title_justify="left")
    for col in ("experiment", "condition", "type", "n", "yes", "%", "source"):
        table.add_column(col, justify="right" if col in ("n", "yes", "%") else "left")
    for s in studies:
        name = f"{s.study.split(',')[0]} ({s.year}) {s.experiment}"
        counts = (str(s.n), str(s.complied), f"{s.pct:.1f}")
        table.add_row(name, s.condition, s.condition_type, *counts, s.source)
    out.print(table)
    meta = Table(title="Meta-analyses (meta_analyses.csv)", title_justify="left")
    for col in ("meta-analysis", "year", "technique", "outcome", "k", "r", "scope", "source"):
        meta.add_column(col)
    for m in metas:
        k = "" if m.k is None else str(m.k)
        meta.add_row(m.meta_analysis, str(m.year), m.technique, m.outcome, k,
                     f"{m.effect:.3f}", m.scope, m.source)  # fmt: skip
    out.print(meta)
    out.print(data.load_facts(), markup=False)


# ---------------------------------------------------------------- fit, compare


def _render_fit(result: FitResult) -> None:
    table = Table(
        title="Fitted parameters (posterior median and 90% interval)", title_justify="left"
    )
    for col in ("parameter", "median", "90% interval", "prior", "evidence"):
        table.add_column(col, justify="right" if col in ("median", "90% interval") else "left")
    for name, (med, lo, hi) in result.interval().items():
        prior = PRIORS[name]
        kind = (f"lognormal({prior.first:g}, {prior.second:g})" if prior.kind == "lognormal"
                else f"beta({prior.first:g}, {prior.second:g})")  # fmt: skip
        table.add_row(name, f"{med:.3f}", f"{lo:.3f}-{hi:.3f}", kind, prior.why)
    out.print(table)
    meta = Table(title="Meta-analytic targets", title_justify="left")
    for col in ("technique", "outcome", "studies", "statistic", "published r", "model", "source"):
        meta.add_column(col)
    for t, value in result.meta:
        meta.add_row(
            t.technique, t.outcome, t.mix, t.statistic, f"{t.value:.3f}", f"{value:.3f}", t.source
        )
    if result.meta:
        out.print(meta)
    out.print(
        f"log-likelihood {result.loglik:.2f} (experiments {result.loglik_studies:.2f}, meta "
        f"{result.loglik_meta:.2f}); {result.n_params} parameters informed by data; "
        f"n = {result.n_obs}; converged: {result.converged}"
    )


DataFile = Annotated[
    Path | None,
    typer.Argument(
        help="A studies CSV with the columns of the bundled studies.csv (default: bundled)."
    ),
]


@app.command("fit")
def fit_command(
    file: DataFile = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the fit as JSON here.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Fit the model to the evidence (or to FILE) and report parameters with intervals."""
    with _reported():
        result = fit(None if file is None else data.read_studies(file))
    payload = result.to_dict()
    if out_file is not None:
        try:
            out_file.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        except OSError as exc:
            err.print(f"error: cannot write {str(out_file)!r}: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None
    if as_json:
        _print_json(payload)
    else:
        _render_fit(result)
        if out_file is not None:
            out.print(f"wrote {out_file}")


@app.command("compare")
def compare_command(file: DataFile = None, as_json: JsonFlag = False) -> None:
    """Fit alternative mechanism sets and rank them by AIC and BIC."""
    with _reported():
        rows = compare(None if file is None else data.read_studies(file))
    if as_json:
        _print_json([
            {k: v for k, v in dataclasses.asdict(r).items() if k != "fit"} for r in rows
        ])  # fmt: skip
        return
    table = Table(title="Mechanism sets, best first", title_justify="left")
    for col in ("mechanisms", "log-lik", "k", "AIC", "BIC", "dAIC", "weight"):
        table.add_column(col, justify="left" if col == "mechanisms" else "right")
    for r in rows:
        table.add_row(r.name, f"{r.loglik:.2f}", str(r.n_params), f"{r.aic:.2f}", f"{r.bic:.2f}",
                      f"{r.delta_aic:.2f}", f"{r.weight:.2f}")  # fmt: skip
    out.print(table)
    out.print(
        "[dim]k counts the parameters the likelihood depends on; "
        "fits are penalised by the priors.[/]"
    )


# ---------------------------------------------------------------- simulate, sweep


def _scenario(**options: Any) -> Scenario:
    """A scenario from the CLI options that were given (defaults elsewhere)."""
    return Scenario(**{k: v for k, v in options.items() if v is not None})


ScenarioOpener = Annotated[float | None, typer.Option(help="Cost of the opener [208].")]
ScenarioTarget = Annotated[float | None, typer.Option(help="Cost of the target [2].")]
ScenarioFoot = Annotated[float | None, typer.Option(help="Cost of the foot (FITD) [0.1].")]
ScenarioDelay = Annotated[float | None, typer.Option(help="Hours before the target [0].")]
ScenarioBaseline = Annotated[
    float | None, typer.Option(help="P(yes) to the target asked alone [0.167].")
]
ScenarioLimit = Annotated[float | None, typer.Option(help="Largest good-faith ask [none].")]
ScenarioUnit = Annotated[str | None, typer.Option(help="Unit of the costs [hours].")]
ScenarioProsocial = Annotated[
    bool | None, typer.Option("--prosocial/--not-prosocial", help="A prosocial cause [yes].")
]
Conditions = Annotated[
    list[str] | None,
    typer.Option("--condition", help=f"Repeat to choose; default all of {', '.join(CONDITIONS)}."),
]
People = Annotated[int, typer.Option("--people", help="People per condition (and run).")]
Seed = Annotated[int, typer.Option(help="Random seed.")]
CsvFile = Annotated[Path | None, typer.Option("--csv", help="Write the tidy rows as CSV here.")]
PlotFile = Annotated[Path | None, typer.Option(help="Save a chart (.png, .svg, .pdf).")]


def _write_csv(records: list[dict[str, Any]], path: Path) -> None:
    import csv

    columns = list(dict.fromkeys(k for r in records for k in r))
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(records)
    except OSError as exc:
        raise InvalidParameterError(f"Cannot write {str(path)!r}: {exc}.") from exc


@app.command("simulate")
def simulate_command(
    condition: Conditions = None,
    people: People = 100_000,
    episodes: Annotated[int, typer.Option(help="Times the same people meet the sequence.")] = 1,
    opener: ScenarioOpener = None,
    target: ScenarioTarget = None,
    foot: ScenarioFoot = None,
    delay_hours: ScenarioDelay = None,
    baseline: ScenarioBaseline = None,
    plausible_max: ScenarioLimit = None,
    unit: ScenarioUnit = None,
    prosocial: ScenarioProsocial = None,
    seed: Seed = 0,
    csv_file: CsvFile = None,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Simulate a population answering the standard conditions."""
    with _reported():
        scenario = _scenario(
            opener=opener, target=target, foot=foot, delay_hours=delay_hours,
            baseline=baseline, plausible_max=plausible_max, unit=unit, prosocial=prosocial,
        )  # fmt: skip
        check_int_range(seed, "--seed", "ditf simulate", 0)
        result = simulate(
            scenario, conditions=condition, n_people=people, episodes=episodes,
            settings=Settings.from_env(), rng=seed,
        )  # fmt: skip
        records = result.records()
        if csv_file is not None:
            _write_csv(records, csv_file)
        if plot is not None:
            plots.plot_simulation(result, plot)
    if as_json:
        _print_json({"scenario": dataclasses.asdict(scenario), "n_people": people,
                     "rows": records})  # fmt: skip
        return
    table = Table(title=f"Simulated: {people:,} people per condition", title_justify="left")
    for col in ("condition", "episode", "P(yes) to target", "95% interval", "carried out",
                "value/person"):  # fmt: skip
        table.add_column(col, justify="left" if col == "condition" else "right")
    for row in (r for r in result.rows if r.is_target):
        value = result.expected_value(row.condition, row.episode)
        table.add_row(row.condition.replace("_", " "), str(row.episode), _pct(row.p_yes),
                      f"{_pct(row.p_yes_lo)}-{_pct(row.p_yes_hi)}", _pct(row.p_kept),
                      f"{value:.3g} {scenario.unit}")  # fmt: skip
    out.print(table)


@app.command("sweep")
def sweep_command(
    specs: Annotated[
        list[str], typer.Argument(help="PARAM=START:STOP:STEPS[:log], PARAM=A,B,C or PARAM=V.")
    ],
    condition: Conditions = None,
    people: People = 50_000,
    opener: ScenarioOpener = None,
    target: ScenarioTarget = None,
    foot: ScenarioFoot = None,
    delay_hours: ScenarioDelay = None,
    baseline: ScenarioBaseline = None,
    plausible_max: ScenarioLimit = None,
    unit: ScenarioUnit = None,
    prosocial: ScenarioProsocial = None,
    seed: Seed = 0,
    processes: Annotated[int | None, typer.Option(help="Run on this many local processes.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Start a Dask LocalCluster with this many workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on an existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    csv_file: CsvFile = None,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Simulate the conditions over a grid of scenario or model parameters."""
    with _reported():
        axes = [SweepAxis.parse(spec) for spec in specs]
        scenario = _scenario(
            opener=opener, target=target, foot=foot, delay_hours=delay_hours,
            baseline=baseline, plausible_max=plausible_max, unit=unit, prosocial=prosocial,
        )  # fmt: skip
        check_int_range(seed, "--seed", "ditf sweep", 0)
        if sum(x is not None for x in (processes, workers, scheduler)) > 1:
            raise InvalidParameterError("Choose one of --processes, --workers or --scheduler.")
        result = _run_sweep(axes, scenario, condition, people, seed, processes, workers,
                            scheduler, quiet=as_json)  # fmt: skip
        records = list(result.rows)
        if csv_file is not None:
            _write_csv(records, csv_file)
        if plot is not None:
            plots.plot_sweep(result, plot)
    if as_json:
        _print_json({"axes": [dataclasses.asdict(a) for a in axes], "rows": records})
        return
    table = Table(title="Sweep: P(yes) to the target", title_justify="left")
    names = [a.name for a in axes]
    for col in (*names, "condition", "P(yes)", "95% interval", "value/person"):
        table.add_column(col, justify="left" if col == "condition" else "right")
    for r in records:
        table.add_row(*(f"{r[n]:g}" for n in names), r["condition"].replace("_", " "),
                      _pct(r["p_yes"]), f"{_pct(r['p_yes_lo'])}-{_pct(r['p_yes_hi'])}",
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
    from rich.progress import Progress

    backend: Backend = SerialBackend() if processes is None else ProcessBackend(processes)
    remote = workers is not None or scheduler is not None
    dask = DaskBackend(workers=workers, scheduler=scheduler) if remote else None
    # The bar only draws on a terminal: elsewhere it would leave a stray newline on stderr.
    with Progress(console=err, disable=quiet or not err.is_terminal, transient=True) as bar:
        task = bar.add_task("sweeping", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            return sweep(axes, scenario, conditions=conditions, n_people=people,
                         backend=dask or backend, settings=Settings.from_env(), rng=seed,
                         progress=advance)  # fmt: skip
        finally:
            if dask is not None:
                dask.close()


# ---------------------------------------------------------------- study

study_app = typer.Typer(
    help="Study tools: compliance statistics, power, meta-analysis, oTree export.",
    no_args_is_help=True,
)
app.add_typer(study_app, name="study")


@study_app.command("analyze")
def study_analyze_command(
    file: Annotated[
        Path, typer.Argument(help="CSV: condition,outcome per person, or condition,n,yes.")
    ],
    reference: Annotated[str | None, typer.Option(help="Arm to compare against.")] = None,
    test: Annotated[str, typer.Option(help="Test Holm-adjusts: fisher or chi2.")] = "fisher",
    one_sided: Annotated[
        bool, typer.Option(help="Test treatment > control (intervals stay two-sided).")
    ] = False,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Compliance rates, differences, odds and risk ratios, and tests for a k-arm study."""
    with _reported():
        arms = data.read_trials(file)
        report = analyze(arms, reference=reference, test=test,
                         alternative="larger" if one_sided else "two-sided")  # fmt: skip
        if plot is not None:
            plots.plot_rates(report, plot)
    if as_json:
        _print_json(report.to_dict())
        return
    level = f"{100 * report.level:.0f}%"
    rates = Table(title=f"Compliance by arm ({file.name})", title_justify="left")
    for col in ("arm", "n", "yes", "rate", f"{level} Wilson"):
        rates.add_column(col, justify="left" if col == "arm" else "right")
    for arm in report.arms:
        rates.add_row(arm.name, str(arm.n), str(arm.yes), _pct(arm.rate),
                      f"{_pct(arm.lo)}-{_pct(arm.hi)}")  # fmt: skip
    out.print(rates)
    table = Table(title="Planned contrasts", title_justify="left")
    for col in ("contrast", "difference (Newcombe)", "odds ratio", "risk ratio", "chi2",
                "p Fisher", "p chi2", f"p Holm ({report.test})"):  # fmt: skip
        table.add_column(col, justify="left" if col == "contrast" else "right")
    for c in report.comparisons:
        table.add_row(
            f"{c.treatment} vs {c.control}",
            f"{100 * c.difference:+.1f} ({100 * c.difference_lo:+.1f} to "
            f"{100 * c.difference_hi:+.1f})",
            f"{c.odds_ratio:.2f} ({c.odds_ratio_lo:.2f}-{c.odds_ratio_hi:.2f})",
            f"{c.risk_ratio:.2f} ({c.risk_ratio_lo:.2f}-{c.risk_ratio_hi:.2f})",
            f"{c.chi2:.2f}", f"{c.p_fisher:.4f}", f"{c.p_chi2:.4f}", f"{c.p_holm:.4f}",
        )  # fmt: skip
    out.print(table)
    out.print(f"All arms equal: chi2({report.df}) = {report.chi2:.2f}, p = {report.p_chi2:.4f}")
    for note in report.notes:
        out.print(f"[yellow]note:[/] {note}")


@study_app.command("power")
def study_power_command(
    n: Annotated[
        list[int] | None,
        typer.Option("--n", help="People per arm; repeat for a power curve."),
    ] = None,
    target_power: Annotated[
        float | None, typer.Option(help="Find the n per arm that reaches this power instead.")
    ] = None,
    studies: Annotated[int, typer.Option(help="Simulated studies per n.")] = 10_000,
    alpha: Annotated[float, typer.Option(help="Family-wise alpha (Holm).")] = 0.05,
    one_sided: Annotated[bool, typer.Option(help="Test DITF > control.")] = False,
    behavioral: Annotated[bool, typer.Option(help="Outcome is carried out, not verbal.")] = False,
    uncertainty: Annotated[bool, typer.Option(help="Draw parameters from the posterior.")] = False,
    opener: ScenarioOpener = None,
    target: ScenarioTarget = None,
    delay_hours: ScenarioDelay = None,
    baseline: ScenarioBaseline = None,
    plausible_max: ScenarioLimit = None,
    prosocial: ScenarioProsocial = None,
    p_treatment: Annotated[
        float | None, typer.Option(help="Two arms, analytic: P(yes) with the technique.")
    ] = None,
    p_control: Annotated[
        float | None, typer.Option(help="Two arms, analytic: P(yes) in the control.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Simulate on a Dask LocalCluster with this many workers.")
    ] = None,
    seed: Seed = 0,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Power: the three-arm design simulated from the model, or two arms analytically."""
    if p_treatment is not None or p_control is not None:
        _two_arm_power(p_treatment, p_control, n, target_power, alpha, one_sided, as_json)
        return
    with _reported():
        check_int_range(seed, "--seed", "ditf study power", 0)
        scenario = _scenario(
            opener=opener, target=target, delay_hours=delay_hours, baseline=baseline,
            plausible_max=plausible_max, prosocial=prosocial,
        )  # fmt: skip
        options: dict[str, Any] = {
            "n_studies": studies, "alpha": alpha, "rng": seed,
            "alternative": "larger" if one_sided else "two-sided",
            "measure": "behavioral" if behavioral else "verbal", "uncertainty": uncertainty,
        }  # fmt: skip
        dask = DaskBackend(workers=workers) if workers is not None else None
        try:
            if target_power is not None:
                points: tuple[PowerResult, ...] = (
                    sample_size_three_arm(target_power, scenario, backend=dask, **options),
                )
            else:
                sizes = n or [100, 200, 300, 500, 800]
                curve = power_curve(sizes, scenario, backend=dask, **options)
                points = curve.points
                if plot is not None:
                    plots.plot_power_curve(curve, plot)
        finally:
            if dask is not None:
                dask.close()
    if as_json:
        _print_json({"points": [p.to_dict() for p in points]})
        return
    table = Table(title="Three-arm design, simulated power (Holm over the planned contrasts)",
                  title_justify="left")  # fmt: skip
    contrasts = [f"{c.treatment} > {c.control}" for c in points[0].contrasts]
    for col in ("n per arm", "all contrasts", *contrasts, "studies"):
        table.add_column(col, justify="right")
    for pt in points:
        table.add_row(str(pt.n_per_arm), f"{pt.power_all:.3f} ± {pt.mc_se:.3f}",
                      *(f"{c.power:.3f}" for c in pt.contrasts), f"{pt.n_studies:,}")  # fmt: skip
    out.print(table)
    rates = ", ".join(f"{a} {_pct(r)}" for a, r in zip(points[0].arms, points[0].mean_rates,
                                                       strict=True))  # fmt: skip
    out.print(f"[dim]expected compliance: {rates}; each study draws its own strength.[/]")


def _two_arm_power(
    p_treatment: float | None,
    p_control: float | None,
    n: list[int] | None,
    target_power: float | None,
    alpha: float,
    one_sided: bool,
    as_json: bool,
) -> None:
    """Analytic power (or sample size) for two arms, printed or as JSON."""
    alternative = "larger" if one_sided else "two-sided"
    with _reported():
        if p_treatment is None or p_control is None:
            raise InvalidParameterError("Give both --p-treatment and --p-control.")
        if target_power is not None:
            size = sample_size_two_arm(p_treatment, p_control, power=target_power, alpha=alpha,
                                       alternative=alternative)  # fmt: skip
            rows = [{"n_per_arm": size, "power": power_two_arm(
                p_treatment, p_control, size, alpha=alpha, alternative=alternative)}]  # fmt: skip
        else:
            rows = [{"n_per_arm": k, "power": power_two_arm(
                p_treatment, p_control, k, alpha=alpha, alternative=alternative)}
                for k in n or [50, 100, 200, 400]]  # fmt: skip
    if as_json:
        _print_json({"p_treatment": p_treatment, "p_control": p_control, "alpha": alpha,
                     "alternative": alternative, "points": rows})  # fmt: skip
        return
    table = Table(title=f"Two arms, analytic (Cohen's h): {_pct(p_treatment or 0)} vs "
                  f"{_pct(p_control or 0)}, alpha {alpha}", title_justify="left")  # fmt: skip
    table.add_column("n per arm", justify="right")
    table.add_column("power", justify="right")
    for row in rows:
        table.add_row(str(row["n_per_arm"]), f"{row['power']:.3f}")
    out.print(table)


@study_app.command("meta")
def study_meta_command(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="CSV: study + yes_t,n_t,yes_c,n_c | r,n | effect,variance [+ moderators]."
        ),
    ] = None,
    bundled: Annotated[
        str | None, typer.Option(help="A bundled table instead of FILE: 'bcg' or 'ditf'.")
    ] = None,
    measure: Annotated[str, typer.Option(help="For 2x2 tables: OR, RR, RD or ZCOR.")] = "OR",
    method: Annotated[str, typer.Option(help="tau² estimator: REML, DL, PM, or FE.")] = "REML",
    knapp_hartung: Annotated[bool, typer.Option(help="Knapp-Hartung (HKSJ) intervals.")] = False,
    bias: Annotated[bool, typer.Option(help="Egger, Peters and trim-and-fill.")] = True,
    plot: Annotated[Path | None, typer.Option(help="Save a forest plot here.")] = None,
    funnel: Annotated[Path | None, typer.Option(help="Save a funnel plot here.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Pool effect sizes: fixed and random effects, heterogeneity, meta-regression, bias."""
    with _reported():
        if (file is None) == (bundled is None):
            raise InvalidParameterError("Give a FILE or --bundled bcg|ditf, not both or neither.")
        if file is not None:
            table = data.read_meta_table(file)
        else:
            tables = {"bcg": data.load_bcg, "ditf": data.load_meta_example}
            check_option(bundled, "--bundled", "ditf study meta", tables)
            table = tables[str(bundled)]()
        report = meta_from_table(table, measure=measure, method=method,
                                 knapp_hartung=knapp_hartung, bias=bias)  # fmt: skip
        if plot is not None:
            plots.plot_forest(report.result, report.labels, plot)
        if funnel is not None:
            trim_fill = report.bias.trim_fill if report.bias else None
            plots.plot_funnel(report.result, funnel, trim_fill=trim_fill)
    payload = report.to_dict()
    if as_json:
        _print_json(payload)
        return
    r, shown = report.result, payload["display"]
    level = f"{100 * r.level:.0f}%"
    table_out = Table(title=f"Meta-analysis of {report.name} ({r.k} studies, {r.method})",
                      title_justify="left", show_header=False)  # fmt: skip
    table_out.add_column()
    table_out.add_column(justify="right")
    pooled = (f"[bold]{shown['estimate']:.3f}[/] ({level}: {shown['ci_lo']:.3f} to "
              f"{shown['ci_hi']:.3f}), p = {r.p_value:.4g}")  # fmt: skip
    table_out.add_row(f"pooled {shown['scale']}", pooled)
    if shown.get("pi_lo") is not None:
        table_out.add_row("prediction interval", f"{shown['pi_lo']:.3f} to {shown['pi_hi']:.3f}")
    table_out.add_row("heterogeneity", f"Q({r.q_df}) = {r.q:.2f}, p = {r.q_p:.3g}; "
                      f"I² = {r.i2:.1f}%; tau² = {r.tau2:.4f}")  # fmt: skip
    table_out.add_row("fixed effect (analysis scale)", f"{report.fixed.estimate:.4f}")
    out.print(table_out)
    if report.regression is not None:
        reg = report.regression
        coefs = "; ".join(f"{n} {c:+.4f} (SE {s:.4f})"
                          for n, c, s in zip(reg.names, reg.coef, reg.se, strict=True))  # fmt: skip
        out.print(f"meta-regression: {coefs}; QM = {reg.qm:.2f}, p = {reg.qm_p:.3g}")
    if report.bias is not None:
        b = report.bias
        if b.egger is not None:
            out.print(f"Egger's test: p = {b.egger.p_value:.3g}")
        if b.peters is not None:
            out.print(f"Peters' test: p = {b.peters.p_value:.3g}")
        if b.trim_fill is not None:
            out.print(f"trim-and-fill: {b.trim_fill.k0} missing on the {b.trim_fill.side}; "
                      f"filled estimate {b.trim_fill.filled.estimate:.4f} (log scale)")  # fmt: skip
        for note in b.notes:
            out.print(f"[yellow]note:[/] {note}")
    if report.source:
        out.print(f"[dim]source: {report.source}[/]")


@study_app.command("export-otree")
def study_export_otree_command(
    design_file: Annotated[Path, typer.Argument(help="Design file (.toml or .json).")],
    outdir: Annotated[Path, typer.Argument(help="Folder to write the oTree project into.")],
    overwrite: Annotated[
        bool, typer.Option(help="Replace ditf's files in a non-empty folder.")
    ] = False,
) -> None:
    """Write an oTree project for the three-arm design (random assignment, bots included)."""
    with _reported():
        design = otree_design_from_mapping(data.read_mapping(design_file))
        paths = data.write_files(render_otree_app(design), outdir, overwrite=overwrite)
    out.print(f"wrote {len(paths)} files to {outdir}")
    out.print(
        f"run it: cd {outdir} && pip install -r requirements.txt && otree test {design.app_name}"
    )


def main() -> None:
    """Entry point of the ``ditf`` script."""
    app()
