"""The trainer command: ``ditf train`` (as the requester) and ``ditf train --as-target``."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import numpy as np
import typer
from rich.markup import escape
from rich.table import Table

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf._validation import check_int_range, check_option
from ditf.cli._app import JsonFlag, app, number, out, pct, print_json, reported, typed_number
from ditf.plan import DOMAINS, minimum_words
from ditf.train import (
    DECISIONS,
    LEVELS,
    Choice,
    Pitch,
    RoundResult,
    TargetResponse,
    TargetResult,
    TrainerScenario,
    choose_scenario,
    load_trainer_scenarios,
    make_pitch,
    play_round,
    score_target,
)

OWNER = "ditf train"
REQUESTER_OPTIONS = ("--opener", "--fallback", "--delay-hours", "--explanation",
                     "--no-honour-opener")  # fmt: skip
TARGET_OPTIONS = ("--decision", "--counter", "--flag-theatrical", "--honest/--theatrical")


@app.command("train")
def train_command(
    domain: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(DOMAINS)} (default: random).")
    ] = None,
    level: Annotated[str, typer.Option(help=f"One of {', '.join(LEVELS)}.")] = "beginner",
    scenario: Annotated[
        str | None, typer.Option("--scenario", help="Play this scenario id (see --list).")
    ] = None,
    as_target: Annotated[
        bool, typer.Option("--as-target", help="Be the one asked: spot the theatre.")
    ] = False,
    opener: Annotated[float | None, number("Your opener; leave out to ask directly.")] = None,
    fallback: Annotated[float | None, number("Your real request (no prompts when given).")] = None,
    delay_hours: Annotated[float, number("Hours before you retreat.")] = 0.0,
    explanation: Annotated[str, typer.Option(help="How you explain the concession.")] = "",
    honour_opener: Annotated[
        bool,
        typer.Option("--honour-opener/--no-honour-opener", help="Would you keep a yes to it?"),
    ] = True,
    decision: Annotated[
        str | None, typer.Option(help=f"As target: {', '.join(DECISIONS)} (no prompts).")
    ] = None,
    counter: Annotated[float | None, number("As target: your counter-offer.")] = None,
    flag_theatrical: Annotated[
        bool | None,
        typer.Option("--flag-theatrical/--no-flag-theatrical", help="Call the opener theatre."),
    ] = None,
    honest: Annotated[
        bool | None,
        typer.Option("--honest/--theatrical", help="As target: force the pitch (default: random)."),
    ] = None,
    list_scenarios: Annotated[
        bool, typer.Option("--list", help="List the bundled scenarios and stop.")
    ] = False,
    seed: Annotated[
        int | None,
        typer.Option(help="Random seed: the same seed replays a round (default: fresh)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Practise door-in-the-face against counterparts drawn from the model.

    Without the choices as options it asks for them.
    With --json and no choices it prints what you would be shown; replay with the same --seed.
    """
    with reported():
        if list_scenarios:
            _list(domain, as_json)
            return
        seed = _seed(seed)
        gen = np.random.default_rng(seed)
        chosen = _scenario(scenario, domain, level, gen)
        given = {
            "--opener": opener is not None, "--fallback": fallback is not None,
            "--delay-hours": delay_hours != 0.0, "--explanation": explanation != "",
            "--no-honour-opener": not honour_opener, "--decision": decision is not None,
            "--counter": counter is not None, "--flag-theatrical": flag_theatrical is not None,
            "--honest/--theatrical": honest is not None,
        }  # fmt: skip
        wrong = REQUESTER_OPTIONS if as_target else TARGET_OPTIONS
        misplaced = [name for name in wrong if given[name]]
        if misplaced:
            side = "the requester" if as_target else "the target (--as-target)"
            raise InvalidParameterError(
                f"{', '.join(misplaced)} belong(s) to {side}'s round; leave them out or "
                f"{'drop' if as_target else 'add'} --as-target."
            )
        if as_target:
            pitch = make_pitch(chosen, honest=honest, rng=gen)
            if decision is None and as_json:
                print_json({"seed": seed, "pitch": pitch.to_dict(reveal=False)})
                return
            if decision is None:
                response = _ask_target(pitch)
            else:
                check_option(decision, "--decision", OWNER, DECISIONS)
                response = TargetResponse(
                    decision=decision, counter=counter, flag_theatrical=bool(flag_theatrical)
                )
            target_result = score_target(pitch, response)
        else:
            if fallback is None and as_json:
                print_json({"seed": seed, "scenario": chosen.to_dict()})
                return
            if fallback is None:
                choice = _ask_requester(chosen)
            else:
                choice = Choice(
                    opener=opener, fallback=fallback, delay_hours=delay_hours,
                    explanation=explanation, honour_opener=honour_opener,
                )  # fmt: skip
            round_result = play_round(chosen, choice, rng=gen)
    if as_target:
        if as_json:
            print_json({"seed": seed} | target_result.to_dict())
        else:
            _render_target(target_result, seed)
    elif as_json:
        print_json({"seed": seed} | round_result.to_dict())
    else:
        _render_round(round_result, seed)


