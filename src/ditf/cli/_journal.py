"""Journal commands: ``ditf journal add|list|show|export``."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from ditf._errors import InvalidParameterError
from ditf._validation import check_option
from ditf.cli._app import (
    DbOption,
    JsonFlag,
    app,
    out,
    print_json,
    reported,
    settings,
    typed_number,
)
from ditf.store import TECHNIQUES, AskRecord, Journal

# ---------------------------------------------------------------- journal

journal_app = typer.Typer(
    help="The negotiation journal: counterparts, real asks and their outcomes.",
    no_args_is_help=True,
)
add_app = typer.Typer(help="Add a counterpart, an ask or an outcome.", no_args_is_help=True)
journal_app.add_typer(add_app, name="add")
app.add_typer(journal_app, name="journal")

#: Columns of ``ditf journal export --format csv``: one row per ask, outcome alongside.
CSV_COLUMNS = (
    "id", "counterpart", "counterpart_name", "domain", "unit", "technique", "opener",
    "fallback", "delay_hours", "scenario", "asked_at", "asked_by", "result", "value",
    "outcome_notes", "recorded_at",
)  # fmt: skip
FORMATS = ("json", "csv")
_ADD_ASK = "ditf journal add ask"
#: Short names keep the table readable on an 80-column terminal.
_SHORT = {"door-in-the-face": "DITF", "foot-in-the-door": "FITD", "direct": "direct"}
_RESULT = {"accepted-opener": "yes: opener", "accepted-fallback": "yes: fallback",
           "refused": "refused", "walked-away": "walked away"}  # fmt: skip


@journal_app.callback()
def journal_callback(ctx: typer.Context, db: DbOption = None) -> None:
    """Record real asks and their outcomes; the planner reads each counterpart's history."""
    ctx.obj = db


def _journal(ctx: typer.Context, *, read_only: bool = False) -> Journal:
    """The journal of ``--db``, with the limits of the environment.

    Read commands open it read-only: listing a journal never writes, so it works in a folder
    the user may only read (docs/journal.md).
    """
    url: str | None = ctx.obj
    return Journal(url, read_only=read_only, limits=settings())


def _amount(value: float | None) -> str:
    return "-" if value is None else f"{value:,.10g}"


# ---------------------------------------------------------------- add


