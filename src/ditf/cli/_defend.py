"""``ditf defend FILE``: recognise door-in-the-face used on you, and keep your minimum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from ditf._errors import InvalidParameterError
from ditf._text import format_amount
from ditf._validation import check_option
from ditf.cli._app import (
    DbOption,
    JsonFlag,
    app,
    check_count,
    err,
    out,
    pct,
    print_json,
    read_input,
    reported,
    settings,
)
from ditf.defend import (
    THRESHOLD,
    Defence,
    DefendCase,
    Episode,
    defence_report,
    defend,
    defend_case_from_mapping,
)

DEPTHS = ("beginner", "practitioner", "advanced")

DefendFile = Annotated[
    Path, typer.Argument(help="What you were asked: a .toml or .json file (examples/defend/).")
]
DepthOption = Annotated[
    str,
    typer.Option(
        help="beginner: verdict and reply; practitioner: + odds, pressure and evidence; "
        "advanced: + mechanisms and how the pattern was recognised."
    ),
]


@app.command("defend")
def defend_command(
    ctx: typer.Context,
    file: DefendFile,
    depth: DepthOption = "practitioner",
    as_json: JsonFlag = False,
    db: DbOption = None,
) -> None:
    """Recognise the technique used on you, estimate its pull, and draft a reply.

    When FILE names a counterpart, its earlier episodes are read from the journal (--db);
    --db with a FILE that names none is an error.
    """
    with reported():
        check_option(depth, "--depth", "ditf defend", DEPTHS)
        case = defend_case_from_mapping(_read_case(file))
        source = ctx.get_parameter_source("db")  # the option typed, not DITF_DB
        if source is not None and source.name == "COMMANDLINE":
            _check_db_has_a_counterpart(case, file)
        past, journal = _episodes(case, db)
        defence = defend(case, past_episodes=past)
    if journal.get("note"):
        err.print(journal["note"], markup=False, soft_wrap=True)
    if as_json:
        print_json(defence_report(defence) | {"journal": journal or None})
        return
    render(defence, depth)


def _read_case(file: Path) -> dict[str, Any]:
    """The case file, refused when it lists more than the caps allow (before any work)."""
    # Recognition and pressure grow faster than linearly with the requests (10,000 asked for
    # 114 GiB), and each earlier episode is scored like a case of its own.
    mapping = read_input(file, "requests", "benchmarks", "episodes")
    limits, episodes = settings(), mapping.get("episodes")
    for k, episode in enumerate(episodes if isinstance(episodes, list) else [], start=1):
        asked = episode.get("requests") if isinstance(episode, dict) else episode
        if isinstance(asked, list):
            check_count(len(asked), "requests", limits, f"requests in episode {k}")
    return mapping


def _check_db_has_a_counterpart(case: DefendCase, file: Path) -> None:
    """Refuse ``--db`` on the command line when the file names no counterpart to read.

    Only the option itself: ``DITF_DB`` set for the journal commands is not an error here.

    Raises
    ------
    InvalidParameterError
        If ``case.counterpart`` is empty.
    """
    if not case.counterpart:
        raise InvalidParameterError(
            f"--db was given, but {file.name} names no counterpart, so there is nothing to read "
            f'from the journal: add counterpart = "KEY" to the file (the counterpart\'s id in '
            "the journal) to read its earlier episodes, or drop --db."
        )


def _episodes(case: DefendCase, db: str | None) -> tuple[list[Episode], dict[str, Any]]:
    """The counterpart's earlier episodes from the journal, and what was read (or why not).

    The journal is optional: without a counterpart id nothing is read; when ``ditf.store``
    cannot be imported the file's own episodes are used and a note says so.
    """
    if not case.counterpart:  # nothing to look up (also when DITF_DB names a journal)
        return [], {}
    try:
        from ditf.store import Journal, journal_episodes
    except ImportError:
        return [], {
            "note": "note: the journal is not available (ditf.store cannot be imported); "
            "recognising from the file's episodes only."
        }
    with Journal(db, read_only=True) as journal:
        read = journal_episodes(journal, case.counterpart, case.unit)
        url = journal.url
    note = f"journal {url}: {len(read.episodes)} earlier episode(s) with {case.counterpart}"
    if read.other_units:
        note += f"; {read.other_units} in another unit left out"
    if read.asked_by_you:
        note += f"; {read.asked_by_you} ask(s) you made to them not counted"
    return list(read.episodes), {
        "url": url, "episodes": len(read.episodes), "other_units": read.other_units,
        "asked_by_you": read.asked_by_you, "note": note + ".",
    }  # fmt: skip


def render(defence: Defence, depth: str) -> None:
    """Print a defence at the chosen depth."""
    case, r, a = defence.case, defence.recognition, defence.advice
    title = case.title or case.domain
    out.print(
        f"[bold]{escape(title)}[/bold]: {r.pattern} ({pct(r.confidence)} confidence)"
        + (" [red]beyond your limit[/red]" if a.below_minimum else "")
    )
    out.print(escape(a.lines[0]))
    if depth != "beginner":
        out.print(_odds(defence))
        out.print(_evidence(defence))
        for line in a.lines[1:]:
            out.print(f"- {escape(line)}")
    out.print(f"\n[bold]Reply[/bold]\n{escape(a.reply)}")
    if depth == "advanced":
        out.print(_mechanisms(defence))
        for line in defence.pressure.explanations:
            out.print(f"- {escape(line)}")
        out.print(_components(defence))


def _odds(defence: Defence) -> Table:
    p = defence.pressure
    table = Table(title="Your odds of saying yes", title_justify="left")
    for col in ("", "P(yes)", f"{p.level:.0%} interval"):
        table.add_column(col, justify="left" if not col else "right")
    table.add_row("asked alone", pct(p.p_alone), "")
    table.add_row("after this sequence", pct(p.p_after), f"{pct(p.lo)}-{pct(p.hi)}")
    table.add_row(
        "pressure (points)",
        f"{100 * p.pressure:+.1f}",
        f"{100 * p.pressure_lo:+.1f} to {100 * p.pressure_hi:+.1f}",
    )
    table.caption = escape(f"alone: from {p.baseline_source}")
    return table


def _evidence(defence: Defence) -> Table:
    case, e = defence.case, defence.recognition.evidence
    table = Table(title="Evidence", title_justify="left", show_header=False)
    table.add_column("fact")
    table.add_column("value")
    rows = [
        ("requests", str(e.n_requests)),
        ("now", f"{format_amount(e.current)} {case.unit}"),
    ]
    if e.previous is not None:
        rows += [
            ("before", f"{format_amount(e.previous)} {case.unit}"),
            ("ratio (amounts)", "-" if e.amount_ratio is None else f"{e.amount_ratio:.3g}x"),
            ("ratio (cost to you)", f"{e.cost_ratio:.3g}x, ln {e.log_cost_ratio:+.2f}"),
            ("minutes between", f"{e.minutes_between:g}"),
            ("same requester", "yes" if e.same_requester else "no"),
            ("reason given", {True: "yes", False: "no", None: "not known"}[e.explained]),
        ]
    beyond = f"yes, {e.peak_excess_ratio:.3g}x its cost" if e.peak_excess_ratio else "yes"
    rows += [
        ("largest request", f"{format_amount(e.peak)} {case.unit}"),
        (f"beyond {e.limit.name}", beyond if e.peak_beyond else "no"),
        ("earlier retreats", str(e.past_retreats)),
    ]
    for fact, value in rows:
        table.add_row(escape(fact), escape(value))
    return table


def _mechanisms(defence: Defence) -> Table:
    p = defence.pressure
    table = Table(title="Where the pull comes from (model)", title_justify="left")
    table.add_column("mechanism")
    table.add_column("points", justify="right")
    for name, value in sorted(p.contributions.items(), key=lambda kv: -abs(kv[1])):
        table.add_row(name.replace("_", " "), f"{100 * value:+.1f}")
    return table


def _components(defence: Defence) -> Table:
    r = defence.recognition
    table = Table(
        title=f"How it was recognised: shape {r.shape}, score {r.score:.2f} "
        f"(threshold {THRESHOLD:g})",
        title_justify="left",
    )
    for col in ("component", "weight", "score", "points", "why"):
        table.add_column(col, justify="left" if col in ("component", "why") else "right")
    for c in r.components:
        score = "?" if c.score is None else f"{c.score:.2f}"
        table.add_row(c.name.replace("_", " "), f"{c.weight:.2f}", score, f"{c.points:.2f}",
                      escape(c.detail))  # fmt: skip
    if r.past_scores or r.past_skipped:
        table.caption = (
            f"Earlier retreats: {len(r.past_scores)} (scores "
            f"{', '.join(f'{s:.2f}' for s in r.past_scores) or '-'}); "
            f"{r.past_skipped} earlier episode(s) not readable on this scale."
        )
    return table