# ---------------------------------------------------------------- inputs


def _seed(seed: int | None) -> int:
    if seed is None:
        # A fresh round each time, but a seed to replay it with.
        return secrets.randbelow(2**31)
    return check_int_range(seed, "--seed", OWNER, 0)


def _scenario(
    scenario: str | None, domain: str | None, level: str, gen: np.random.Generator
) -> TrainerScenario:
    check_option(level, "--level", OWNER, LEVELS)
    if domain is not None:
        check_option(domain, "--domain", OWNER, DOMAINS)
    return choose_scenario(scenario, domain=domain, level=level, rng=gen)


def _prompt(text: str, **kwargs: Any) -> Any:
    """A prompt that turns the end of input into a clear error (exit 2), not 'Aborted!'."""
    try:
        return typer.prompt(text, **kwargs)
    except typer.Abort:
        raise InvalidParameterError(
            "No answer on standard input: give the choices as options (see ditf train --help) "
            "to play without prompts."
        ) from None


def _yes(text: str, default: bool) -> bool:
    answer = _prompt(f"{text} [{'Y/n' if default else 'y/N'}]", default="", show_default=False)
    answer = str(answer).strip().lower()
    if not answer:
        return default
    if answer in ("y", "yes"):
        return True
    if answer in ("n", "no"):
        return False
    raise InvalidParameterError(f"Answer y or n. Got {answer!r} instead.")


def _ask_requester(s: TrainerScenario) -> Choice:
    _render_briefing(s)
    raw = _prompt("Your opener (empty: ask directly)", default="", show_default=False)
    opener = typed_number(raw, "'opener' answer") if str(raw).strip() else None
    fallback = typed_number(_prompt("Your real request (the fallback)"), "'fallback' answer")
    if opener is None:
        return Choice(fallback=fallback)
    delay = typed_number(
        _prompt("Hours between the refusal and your retreat", default="0"), "'delay' answer"
    )
    explanation = _prompt("How do you explain the concession?", default="", show_default=False)
    honour = _yes("Would you honour a yes to your opener?", True)
    return Choice(
        opener=opener, fallback=fallback, delay_hours=delay, explanation=str(explanation),
        honour_opener=honour,
    )  # fmt: skip


def _ask_target(pitch: Pitch) -> TargetResponse:
    _render_pitch(pitch)
    decision = str(_prompt(f"Your answer ({'/'.join(DECISIONS)})")).strip().lower()
    check_option(decision, "answer", OWNER, DECISIONS)
    amount = None
    if decision == "counter":
        amount = typed_number(_prompt("Your counter-offer"), "'counter-offer' answer")
    flag = _yes("Was their opener theatrical?", False)
    return TargetResponse(decision=decision, counter=amount, flag_theatrical=flag)


# ---------------------------------------------------------------- output


def _amount(s: TrainerScenario, value: float | None) -> str:
    return "-" if value is None else f"{format_amount(value)} {s.unit}"


def _list(domain: str | None, as_json: bool) -> None:
    if domain is not None:
        check_option(domain, "--domain", OWNER, DOMAINS)
    scenarios = load_trainer_scenarios(domain)
    if as_json:
        print_json([s.to_dict() for s in scenarios])
        return
    table = Table(title="Trainer scenarios", title_justify="left")
    table.add_column("id", no_wrap=True)
    for col in ("domain", "level", "title"):
        table.add_column(col)
    for s in scenarios:
        table.add_row(s.id, s.domain, s.level, escape(s.title))
    out.print(table)


def _render_briefing(s: TrainerScenario) -> None:
    p = s.scenario
    out.print(f"[bold]{escape(s.title)}[/] ({s.domain}, {s.level}; scenario {s.id})")
    out.print(escape(s.briefing))
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("you want", _amount(s, p.target))
    table.add_row(minimum_words(p.direction)[0], _amount(s, p.minimum))
    table.add_row("your alternative (BATNA)", _amount(s, p.batna))
    for b in p.benchmarks:
        table.add_row(escape(b.name), _amount(s, b.value))
    table.add_row(
        "they would agree to (90%)",
        f"{_amount(s, p.counterpart.accepts_low)} to {_amount(s, p.counterpart.accepts_high)}",
    )
    if s.prior_retreats:
        table.add_row("earlier retreats they saw from you", str(s.prior_retreats))
    out.print(table)
    out.print("[bold]Goals[/]")
    for g in s.to_dict()["goals"]:
        out.print(f"  - {escape(g['text'])}")