@add_app.command("counterpart")
def add_counterpart_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Its id, as in scenario files (acme-hr).")],
    name: Annotated[str, typer.Option(help="A display name.")] = "",
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Add a counterpart (asks add theirs automatically; this one sets a name and notes)."""
    with reported(), _journal(ctx) as journal:
        record = journal.add_counterpart(key, name=name, notes=notes)
    if as_json:
        print_json(record.to_dict())
        return
    out.print(f"Added counterpart {escape(record.key)} to {escape(journal.url)}.", soft_wrap=True)


@add_app.command("ask")
def add_ask_command(
    ctx: typer.Context,
    counterpart: Annotated[str, typer.Argument(help="The counterpart's id (acme-hr).")],
    fallback: Annotated[
        str, typer.Option(help="The real request (the retreat).", metavar="NUMBER")
    ],
    domain: Annotated[str, typer.Option(help="What was asked for: salary, procurement...")],
    unit: Annotated[str, typer.Option(help="Unit of the amounts: EUR, hours...")],
    opener: Annotated[
        str | None, typer.Option(help="The first ask; omit for a direct ask.", metavar="NUMBER")
    ] = None,
    technique: Annotated[
        str | None,
        typer.Option(
            help=f"One of {', '.join(TECHNIQUES)} [door-in-the-face with an opener, else direct]."
        ),
    ] = None,
    delay_hours: Annotated[
        str, typer.Option(help="Hours from opener to fallback.", metavar="NUMBER")
    ] = "0",
    scenario: Annotated[str, typer.Option(help="The scenario file or id it came from.")] = "",
    at: Annotated[
        str | None, typer.Option("--at", help="When: ISO 8601, local time unless given \\[now].")
    ] = None,
    asked_by: Annotated[
        str,
        typer.Option(help="me: you asked them; them: they asked you (what defend --db reads)."),
    ] = "me",
    as_json: JsonFlag = False,
) -> None:
    """Record an ask made to a counterpart, or by them to you (new counterparts are added)."""
    with reported(), _journal(ctx) as journal:
        chosen = technique or ("direct" if opener is None else "door-in-the-face")
        record = journal.add_ask(
            counterpart, domain=domain, unit=unit, technique=chosen, scenario=scenario,
            opener=None if opener is None else _number(opener, "--opener", _ADD_ASK),
            fallback=_number(fallback, "--fallback", _ADD_ASK),
            delay_hours=_number(delay_hours, "--delay-hours", _ADD_ASK),
            asked_at=_moment(at), asked_by=asked_by,
        )  # fmt: skip
    if as_json:
        print_json(record.to_dict())
        return
    first = "" if record.opener is None else f"opener {_amount(record.opener)}, then "
    out.print(
        f"Added ask {record.id} to {escape(record.counterpart)}: {first}"
        f"{_amount(record.fallback)} {escape(record.unit)} ({record.technique}).",
        soft_wrap=True,
    )


@add_app.command("outcome")
def add_outcome_command(
    ctx: typer.Context,
    ask_id: Annotated[
        str, typer.Argument(help="The ask's id (see `ditf journal list`).", metavar="ID")
    ],
    result: Annotated[
        str,
        typer.Option(help="accepted-opener, accepted-fallback, refused or walked-away."),
    ],
    value: Annotated[
        str | None,
        typer.Option(help="Amount agreed (default: the accepted ask's).", metavar="NUMBER"),
    ] = None,
    notes: Annotated[str, typer.Option(help="Free notes.")] = "",
    as_json: JsonFlag = False,
) -> None:
    """Record how an ask ended (one outcome per ask)."""
    with reported(), _journal(ctx) as journal:
        owner = "ditf journal add outcome"
        record = journal.add_outcome(
            _integer(ask_id, "ID", owner), result=result, notes=notes,
            value=None if value is None else _number(value, "--value", owner),
        )  # fmt: skip
    if as_json:
        print_json(record.to_dict())
        return
    agreed = "" if record.value is None else f" at {_amount(record.value)}"
    out.print(f"Recorded ask {record.ask_id}: {record.result}{agreed}.", soft_wrap=True)


def _number(text: str, name: str, owner: str) -> float:
    """A number typed on the command line (checked here so a typo is a one-line error)."""
    return typed_number(text, f"{name!r} option of {owner}")


def _integer(text: str, name: str, owner: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InvalidParameterError(
            f"The {name!r} argument of {owner} must be a whole number (an id from "
            f"`ditf journal list`). Got {text!r} instead."
        ) from None


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameterError(
            f"The '--at' option of {_ADD_ASK} must be an ISO 8601 date or time, such "
            f"as 2024-05-01 or 2024-05-01T14:30+02:00. Got {text!r} instead."
        ) from None
    # A time without a zone is the user's local time, as on their calendar.
    try:
        moment = moment if moment.utcoffset() is not None else moment.astimezone()
        moment.astimezone(UTC)  # stored in UTC: the first and last hours of the calendar
    except (OverflowError, ValueError, OSError):  # are not there in every time zone
        raise InvalidParameterError(
            f"The '--at' option of {_ADD_ASK} must be a moment between the years 1 and 9999 "
            f"in UTC that the local time zone can place. Got {text!r} instead; give a zone, "
            "such as 2024-05-01T14:30+02:00."
        ) from None
    return moment


# ---------------------------------------------------------------- list, show


@journal_app.command("list")
def list_command(
    ctx: typer.Context,
    counterpart: Annotated[str | None, typer.Option(help="Only this counterpart's asks.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """List the asks with their outcomes, oldest first."""
    with reported(), _journal(ctx, read_only=True) as journal:
        asks = journal.asks(counterpart)
    if as_json:
        print_json([a.to_dict() for a in asks])
        return
    who = "" if counterpart is None else f" to {escape(counterpart)}"
    out.print(_asks_table(asks, f"Journal: {len(asks)} asks{who} ({escape(journal.url)})"))


@journal_app.command("show")
def show_command(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The counterpart's id.")],
    as_json: JsonFlag = False,
) -> None:
    """Show a counterpart's history: every ask, its outcome, and the retreats it has seen."""
    with reported(), _journal(ctx, read_only=True) as journal:
        history = journal.history(key)
    if as_json:
        print_json(history.to_dict())
        return
    who = history.counterpart
    name = f" ({escape(who.name)})" if who.name else ""
    out.print(f"[bold]{escape(who.key)}[/bold]{name}, in the journal since "
              f"{who.created_at:%Y-%m-%d}")  # fmt: skip
    if who.notes:
        out.print(escape(who.notes))
    out.print(f"Retreats seen from you: {history.prior_retreats} (the planner's habituation).")
    out.print(_asks_table(list(history.asks), f"{len(history.asks)} asks", who=False))


