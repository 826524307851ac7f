"""Validators used once, at the public boundary.

Each raises :class:`~ditf.InvalidParameterError` with one message shape:
"The 'cost' parameter of Request must be a finite number > 0. Got -1 instead."
:func:`check_keys`, for the tables of a file, raises :class:`~ditf.DataError`.
:func:`parse_number` reads a number as people type it, for the CLI and the web alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeVar

import numpy as np

from ditf._errors import DataError, InvalidParameterError
from ditf._types import Seed

T = TypeVar("T")
#: The longest delay between two requests the model takes, in hours (1e6, about 114 years):
#: its delay term is flat long before.
MAX_DELAY_HOURS = 1e6


def _fail(name: str, owner: str, constraint: str, value: Any) -> InvalidParameterError:
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {constraint}. Got {value!r} instead."
    )


def check_finite(value: Any, name: str, owner: str, constraint: str = "a finite number") -> float:
    """Return ``value`` as a float if it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise _fail(name, owner, constraint, value)
    try:
        x = float(value)
    except OverflowError:  # an int too large for a float
        raise _fail(name, owner, constraint, value) from None
    if not math.isfinite(x):
        raise _fail(name, owner, constraint, value)
    return x


def check_positive(value: Any, name: str, owner: str, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is finite and > 0 (or >= 0 with ``allow_zero``)."""
    bound = ">= 0" if allow_zero else "> 0"
    x = check_finite(value, name, owner, f"a finite number {bound}")
    if x < 0 or (x == 0 and not allow_zero):
        raise _fail(name, owner, f"a finite number {bound}", value)
    return x


def check_delay(
    value: Any, name: str, owner: str, *, limit: float = MAX_DELAY_HOURS, setting: str = ""
) -> float:
    """Return ``value`` as a float if it is a delay in hours in ``[0, limit]``.

    ``setting`` names the environment variable that sets ``limit`` (the journal's): the
    message then names it, in the words the journal has always used.
    """
    x = check_positive(value, name, owner, allow_zero=True)
    if x > limit:
        interval = f"[0, {limit:g}]"
        words = (
            f"a number of hours in {interval} ({setting})" if setting else f"a float in {interval}"
        )
        raise _fail(name, owner, words, value)
    return x


def check_probability(value: Any, name: str, owner: str, *, open_interval: bool = False) -> float:
    """Return ``value`` as a float if it lies in [0, 1] (or in (0, 1) with ``open_interval``)."""
    interval = "(0, 1)" if open_interval else "[0, 1]"
    x = check_finite(value, name, owner, f"a probability in {interval}")
    if not 0.0 <= x <= 1.0 or (open_interval and x in (0.0, 1.0)):
        raise _fail(name, owner, f"a probability in {interval}", value)
    return x


def check_int_range(value: Any, name: str, owner: str, low: int, high: int | None = None) -> int:
    """Return ``value`` if it is an int in ``[low, high]`` (``high=None``: unbounded)."""
    constraint = f"an int >= {low}" if high is None else f"an int in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise _fail(name, owner, constraint, value)
    if value < low or (high is not None and value > high):
        raise _fail(name, owner, constraint, value)
    return int(value)


def check_option(value: Any, name: str, owner: str, options: Collection[str]) -> str:
    """Return ``value`` if it is one of ``options``."""
    if value not in options:
        choices = ", ".join(repr(o) for o in sorted(options))
        raise _fail(name, owner, f"one of {choices}", value)
    return str(value)


def check_type(value: Any, name: str, owner: str, kind: type, description: str) -> Any:
    """Return ``value`` if it is an instance of ``kind`` (bools are not ints here)."""
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise _fail(name, owner, description, value)
    return value


def check_instance(value: Any, name: str, owner: str, kind: type[T]) -> T:
    """Return ``value`` if it is a ``kind``; the message names the type it got instead."""
    if not isinstance(value, kind):
        article = "an" if kind.__name__[:1] in "AEIOU" else "a"
        raise InvalidParameterError(
            f"The {name!r} parameter of {owner} must be {article} {kind.__name__}. Got "
            f"{type(value).__name__} instead."
        )
    return value


def check_keys(
    table: Mapping[str, Any], allowed: Collection[str], where: str, required: Collection[str] = ()
) -> None:
    """Refuse a file's table with a key outside ``allowed`` or without one of ``required``.

    The message names the table: "[counterpart] has unknown key(s) ['mood']; use [...]."
    """
    unknown = set(table) - set(allowed)
    if unknown:
        use = sorted(allowed) or "none"
        raise DataError(f"{where} has unknown key(s) {sorted(unknown)}; use {use}.")
    missing = set(required) - set(table)
    if missing:
        raise DataError(f"{where} needs {sorted(missing)}.")


def check_fields(
    data: Mapping[str, Any],
    allowed: Collection[str],
    required: Collection[str] = (),
    *,
    what: str,
    kind: str = "",
    template: str = "",
) -> None:
    """Refuse a file's table with a field outside ``allowed`` or without one of ``required``.

    ``what`` is the table as a missing field's message names it ("The scenario"), ``kind`` the
    word before "field(s)" in an unknown field's ("scenario"), ``template`` where a complete
    example lies.

    Examples
    --------
    >>> check_fields({"colour": "red"}, {"domain"}, what="The case", kind="case")
    Traceback (most recent call last):
    ...
    ditf._errors.InvalidParameterError: Unknown case field(s) colour; allowed: domain.
    >>> check_fields({}, {"domain"}, {"domain"}, what="The case", template="examples/")
    Traceback (most recent call last):
    ...
    ditf._errors.InvalidParameterError: The case is missing domain; see examples/ for a template.
    """
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        fields = f"{kind} field(s)" if kind else "field(s)"
        raise InvalidParameterError(
            f"Unknown {fields} {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}."
        )
    missing = [k for k in required if k not in data]
    if missing:
        see = f"; see {template} for a template" if template else ""
        raise InvalidParameterError(f"{what} is missing {', '.join(missing)}{see}.")


def as_generator(rng: Seed) -> np.random.Generator:
    """Normalise the one randomness argument into a :class:`numpy.random.Generator`."""
    constraint = "an int >= 0, a numpy Generator or None"
    if isinstance(rng, np.random.Generator) or rng is None:
        return np.random.default_rng(rng)
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)) or rng < 0:
        raise _fail("rng", "ditf", constraint, rng)
    return np.random.default_rng(rng)


#: Python's grouping of digits: single underscores between digits (``111_000``, ``2_08``).
_DIGITS = r"\d+(?:_\d+)*"
#: A plain decimal number; ``1__0``, ``_1``, ``nan``, ``inf`` and hexadecimal are no match.
DECIMAL = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")
#: Currency signs and codes a typed amount may carry ("€110,000", "110000 EUR"): dropped.
_CODES = r"(?:EUR|USD|GBP|CHF|JPY)"
_CURRENCY = re.compile(rf"^(?:[€$£¥]|{_CODES}\b)|(?:[€$£¥]|\b{_CODES})$")
#: Separators between groups of thousands: spaces of any kind (incl. no-break and thin
#: spaces), apostrophes and commas.
_GROUP = re.compile(r"[\s\u00a0\u202f',]")
_SCALE = {"k": 1e3, "m": 1e6}


def parse_number(text: str) -> float:
    """A finite number as people type it, on the command line or into a form.

    The decimal separator is the point, and digits may be grouped by single underscores as
    Python writes them (``111_000``). Groups of thousands may also be separated by commas,
    spaces or apostrophes, but each group after the first must have three digits ("110,000",
    "110 000", "1'250.5"); a comma anywhere else is refused rather than guessed ("1,5" could
    mean 1.5 or 15). A currency sign or code before or after is ignored ("€110,000",
    "110000 EUR"), and a ``k`` or ``m`` suffix multiplies by a thousand or a million ("110k",
    "1.2m").

    Raises
    ------
    InvalidParameterError
        If the text is not a finite number under these rules (the message says which rule).

    Examples
    --------
    >>> parse_number("€110,000"), parse_number("110 000"), parse_number("110k")
    (110000.0, 110000.0, 110000.0)
    >>> parse_number("111_000"), parse_number("1e6"), parse_number("-.5")
    (111000.0, 1000000.0, -0.5)
    """
    raw = text.strip()
    core = _CURRENCY.sub("", raw).strip()
    scale = _SCALE.get(core[-1:].lower(), 1.0)
    core = core[:-1] if scale != 1.0 else core
    whole, point, decimals = core.partition(".")
    groups = _GROUP.split(whole)
    first = groups[0].lstrip("+-")
    if len(groups) > 1 and (
        not first.isdigit()
        or not 1 <= len(first) <= 3
        or any(len(g) != 3 or not g.isdigit() for g in groups[1:])
    ):
        raise InvalidParameterError(
            f"{raw!r} is not a number: separate thousands in groups of three (110,000 or "
            "110 000) and use a point for decimals (1.5)"
        )
    compact = "".join(groups) + point + decimals
    if not DECIMAL.fullmatch(compact):
        raise InvalidParameterError(
            f"{raw!r} is not a number: write digits, e.g. 110000, 110,000, 110k or 0.35"
        )
    number = float(compact) * scale
    if not math.isfinite(number):  # 1e999 is written as a number but is no finite one
        raise InvalidParameterError(f"{raw!r} is not a number: it is too large to be finite")
    return number
