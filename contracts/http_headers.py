"""HTTP headers, the one home for folding them: names compare case-insensitively, a header may be sent
several times, and the headers whose value is a comma-separated list are split into their items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

LIST_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-expose-headers",
        "access-control-request-headers",
        "allow",
        "cache-control",
        "if-match",
        "if-none-match",
        "vary",
    }
)
"""Headers whose value is a comma-separated list (pact-reference splits only these)."""

HeaderInput = Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]
"""Headers as callers hold them: a mapping of name → value(s), or (name, value) pairs (ASGI, WSGI)."""


def split_values(lower_name: str, value: str | Sequence[str]) -> list[str]:
    """The values of one header: a list as given, a list header's text split on commas, else one value;
    each stripped."""
    if not isinstance(value, str):
        return [str(item).strip() for item in value]
    if lower_name in LIST_HEADERS:
        return [item.strip() for item in value.split(",")]
    return [value.strip()]


def collect(headers: HeaderInput | None) -> dict[str, list[str]]:
    """name (as first written) → every value, in order; repeated names (pairs) are gathered, not split."""
    collected: dict[str, list[str]] = {}
    if headers is None:
        return collected
    items: Iterable[tuple[str, str | Sequence[str]]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    for name, value in items:
        values = [value] if isinstance(value, str) else list(value)
        collected.setdefault(name, []).extend(values)
    return collected


def find(headers: Mapping[str, Any], wanted: str) -> str | None:
    """The first value of a header, by case-insensitive name (``wanted`` lower-case), or None."""
    for name, value in headers.items():
        if str(name).lower() == wanted:
            if isinstance(value, str):
                return value
            if isinstance(value, list | tuple):
                return str(value[0]) if value else None
            return str(value)
    return None


def has(headers: Mapping[str, Any], wanted: str) -> bool:
    """Whether a header is present, by case-insensitive name (``wanted`` lower-case)."""
    return any(str(name).lower() == wanted for name in headers)


def joined(values: Sequence[str]) -> str:
    """Several values of one header as one line (RFC 9110 § 5.3)."""
    return ", ".join(values)
