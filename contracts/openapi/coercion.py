"""ajv's `coerceTypes` for parameter values: strings (from paths, queries and headers) become the scalar
type the schema asks for, before validation.

A schema's own `type` decides; a `$ref` with sibling keywords (OpenAPI 3.1) reads both, the siblings
first. `anyOf`/`oneOf` branches are coerced one at a time while they are validated (see
`contracts.openapi.schemas`), so `anyOf: [{type: boolean}, {type: 'null'}]` turns `"true"` into `true`
and `""` into `null`, as ajv does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["coerce", "coerce_scalar", "schema_view"]

_INTEGER = re.compile(r"[+-]?\d+")
_NOT_NUMBERS = {"nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"}


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    return []


def schema_view(schema: Any, resolve: Callable[[Any], Any], depth: int = 0) -> Any:
    """The schema as its keywords apply: a `$ref`'s target, with the `$ref`'s siblings laid over it."""
    if not isinstance(schema, Mapping) or not isinstance(schema.get("$ref"), str) or depth > 20:
        return schema
    target = schema_view(resolve({"$ref": schema["$ref"]}), resolve, depth + 1)
    siblings = {k: v for k, v in schema.items() if k != "$ref"}
    if not siblings:
        return target
    if not isinstance(target, Mapping):
        return siblings
    return {**target, **siblings}


def coerce_scalar(value: str, types: list[str]) -> Any:
    """`value` as the first of `types` it can be read as (unchanged if `string` is allowed or none fits)."""
    if "string" in types:
        return value
    for kind in types:
        if kind == "integer" and _INTEGER.fullmatch(value.strip() or "x"):
            return int(value)
        if kind == "number":
            try:
                number = float(value)
            except ValueError:
                continue
            if value.strip().lower() in _NOT_NUMBERS:
                continue
            plain = number.is_integer() and "." not in value and "e" not in value.lower()
            return int(number) if plain else number
        if kind == "boolean" and value in {"true", "false"}:
            return value == "true"
        if kind == "null" and value == "":
            return None
    return value


def coerce(value: Any, schema: Any, resolve: Callable[[Any], Any], depth: int = 0) -> Any:
    """`value` with its strings read as the types `schema` declares (arrays and objects item by item)."""
    schema = schema_view(schema, resolve)
    if not isinstance(schema, Mapping) or depth > 20:
        return value
    types = _types(schema)
    if not types and isinstance(schema.get("allOf"), list):
        for branch in schema["allOf"]:
            view = schema_view(branch, resolve)
            if isinstance(view, Mapping) and _types(view):
                return coerce(value, view, resolve, depth + 1)
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            return [coerce(v, items, resolve, depth + 1) for v in value]
        return value
    if isinstance(value, dict):
        props = schema.get("properties")
        if isinstance(props, Mapping):
            return {k: coerce(v, props[k], resolve, depth + 1) if k in props else v for k, v in value.items()}
        return value
    if not isinstance(value, str):
        return value
    return coerce_scalar(value, types)
