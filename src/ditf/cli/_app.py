"""Shared pieces of the ``ditf`` command line: the app, consoles, options, error reporting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ditf._errors import DitfError, InvalidParameterError
from ditf.simulate import (
    CONDITIONS,
    Scenario,
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
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="DITF_DB",
        help="Journal: a SQLAlchemy URL or a SQLite file (default: journal.sqlite in the "
        "user data directory).",
    ),
]


@contextmanager
def reported() -> Iterator[None]:
    """Turn a ditf error into a clear message and exit code 2 (never a traceback)."""
    try:
        yield
    except DitfError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


def pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2))


def scenario_options(**options: Any) -> Scenario:
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


def write_csv(records: list[dict[str, Any]], path: Path) -> None:
    import csv

    columns = list(dict.fromkeys(k for r in records for k in r))
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(records)
    except OSError as exc:
        raise InvalidParameterError(f"Cannot write {str(path)!r}: {exc}.") from exc
