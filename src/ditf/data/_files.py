"""Reading user files (TOML or JSON) into plain mappings."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from ditf._errors import DataError


def read_mapping(path: str | Path) -> dict[str, Any]:
    """Read a ``.toml`` or ``.json`` file whose top level is a table/object.

    Raises
    ------
    DataError
        If the file cannot be read, has another extension, or does not parse.
    """
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise DataError(
            f"{file.name}: expected a .toml or .json file, got {suffix or 'no suffix'!r}."
        )
    try:
        text = file.read_text(encoding="utf-8-sig")  # a BOM (Windows editors) is skipped
        data = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read {str(file)!r}: {exc}.") from exc
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        # ValueError covers JSON syntax and Python's int-digits limit; RecursionError, nesting.
        raise DataError(f"{file.name} is not valid {suffix[1:].upper()}: {exc}.") from exc
    if not isinstance(data, dict):
        raise DataError(
            f"{file.name}: the top level must be a table/object, got {type(data).__name__}."
        )
    return data
