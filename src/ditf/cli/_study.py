"""Study commands: analyze, power, meta, export-otree."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ditf import data, plots
from ditf._errors import InvalidParameterError
from ditf._validation import check_int_range, check_option, check_probability
from ditf.cli._app import (
    NO_SCENARIO_OPTIONS,
    JsonFlag,
    PlotFile,
    ScenarioOptions,
    Seed,
    app,
    option_group,
    out,
    pct,
    print_json,
    read_input,
    reported,
)
from ditf.simulate import (
    DaskBackend,
)
from ditf.study import (
    MAX_EXACT_N,
    TAU2_METHODS,
    TEST_NAMES,
    TESTS,
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

# ---------------------------------------------------------------- study

#: How an analysis-scale number is labelled: only log measures are "log scale".
_ANALYSIS_SCALES = {"OR": " (log scale)", "RR": " (log scale)", "ZCOR": " (Fisher's z scale)"}

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
    reference: Annotated[
        str | None,
        typer.Option(
            help="Arm to compare against. Default: target_only, else the one arm whose name "
            "contains 'control', else the first arm in the file."
        ),
    ] = None,
    test: Annotated[str, typer.Option(help="Test Holm-adjusts: fisher or chi2.")] = "fisher",
    one_sided: Annotated[
        bool, typer.Option(help="Test treatment > control (intervals stay two-sided).")
    ] = False,
    plot: PlotFile = None,
    as_json: JsonFlag = False,
) -> None:
    """Compliance rates, differences, odds and risk ratios, and tests for a k-arm study."""
    with reported():
        check_option(test, "--test", "ditf study analyze", ("fisher", "chi2"))
        arms = data.read_trials(file)
        if reference is not None:
            check_option(reference, "--reference", "ditf study analyze", [a[0] for a in arms])
        report = analyze(arms, reference=reference, test=test,
                         alternative="larger" if one_sided else "two-sided")  # fmt: skip
        if plot is not None:
            plots.plot_rates(report, plot)
    if as_json:
        print_json(report.to_dict())
        return
    level = f"{100 * report.level:.0f}%"
    rates = Table(title=f"Compliance by arm ({file.name})", title_justify="left")
    for col in ("arm", "n", "yes", "rate", f"{level} Wilson"):
        rates.add_column(col, justify="left" if col == "arm" else "right")
    for arm in report.arms:
        rates.add_row(arm.name, str(arm.n), str(arm.yes), pct(arm.rate),
                      f"{pct(arm.lo)}-{pct(arm.hi)}")  # fmt: skip
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
# The three arms ask no foot, and power has no unit.
@option_group("scenario_options", ScenarioOptions, omit=("foot", "unit"))
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
    test: Annotated[
        str,
        typer.Option(
            help="Test the analysis will run: fisher (as analyze), chi2, or arcsine "
            "(normal approximation, two arms only)."
        ),
    ] = "fisher",
    behavioral: Annotated[bool, typer.Option(help="Outcome is carried out, not verbal.")] = False,
    uncertainty: Annotated[bool, typer.Option(help="Draw parameters from the posterior.")] = False,
    scenario_options: ScenarioOptions = NO_SCENARIO_OPTIONS,
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
        _two_arm_power(p_treatment, p_control, n, target_power, alpha, one_sided, test, as_json)
        return
    with reported():
        owner = "ditf study power"
        check_int_range(seed, "--seed", owner, 0)
        check_option(test, "--test", f"{owner} (three arms)", ("fisher", "chi2"))
        check_probability(alpha, "--alpha", owner, open_interval=True)
        check_int_range(studies, "--studies", owner, 10, 10_000_000)
        if target_power is not None:
            check_probability(target_power, "--target-power", owner, open_interval=True)
        for size in n or []:
            check_int_range(size, "--n", owner, 2, 10_000_000)
        scenario = scenario_options.scenario()
        options: dict[str, Any] = {
            "n_studies": studies, "alpha": alpha, "rng": seed, "test": test,
            "alternative": "larger" if one_sided else "two-sided",
            "measure": "behavioral" if behavioral else "verbal", "uncertainty": uncertainty,
        }  # fmt: skip
        with DaskBackend(workers=workers) if workers is not None else nullcontext() as dask:
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
    if as_json:
        print_json({"points": [p.to_dict() for p in points]})
        return
    table = Table(title=f"Three-arm design, simulated power of {TEST_NAMES[test]} (Holm over "
                  "the planned contrasts)", title_justify="left")  # fmt: skip
    contrasts = [f"{c.treatment} > {c.control}" for c in points[0].contrasts]
    for col in ("n per arm", "all contrasts", *contrasts, "studies"):
        table.add_column(col, justify="right")
    for pt in points:
        table.add_row(str(pt.n_per_arm), f"{pt.power_all:.3f} ± {pt.mc_se:.3f}",
                      *(f"{c.power:.3f}" for c in pt.contrasts), f"{pt.n_studies:,}")  # fmt: skip
    out.print(table)
    rates = ", ".join(f"{a} {pct(r)}" for a, r in zip(points[0].arms, points[0].mean_rates,
                                                       strict=True))  # fmt: skip
    out.print(f"[dim]expected compliance: {rates}; each study draws its own strength.[/]")


def _two_arm_power(
    p_treatment: float | None,
    p_control: float | None,
    n: list[int] | None,
    target_power: float | None,
    alpha: float,
    one_sided: bool,
    test: str,
    as_json: bool,
) -> None:
    """Exact (or approximate) power, or sample size, for two arms, printed or as JSON."""
    alternative = "larger" if one_sided else "two-sided"
    with reported():
        owner = "ditf study power"
        if p_treatment is None or p_control is None:
            raise InvalidParameterError("Give both --p-treatment and --p-control.")
        check_option(test, "--test", owner, TESTS)
        check_probability(p_treatment, "--p-treatment", owner)
        check_probability(p_control, "--p-control", owner)
        check_probability(alpha, "--alpha", owner, open_interval=True)
        top = 10_000_000 if test == "arcsine" else MAX_EXACT_N
        options: dict[str, Any] = {"alpha": alpha, "alternative": alternative, "test": test}
        if target_power is not None:
            check_probability(target_power, "--target-power", owner, open_interval=True)
            size = sample_size_two_arm(p_treatment, p_control, power=target_power, **options)
            rows = [{"n_per_arm": size,
                     "power": power_two_arm(p_treatment, p_control, size, **options)}]  # fmt: skip
        else:
            sizes = [check_int_range(k, "--n", owner, 2, top) for k in n or [50, 100, 200, 400]]
            rows = [{"n_per_arm": k, "power": power_two_arm(p_treatment, p_control, k, **options)}
                    for k in sizes]  # fmt: skip
    if as_json:
        print_json({"p_treatment": p_treatment, "p_control": p_control, "alpha": alpha,
                     "alternative": alternative, "test": test, "test_name": TEST_NAMES[test],
                     "points": rows})  # fmt: skip
        return
    kind = "approximate" if test == "arcsine" else "exact"
    table = Table(title=f"Two arms, {kind} power of {TEST_NAMES[test]}: {pct(p_treatment or 0)} "
                  f"vs {pct(p_control or 0)}, alpha {alpha}", title_justify="left")  # fmt: skip
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
    with reported():
        owner = "ditf study meta"
        check_option(measure, "--measure", owner, ("OR", "RR", "RD", "ZCOR"))
        check_option(method, "--method", owner, TAU2_METHODS)
        if (file is None) == (bundled is None):
            raise InvalidParameterError("Give a FILE or --bundled bcg|ditf, not both or neither.")
        if file is not None:
            table = data.read_meta_table(file)
        else:
            tables = {"bcg": data.load_bcg, "ditf": data.load_meta_example}
            check_option(bundled, "--bundled", owner, tables)
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
        print_json(payload)
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
            scale = _ANALYSIS_SCALES.get(r.measure, "")
            out.print(f"trim-and-fill: {b.trim_fill.k0} missing on the {b.trim_fill.side}; "
                      f"filled estimate {b.trim_fill.filled.estimate:.4f}{scale}")  # fmt: skip
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
    with reported():
        design = otree_design_from_mapping(read_input(design_file))
        paths = data.write_files(render_otree_app(design), outdir, overwrite=overwrite)
    out.print(f"wrote {len(paths)} files to {outdir}")
    out.print(
        f"run it: cd {outdir} && pip install -r requirements.txt && otree test {design.app_name}"
    )
