"""The bundled evidence on negotiating amounts (``negotiation.csv``) and its schema."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources

import pytest

from ditf._errors import DataError  # not re-exported by any public __all__
from ditf.data import (
    CONFIDENCE_LEVELS,
    NEGOTIATION_METRICS,
    NegotiationFinding,
    load_facts,
    load_negotiation_evidence,
    parse_negotiation_evidence,
)

TEXT = resources.files("ditf.data").joinpath("evidence", "negotiation.csv").read_text("utf-8")
HEADER, *ROWS = list(csv.reader(io.StringIO(TEXT)))
SHIPPED = [dict(zip(HEADER, row, strict=True)) for row in ROWS]
#: A verified row: the Feeley et al. (2016) Study 1 concession-size correlation.
VALID = next(r for r in SHIPPED if r["finding"] == "concession_size_r")
#: An unverified row: a prior with its written reason.
PRIOR = next(r for r in SHIPPED if r["confidence"] == "prior")


def table(*rows: dict[str, str], header: list[str] = HEADER) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def mutated(base: dict[str, str] = VALID, **cells: str) -> dict[str, str]:
    return base | cells


def rejected(row: dict[str, str]) -> str:
    with pytest.raises(DataError) as info:
        parse_negotiation_evidence(table(row))
    return str(info.value)


# ---------------------------------------------------------------- the bundled table


def test_bundled_table_matches_the_shipped_csv():
    findings = load_negotiation_evidence()
    assert len(findings) == len(SHIPPED) > 0
    for f, row in zip(findings, SHIPPED, strict=True):
        assert isinstance(f, NegotiationFinding)
        assert (f.study, f.finding, f.metric) == (row["study"], row["finding"], row["metric"])
        assert f.value == float(row["value"])
        assert f.n == (int(row["n"]) if row["n"] else None)
        assert f.k == (int(row["k"]) if row["k"] else None)


def test_every_row_has_a_source_and_a_known_confidence():
    for f in load_negotiation_evidence():
        assert f.source.strip(), f
        assert f.confidence in CONFIDENCE_LEVELS, f
        assert f.verified == (f.confidence != "prior")


def test_every_prior_row_gives_a_reason():
    priors = [f for f in load_negotiation_evidence() if f.confidence == "prior"]
    assert priors, "the table states its unverified numbers as priors"
    for f in priors:
        assert len(f.note) >= 20, f
        assert re.search(r"\b(unverified|prior|derived|not)\b", f.note, re.IGNORECASE), f


def test_the_findings_the_model_calibrates_on_are_present():
    by_finding: dict[str, list[NegotiationFinding]] = {}
    for f in load_negotiation_evidence():
        by_finding.setdefault(f.finding, []).append(f)
    anchoring = [f.value for f in by_finding["first_offer_settlement_r"] if f.verified]
    assert anchoring and all(0.4 <= r <= 0.7 for r in anchoring)
    assert sorted(f.value for f in by_finding["concession_size_r"]) == [0.35, 0.55, 0.68]
    (moderate,) = by_finding["impasse_rate_moderate"]
    (extreme,) = by_finding["impasse_rate_extreme"]
    assert extreme.value > moderate.value  # extreme openers backfire into impasse
    assert by_finding["impasse_ambitious_vs_moderate"][0].value < 0  # fewer deals
    assert {f.confidence for f in by_finding["ditf_commercial_lift"]} >= {"prior"}


def test_facts_cite_the_negotiation_rows():
    facts = load_facts()
    for number in range(11, 16):
        assert re.search(rf"^{number}\. \*\*", facts, re.MULTILINE), number
    cited = set(re.findall(r"`([a-z_]+)`", facts))
    shipped = {r["finding"] for r in SHIPPED}
    assert shipped <= cited, shipped - cited


def test_metric_ranges_are_closed_intervals():
    for low, high in NEGOTIATION_METRICS.values():
        assert low < high


# ---------------------------------------------------------------- the schema


def test_a_valid_row_parses():
    (f,) = parse_negotiation_evidence(table(VALID))
    assert f.value == 0.35 and f.k == 25 and f.n is None and f.verified


def test_a_prior_row_with_an_interval_parses():
    (f,) = parse_negotiation_evidence(table(PRIOR))
    assert not f.verified


@pytest.mark.parametrize(
    ("cells", "column", "expected"),
    [
        ({"metric": "odds"}, "metric", "one of"),
        ({"value": "1.2"}, "value", "a r in [-1, 1]"),
        ({"value": "abc"}, "value", "a number"),
        ({"value": "nan"}, "value", "a finite number"),
        ({"value": ""}, "value", "a non-empty value"),
        ({"metric": "proportion", "value": "-0.1"}, "value", "a proportion in [0, 1]"),
        ({"metric": "sign", "value": "0.5"}, "value", "a sign: -1, 0 or 1"),
        ({"confidence": "certain"}, "confidence", "one of ['high', 'medium', 'prior']"),
        ({"confidence": ""}, "confidence", "a non-empty value"),
        ({"source": ""}, "source", "a non-empty value"),
        ({"study": " "}, "study", "a non-empty value"),
        ({"year": "1850"}, "year", "a finite number >= 1900"),
        ({"n": "0"}, "n", ">= 1"),
        ({"k": "2.5"}, "k", "an integer >= 1"),
        ({"ci_low": "0.1"}, "ci_high", "both interval ends or neither"),
        ({"ci_low": "0.4", "ci_high": "0.6"}, "value", "inside its interval"),
        ({"ci_low": "-2", "ci_high": "0.6"}, "ci_low", "within [-1, 1]"),
    ],
)
def test_a_bad_row_is_rejected_with_line_and_column(cells, column, expected):
    message = rejected(mutated(**cells))
    assert "negotiation.csv, line 2" in message
    assert f"column {column!r}" in message
    assert expected in message


@pytest.mark.parametrize("note", ["", "guess", "   "])
def test_a_prior_without_a_reason_is_rejected(note):
    message = rejected(mutated(PRIOR, note=note))
    assert "column 'note'" in message
    assert "reason for a prior" in message


def test_a_verified_row_needs_no_note():
    (f,) = parse_negotiation_evidence(table(mutated(note="")))
    assert f.note == ""


def test_a_missing_column_is_named():
    header = [c for c in HEADER if c != "confidence"]
    with pytest.raises(DataError, match=r"missing column\(s\) \['confidence'\]"):
        parse_negotiation_evidence(table(VALID, header=header))


def test_an_empty_table_is_rejected():
    with pytest.raises(DataError, match="no rows"):
        parse_negotiation_evidence(",".join(HEADER) + "\n")


def test_the_error_names_the_failing_line():
    rows = [VALID, VALID, mutated(confidence="guessed")]
    with pytest.raises(DataError, match=r"negotiation\.csv, line 4, column 'confidence'"):
        parse_negotiation_evidence(table(*rows))