def _render_round(r: RoundResult, seed: int) -> None:
    s, c, a = r.scenario, r.choice, r.answers
    out.print(f"[bold]{escape(s.title)}[/] ({s.domain}, {s.level}; scenario {s.id}, seed {seed})")
    out.print("[bold]What happened[/]")
    if a.opener_answer is not None:
        word = "yes" if a.opener_answer else "no"
        out.print(
            f"  You opened with {_amount(s, c.opener)}: they said {word} (this counterpart's "
            f"chance of yes: {pct(a.p_opener or 0.0)})."
        )
    if a.fallback_answer is not None:
        verb = "retreated to" if c.uses_technique else "asked for"
        word = "yes" if a.fallback_answer else "no"
        out.print(
            f"  You {verb} {_amount(s, c.fallback)}: they said {word} (chance "
            f"{pct(a.p_fallback or 0.0)})."
        )
    deal = (
        f"agreed at {_amount(s, a.agreed)}, worth {format_amount(a.value, 4)} {s.unit} beyond "
        "your BATNA"
        if a.agreed is not None
        else "no agreement: you take your alternative"
    )
    out.print(f"  Outcome: {deal}.")
    out.print(f"[dim]{escape(r.luck_note)}[/]")

    table = Table(title="Your choice against the alternatives", title_justify="left")
    for col in ("option", "asks", "P(agreement)", f"expected value ({s.unit})"):
        table.add_column(col, justify="left" if col in ("option", "asks") else "right")
    for o in r.options:
        label = o.label if o.admissible else f"{o.label} (not admissible)"
        asks = (
            f"{format_amount(o.fallback)}"
            if o.opener is None
            else f"{format_amount(o.opener)} > {format_amount(o.fallback)}"
        )
        spread = "" if o.p_lo == o.p_hi else f" ({100 * o.p_lo:.0f}-{100 * o.p_hi:.0f}%)"
        table.add_row(
            escape(label), asks, f"{pct(o.p_yes)}{spread}", f"{format_amount(o.expected_value, 4)}"
        )
    out.print(table)
    if r.p_fallback_after is not None:
        out.print(
            f"P(yes) to {_amount(s, c.fallback)}: {pct(r.p_fallback_after)} after your opener is "
            f"refused, against {pct(r.p_fallback_alone)} asked alone."
        )
    if r.mechanisms:
        out.print("[bold]Mechanism by mechanism[/]")
        for m in r.mechanisms:
            points = " 0.0" if m.effect == "no effect" else f"{m.points * 100:+.1f}"
            out.print(f"  {points} pts  {escape(m.text)}")
    out.print("[bold]Audit[/]")
    if not r.findings:
        out.print("  nothing found")
    for f in r.findings:
        out.print(f"  [{f.severity}] {f.title}: {f.message}", markup=False)
    out.print("[bold]Goals[/]")
    for g in r.goals:
        out.print(f"  {'met    ' if g.met else 'not met'}  {escape(g.text)} {escape(g.detail)}")
    sc = r.score
    out.print(
        f"[bold]Score {sc.total:.1f} / 100[/] = value {sc.value_points:.1f} "
        f"({pct(sc.value_ratio)} of the best admissible option's expected value) + goals "
        f"{sc.goal_points:.1f} ({sc.goals_met} of {sc.goals_total}) - penalties "
        f"{sc.penalty_points:.0f}"
    )
    out.print(f"[dim]{escape(sc.formula)}[/]")
    out.print("[bold]The planner's plan would say[/]")
    for line in r.planner_script:
        out.print(f"  {escape(line)}")


def _render_pitch(p: Pitch) -> None:
    s = p.scenario
    out.print(f"[bold]{escape(s.title)}[/]: you are {escape(s.as_target.role)}")
    out.print(escape(s.as_target.briefing))
    out.print(f"Your limit: {_amount(s, p.limit)}.")
    out.print(f"They open: {escape(p.lines[0])}")
    out.print(f"You refuse. They retreat at once: {escape(p.lines[1])}")


def _render_target(r: TargetResult, seed: int) -> None:
    p, s = r.pitch, r.pitch.scenario
    out.print(f"[bold]{escape(s.title)}[/] (as the target; scenario {s.id}, seed {seed})")
    out.print(f"They opened: {escape(p.lines[0])}")
    out.print(f"They retreated: {escape(p.lines[1])}")
    truth = "honest" if p.honest else "theatrical"
    answer = r.response.decision
    if r.response.counter is not None:
        answer += f" at {_amount(s, r.response.counter)}"
    out.print(f"This counterpart was {truth}. You answered: {answer}.")
    out.print(
        f"[bold]Score {r.score:.0f} / 100[/] = answer {r.outcome_points:.0f} ({r.outcome}; "
        f"{'kept' if r.kept_limit else 'broke'} your limit) + spotting "
        f"{r.spotting_points:.0f} ({r.spotting})"
    )
    pr = r.pressure
    out.print(
        f"Pressure: P(yes) to {_amount(s, p.fallback)} is {pct(pr.p_after)} after this sequence "
        f"(90% interval {pct(pr.lo)}-{pct(pr.hi)}) against {pct(pr.p_alone)} asked alone."
    )
    out.print("[bold]Mechanism by mechanism[/]")
    for m in r.mechanisms:
        out.print(f"  {escape(m.text)}")
    out.print("[bold]Advice[/]")
    for line in r.advice:
        out.print(f"  - {escape(line)}")
