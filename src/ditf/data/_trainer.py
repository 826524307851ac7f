"""The trainer's bundled scenarios, kept as data (``trainer/<domain>.toml``).

This module only reads the files and checks their shape (a list of ``[[scenario]]`` tables with
unique ids, one file per domain); :mod:`ditf.train` turns each table into a validated
scenario, because the meaning of its fields (planner scenarios, learning goals) lives there.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from ditf._errors import DataError

TRAINER_FOLDER = "trainer"
TRAINER_DOMAINS = (
    "salary", "procurement", "volunteering", "pricing", "settlement", "fundraising",
)  # fmt: skip
TRAINER_LEVELS = ("beginner", "practitioner", "advanced")


def load_trainer_data() -> tuple[dict[str, Any], ...]:
    """The bundled trainer scenarios as plain mappings, in domain then file order.

    Each mapping is one ``[[scenario]]`` table of ``trainer/<domain>.toml`` plus a ``source``
    key naming its file. The mappings are fresh on every call, so callers may keep them.

    Returns
    -------
    tuple of dict

    Raises
    ------
    DataError
        If a file is missing or malformed, a table lacks an ``id`` or ``level``, or an id
        repeats.

    Examples
    --------
    >>> entries = load_trainer_data()
    >>> sorted({e["level"] for e in entries})
    ['advanced', 'beginner', 'practitioner']
    """
    entries: list[dict[str, Any]] = []
    for domain in TRAINER_DOMAINS:
        entries.extend(_read(domain))
    ids = [e["id"] for e in entries]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise DataError(f"Trainer scenario ids must be unique; repeated: {', '.join(repeated)}.")
    return tuple(entries)


def _read(domain: str) -> list[dict[str, Any]]:
    name = f"{TRAINER_FOLDER}/{domain}.toml"
    try:
        text = resources.files("ditf.data").joinpath(TRAINER_FOLDER, f"{domain}.toml")
        raw = tomllib.loads(text.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"The bundled {name!r} cannot be read: {exc}.") from exc
    tables = raw.get("scenario")
    if not isinstance(tables, list) or not tables:
        raise DataError(f"{name}: expected one or more [[scenario]] tables.")
    return [_entry(table, name, i) for i, table in enumerate(tables, start=1)]


def _entry(table: Any, name: str, index: int) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise DataError(f"{name}: scenario {index} must be a table.")
    for key in ("id", "level"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise DataError(f"{name}: scenario {index} needs a non-empty text {key!r}.")
    if table["level"] not in TRAINER_LEVELS:
        raise DataError(
            f"{name}: scenario {table['id']!r} has level {table['level']!r}; use one of "
            f"{', '.join(TRAINER_LEVELS)}."
        )
    return {**table, "source": name}
