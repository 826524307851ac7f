"""Shared pieces of the ``ditf`` command line: the app, consoles, options, error reporting."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import math
import sys
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_type_hints

import typer
from rich.console import Console
from typer._click import exceptions as click_errors  # Typer vendors Click: catch its own
from typer.core import TyperGroup

from ditf._errors import DitfError, InvalidParameterError
from ditf._validation import parse_number as read_number
from ditf.data import read_mapping
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


def parse_number(value: str | float) -> float:
    """Parse a float option as :func:`ditf._validation.parse_number` reads typed numbers.

    Raises
    ------
    typer.BadParameter
        A usage error (exit 2, one line) naming the option.
    """
    if isinstance(value, float):  # a default
        return value
    try:
        return read_number(str(value))
    except InvalidParameterError as exc:
        raise typer.BadParameter(str(exc)) from None


def typed_number(text: str, what: str) -> float:
    """A number typed as a text option's value or a prompt's answer, as :func:`parse_number`.

    Raises
    ------
    InvalidParameterError
        Naming ``what`` (such as ``"'opener' answer"``) when the text is not a finite number.
    """
    try:
        return read_number(text)
    except InvalidParameterError:
        raise InvalidParameterError(
            f"The {what} must be a number. Got {text!r} instead; write digits, e.g. 108000, "
            "108,000, 108k or 2.5."
        ) from None


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
def reported(exit_code: int = 2) -> Iterator[None]:
    """Turn a ditf error into a clear message and ``exit_code`` (never a traceback)."""
    try:
        yield
    except DitfError as exc:
        err.print(f"error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(exit_code) from None


def pct(p: float) -> str:
    return f"{100 * p:.1f}%"


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, indent=2))


def check_unit(unit: str) -> str:
    """Refuse an empty ``--unit``, as the API does (:mod:`ditf.web`).

    Raises
    ------
    InvalidParameterError
        If ``unit`` is empty or blank.
    """
    if not unit.strip():
        raise InvalidParameterError(
            f"The '--unit' option must name the unit of the costs, such as hours or EUR. Got "
            f"{unit!r} instead."
        )
    return unit


def option_group(
    name: str, group: type[Any], *, omit: Collection[str] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Offer the fields of the dataclass ``group`` as options, in place of the parameter ``name``.

    Typer has no option groups: the decorated command's signature, as Typer reads it, gets
    one option per field (its ``Annotated`` type and its default) where ``name`` stood, and
    the command receives them back as one ``group``. The fields in ``omit`` are not offered
    and keep their defaults. Put it below ``@app.command``.
    """
    hints = get_type_hints(group, include_extras=True)
    fields = [f for f in dataclasses.fields(group) if f.name not in omit]
    offered = [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default,
                          annotation=hints[f.name])
        for f in fields
    ]  # fmt: skip

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        params: list[inspect.Parameter] = []
        for param in signature.parameters.values():
            # Keyword-only, as Typer passes them: the group's defaults may precede a required one.
            kept = [param.replace(kind=inspect.Parameter.KEYWORD_ONLY)]
            params += offered if param.name == name else kept

        @functools.wraps(command)
        def grouped(**options: Any) -> None:
            values = {f.name: options.pop(f.name) for f in fields}
            command(**options, **{name: group(**values)})

        grouped.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
        grouped.__annotations__ = {p.name: p.annotation for p in params}
        return grouped

    return decorate


@dataclass(frozen=True, slots=True)
class ScenarioOptions:
    """The scenario options of simulate, sweep and study power, as they were given.

    Each option left out (``None``) keeps the default of :class:`ditf.simulate.Scenario`.
    """

    opener: Annotated[float | None, number("Cost of the opener [208].")] = None
    target: Annotated[float | None, number("Cost of the target [2].")] = None
    foot: Annotated[float | None, number("Cost of the foot (FITD) [0.1].")] = None
    delay_hours: Annotated[float | None, number("Hours before the target [0].")] = None
    baseline: Annotated[float | None, number("P(yes) to the target asked alone [0.167].")] = None
    plausible_max: Annotated[float | None, number("Largest good-faith ask \\[none].")] = None
    unit: Annotated[str | None, typer.Option(help="Unit of the costs \\[hours].")] = None
    prosocial: Annotated[
        bool | None, typer.Option("--prosocial/--not-prosocial", help="A prosocial cause \\[yes].")
    ] = None

    def scenario(self) -> Scenario:
        """The scenario: the options given, and the defaults for the others.

        Raises
        ------
        InvalidParameterError
            If ``--unit`` is empty, an amount is beyond ``DITF_MAX_AMOUNT``, or the scenario
            is invalid (see :class:`Scenario`).
        """
        if self.unit is not None:
            check_unit(self.unit)
        amounts = {"--opener": self.opener, "--target": self.target, "--foot": self.foot,
                   "--plausible-max": self.plausible_max}  # fmt: skip
        check_amounts(amounts, "the scenario options")
        given = dataclasses.asdict(self)
        return Scenario(**{k: v for k, v in given.items() if v is not None})


