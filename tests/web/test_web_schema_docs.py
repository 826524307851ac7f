"""Field descriptions in the API schema read as JSON, though written once in the core."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from web_helpers import SMALL

from ditf.web import create_app
from ditf.web._schemas.defend import SequenceEvidencePublic


def property_descriptions(node: Any) -> Iterator[str]:
    """Every property description of every schema in an OpenAPI document."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "properties":
                for field in value.values():
                    if "description" in field:
                        yield field["description"]
            yield from property_descriptions(value)
    elif isinstance(node, list):
        for item in node:
            yield from property_descriptions(item)


def test_field_descriptions_say_null_and_carry_no_sphinx_markup() -> None:
    descriptions = list(property_descriptions(create_app(SMALL).openapi()))
    assert len(descriptions) > 100
    assert not [d for d in descriptions if re.search(r"\bNone\b|:\w+:`", d)]


def test_a_renamed_field_is_described_by_its_web_name() -> None:
    fields = SequenceEvidencePublic.model_fields
    assert "peak" not in " ".join(str(f.description) for f in fields.values())
    assert "cost(opener)" in str(fields["opener_excess_log"].description)
