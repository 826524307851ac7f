"""The API reference page's content, read from the app's own OpenAPI schema.

FastAPI's interactive docs load their script from a CDN and run inline script; this app works
offline under a strict Content-Security-Policy, so ``/docs`` is a plain page built from the
same schema that ``/openapi.json`` serves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Node = dict[str, Any]
_BOUNDS = (
    ("exclusiveMinimum", "> {}"),
    ("minimum", ">= {}"),
    ("exclusiveMaximum", "< {}"),
    ("maximum", "<= {}"),
    ("minLength", "at least {} characters"),
    ("maxLength", "at most {} characters"),
    ("minItems", "at least {} items"),
    ("maxItems", "at most {} items"),
)


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One property of a request or response body."""

    name: str
    type: str
    required: bool
    default: str
    constraints: str
    description: str


@dataclass(frozen=True, slots=True)
class OperationDoc:
    """One API operation."""

    method: str
    path: str
    summary: str
    description: str
    request: str
    request_fields: tuple[FieldDoc, ...]
    response: str
    response_fields: tuple[FieldDoc, ...]
    statuses: tuple[tuple[str, str], ...]
    success: str = "200"


def _resolve(schema: Node, node: Node) -> Node:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema.get("components", {}).get("schemas", {}).get(name, {})
    return node


def _ref_name(node: Node) -> str:
    return str(node["$ref"]).rsplit("/", 1)[-1] if "$ref" in node else ""


def type_name(node: Node) -> str:
    """A schema node as a short type, e.g. ``list of number`` or ``PredictionPublic``."""
    if "$ref" in node:
        return _ref_name(node)
    if "anyOf" in node:
        return " or ".join(type_name(n) for n in node["anyOf"])
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"])
    kind = node.get("type", "any")
    if kind == "array":
        return "list of " + type_name(node.get("items", {}))
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        return "map of string to " + type_name(node["additionalProperties"])
    return "null" if kind == "null" else str(kind)


def _bounds(node: Node) -> list[str]:
    def shown(value: Any) -> str:
        return f"{value:g}" if isinstance(value, float) else str(value)

    return [text.format(shown(node[key])) for key, text in _BOUNDS if key in node]


def _constraints(node: Node) -> str:
    parts = _bounds(node)
    for option in node.get("anyOf", ()):
        parts.extend(_bounds(option))
    return ", ".join(parts)


def fields(schema: Node, node: Node) -> tuple[FieldDoc, ...]:
    """The properties of an object schema (following ``$ref``)."""
    target = _resolve(schema, node)
    required = set(target.get("required", ()))
    out = []
    for name, prop in target.get("properties", {}).items():
        default = json.dumps(prop["default"]) if "default" in prop else ""
        out.append(
            FieldDoc(
                name=name,
                type=type_name(prop),
                required=name in required,
                default=default,
                constraints=_constraints(prop),
                description=str(prop.get("description", "")),
            )
        )
    return tuple(out)


def _body(schema: Node, holder: Node) -> tuple[str, tuple[FieldDoc, ...]]:
    node = holder.get("content", {}).get("application/json", {}).get("schema")
    if not node:
        return "", ()
    # A list of records is documented by the record's fields.
    listed = node.get("items", {}) if node.get("type") == "array" else node
    return type_name(node), fields(schema, listed)


def operations(schema: Node) -> list[OperationDoc]:
    """Every operation in an OpenAPI schema, in path order."""
    out = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            request, request_fields = _body(schema, op.get("requestBody", {}))
            success = next((c for c in ("200", "201") if c in op.get("responses", {})), "200")
            response, response_fields = _body(schema, op.get("responses", {}).get(success, {}))
            statuses = tuple(
                (code, str(r.get("description", ""))) for code, r in op["responses"].items()
            )
            out.append(
                OperationDoc(
                    method=method.upper(),
                    path=path,
                    summary=str(op.get("summary", "")),
                    description=str(op.get("description", "")),
                    request=request,
                    request_fields=request_fields,
                    response=response,
                    response_fields=response_fields,
                    statuses=statuses,
                    success=success,
                )
            )
    return out
