"""Hostile input against every API operation: never a 5xx, always a JSON error body.

The operations come from the app's own OpenAPI document, so a new route is covered without
editing this file. Each gets huge integers, NaN and infinity, text with a BOM, an empty body,
a binary body, deeply nested JSON, a list of 10^4 items, dates at the ends of the calendar and
values of the wrong type, in every body field and query parameter it documents.
"""

from __future__ import annotations

import json

import pytest
from web_helpers import BASE, SMALL, TestClient, with_db

from ditf.settings import Settings
from ditf.web import create_app

#: Values for any field: each is wrong somewhere, and must never crash the server.
HOSTILE_VALUES = {
    "huge-int": 10**400,
    "negative-huge-int": -(10**400),
    "huge-float-text": "1e400",
    "bom-text": "\ufeffsalary",
    "empty-text": "",
    "nul-text": "a\x00b",
    "list-of-10k": list(range(10_000)),
    "nested": json.loads("[" * 200 + "]" * 200),
    "date-min": "0001-01-01T00:00:00+14:00",
    "date-max": "9999-12-31T23:59:59-12:00",
    "date-plain": "9999-12-31",
    "object": {"a": 1},
    "bool": False,
    "null": None,
    "float": 1.5,
}
#: Raw JSON texts Python's json would not produce (NaN, Infinity) and bodies that are not JSON.
RAW_BODIES = {
    "nan": b'{"opener": NaN, "target": NaN, "baseline": NaN}',
    "infinity": b'{"opener": Infinity, "target": -Infinity}',
    "huge-number": b'{"opener": 1' + b"0" * 400 + b"}",
    "bom-json": "\ufeff{}".encode(),
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
    "deep-object": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "not-utf8": b'{"unit": "\xff\xfe"}',
    "list-of-10k": json.dumps(list(range(10_000))).encode(),
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings: Settings = with_db(SMALL, tmp_path_factory.mktemp("hostile"))
    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def operations() -> list[tuple[str, str, list[str], list[str]]]:
    """(method, path, body fields, query parameters) of every documented operation."""
    schema = create_app(SMALL).openapi()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, item in sorted(schema["paths"].items()):
        for method, operation in sorted(item.items()):
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            fields: list[str] = []
            if body is not None:
                ref = body["schema"].get("$ref", "")
                model = components.get(ref.rsplit("/", 1)[-1], {})
                fields = sorted(model.get("properties", {}))
            found.append((method.upper(), path, fields, query))
    return found


OPERATIONS = operations()
IDS = [f"{method} {path}" for method, path, _, _ in OPERATIONS]


def assert_answered(response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body["detail"], str) and body["detail"]
        assert "Traceback" not in body["detail"]


def test_every_api_operation_is_covered():
    paths = {path for _, path, _, _ in OPERATIONS}
    assert {"/api/predict", "/api/journal/asks", "/api/study/analyze"} <= paths
    assert len(OPERATIONS) >= 20


@pytest.mark.parametrize(("method", "path", "fields", "query"), OPERATIONS, ids=IDS)
def test_hostile_values_in_every_field(client, method, path, fields, query):
    for value in HOSTILE_VALUES.values():
        for name in fields:
            response = client.request(method, path, json={name: value})
            assert_answered(response)
        for name in query:
            text = value if isinstance(value, str) else json.dumps(value)[:2000]
            response = client.request(method, path, params={name: text})
            assert_answered(response)


@pytest.mark.parametrize(("method", "path", "fields", "query"), OPERATIONS, ids=IDS)
def test_hostile_bodies(client, method, path, fields, query):
    if method == "GET":
        assert_answered(client.get(path))
        return
    for body in RAW_BODIES.values():
        response = client.request(
            method, path, content=body, headers={"content-type": "application/json"}
        )
        assert_answered(response)
    for value in HOSTILE_VALUES.values():
        assert_answered(client.request(method, path, json=value))


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"])
def test_other_methods_never_fail(client, method):
    for _, path, _, _ in OPERATIONS:
        response = client.request(method, path)
        assert response.status_code < 500
