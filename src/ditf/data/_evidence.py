"""The published evidence: two CSV tables and a list of findings, validated on load."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ditf._errors import DataError

__all__ = [
    "CONDITION_TYPES",
    "MetaAnalysis",
    "StudyCondition",
    "load_facts",
    "load_meta_analyses",
    "load_studies",
    "parse_studies",
    "read_studies",
]

#: Condition types a studies table may use, and whether they need a first request.
CONDITION_TYPES = {
    "target_only": False,
    "large_only": False,
    "contact_only": False,
    "ditf": True,
    "exposure_control": True,
    "fitd": True,
    "fitd_agree_only": True,
}

STUDY_COLUMNS = (
    "study", "year", "experiment", "condition", "condition_type", "first_request", "first_cost",
    "target_request", "target_cost", "cost_unit", "same_requester", "delay_hours", "prosocial",
    "measure", "n", "complied", "pct", "confidence", "source",
)  # fmt: skip
META_COLUMNS = (
    "meta_analysis", "year", "technique", "outcome", "k", "effect_metric", "effect", "scope",
    "source",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class StudyCondition:
    """One condition of one published experiment (a row of ``studies.csv``).

    Attributes mirror the CSV columns; costs are floats, yes/no columns booleans.
    """

    study: str
    year: int
    experiment: str
    condition: str
    condition_type: str
    first_request: str
    first_cost: float | None
    target_request: str
    target_cost: float
    cost_unit: str
    same_requester: bool
    delay_hours: float
    prosocial: bool
    measure: str
    n: int
    complied: int
    source: str

    @property
    def key(self) -> str:
        """Identifies the experiment; conditions with one key share a context."""
        return f"{self.study} ({self.year}) exp. {self.experiment}"

    @property
    def pct(self) -> float:
        """Observed compliance in percent."""
        return 100.0 * self.complied / self.n


@dataclass(frozen=True, slots=True)
class MetaAnalysis:
    """One pooled effect from a meta-analysis (a row of ``meta_analyses.csv``)."""

    meta_analysis: str
    year: int
    technique: str
    outcome: str
    k: int | None
    effect_metric: str
    effect: float
    scope: str
    source: str


class _Row:
    """Typed access to one CSV row; every failure names the file, line and column."""

    def __init__(self, row: dict[str, str], where: str) -> None:
        self.row, self.where = row, where

    def fail(self, column: str, expected: str) -> DataError:
        got = self.row.get(column)
        return DataError(f"{self.where}, column {column!r}: expected {expected}, got {got!r}.")

    def text(self, column: str, *, required: bool = True) -> str:
        value = (self.row.get(column) or "").strip()
        if required and not value:
            raise self.fail(column, "a non-empty value")
        return value

    def number(self, column: str, *, minimum: float = 0.0, required: bool = True) -> float | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            x = float(value)
        except ValueError:
            raise self.fail(column, f"a number >= {minimum:g}") from None
        if not math.isfinite(x) or x < minimum:
            raise self.fail(column, f"a finite number >= {minimum:g}")
        return x

    def integer(self, column: str, *, minimum: int = 0, required: bool = True) -> int | None:
        x = self.number(column, minimum=minimum, required=required)
        if x is None:
            return None
        if x != int(x):
            raise self.fail(column, f"an integer >= {minimum}")
        return int(x)

    def flag(self, column: str, *, default: bool) -> bool:
        value = self.text(column, required=False).lower()
        if not value:
            return default
        if value not in ("yes", "no"):
            raise self.fail(column, "'yes', 'no' or empty")
        return value == "yes"


def _rows(text: str, name: str, columns: tuple[str, ...]) -> list[_Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(
                f"{name}: missing column(s) {missing}. A table needs the columns {list(columns)}."
            )
        rows = [_Row(row, f"{name}, line {i}") for i, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise DataError(
            f"{name}, line {reader.line_num + 1}: not a valid CSV row ({exc})."
        ) from exc
    if not rows:
        raise DataError(f"{name}: the table has no rows.")
    return rows


def _study(r: _Row) -> StudyCondition:
    kind = r.text("condition_type")
    if kind not in CONDITION_TYPES:
        raise r.fail("condition_type", f"one of {sorted(CONDITION_TYPES)}")
    first_cost = r.number("first_cost", required=CONDITION_TYPES[kind])
    if CONDITION_TYPES[kind] and kind != "contact_only" and not first_cost:
        raise r.fail("first_cost", "a cost > 0")
    target_cost = r.number("target_cost")
    if not target_cost:
        raise r.fail("target_cost", "a cost > 0")
    n, complied = r.integer("n", minimum=1), r.integer("complied")
    assert n is not None and complied is not None
    if complied > n:
        raise r.fail("complied", f"at most n = {n}")
    pct = r.number("pct", required=False)
    if pct is not None and abs(pct - 100.0 * complied / n) > 0.1:
        raise r.fail("pct", f"100 * complied / n = {100.0 * complied / n:.1f}")
    measure = r.text("measure")
    if measure not in ("verbal", "behavioral"):
        raise r.fail("measure", "'verbal' or 'behavioral'")
    year = r.integer("year", minimum=1900)
    assert year is not None
    return StudyCondition(
        study=r.text("study"),
        year=year,
        experiment=r.text("experiment"),
        condition=r.text("condition"),
        condition_type=kind,
        first_request=r.text("first_request", required=False),
        first_cost=first_cost,
        target_request=r.text("target_request"),
        target_cost=target_cost,
        cost_unit=r.text("cost_unit"),
        same_requester=r.flag("same_requester", default=True),
        delay_hours=r.number("delay_hours", required=False) or 0.0,
        prosocial=r.flag("prosocial", default=True),
        measure=measure,
        n=n,
        complied=complied,
        source=r.text("source", required=False),
    )


def _meta(r: _Row) -> MetaAnalysis:
    effect = r.number("effect", minimum=-1.0)
    year = r.integer("year", minimum=1900)
    assert effect is not None and year is not None
    if effect > 1.0 or r.text("effect_metric") != "r":
        raise r.fail("effect", "a correlation r in [-1, 1] (effect_metric 'r')")
    return MetaAnalysis(
        meta_analysis=r.text("meta_analysis"),
        year=year,
        technique=r.text("technique"),
        outcome=r.text("outcome"),
        k=r.integer("k", minimum=1, required=False),
        effect_metric="r",
        effect=effect,
        scope=r.text("scope"),
        source=r.text("source"),
    )


def parse_studies(text: str, name: str = "studies.csv") -> tuple[StudyCondition, ...]:
    """Parse and validate a studies table given as CSV text.

    Raises
    ------
    DataError
        If a column is missing or a value is malformed; the message names line and column.
    """
    return tuple(_study(r) for r in _rows(text, name, STUDY_COLUMNS))


def _bundled(name: str) -> str:
    return resources.files("ditf.data").joinpath("evidence", name).read_text(encoding="utf-8")


def load_studies() -> tuple[StudyCondition, ...]:
    """The bundled experiments (Cialdini et al., 1975; Freedman & Fraser, 1966).

    Examples
    --------
    >>> sorted({c.key for c in load_studies()})[0]
    'Cialdini, Vincent, Lewis, Catalan, Wheeler & Darby (1975) exp. 1'
    """
    return parse_studies(_bundled("studies.csv"))


def read_studies(path: str | Path) -> tuple[StudyCondition, ...]:
    """Read a user's studies table (same columns as the bundled ``studies.csv``).

    Raises
    ------
    DataError
        If the file cannot be read or does not match the schema.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"Cannot read studies file {str(path)!r}: {exc}.") from exc
    return parse_studies(text, Path(path).name)


def load_meta_analyses() -> tuple[MetaAnalysis, ...]:
    """The bundled meta-analytic effects.

    Dillard et al. (1984), O'Keefe & Hale (1998) and Feeley et al. (2012).

    Examples
    --------
    >>> [m.effect for m in load_meta_analyses() if m.outcome == "behavioral"]
    [0.052]
    """
    return tuple(
        _meta(r) for r in _rows(_bundled("meta_analyses.csv"), "meta_analyses.csv", META_COLUMNS)
    )


def load_facts() -> str:
    """The directional findings the model must reproduce (``facts.md``), as Markdown."""
    return _bundled("facts.md")
