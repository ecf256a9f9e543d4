"""Query strings and form bodies parsed the way the comparator parses them (the `qs` library's rules).

`a=1&a=2` and `a=1,2` give lists (when `comma` is on), `a[b]=1` and `a.b=1` give nested objects,
`a[]=1` gives a list; `+` is a space.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def _split_key(key: str, allow_dots: bool) -> list[str]:
    head, _, rest = key.partition("[")
    parts: list[str] = []
    if allow_dots and "." in head:
        parts.extend(p for p in head.split(".") if p != "")
    else:
        parts.append(head)
    if rest:
        parts.extend(_BRACKETS.findall("[" + rest))
    return parts


def _assign(target: dict[str, Any], parts: list[str], value: Any) -> None:
    node: Any = target
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if last:
            if part == "":
                continue
            if isinstance(node, dict):
                _add(node, part, value)
            return
        nxt = parts[i + 1]
        if nxt == "" and i + 1 == len(parts) - 1:
            current = node.get(part) if isinstance(node, dict) else None
            items = current if isinstance(current, list) else ([] if current is None else [current])
            items.extend(value if isinstance(value, list) else [value])
            if isinstance(node, dict):
                node[part] = items
            return
        if not isinstance(node, dict):
            return
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child


def _add(node: dict[str, Any], key: str, value: Any) -> None:
    if key in node:
        existing = node[key]
        existing_list = existing if isinstance(existing, list) else [existing]
        node[key] = existing_list + (value if isinstance(value, list) else [value])
    else:
        node[key] = value


def parse_query(query: str, *, comma: bool = True, allow_dots: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, sep, raw_value = pair.partition("=")
        key = unquote_plus(raw_key)
        value: Any = unquote_plus(raw_value) if sep else ""
        if comma and isinstance(value, str) and "," in value:
            value = value.split(",")
        _assign(result, _split_key(key, allow_dots) if (allow_dots or "[" in key) else [key], value)
    return result


def parse_flat(query: str) -> dict[str, str | list[str]]:
    """`node:querystring`-style parsing: repeated keys become lists, nothing else is interpreted."""
    result: dict[str, str | list[str]] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        raw_key, _, raw_value = pair.partition("=")
        key, value = unquote_plus(raw_key), unquote_plus(raw_value)
        if key in result:
            existing = result[key]
            result[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            result[key] = value
    return result


def parse_value(raw: str | None) -> Any:
    """The comparator's reading of a path or header value: `a=1,b=2` is an object, `1,2` a list."""
    if not raw:
        return raw
    if "=" in raw:
        return parse_query(raw.replace(",", "&"))
    if "," in raw:
        return raw.split(",")
    return raw


def query_string(query: str | dict[str, str] | None) -> str:
    """A pact's query as one string, as the comparator builds it (V1 strings as they are; V2+ objects
    joined without re-encoding)."""
    if query is None:
        return ""
    if isinstance(query, str):
        return query
    return "&".join(f"{name}={value}" for name, value in query.items())