#: No scenario option given: every field keeps the default of :class:`ditf.simulate.Scenario`.
NO_SCENARIO_OPTIONS = ScenarioOptions()


Conditions = Annotated[
    list[str] | None,
    typer.Option("--condition", help=f"Repeat to choose; default all of {', '.join(CONDITIONS)}."),
]
People = Annotated[int, typer.Option("--people", help="People per condition (and run).")]
Seed = Annotated[int, typer.Option(help="Random seed.")]
PlotFile = Annotated[Path | None, typer.Option(help="Save a chart (.png, .svg, .pdf).")]


@dataclass(frozen=True, slots=True)
class OutputOptions:
    """Where the tidy rows of simulate, sweep and tournament go: --csv, --plot and --json."""

    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Write the tidy rows as CSV here.")
    ] = None
    plot: PlotFile = None
    as_json: JsonFlag = False

    def save(self, records: list[dict[str, Any]], draw: Callable[[Path], None]) -> None:
        """Write ``records`` to the ``--csv`` file and ``draw`` the chart to ``--plot``, if given.

        Raises
        ------
        InvalidParameterError
            If a file cannot be written.
        """
        if self.csv_file is not None:
            _write_csv(records, self.csv_file)
        if self.plot is not None:
            draw(self.plot)


#: No output option given: tables on the terminal, no files.
NO_OUTPUT_OPTIONS = OutputOptions()


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


#: Deepest nesting of tables and lists an input file may have: real scenario files use three
#: or four levels; anything deeper is a mistake or an attack on the parser.
MAX_DEPTH = 32


def settings() -> Settings:
    """The settings from the environment (call inside :func:`reported`)."""
    return Settings.from_env()


def read_input(path: Path, *capped: str) -> dict[str, Any]:
    """Read a command's ``.toml`` or ``.json`` file: the one reader of every CLI command.

    Read by :func:`ditf.data.read_mapping` (a UTF-8 byte order mark, as Windows editors
    write, is skipped; uploads to the web are parsed alike), and also: every number must be
    finite and at most ``max_amount`` in size (``DITF_MAX_AMOUNT``); the nesting may be at
    most :data:`MAX_DEPTH` deep. Each list named in ``capped`` (a key of the mapping, such as
    ``"steps"``) is refused above its cap, as :func:`check_count` does, before any work.

    Raises
    ------
    DataError
        If the file cannot be read, has another extension, or does not parse.
    InvalidParameterError
        If a number is not finite or beyond ``max_amount``, the nesting is too deep, or a
        capped list is too long.
    """
    limits = settings()
    data = read_mapping(path)
    _check_values(data, path.name, limits.max_amount)
    for key in capped:
        value = data.get(key)
        check_count(len(value) if isinstance(value, list) else 0, key, limits)
    return data


def check_amounts(options: dict[str, float | None], command: str) -> None:
    """Refuse option values beyond ``max_amount`` (``DITF_MAX_AMOUNT``), as files are refused.

    Raises
    ------
    InvalidParameterError
        Naming the option, if a value is not finite or too large.
    """
    given = {name: value for name, value in options.items() if value is not None}
    _check_values(given, command, settings().max_amount)


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


def check_count(count: int, items: str, limits: Settings, what: str | None = None) -> None:
    """Refuse an input with more ``items`` than their cap, a field of ``limits``.

    The cap of ``"steps"`` is ``limits.max_steps``, raised with ``DITF_MAX_STEPS``; ``what``
    names the items in the message (default: ``items``).

    Raises
    ------
    InvalidParameterError
        Naming the count, the cap and the environment variable that raises it.
    """
    cap: int = getattr(limits, f"max_{items}")
    if count > cap:
        raise InvalidParameterError(
            f"Too many {what or items}: {count:,}, the limit is {cap:,} (it keeps one command to "
            f"a few seconds). Give fewer, or raise the limit with DITF_MAX_{items.upper()}."
        )


@contextmanager
def progress(label: str, *, quiet: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, and the ``progress(done, total)`` callback that moves it.

    The bar only draws on a terminal: elsewhere it would leave a stray newline on stderr.
    """
    from rich.progress import Progress

    with Progress(console=err, disable=quiet or not err.is_terminal, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


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
