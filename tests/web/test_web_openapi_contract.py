"""The API's contract is kept: operations, field names, types and constraints.

``data/openapi_contract.json`` was taken from the schema before the web models were derived from
the core dataclasses (issue 17). The comparison resolves every ``$ref``, so component names may
change; descriptions, titles and examples may improve. Anything else that differs fails.

Regenerate only for a deliberate API change: ``python tests/web/test_web_openapi_contract.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web tests need the web extra: pip install 'ditf[web]'")

from ditf.web import create_app

CONTRACT = Path(__file__).parent / "data" / "openapi_contract.json"
#: Prose that may change without changing the contract.
PROSE = frozenset({"description", "title", "examples", "example", "summary", "operationId", "tags"})


def _resolve(node: Any, components: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` inlined and prose dropped; a recursive ref stays a name."""
    if isinstance(node, list):
        return [_resolve(item, components, seen) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return {"recursive": True}
        return _resolve(components[name], components, (*seen, name))
    return {
        key: _resolve(value, components, seen) for key, value in node.items() if key not in PROSE
    }


def contract(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation of ``schema`` with its parameters, body and responses, refs resolved."""
    components = schema.get("components", {}).get("schemas", {})
    return {
        f"{method.upper()} {path}": _resolve(operation, components)
        for path, methods in sorted(schema["paths"].items())
        for method, operation in sorted(methods.items())
    }


def current() -> dict[str, Any]:
    return contract(create_app().openapi())


def test_the_openapi_contract_is_kept() -> None:
    before = json.loads(CONTRACT.read_text(encoding="utf-8"))
    now = current()
    assert sorted(now) == sorted(before), "operations differ"
    for operation in before:
        assert now[operation] == before[operation], operation


def test_the_comparison_sees_a_changed_constraint() -> None:
    schema = create_app().openapi()
    changed = json.loads(json.dumps(schema))
    body = changed["components"]["schemas"]["PredictRequest"]["properties"]
    field = next(iter(body.values()))
    field["maximum"] = 12345
    assert contract(changed) != contract(schema)
    described = json.loads(json.dumps(schema))
    described["components"]["schemas"]["PredictRequest"]["description"] = "clearer"
    assert contract(described) == contract(schema)


if __name__ == "__main__":
    CONTRACT.parent.mkdir(exist_ok=True)
    CONTRACT.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
