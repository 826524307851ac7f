"""A user's trial results: compliance per condition, from people or from counts."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from ditf._errors import DataError

__all__ = ["MAX_PEOPLE_PER_ARM", "parse_trials", "read_trials"]

#: Most people one arm may hold. A trial larger than a billion people per arm is not a
#: trial, and bigger counts would overflow the floating-point statistics.
MAX_PEOPLE_PER_ARM = 1_000_000_000
#: A count: ASCII digits, optionally with a leading "+" (no signs, spaces, "_" or exponents).
_COUNT = re.compile(r"\+?[0-9]+")

#: The two layouts a trials table may have.
PERSON_COLUMNS = ("condition", "outcome")
COUNT_COLUMNS = ("condition", "n", "yes")
_LAYOUTS = (
    "either the columns condition, outcome (one row per person, outcome 0 or 1) "
    "or the columns condition, n, yes (one row per condition)"
)


def _header(row: list[str], name: str) -> dict[str, int]:
    columns = [c.strip().lower() for c in row]
    seen: dict[str, int] = {}
    for i, column in enumerate(columns):
        if column and column in seen:
            raise DataError(f"{name}, line 1: the column {column!r} appears twice.")
        seen[column] = i
    has_person = all(c in seen for c in PERSON_COLUMNS)
    has_counts = all(c in seen for c in COUNT_COLUMNS)
    if has_person and ("n" in seen or "yes" in seen):
        raise DataError(
            f"{name}: the header has both 'outcome' and count columns ('n'/'yes'). "
            f"A trials table has {_LAYOUTS}; drop the columns of the other layout."
        )
    if not (has_person or has_counts):
        wanted = COUNT_COLUMNS if ("n" in seen or "yes" in seen) else PERSON_COLUMNS
        missing = [c for c in wanted if c not in seen]
        raise DataError(f"{name}: missing column(s) {missing}. A trials table has {_LAYOUTS}.")
    return seen


def _shown(value: str) -> str:
    """``value`` for a message: quoted, and cut short when it is long."""
    if len(value) <= 40:
        return repr(value)
    return f"{value[:20]!r}... ({len(value)} characters)"


def _integer(value: str, where: str, column: str, minimum: int, note: str = "") -> int:
    text = value.strip()
    maximum = MAX_PEOPLE_PER_ARM
    # Digits only, and at most as many as the cap has: int() would otherwise accept "1_0",
    # other scripts' digits, or a 400-digit number that no float can hold.
    if _COUNT.fullmatch(text) is None:
        raise DataError(
            f"{where}, column {column!r}: expected an integer >= {minimum}{note}, "
            f"got {_shown(value)}."
        )
    if len(text.lstrip("+0")) > len(str(maximum)) or int(text) > maximum:
        raise DataError(
            f"{where}, column {column!r}: expected an integer <= {maximum:,} (the most people "
            f"an arm may hold), got {_shown(value)}."
        )
    x = int(text)
    if x < minimum:
        raise DataError(
            f"{where}, column {column!r}: expected an integer >= {minimum}{note}, "
            f"got {_shown(value)}."
        )
    return x


def parse_trials(text: str, name: str = "trials.csv") -> tuple[tuple[str, int, int], ...]:
    r"""Parse a trials table given as CSV text into ``(arm, n, yes)`` per condition.

    Two layouts are read, told apart by the header (column names are trimmed and compared
    without case; other columns are ignored):

    * one row per person: ``condition`` and ``outcome`` (``0`` or ``1``);
    * one row per condition: ``condition``, ``n`` (people, 1 to :data:`MAX_PEOPLE_PER_ARM`)
      and ``yes`` (0 to ``n``), written as whole numbers (digits only).

    Blank lines are skipped. Arms keep the order in which they first appear.

    Parameters
    ----------
    text : str
        The CSV text (a leading byte-order mark is dropped).
    name : str, default "trials.csv"
        The file name used in error messages.

    Returns
    -------
    tuple of (str, int, int)
        Arm name, people in the arm, people who said yes.

    Raises
    ------
    DataError
        If a column is missing, a value is malformed (a non-binary outcome, a count that is
        not a whole number, NaN, infinite, negative, above the cap, ``yes > n``, an empty
        arm), an arm is listed twice, or there are fewer than two arms. The message
        names the file, the line and the column.

    Examples
    --------
    >>> parse_trials("condition,outcome\nditf,1\ncontrol,0\nditf,0\n")
    (('ditf', 2, 1), ('control', 1, 0))
    >>> parse_trials("condition,n,yes\ntarget_only,24,4\ndoor_in_the_face,24,12\n")
    (('target_only', 24, 4), ('door_in_the_face', 24, 12))
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    arms: dict[str, list[int]] = {}
    first_line: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None or not any(c.strip() for c in header):
            raise DataError(f"{name}: the file is empty. A trials table has {_LAYOUTS}.")
        columns = _header(header, name)
        per_person = "outcome" in columns
        for row in reader:
            line = reader.line_num
            where = f"{name}, line {line}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise DataError(
                    f"{where}: {len(row)} values but the header has {len(header)} columns."
                )
            cells = {c: (row[i] if i < len(row) else "") for c, i in columns.items()}
            arm = cells["condition"].strip()
            if not arm:
                raise DataError(f"{where}, column 'condition': expected a name, got ''.")
            if per_person:
                outcome = cells["outcome"].strip()
                if outcome not in ("0", "1"):
                    raise DataError(
                        f"{where}, column 'outcome': expected 0 (no) or 1 (yes), "
                        f"got {cells['outcome']!r}."
                    )
                counts = arms.setdefault(arm, [0, 0])
                counts[0] += 1
                counts[1] += outcome == "1"
                continue
            if arm in arms:
                raise DataError(
                    f"{where}, column 'condition': {arm!r} is already on line "
                    f"{first_line[arm]}. Give one row per condition."
                )
            n = _integer(cells["n"], where, "n", 1, " (an arm needs people)")
            yes = _integer(cells["yes"], where, "yes", 0)
            if yes > n:
                raise DataError(
                    f"{where}, column 'yes': expected at most n = {n}, got {_shown(cells['yes'])}."
                )
            arms[arm], first_line[arm] = [n, yes], line
    except csv.Error as exc:
        raise DataError(f"{name}, line {reader.line_num}: not a valid CSV row ({exc}).") from exc
    if len(arms) < 2:
        found = f"one condition ({next(iter(arms))!r})" if arms else "no data rows"
        raise DataError(
            f"{name}: found {found}. Comparing compliance needs at least two conditions."
        )
    return tuple((arm, n, yes) for arm, (n, yes) in arms.items())


def read_trials(path: str | Path) -> tuple[tuple[str, int, int], ...]:
    r"""Read a trials CSV file into ``(arm, n, yes)`` per condition; see :func:`parse_trials`.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    tuple of (str, int, int)
        Arm name, people in the arm, people who said yes, in order of first appearance.

    Raises
    ------
    DataError
        If the file cannot be read or does not match either layout.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "trials.csv").write_text("condition,n,yes\na,10,2\nb,10,6\n")
    >>> read_trials(folder / "trials.csv")
    (('a', 10, 2), ('b', 10, 6))
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read the trials file {str(file)!r}: {exc}.") from exc
    return parse_trials(text, file.name)
