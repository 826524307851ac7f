"""TOML or JSON text (a scenario, a case, a design) into a plain mapping: the one parser.

The CLI reads files, the web app reads uploads; both hand the text here, so a file is read
the same way, with the same messages, wherever it comes from.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import PurePath
from typing import Any, Literal

from ditf._errors import DataError

__all__ = ["mapping_format", "parse_mapping"]


def mapping_format(name: str) -> Literal["toml", "json"]:
    """The format of a file named ``name``, by its extension (``.toml`` or ``.json``).

    Raises
    ------
    DataError
        If the extension is another one.

    Examples
    --------
    >>> mapping_format("examples/plan/salary.TOML")
    'toml'
    """
    file = PurePath(name)
    suffix = file.suffix.lower()
    if suffix == ".toml":
        return "toml"
    if suffix == ".json":
        return "json"
    raise DataError(f"{file.name}: expected a .toml or .json file, got {suffix or 'no suffix'!r}.")


def parse_mapping(text: str, name: str) -> dict[str, Any]:
    """The top-level table of a ``.toml`` or ``.json`` file's text.

    Parameters
    ----------
    text : str
        The file's text (decoded, without a byte order mark).
    name : str
        The file's name: its extension says the format, and messages name it.

    Returns
    -------
    dict

    Raises
    ------
    DataError
        If the extension is not ``.toml`` or ``.json``, the text does not parse, or its top
        level is not a table/object.

    Examples
    --------
    >>> parse_mapping('domain = "salary"', "scenario.toml")
    {'domain': 'salary'}
    >>> parse_mapping("[1, 2]", "scenario.json")
    Traceback (most recent call last):
    ...
    ditf._errors.DataError: scenario.json: the top level must be a table/object, got list.
    """
    kind = mapping_format(name)
    shown = PurePath(name).name
    try:
        data = tomllib.loads(text) if kind == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSON syntax and Python's int-digits limit; RecursionError, nesting.
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{shown} is not valid {kind.upper()}: {detail}.") from None
    if not isinstance(data, dict):
        raise DataError(
            f"{shown}: the top level must be a table/object, got {type(data).__name__}."
        )
    return data
