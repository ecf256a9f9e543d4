"""Rack-style nested query strings, as the Pact clients send them to ``/matrix``.

``q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B&latestby=cvpv`` means
``{"q": [{"pacticipant": "A", "version": "1"}, {"pacticipant": "B"}], "latestby": "cvpv"}``: a new
array element starts when a key already present in the current element repeats. ``key[]=x`` builds a
list of strings. The SmartBear client's ``q[]pacticipant=A`` form is read like ``q[][pacticipant]``.
The same syntax is used inside pact URL metadata (``s[][b]=main&cvn=1``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote

_KEY = re.compile(r"^(?P<name>[^\[\]]+)(?P<rest>(\[[^\[\]]*\])*)(?P<tail>[^\[\]]*)$")

NestedQuery = dict[str, Any]


def parse_nested_query(query: str) -> NestedQuery:
    """Parse a raw (still percent-encoded) query string into dicts, lists of dicts and lists of strings."""
    result: NestedQuery = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None:
            result[raw_key] = value
            continue
        name = match["name"]
        parts = re.findall(r"\[([^\[\]]*)\]", match["rest"] or "")
        tail = match["tail"]
        if tail and parts == [""]:
            parts = ["", tail]  # q[]pacticipant=A
        if not parts:
            result[name] = value
        elif parts == [""]:
            existing = result.get(name)
            if not isinstance(existing, list):
                existing = []
                result[name] = existing
            existing.append(value)
        elif parts[0] == "" and len(parts) == 2:
            items = result.get(name)
            if not isinstance(items, list):
                items = []
                result[name] = items
            key = parts[1]
            if not items or not isinstance(items[-1], dict) or key in items[-1]:
                items.append({})
            items[-1][key] = value
        elif len(parts) == 1:
            nested = result.get(name)
            if not isinstance(nested, dict):
                nested = {}
                result[name] = nested
            nested[parts[0]] = value
        else:
            result[raw_key] = value
    return result


def keyed_columns(query: str, name: str) -> dict[str, list[str]] | None:
    """Read ``name[][key]`` parameters sent one key at a time, as a Pact verifier replays a recorded
    query (its keys sorted, each key's values together):
    ``q[][pacticipant]=A&q[][pacticipant]=B&q[][version]=1&q[][version]=2`` gives
    ``{"pacticipant": ["A", "B"], "version": ["1", "2"]}``.

    Rack's reading of that string pairs ``B`` with ``1`` and leaves ``2`` alone. ``None`` when the keys
    are interleaved (``q[][pacticipant]=A&q[][version]=1&q[][pacticipant]=B``): Rack's reading is right."""
    columns: dict[str, list[str]] = {}
    last_key: str | None = None
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None or match["name"] != name:
            continue
        parts = re.findall(r"\[([^\[\]]*)\]", match["rest"] or "")
        if match["tail"] and parts == [""]:
            parts = ["", match["tail"]]
        if len(parts) != 2 or parts[0] != "":
            return None
        key = parts[1]
        if key in columns and key != last_key:
            return None
        columns.setdefault(key, []).append(value)
        last_key = key
    return columns


def zip_columns(columns: dict[str, list[str]]) -> list[dict[str, str]] | None:
    """The n-th value of each key belongs to the n-th element when every key has the same number of
    values (the only pairing possible); ``None`` when the counts differ (the pairing is unknown)."""
    counts = {len(values) for values in columns.values()}
    if len(counts) != 1:
        return None
    (count,) = counts
    return [{key: values[index] for key, values in columns.items()} for index in range(count)]


def build_nested_query(params: list[tuple[str, str]]) -> str:
    """Join already-flattened ``(key, value)`` pairs; brackets stay readable, values are escaped."""
    return "&".join(f"{quote(key, safe='[]')}={quote(value, safe='')}" for key, value in params)
