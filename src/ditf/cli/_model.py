"""Model commands: replicate, predict, evidence, fit, compare."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ditf import data, plots
from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf._validation import check_int_range, check_positive, check_probability
from ditf.cli._app import (
    DbOption,
    JsonFlag,
    Seed,
    app,
    check_amounts,
    check_unit,
    err,
    number,
    out,
    pct,
    print_json,
    read_input,
    reported,
)
from ditf.model import (
    PRIORS,
    Context,
    FitResult,
    Prediction,
    Replication,
    Request,
    Sequence,
    Step,
    bundled_anchoring_targets,
    compare,
    first_offer_r,
    fit,
    fit_context,
    new_context_interval,
    predict,
    replicate,
    scenario_from_mapping,
    study_names,
)

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
    seed: Seed = 0,
    plot: Annotated[
        Path | None, typer.Option(help="Save a chart of observed vs fitted (.png, .svg, .pdf).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare a published experiment with the fitted model and simulate reruns."""
    with reported():
        check_int_range(seed, "--seed", "ditf replicate", 0)
        rep = replicate(study, n_sims=sims, rng=seed)
        if plot is not None:
            plots.plot_replication(rep, plot)
    if as_json:
        print_json(_replication_json(rep))
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
        negotiation=flags["negotiation"],
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
    table.add_row("P(yes) to the target asked alone", pct(pred.p_alone))
    table.add_row(
        "P(yes) to the target after the sequence",
        f"[bold]{pct(pred.p_sequence)}[/] ({level}: {pct(pred.lo)}-{pct(pred.hi)})",
    )
    table.add_row(
        "lift",
        f"{100 * pred.lift:+.1f} points ({level}: {100 * pred.lift_lo:+.1f} to "
        f"{100 * pred.lift_hi:+.1f}); {pred.lift_logodds:+.2f} log-odds",
    )
    table.add_row("P(the target is reached)", pct(pred.p_asked))
    table.add_row(
        "P(carried out): alone / after the sequence",
        f"{pct(pred.behavioral_alone)} / {pct(pred.behavioral_sequence)}",
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
    target: Annotated[float | None, number("Cost of the target (last) request.")] = None,
    opener: Annotated[float | None, number("Cost of a larger opener (door-in-the-face).")] = None,
    foot: Annotated[
        float | None, number("Cost of a smaller first request (foot-in-the-door).")
    ] = None,
    baseline: Annotated[float | None, number("P(yes) when the target is asked alone.")] = None,
    delay_hours: Annotated[float, number("Hours between the first request and the target.")] = 0.0,
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
    plausible_max: Annotated[float | None, number("Largest good-faith ask (market high).")] = None,
    negotiation: Annotated[
        bool,
        typer.Option(help="An amount negotiated between two parties: the opener anchors."),
    ] = False,
    first_baseline: Annotated[
        float | None,
        number("P(yes) to the opener asked alone, as the planner estimates it (two steps)."),
    ] = None,
    unit: Annotated[str, typer.Option(help="Unit of the costs.")] = "units",
    seed: Annotated[int, typer.Option(help="Random seed for the posterior draws.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """P(yes) to a request after a sequence, against asking it alone, and why.

    With --negotiation and --first-baseline it reproduces a plan's conditional number: the
    planner anchors in negotiations over amounts and takes P(yes) to the opener from your
    estimate of the counterpart (docs/plan.md).
    """
    options = {
        "--target": target, "--opener": opener, "--foot": foot, "--baseline": baseline,
        "--plausible-max": plausible_max,
    }  # fmt: skip
    with reported():
        if file is not None:
            given = [name for name, value in options.items() if value is not None]
            if given:
                raise InvalidParameterError(
                    f"Give a scenario FILE or options, not both: {', '.join(given)} would be "
                    f"ignored. Edit {file.name} instead."
                )
            # Prediction integrates over each step's history: the work grows with every step.
            seq, context = scenario_from_mapping(read_input(file, "steps"))
        else:
            check_amounts(options, "ditf predict")
            seq, context = _options_scenario(
                target, opener, foot, baseline,
                delay_hours=delay_hours, other_requester=other_requester,
                described_only=described_only, prosocial=prosocial,
                prior_retreats=prior_retreats, plausible_max=plausible_max, unit=check_unit(unit),
                negotiation=negotiation,
            )  # fmt: skip
        check_int_range(seed, "--seed", "ditf predict", 0)
        if first_baseline is not None:
            check_probability(
                first_baseline, "--first-baseline", "ditf predict", open_interval=True
            )
        pred = predict(seq, context, rng=seed, first_baseline=first_baseline)
    if as_json:
        print_json(_prediction_json(pred))
    else:
        _render_prediction(pred, seq)


# ---------------------------------------------------------------- evidence


@app.command("evidence")
def evidence_command(as_json: JsonFlag = False) -> None:
    """Print the bundled evidence: experiments, meta-analyses, and the findings."""
    studies, metas = data.load_studies(), data.load_meta_analyses()
    if as_json:
        print_json({
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
    p = result.params
    implied = float(first_offer_r(p.anchoring if result.mechanisms.anchoring else 0.0))
    targets = "; ".join(f"r = {t.r:.2f} ({t.source})" for t in bundled_anchoring_targets())
    out.print(f"first-offer anchoring: the model's first-offer/settlement r = {implied:.2f}; "
              f"bundled target {targets or 'none'}")  # fmt: skip
    out.print(
        f"log-likelihood {result.loglik:.2f} (experiments {result.loglik_studies:.2f}, meta "
        f"{result.loglik_meta:.2f}, anchoring {result.loglik_negotiation:.2f}); "
        f"{result.n_params} parameters informed by data; n = {result.n_obs}; "
        f"converged: {result.converged}"
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
    journal: Annotated[
        bool,
        typer.Option("--journal", help="Calibrate a context from the journal's asks (--db)."),
    ] = False,
    domain: Annotated[
        str | None, typer.Option(help="With --journal: the domain to calibrate.")
    ] = None,
    reference: Annotated[
        float | None,
        number("With --journal, price-like domains: the amount that costs them nothing extra."),
    ] = None,
    db: DbOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Fit the model to the evidence (or to FILE) and report parameters with intervals.

    With --journal, calibrate one context (a domain of your journal) instead: its baseline,
    lift strength and, for negotiations, anchoring, with the bundled fit as the prior.
    """
    if journal:
        _fit_journal(file, out_file, domain, reference, db, as_json)
        return
    with reported():
        result = fit(None if file is None else data.read_studies(file))
    payload = result.to_dict()
    if out_file is not None:
        _write_json(out_file, payload)
    if as_json:
        print_json(payload)
    else:
        _render_fit(result)
        if out_file is not None:
            out.print(f"wrote {out_file}")


def _fit_journal(
    file: Path | None, out_file: Path | None, domain: str | None, reference: float | None,
    db: str | None, as_json: bool,
) -> None:  # fmt: skip
    from ditf.plan import DOMAINS, context_asks
    from ditf.store import Journal

    with reported():
        if file is not None:
            raise InvalidParameterError(
                "Give --journal or a studies FILE, not both: --journal calibrates a context "
                "from the journal's asks."
            )
        with Journal(db, read_only=True) as j:
            records, url = j.asks(), j.url
        domains = sorted({r.domain for r in records if r.asked_by == "me" and r.outcome})
        if domain is None and not domains:
            raise InvalidParameterError(
                f"The journal at {url} has no asks of yours with an outcome yet: record them "
                "with `ditf journal add ask` and `ditf journal add outcome`."
            )
        if domain is None and len(domains) > 1:
            raise InvalidParameterError(
                f"The journal at {url} holds asks with outcomes in "
                f"{', '.join(domains) or 'no domain'}: choose one with --domain."
            )
        domain = domain or domains[0]
        asks = context_asks(records, domain, reference)
        info = DOMAINS[domain]
        result = fit_context(asks, negotiation=info.price_like, prosocial=info.prosocial)
    if out_file is not None:
        _write_json(out_file, result.to_dict())
    rows = result.interval()
    bundled = new_context_interval()
    if as_json:
        print_json({"domain": domain, "journal": url, "fit": result.to_dict(),
                    "context": rows, "bundled": bundled})  # fmt: skip
        return
    table = Table(title=f"{domain}: {result.n_asks} asks from {url}", title_justify="left")
    for col in ("parameter", "your context (median, 90%)", "a new context (bundled fit)"):
        table.add_column(col)
    for name, (med, lo, hi) in rows.items():
        b = bundled.get(name)
        shown = "your estimate of each counterpart" if b is None else _span(*b)
        table.add_row(name, _span(med, lo, hi), shown)
    out.print(table)
    out.print(f"baseline: P(yes) to {format_amount(result.reference_cost)} (the median "
              "fallback, in cost units) asked alone; strength: multiplier of the sequential "
              "lifts (1 = the typical study).", soft_wrap=True)  # fmt: skip
    if out_file is not None:
        out.print(f"wrote {out_file}")


def _write_json(path: Path, payload: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        err.print(f"error: cannot write {str(path)!r}: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def _span(med: float, lo: float, hi: float) -> str:
    return f"{med:.3g} ({lo:.3g}-{hi:.3g})"


@app.command("compare")
def compare_command(file: DataFile = None, as_json: JsonFlag = False) -> None:
    """Fit alternative mechanism sets and rank them by AIC and BIC."""
    with reported():
        rows = compare(None if file is None else data.read_studies(file))
    if as_json:
        print_json([
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
