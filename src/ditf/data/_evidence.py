"""The published evidence: CSV tables and a list of findings, validated on load."""

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
    "CONFIDENCE_LEVELS",
    "NEGOTIATION_METRICS",
    "MetaAnalysis",
    "NegotiationFinding",
    "StudyCondition",
    "load_facts",
    "load_meta_analyses",
    "load_negotiation_evidence",
    "load_studies",
    "parse_negotiation_evidence",
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
NEGOTIATION_COLUMNS = (
    "study", "year", "finding", "condition", "metric", "value", "n", "k", "ci_low", "ci_high",
    "confidence", "source", "note",
)  # fmt: skip

#: How a number in ``negotiation.csv`` was checked: ``high`` read in the paper or its abstract,
#: ``medium`` consistent secondary sources, ``prior`` unverified (the note must say why).
CONFIDENCE_LEVELS = ("high", "medium", "prior")

#: Metrics a negotiation finding may use, with the closed range a value must lie in.
#: ``sign`` is a direction only: 1 (as named by the finding), 0 (none) or -1 (reversed).
NEGOTIATION_METRICS: dict[str, tuple[float, float]] = {
    "r": (-1.0, 1.0),
    "proportion": (0.0, 1.0),
    "d": (-10.0, 10.0),
    "g": (-10.0, 10.0),
    "sign": (-1.0, 1.0),
}

#: A prior's note must give a reason; a bare word or two is not one.
_MIN_REASON_CHARS = 20


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


@dataclass(frozen=True, slots=True)
class NegotiationFinding:
    """One result on negotiating amounts (a row of ``negotiation.csv``).

    ``value`` is on the scale named by ``metric``; ``n`` (participants) and ``k`` (studies or
    effects pooled) are ``None`` when not published. ``ci_low`` and ``ci_high`` are the
    published interval or, for a ``prior`` row, the prior's plausible range.
    """

    study: str
    year: int
    finding: str
    condition: str
    metric: str
    value: float
    n: int | None
    k: int | None
    ci_low: float | None
    ci_high: float | None
    confidence: str
    source: str
    note: str

    @property
    def verified(self) -> bool:
        """True unless the row is a prior (an unverified number with a written reason)."""
        return self.confidence != "prior"


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

    def number(
        self, column: str, *, minimum: float | None = 0.0, required: bool = True
    ) -> float | None:
        """The column as a finite number of at least ``minimum`` (None: of any sign)."""
        value = self.text(column, required=required)
        if not value:
            return None
        bound = "" if minimum is None else f" >= {minimum:g}"
        try:
            x = float(value)
        except ValueError:
            raise self.fail(column, f"a number{bound}") from None
        if not math.isfinite(x) or (minimum is not None and x < minimum):
            raise self.fail(column, f"a finite number{bound}")
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


def _negotiation(r: _Row) -> NegotiationFinding:
    year = r.integer("year", minimum=1900)
    assert year is not None
    metric = r.text("metric")
    if metric not in NEGOTIATION_METRICS:
        raise r.fail("metric", f"one of {sorted(NEGOTIATION_METRICS)}")
    low, high = NEGOTIATION_METRICS[metric]
    value = r.number("value", minimum=None)
    assert value is not None
    if not low <= value <= high:
        raise r.fail("value", f"a {metric} in [{low:g}, {high:g}]")
    if metric == "sign" and value not in (-1.0, 0.0, 1.0):
        raise r.fail("value", "a sign: -1, 0 or 1")
    ci_low, ci_high = (
        r.number("ci_low", minimum=None, required=False),
        r.number("ci_high", minimum=None, required=False),
    )
    if (ci_low is None) != (ci_high is None):
        raise r.fail("ci_high" if ci_high is None else "ci_low", "both interval ends or neither")
    if ci_low is not None and ci_high is not None:
        if not (low <= ci_low <= high and low <= ci_high <= high):
            raise r.fail("ci_low", f"interval ends within [{low:g}, {high:g}] for a {metric}")
        if not ci_low <= value <= ci_high:
            raise r.fail("value", f"a value inside its interval [{ci_low:g}, {ci_high:g}]")
    confidence = r.text("confidence")
    if confidence not in CONFIDENCE_LEVELS:
        raise r.fail("confidence", f"one of {list(CONFIDENCE_LEVELS)}")
    note = r.text("note", required=False)
    if confidence == "prior" and len(note) < _MIN_REASON_CHARS:
        raise r.fail(
            "note",
            "a written reason for a prior (why the number is unverified and where it comes "
            f"from, at least {_MIN_REASON_CHARS} characters)",
        )
    return NegotiationFinding(
        study=r.text("study"),
        year=year,
        finding=r.text("finding"),
        condition=r.text("condition"),
        metric=metric,
        value=value,
        n=r.integer("n", minimum=1, required=False),
        k=r.integer("k", minimum=1, required=False),
        ci_low=ci_low,
        ci_high=ci_high,
        confidence=confidence,
        source=r.text("source"),
        note=note,
    )


def parse_negotiation_evidence(
    text: str, name: str = "negotiation.csv"
) -> tuple[NegotiationFinding, ...]:
    """Parse and validate a table of negotiation findings given as CSV text.

    Every row needs a source and a confidence in :data:`CONFIDENCE_LEVELS`; a ``prior`` row
    also needs a written reason in its note. Values must lie in the metric's range
    (:data:`NEGOTIATION_METRICS`) and inside their interval when one is given.

    Raises
    ------
    DataError
        If a column is missing or a value is malformed; the message names line and column.
    """
    return tuple(_negotiation(r) for r in _rows(text, name, NEGOTIATION_COLUMNS))


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


def load_negotiation_evidence() -> tuple[NegotiationFinding, ...]:
    """The bundled evidence on negotiating amounts (first offers, impasse, commercial DITF).

    Examples
    --------
    >>> rows = load_negotiation_evidence()
    >>> sorted({f.value for f in rows if f.finding == "concession_size_r"})
    [0.35, 0.55, 0.68]
    >>> all(f.source and f.confidence for f in rows)
    True
    """
    return parse_negotiation_evidence(_bundled("negotiation.csv"))


def load_facts() -> str:
    """The directional findings the model must reproduce (``facts.md``), as Markdown."""
    return _bundled("facts.md")
