"""Meta-analysis input tables: a user's CSV, the BCG reference dataset, the bundled example.

A table has a ``study`` column and one of three sets of columns:

- ``yes_t, n_t, yes_c, n_c``: a 2x2 table per study (events and participants in the
  treatment and control arms), kind ``"counts"``;
- ``r, n``: a reported correlation and its sample size, kind ``"r"``;
- ``effect, variance``: an effect size the user computed and its sampling variance,
  kind ``"effects"``.

Every other column is a numeric moderator. Lines starting with ``#`` are comments (the
bundled tables cite their source there). Header names are matched without regard to case
or surrounding spaces. The table is checked once, here, and every error names the file,
the line and the column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ditf._errors import DataError
from ditf.data._evidence import load_meta_analyses

__all__ = [
    "META_KINDS",
    "SUBJECTS_PER_EFFECT",
    "MetaTable",
    "load_bcg",
    "load_meta_example",
    "parse_meta_table",
    "read_meta_table",
]

#: The column sets a meta-analysis table may use, by kind.
META_KINDS: dict[str, tuple[str, ...]] = {
    "counts": ("yes_t", "n_t", "yes_c", "n_c"),
    "r": ("r", "n"),
    "effects": ("effect", "variance"),
}
_KIND_NAMES = {"counts": "2x2 counts", "r": "correlations", "effects": "effect sizes"}

#: Participants per effect size in the bundled example: Dillard, Hunter & Burgoon (1984)
#: pooled 24 door-in-the-face effect sizes from about 2500 subjects (2500 / 24 = 104).
SUBJECTS_PER_EFFECT = 104


@dataclass(frozen=True, slots=True)
class MetaTable:
    """A validated meta-analysis table.

    Attributes
    ----------
    name : str
        File name, used in messages.
    kind : str
        "counts", "r" or "effects" (see :data:`META_KINDS`).
    studies : tuple of str
        Study labels, in file order.
    columns : dict of str to tuple of float
        The kind's columns (counts and ``n`` as ints), one value per study.
    moderators : dict of str to tuple of float
        Every other column, in file order.
    lines : tuple of int
        The file line of each study.
    source : str
        Where a bundled table comes from ("" for a user's file).
    """

    name: str
    kind: str
    studies: tuple[str, ...]
    columns: dict[str, tuple[float, ...]]
    moderators: dict[str, tuple[float, ...]] = field(default_factory=dict)
    lines: tuple[int, ...] = ()
    source: str = ""

    @property
    def k(self) -> int:
        """Number of studies."""
        return len(self.studies)


def _fail(where: str, column: str, expected: str, got: str) -> DataError:
    return DataError(f"{where}, column {column!r}: expected {expected}, got {got!r}.")


def _number(cell: str, where: str, column: str, expected: str) -> float:
    try:
        x = float(cell)
    except ValueError:
        raise _fail(where, column, expected, cell) from None
    if not math.isfinite(x):
        raise _fail(where, column, expected, cell)
    return x


def _integer(cell: str, where: str, column: str, minimum: int) -> int:
    expected = f"an integer >= {minimum}"
    x = _number(cell, where, column, expected)
    if x != int(x) or x < minimum:
        raise _fail(where, column, expected, cell)
    return int(x)


def _kind(header: list[str], name: str) -> str:
    present = [kind for kind, cols in META_KINDS.items() if all(c in header for c in cols)]
    if len(present) > 1:
        sets = " and ".join(f"{_KIND_NAMES[k]} ({', '.join(META_KINDS[k])})" for k in present)
        raise DataError(
            f"{name}: the table has columns for {sets}; keep the columns of one kind "
            f"(or rename the others)."
        )
    if present:
        return present[0]
    partial = [
        (kind, [c for c in cols if c not in header])
        for kind, cols in META_KINDS.items()
        if any(c in header for c in cols)
    ]
    options = "; ".join(f"{', '.join(cols)} ({_KIND_NAMES[k]})" for k, cols in META_KINDS.items())
    hint = "".join(f" Missing for {_KIND_NAMES[k]}: {missing}." for k, missing in partial)
    raise DataError(
        f"{name}: missing columns. A meta-analysis table needs 'study' and one of: {options}. "
        f"Found {header}.{hint}"
    )


def _row(kind: str, cells: dict[str, str], where: str) -> dict[str, float]:
    out: dict[str, float] = {}
    if kind == "counts":
        for arm in ("t", "c"):
            n = _integer(cells[f"n_{arm}"], where, f"n_{arm}", 1)
            yes = _integer(cells[f"yes_{arm}"], where, f"yes_{arm}", 0)
            if yes > n:
                raise _fail(where, f"yes_{arm}", f"at most n_{arm} = {n}", cells[f"yes_{arm}"])
            out[f"yes_{arm}"], out[f"n_{arm}"] = yes, n
    elif kind == "r":
        r = _number(cells["r"], where, "r", "a correlation in (-1, 1)")
        if not -1.0 < r < 1.0:
            raise _fail(where, "r", "a correlation in (-1, 1)", cells["r"])
        out["r"], out["n"] = r, _integer(cells["n"], where, "n", 4)
    else:
        out["effect"] = _number(cells["effect"], where, "effect", "a finite number")
        variance = _number(cells["variance"], where, "variance", "a variance > 0")
        if variance <= 0:
            raise _fail(where, "variance", "a variance > 0", cells["variance"])
        out["variance"] = variance
    return out


def parse_meta_table(
    text: str, name: str = "meta.csv", *, min_studies: int = 2, source: str = ""
) -> MetaTable:
    r"""Parse and validate a meta-analysis table given as CSV text.

    Parameters
    ----------
    text : str
        The CSV, with a header row; ``#`` lines and blank lines are skipped.
    name : str
        Name used in messages (the file name).
    min_studies : int
        Fewest studies accepted (2 to pool; 3 for publication-bias tests).
    source : str
        Citation kept with the table.

    Returns
    -------
    MetaTable

    Raises
    ------
    DataError
        If a column is missing, a cell is malformed or out of range (counts, ``yes > n``,
        ``n <= 3`` for a correlation, variances <= 0, a moderator that is not a number), or
        there are fewer than ``min_studies`` studies. Messages name file, line and column.

    Examples
    --------
    >>> t = parse_meta_table("study,r,n,year\nA,0.1,50,1980\nB,0.2,80,1990\n")
    >>> t.kind, t.studies, t.columns["n"], t.moderators
    ('r', ('A', 'B'), (50, 80), {'year': (1980.0, 1990.0)})
    """
    numbered = [
        (i, line)
        for i, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise DataError(f"{name}: the table is empty; it needs a header row and studies.")
    reader = csv.reader(line for _, line in numbered)
    try:
        raw_header = next(reader)
        header = [h.strip().lower() for h in raw_header]
        labels = [h.strip() for h in raw_header]
        if "" in header or len(set(header)) < len(header):
            raise DataError(
                f"{name}, line {numbered[0][0]}: every column needs a distinct, non-empty "
                f"name; got {labels}."
            )
        if "study" not in header:
            raise DataError(f"{name}: missing column 'study' (the study labels).")
        kind = _kind(header, name)
        moderators = [i for i, h in enumerate(header) if h != "study" and h not in META_KINDS[kind]]
        studies: list[str] = []
        lines: list[int] = []
        values: dict[str, list[float]] = {c: [] for c in META_KINDS[kind]}
        mods: dict[str, list[float]] = {labels[i]: [] for i in moderators}
        for row in reader:
            line = numbered[reader.line_num - 1][0]
            where = f"{name}, line {line}"
            if len(row) != len(header):
                raise DataError(
                    f"{where}: expected {len(header)} cells (one per column), got {len(row)}."
                )
            cells = {h: cell.strip() for h, cell in zip(header, row, strict=True)}
            if not cells["study"]:
                raise _fail(where, "study", "a study label", cells["study"])
            for column, x in _row(kind, cells, where).items():
                values[column].append(x)
            for i in moderators:
                mods[labels[i]].append(
                    _number(row[i].strip(), where, labels[i], "a number (moderators are numeric)")
                )
            studies.append(cells["study"])
            lines.append(line)
    except csv.Error as exc:
        line = numbered[min(reader.line_num, len(numbered)) - 1][0]
        raise DataError(f"{name}, line {line}: not a valid CSV row ({exc}).") from exc
    if len(studies) < min_studies:
        raise DataError(
            f"{name}: {len(studies)} stud{'y' if len(studies) == 1 else 'ies'}; this needs at "
            f"least {min_studies}. Add studies to the table."
        )
    return MetaTable(
        name=name,
        kind=kind,
        studies=tuple(studies),
        columns={c: tuple(v) for c, v in values.items()},
        moderators={m: tuple(v) for m, v in mods.items()},
        lines=tuple(lines),
        source=source,
    )


def read_meta_table(path: str | Path, *, min_studies: int = 2) -> MetaTable:
    r"""Read a user's meta-analysis CSV (see the module docstring for its columns).

    Parameters
    ----------
    path : str or Path
    min_studies : int
        Fewest studies accepted (2 to pool; 3 for publication-bias tests).

    Returns
    -------
    MetaTable

    Raises
    ------
    DataError
        If the file cannot be read or does not match the schema; the message names the
        file, line and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "m.csv")
    ...     _ = p.write_text("study,effect,variance\nA,0.2,0.04\nB,0.5,0.09\n")
    ...     read_meta_table(p).kind
    'effects'
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read the meta-analysis file {str(path)!r}: {exc}.") from exc
    return parse_meta_table(text, file.name, min_studies=min_studies)


