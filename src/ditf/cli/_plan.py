"""Planner commands: plan, audit."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ditf import plots
from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf.cli._app import (
    DbOption,
    JsonFlag,
    PlotFile,
    app,
    err,
    out,
    pct,
    print_json,
    read_input,
    reported,
)
from ditf.model import ContextFit
from ditf.plan import (
    DOOR,
    Estimate,
    Finding,
    Plan,
    amount_words,
    concession_script,
    headline,
    plan_report,
    plan_scenario_from_mapping,
    plan_with_history,
    prep_sheet,
    require_clean,
)

if TYPE_CHECKING:
    from ditf.store import AskRecord


class Depth(StrEnum):
    """How much of the plan to show."""

    beginner = "beginner"
    practitioner = "practitioner"
    advanced = "advanced"


class Format(StrEnum):
    """How to write the plan."""

    text = "text"
    json = "json"
    md = "md"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="text: tables for the terminal; json: as --json; md: the Markdown prep sheet "
        "(the one-line answer, the asks, the script, the odds with intervals, the curve and "
        "the audit) to print or save with > sheet.md.",
    ),
]


ScenarioFile = Annotated[
    Path, typer.Argument(help="Scenario file (.toml or .json); see examples/plan/.")
]
StrictFlag = Annotated[
    bool, typer.Option("--strict", help="Refuse (exit 1) when a finding blocks the plan.")
]


def _history(counterpart: str, db: str | None) -> tuple[int, list[AskRecord]]:
    """Earlier retreats on this counterpart and the asks made to them (none without an id)."""
    if not counterpart:
        return 0, []
    from ditf.store import Journal

    with Journal(db, read_only=True) as journal:  # reading never creates a journal
        return journal.prior_retreats(counterpart), journal.asks(counterpart)


CalibrationOption = Annotated[
    Path | None,
    typer.Option(
        "--context",
        help="A context calibrated from your journal (ditf fit --journal --out FILE).",
    ),
]


def _calibration(path: Path | None) -> ContextFit | None:
    if path is None:
        return None
    return ContextFit.from_dict(read_input(path))


def _load(file: Path, db: str | None, calibration: Path | None = None) -> Plan:
    # Every benchmark in range is a fallback candidate the planner evaluates.
    scenario = plan_scenario_from_mapping(read_input(file, "benchmarks"))
    retreats, asks = _history(scenario.counterpart.id, db)
    return plan_with_history(
        scenario, asks, prior_retreats=retreats, calibration=_calibration(calibration)
    )


def _money(p: Plan, value: float) -> str:
    return amount_words(value, p.scenario.unit)


def _odds_row(table: Table, label: str, e: Estimate, p: Plan, *, estimate: bool = True) -> None:
    if not estimate:  # your own estimate of the counterpart: no model interval
        table.add_row(label, f"{pct(e.p_yes)} (your estimate)", f"{format_amount(e.value, 4)}")
        return
    table.add_row(
        label,
        f"{pct(e.p_yes)} ({pct(e.p_lo)}-{pct(e.p_hi)})",
        f"{format_amount(e.value, 4)} "
        f"({format_amount(e.value_lo, 4)}-{format_amount(e.value_hi, 4)})",
    )


def _render_asks(p: Plan) -> None:
    s = p.scenario
    out.print(f"[bold]{s.title or s.domain}[/]  (target {_money(p, s.target)}, "
              f"minimum {_money(p, s.minimum)}, BATNA {_money(p, s.batna)})")  # fmt: skip
    # The one-line answer, at every depth: the plan compared like for like, or why not.
    out.print(f"[bold]{headline(p)}[/]", soft_wrap=True)
    c = s.counterpart
    if c.answers:
        lo, hi = c.updated_range(s.direction)
        out.print(f"  counterpart {escape(c.id)}: your range {_money(p, c.accepts_low)} to "
                  f"{_money(p, c.accepts_high)}; after {len(c.answers)} recorded answer(s) "
                  f"{_money(p, lo)} to {_money(p, hi)} (the plan uses the updated range)",
                  soft_wrap=True)  # fmt: skip
    if p.recommendation != DOOR:
        out.print(f"  ask plainly for  [bold]{_money(p, p.plain_ask)}[/]")
        out.print("  the technique's asks, not recommended here:")
    out.print(f"  open with   [bold]{_money(p, p.opener)}[/]  (basis: {p.opener_basis.name})")
    crit = p.fallback_criterion.name if p.fallback_criterion else "no objective criterion"
    out.print(f"  retreat to  [bold]{_money(p, p.fallback)}[/]  (criterion: {crit})")
    if p.second_fallback is not None:
        out.print(f"  last offer  [bold]{_money(p, p.second_fallback)}[/]")
    if p.chosen_by_you:
        out.print("  (asks fixed by the scenario file; the curve shows the alternatives)")
    out.print("\n[bold]Script[/]")
    for line in concession_script(p):
        out.print(f"  - {line}", soft_wrap=True)


def _render_odds(p: Plan) -> None:
    odds = Table(
        title=f"Odds and expected value beyond your BATNA, in {p.scenario.unit} "
        f"({p.level:.0%} intervals)"
    )
    for column in ("", "P(agreement)", "expected value"):
        odds.add_column(column)
    _odds_row(odds, "opener, then fallback", p.sequence, p)
    if p.with_second is not None:
        _odds_row(odds, "... and the last offer", p.with_second, p)
    if p.fallback != p.scenario.target:
        _odds_row(odds, "fallback asked alone", p.fallback_direct, p, estimate=False)
    _odds_row(odds, "target asked directly", p.direct, p, estimate=False)
    _odds_row(odds, "foot-in-the-door, then fallback", p.foot_in_the_door, p)
    out.print(odds)
    out.print(f"P(yes) to the fallback: {pct(p.p_fallback_alone)} asked alone, "
              f"{pct(p.p_fallback_after)} ({pct(p.p_fallback_lo)}-{pct(p.p_fallback_hi)}) "
              "after the opener is refused")  # fmt: skip
    curve = Table(title="Opener curve (fallback fixed)")
    for column in ("opener", "P(yes to opener)", "P(agreement)", "expected value", ""):
        curve.add_column(column)
    step = max(1, len(p.curve) // 10)
    shown = [c for i, c in enumerate(p.curve) if i % step == 0 or c.opener == p.opener]
    for c in shown:
        mark = "chosen" if c.opener == p.opener else ("" if c.defensible else "beyond benchmarks")
        curve.add_row(_money(p, c.opener), pct(c.p_opener), pct(c.estimate.p_yes),
                      f"{format_amount(c.estimate.value, 4)}", mark)  # fmt: skip
    out.print(curve)
    timing = Table(title="Timing: the same asks with a delay before the retreat")
    for column in ("delay", "P(agreement)", "expected value"):
        timing.add_column(column)
    for t in p.timing:
        timing.add_row(
            f"{t.delay_hours:g} h", pct(t.estimate.p_yes), f"{format_amount(t.estimate.value, 4)}"
        )
    out.print(timing)


def _render_audit(p: Plan) -> None:
    if not p.findings:
        out.print("[green]Audit: no findings.[/]")
    else:
        table = Table(title="Audit")
        table.add_column("rule", no_wrap=True)
        for column in ("severity", "finding", "source"):
            table.add_column(column, overflow="fold")
        for f in p.findings:
            assert isinstance(f, Finding)
            table.add_row(f.id, f.severity, f.message, f.source)
        out.print(table)
    mech = Table(title="Mechanisms: points of P(yes) to the fallback after the opener")
    mech.add_column("mechanism")
    mech.add_column("points", justify="right")
    for name, value in p.contributions.items():
        mech.add_row(name.replace("_", " "), f"{100 * value:+.1f}")
    out.print(mech)


def _render(p: Plan, depth: Depth) -> None:
    _render_asks(p)
    if depth is not Depth.beginner:
        _render_odds(p)
    if depth is Depth.advanced:
        _render_audit(p)
    else:
        blocking = [f for f in p.findings if isinstance(f, Finding) and f.severity == "blocking"]
        for f in blocking:
            err.print(f"[bold red]blocking:[/] {f.id}: {f.message}", soft_wrap=True)
        if p.findings and not blocking:
            out.print(f"Audit: {len(p.findings)} warning(s); see --depth advanced or ditf audit.")


@app.command("plan")
def plan_command(
    file: ScenarioFile,
    depth: Annotated[Depth, typer.Option(help="How much to show.")] = Depth.practitioner,
    as_json: JsonFlag = False,
    strict: StrictFlag = False,
    plot: PlotFile = None,
    db: DbOption = None,
    fmt: FormatOption = Format.text,
    context: CalibrationOption = None,
) -> None:
    """Plan the opener, the fallback(s) and the script, with odds and an audit."""
    with reported():
        if as_json and fmt is Format.md:
            raise InvalidParameterError("Give --json or --format md, not both.")
        result = _load(file, db, context)
        if strict:
            _refuse_if_blocked(result)
        if plot is not None:
            plots.plot_plan_curve(result, plot)
    if fmt is Format.md:
        typer.echo(prep_sheet(plan_report(result)), nl=False)
    elif as_json or fmt is Format.json:
        print_json(plan_report(result))
    else:
        _render(result, depth)
        if plot is not None:
            out.print(f"wrote {plot}")


def _refuse_if_blocked(result: Plan) -> None:
    with reported(exit_code=1):
        require_clean(result)


@app.command("audit")
def audit_command(
    file: ScenarioFile,
    as_json: JsonFlag = False,
    strict: StrictFlag = False,
    db: DbOption = None,
) -> None:
    """Check a plan against the ethics and effectiveness rules (with their sources)."""
    with reported():
        result = _load(file, db)
    if as_json:
        print_json(plan_report(result)["findings"])
    else:
        out.print(f"Plan audited: open {_money(result, result.opener)}, "
                  f"retreat to {_money(result, result.fallback)}")  # fmt: skip
        _render_audit(result)
    if strict:
        _refuse_if_blocked(result)
