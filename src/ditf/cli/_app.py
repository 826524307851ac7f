"""Shared pieces of the ``ditf`` command line: the app, consoles, options, error reporting."""

from __future__ import annotations

import json
import math
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer._click import exceptions as click_errors  # Typer vendors Click: catch its own
from typer.core import TyperGroup

from ditf._errors import DataError, DitfError, InvalidParameterError
from ditf.settings import Settings
from ditf.simulate import (
    CONDITIONS,
    Scenario,
)


class _OneLineErrors(TyperGroup):
    """The ``ditf`` group, whose usage errors are one line on stderr with exit code 2.

    An unknown option or a value of the wrong type reads like every other error, not as a
    multi-line box.
    """

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click_errors.NoArgsIsHelpError:
            return super().main(args, prog_name, complete_var, True, **extra)  # show the help
        except click_errors.ClickException as exc:
            context = getattr(exc, "ctx", None)  # usage errors carry the command's context
            where = context.command_path if context is not None else ""
            hint = f" (see {where} --help)" if where else ""
            message = " ".join(exc.format_message().split())
            err.print(f"error: {message}{hint}", markup=False, soft_wrap=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("Aborted.", markup=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    name="ditf",
    help="Evidence-based door-in-the-face: a calibrated model of request sequences.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

#: A plain decimal number, as people write amounts. Digits may be grouped by single
#: underscores, as Python writes them (``111_000``); ``1__0``, ``_1``, ``nan``, ``inf`` and
#: hexadecimal forms are refused by every number option alike.
_DIGITS = r"\d+(?:_\d+)*"
DECIMAL = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")


def parse_number(value: str | float) -> float:
    """Parse a float option: a finite decimal (:data:`DECIMAL`), never ``1__0`` or ``nan``.

    Raises
    ------
    typer.BadParameter
        A usage error (exit 2, one line) naming the option.
    """
    if isinstance(value, float):  # a default
        return value
    text = str(value).strip()
    if DECIMAL.fullmatch(text):
        number = float(text)
        if math.isfinite(number):  # 1e999 is inf
            return number
    raise typer.BadParameter(
        f"{value!r} is not a finite number such as 2.5, 1e6 or 111_000 (single underscores "
        "between digits only)."
    )


def number(help: str, *names: str) -> Any:
    """A float option with this help text, parsed by :func:`parse_number`.

    Every float option of the CLI uses it, so all refuse the same odd forms.
    """
    return typer.Option(*names, help=help, parser=parse_number, metavar="NUMBER")


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
    unit = options.get("unit")
    if unit is not None and not unit.strip():
        # The API refuses an empty unit (ditf.web); so does the CLI.
        raise InvalidParameterError(
            f"The '--unit' option must name the unit of the costs, such as hours or EUR. Got "
            f"{unit!r} instead."
        )
    return Scenario(**{k: v for k, v in options.items() if v is not None})


ScenarioOpener = Annotated[float | None, number("Cost of the opener [208].")]
ScenarioTarget = Annotated[float | None, number("Cost of the target [2].")]
ScenarioFoot = Annotated[float | None, number("Cost of the foot (FITD) [0.1].")]
ScenarioDelay = Annotated[float | None, number("Hours before the target [0].")]
ScenarioBaseline = Annotated[float | None, number("P(yes) to the target asked alone [0.167].")]
ScenarioLimit = Annotated[float | None, number("Largest good-faith ask [none].")]
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


#: Deepest nesting of tables and lists an input file may have: real scenario files use three
#: or four levels; anything deeper is a mistake or an attack on the parser.
MAX_DEPTH = 32
_BOM = b"\xef\xbb\xbf"


def settings() -> Settings:
    """The settings from the environment (call inside :func:`reported`)."""
    return Settings.from_env()


def read_input(path: Path, limits: Settings) -> dict[str, Any]:
    """Read a command's ``.toml`` or ``.json`` file: the one reader of every CLI command.

    As :func:`ditf.data.read_mapping`, and also: a UTF-8 byte order mark (as Windows editors
    write) is skipped; every number must be finite and at most ``limits.max_amount`` in size
    (``DITF_MAX_AMOUNT``); the nesting may be at most :data:`MAX_DEPTH` deep.

    Raises
    ------
    DataError
        If the file cannot be read, has another extension, or does not parse.
    InvalidParameterError
        If a number is not finite or beyond ``max_amount``, or the nesting is too deep.
    """
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise DataError(
            f"{path.name}: expected a .toml or .json file, got {suffix or 'no suffix'!r}."
        )
    try:
        raw = path.read_bytes()
        text = raw.removeprefix(_BOM).decode("utf-8")
    except IsADirectoryError:
        raise DataError(f"{str(path)!r} is a folder: give the scenario file inside it.") from None
    except OSError as exc:
        raise DataError(f"Cannot read {str(path)!r}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start}): save it as "
            "UTF-8 from your editor."
        ) from None
    kind = suffix[1:].upper()
    try:
        data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSON syntax and Python's int-digits limit; RecursionError, nesting.
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path.name} is not valid {kind}: {detail}.") from None
    if not isinstance(data, dict):
        raise DataError(
            f"{path.name}: the top level must be a table/object, got {type(data).__name__}."
        )
    _check_values(data, path.name, limits.max_amount)
    return data


def _check_values(data: dict[str, Any], name: str, max_amount: float) -> None:
    """Refuse non-finite or huge numbers and deep nesting anywhere in ``data`` (iteratively)."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidParameterError(
                    f"{name} is nested more than {MAX_DEPTH} levels deep (at {where}); scenario "
                    "files need a few. Flatten it (see the examples/ folder)."
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                inner = f"{where}.{key}" if isinstance(key, str) else f"{where}[{key}]"
                stack.append((item, inner.lstrip("."), depth + 1))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            try:
                size = abs(float(value))
            except OverflowError:  # an int too large for a float
                size = math.inf
            if math.isnan(size) or size > max_amount:
                huge = isinstance(value, int) and size == math.inf
                shown = "an integer too large for a float" if huge else repr(value)
                raise InvalidParameterError(
                    f"{name}: {where} is {shown}; numbers must be finite and at most "
                    f"{max_amount:g} in size (DITF_MAX_AMOUNT). Correct the value."
                )


def check_count(count: int, cap: int, what: str, variable: str) -> None:
    """Refuse an input with more than ``cap`` items of a kind that drives the work.

    Raises
    ------
    InvalidParameterError
        Naming the count, the cap and the environment variable that raises it.
    """
    if count > cap:
        raise InvalidParameterError(
            f"Too many {what}: {count:,}, the limit is {cap:,} (it keeps one command to a few "
            f"seconds). Give fewer, or raise the limit with {variable}."
        )


def count_of(data: dict[str, Any], key: str) -> int:
    """How many items the list ``data[key]`` holds (0 when it is missing or not a list)."""
    value = data.get(key)
    return len(value) if isinstance(value, list) else 0


def unique_conditions(conditions: list[str] | None) -> list[str] | None:
    """The ``--condition`` values, each at most once: a repeat would only redo the same work.

    Raises
    ------
    InvalidParameterError
        Naming the first condition given more than once.
    """
    if conditions is None:
        return None
    counts = Counter(conditions)
    repeated = next((c for c in conditions if counts[c] > 1), None)
    if repeated is not None:
        raise InvalidParameterError(
            f"The '--condition' option names {repeated!r} {counts[repeated]:,} times; give "
            "each condition once."
        )
    return conditions
