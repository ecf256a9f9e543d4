"""Query strings, the one home for reading and writing them: ``a=1&b=2&a=3`` as name → values, in order.

``+`` is a space and ``%xx`` escapes are decoded (as in ``application/x-www-form-urlencoded``); empty
segments (``a=1&&b=2``, a trailing ``&``) are dropped. A name without ``=`` has no value: ``None`` in
:func:`parse_query` (matching tells ``?flag`` from ``?flag=``), ``""`` in :func:`parse_query_string`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import quote, unquote_plus


def _pairs(text: str) -> Iterator[tuple[str, str | None]]:
    for segment in text.lstrip("?").split("&"):
        if not segment:
            continue
        name, sep, value = segment.partition("=")
        yield unquote_plus(name), unquote_plus(value) if sep else None


def parse_query(text: str) -> dict[str, list[str | None]]:
    """``a=1&flag&a=3`` → ``{"a": ["1", "3"], "flag": [None]}``."""
    query: dict[str, list[str | None]] = {}
    for name, value in _pairs(text):
        query.setdefault(name, []).append(value)
    return query


def parse_query_string(text: str) -> dict[str, list[str]]:
    """``a=1&flag&a=3`` → ``{"a": ["1", "3"], "flag": [""]}``."""
    query: dict[str, list[str]] = {}
    for name, value in _pairs(text):
        query.setdefault(name, []).append("" if value is None else value)
    return query


def query_pairs(text: str) -> list[tuple[str, str]]:
    """``a=1&b=2&a=3`` → ``[("a", "1"), ("b", "2"), ("a", "3")]``: every parameter in order (form bodies)."""
    return [(name, "" if value is None else value) for name, value in _pairs(text)]


def format_query_pairs(pairs: Sequence[tuple[str, str | None]]) -> str:
    """The inverse of :func:`query_pairs`."""
    return "&".join(
        quote(name, safe="") if value is None else f"{quote(name, safe='')}={quote(value, safe='')}"
        for name, value in pairs
    )


def format_query_string(query: Mapping[str, Sequence[str | None]]) -> str:
    """The inverse of :func:`parse_query` (percent-encoding where needed; ``None`` → a bare name)."""
    parts = []
    for name, values in query.items():
        encoded_name = quote(name, safe="")
        for value in values:
            parts.append(encoded_name if value is None else f"{encoded_name}={quote(value, safe='')}")
    return "&".join(parts)
