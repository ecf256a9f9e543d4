"""Path parameter values decoded per OpenAPI 3 `style` (simple, label, matrix) and `explode`.

The router has already removed a label (`.`) or matrix (`;`) prefix that the template spells
(`{.id}`, `{;id*}`). Matrix values may carry the parameter's name (`;id=1;id=2`, RFC 6570) or not
(`;1;2`, as the comparator's own fixtures write them); both read the same.
"""

from __future__ import annotations

from typing import Any

from contracts.openapi.operations import Parameter
from contracts.openapi.querystrings import parse_value

__all__ = ["decode_path_value"]


def _pairs(items: list[str]) -> dict[str, str]:
    """`[k1, v1, k2, v2]` (explode false) -> `{k1: v1, k2: v2}`."""
    return {items[i]: items[i + 1] if i + 1 < len(items) else "" for i in range(0, len(items), 2)}


def _assignments(items: list[str]) -> dict[str, str]:
    """`[k1=v1, k2=v2]` (explode true) -> `{k1: v1, k2: v2}`."""
    return {key: value for key, _, value in (item.partition("=") for item in items)}


def _shape(parts: list[str], types: list[str], explode: bool) -> Any:
    """Parts of a label or matrix value as the schema's type: a list, an object, or one primitive."""
    if "array" in types:
        return parts if explode else [p for part in parts for p in part.split(",")]
    if "object" in types:
        return _assignments(parts) if explode else _pairs([p for part in parts for p in part.split(",")])
    return ",".join(parts) if len(parts) > 1 else (parts[0] if parts else "")


def _matrix(raw: str, name: str, types: list[str], explode: bool) -> Any:
    parts = [p for p in raw.lstrip(";").split(";") if p != ""] if raw else []
    named = f"{name}="
    if "object" in types and explode:
        return _assignments(parts)
    return _shape([p[len(named) :] if p.startswith(named) else p for p in parts], types, explode)


def _label(raw: str, types: list[str], explode: bool) -> Any:
    value = raw[1:] if raw.startswith(".") else raw
    return _shape(value.split(".") if explode else [value], types, explode)


def decode_path_value(parameter: Parameter, raw: str) -> Any:
    """The value a path parameter's schema is checked against."""
    style = (parameter.style or "simple").lower()
    types = parameter.schema_types
    explode = bool(parameter.explode)
    if style == "matrix":
        return _matrix(raw, parameter.name, types, explode)
    if style == "label":
        return _label(raw, types, explode)
    value: Any = raw if "string" in types else parse_value(raw)
    if "array" in types and isinstance(value, str):
        value = value.split(",")
    return value
