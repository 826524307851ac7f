"""Request schemas read numbers as people type them in forms, and only in forms.

Validated with ``context={"form": True}`` (as :func:`ditf.web._pages.parse_form` does), a
number field, nested or not, reads "110,000", "110k" or "EUR 110000"; a JSON body (no
context) keeps the schema's types: a number sent as such text is refused.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ditf.web._schemas.journal import AskUpdateRequest
from ditf.web._schemas.plan import BenchmarkRequest, CounterpartEstimateRequest
from ditf.web._schemas.train import PickRequest

FORM = {"form": True}


def benchmark(value: object) -> dict[str, object]:
    return {"name": "survey", "kind": "market-high", "value": value}


@pytest.mark.parametrize(
    ("typed", "number"), [("110,000", 110000.0), ("110k", 110000.0), ("EUR 110000", 110000.0)]
)
def test_a_form_reads_typed_numbers(typed: str, number: float) -> None:
    assert BenchmarkRequest.model_validate(benchmark(typed), context=FORM).value == number


def test_nested_models_read_typed_numbers_in_a_form() -> None:
    estimate = CounterpartEstimateRequest.model_validate(
        {"accepts_low": "95k", "accepts_high": "120,000"}, context=FORM
    )
    assert (estimate.accepts_low, estimate.accepts_high) == (95000.0, 120000.0)


def test_an_optional_field_reads_a_typed_number_and_an_int_field_an_int() -> None:
    assert AskUpdateRequest.model_validate({"opener": "1.2k"}, context=FORM).opener == 1200.0
    seed = PickRequest.model_validate({"seed": "1,000"}, context=FORM).seed
    assert seed == 1000 and isinstance(seed, int)


def test_a_form_field_that_is_no_number_says_why_and_where() -> None:
    with pytest.raises(ValidationError) as info:
        BenchmarkRequest.model_validate(benchmark("lots"), context=FORM)
    (error,) = info.value.errors()
    assert error["loc"] == ("value",) and error["type"] == "typed_number"
    assert "'lots' is not a number" in error["msg"]


@pytest.mark.parametrize("typed", ["110k", "110,000", "EUR 110000"])
def test_a_json_body_keeps_the_schemas_types(typed: str) -> None:
    with pytest.raises(ValidationError):
        BenchmarkRequest.model_validate(benchmark(typed))
    with pytest.raises(ValidationError):
        CounterpartEstimateRequest.model_validate({"accepts_low": typed, "accepts_high": 1})


def test_text_fields_stay_text_in_a_form() -> None:
    assert BenchmarkRequest.model_validate(benchmark("1"), context=FORM).name == "survey"
    named = BenchmarkRequest.model_validate(benchmark(5) | {"name": "110k"}, context=FORM)
    assert named.name == "110k"


def test_the_api_refuses_a_typed_number_the_form_reads(api) -> None:
    ask = {"counterpart": "acme-hr", "domain": "salary", "unit": "EUR", "fallback": "110k"}
    response = api.post("/api/journal/asks", json=ask)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["fallback"]
    assert api.get("/api/journal/asks").json() == []