def _asks_table(asks: list[AskRecord], title: str, *, who: bool = True) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, padding=(0, 1),
                  pad_edge=False, collapse_padding=True)  # fmt: skip
    columns = ["id", "asked", "who", "how", "opener", "fallback", "unit", "delay h", "outcome"]
    if not who:
        columns.remove("who")
    for col in columns:
        numeric = col in ("id", "opener", "fallback", "delay h")
        # Only text may wrap: dates and amounts cut short would mislead.
        wraps = col in ("who", "outcome")
        table.add_column(col, justify="right" if numeric else "left", no_wrap=not wraps,
                         min_width=8 if wraps else None)  # fmt: skip
    for a in asks:
        cells = [str(a.id), f"{a.asked_at:%Y-%m-%d}", escape(a.counterpart), _SHORT[a.technique],
                 _amount(a.opener), _amount(a.fallback), escape(a.unit), f"{a.delay_hours:g}",
                 _outcome_cell(a)]  # fmt: skip
        if not who:
            del cells[2]
        table.add_row(*cells)
    return table


def _outcome_cell(ask: AskRecord) -> str:
    """The outcome in a few words; the amount only when it is not the accepted ask's own."""
    outcome = ask.outcome
    if outcome is None:
        return "-"
    asked = {"accepted-opener": ask.opener, "accepted-fallback": ask.fallback}
    if outcome.result in asked:
        if outcome.value is None or outcome.value == asked[outcome.result]:
            return _RESULT[outcome.result]
        return f"yes at {_amount(outcome.value)}"
    label = _RESULT[outcome.result]
    return label if outcome.value is None else f"{label} ({_amount(outcome.value)})"


# ---------------------------------------------------------------- export


@journal_app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", help="json (everything) or csv (one row per ask).")
    ] = "json",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of to stdout.")
    ] = None,
) -> None:
    """Export the journal: JSON with every table, or CSV with one row per ask."""
    with reported():
        check_option(fmt, "--format", "ditf journal export", FORMATS)
        with _journal(ctx, read_only=True) as journal:
            if fmt == "json":
                text = json.dumps(journal.export(), indent=2) + "\n"
            else:
                text = _csv_text(journal)
        if out_file is None:
            typer.echo(text, nl=False)
            return
        try:
            out_file.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidParameterError(f"Cannot write {str(out_file)!r}: {exc}.") from exc


def _csv_text(journal: Journal) -> str:
    """One row per ask, its counterpart's name and outcome alongside (one read snapshot)."""
    payload = journal.export()
    names = {c["key"]: c["name"] for c in payload["counterparts"]}
    outcomes = {o["ask_id"]: o for o in payload["outcomes"]}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for ask in payload["asks"]:
        outcome = outcomes.get(ask["id"], {})
        row = {
            **ask, "counterpart_name": names[ask["counterpart"]],
            "result": outcome.get("result"), "value": outcome.get("value"),
            "outcome_notes": outcome.get("notes"), "recorded_at": outcome.get("recorded_at"),
        }  # fmt: skip
        writer.writerow({column: _cell(value) for column, value in row.items()})
    return buffer.getvalue()


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as written, never runs.

    Text that could start a formula gets a leading single quote (OWASP's advice on CSV
    injection); numbers stay numbers, so a negative amount is still a number.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