_BCG_SOURCE = (
    "Colditz et al. (1994), JAMA 271(9) 698-702; dat.bcg in the R package metafor "
    "(Viechtbauer, 2010)"
)


def load_bcg() -> MetaTable:
    """The BCG vaccine trials: 13 2x2 tables with absolute latitude and year as moderators.

    The reference dataset of meta-analysis software (Colditz et al., 1994; ``dat.bcg`` in
    R's metafor): TB cases among vaccinated (``yes_t`` of ``n_t``) and unvaccinated
    (``yes_c`` of ``n_c``) participants.

    Returns
    -------
    MetaTable

    Examples
    --------
    >>> t = load_bcg()
    >>> t.k, t.kind, list(t.moderators)
    (13, 'counts', ['ablat', 'year'])
    """
    text = resources.files("ditf.data").joinpath("reference", "bcg.csv").read_text("utf-8")
    return parse_meta_table(text, "bcg.csv", source=_BCG_SOURCE)


def load_meta_example() -> MetaTable:
    """The bundled door-in-the-face meta-analytic effects as a correlation table.

    A worked example built from ``meta_analyses.csv``: the door-in-the-face rows that give
    the number of effect sizes k (Dillard et al., 1984; Feeley et al., 2012, verbal and
    behavioural compliance). Each reported r is a pooled correlation; its sample size is
    taken as ``k * SUBJECTS_PER_EFFECT`` (104 participants per effect size, from Dillard
    et al.'s 24 effect sizes and about 2500 subjects), an assumption. Rows without k
    (O'Keefe & Hale, 1998, and the optimal-conditions subsets) are left out. The moderator
    ``behavioral`` is 1 for the behavioural-compliance row. The rows share primary studies,
    so the pooled interval is too narrow: a demonstration, not a new estimate.

    Returns
    -------
    MetaTable

    Examples
    --------
    >>> t = load_meta_example()
    >>> t.kind, t.k, t.columns["r"]
    ('r', 3, (0.08, 0.126, 0.052))
    """
    rows = [m for m in load_meta_analyses() if m.technique == "ditf" and m.k is not None]
    return MetaTable(
        name="meta_analyses.csv",
        kind="r",
        studies=tuple(f"{m.meta_analysis} ({m.year}), {m.outcome}" for m in rows),
        columns={
            "r": tuple(m.effect for m in rows),
            "n": tuple(int(m.k or 0) * SUBJECTS_PER_EFFECT for m in rows),
        },
        moderators={"behavioral": tuple(float(m.outcome == "behavioral") for m in rows)},
        lines=(),
        source="; ".join(f"{m.meta_analysis} ({m.year}), {m.source}" for m in rows),
    )
