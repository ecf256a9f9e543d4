"""Strict JSON for every request body and every published pact.

Python's ``json`` accepts what other JSON parsers and the databases do not: ``NaN``/``Infinity``,
numbers that overflow to infinity (``1e999``), integers longer than Python converts (4300 digits),
lone UTF-16 surrogates (``"\\ud800"``, which PostgreSQL and UTF-8 cannot store) and nesting deep
enough to exhaust the interpreter's stack. :func:`strict_loads` refuses each of them with
:class:`~broker.errors.ValidationFailed` naming the problem and the fix; nothing reaches storage.
"""

from __future__ import annotations

import json
import math
import re
import sys
from typing import Any

from broker.errors import ValidationFailed

MAX_DEPTH = 100
"""Nesting limit for arrays and objects: the Ruby broker's JSON parser's ``max_nesting`` default."""

_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    """Raised from inside the parser's hooks; turned into ``ValidationFailed`` by :func:`strict_loads`."""


def _constant(name: str) -> Any:
    raise _Refused(f"contains {name}, which is not a JSON number; send a finite number or a string")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(
            f"contains the number {_clip(text)}, which is too large to be a finite number; "
            "send a smaller number or a string"
        )
    return value


def _int(text: str) -> int:
    limit = sys.get_int_max_str_digits() or 4300
    if len(text.lstrip("-")) > limit:
        raise _Refused(
            f"contains an integer of {len(text.lstrip('-'))} digits, more than the {limit} digits the "
            "broker's parser accepts; send it as a string"
        )
    return int(text)


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def strict_loads(text: str | bytes, *, field: str = "body", what: str = "The request body") -> Any:
    """Parse JSON, refusing non-finite numbers, oversized integers, lone surrogates and nesting deeper
    than :data:`MAX_DEPTH`. Syntax errors raise ``json.JSONDecodeError`` unchanged (callers word them)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if max_depth(raw) > MAX_DEPTH:
        raise ValidationFailed(_too_deep(what), field=field)
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int)
    except _Refused as refused:
        raise ValidationFailed(f"{what} {refused}.", field=field) from None
    except RecursionError:
        raise ValidationFailed(_too_deep(what), field=field) from None
    if _SURROGATE_ESCAPE.search(raw) or (isinstance(text, str) and _SURROGATE.search(text)):
        check_tree(value, field=field, what=what)  # only then can a string hold a lone surrogate
    return value


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def max_depth(raw: bytes, limit: int = MAX_DEPTH) -> int:
    """How deeply arrays and objects nest in a JSON text, up to ``limit + 1``, at C speed: with strings
    removed and only brackets kept, each pass removes the innermost ``[]``/``{}`` pairs (one level)."""
    brackets = _STRING.sub(b"", raw).translate(None, _BRACKETS)
    depth = 0
    while brackets and depth <= limit:
        reduced = _INNERMOST.sub(b"", brackets)
        if reduced == brackets:  # unbalanced: the parser reports the syntax error
            break
        brackets = reduced
        depth += 1
    return depth


def check_tree(value: Any, *, field: str = "body", what: str = "The request body") -> None:
    """Refuse lone surrogates in strings and keys, and nesting deeper than :data:`MAX_DEPTH`."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item, field, what)
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise ValidationFailed(_too_deep(what), field=field)
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str):
                    _check_text(key, field, what)
                stack.append((child, depth + 1))


def _check_text(text: str, field: str, what: str) -> None:
    found = _SURROGATE.search(text)
    if found:
        raise ValidationFailed(
            f"{what} contains a lone UTF-16 surrogate (\\u{ord(found.group()):04x}), which is not a Unicode "
            "character and cannot be stored; escape astral characters as a surrogate pair or send them "
            "as UTF-8",
            field=field,
        )


def _too_deep(what: str) -> str:
    return f"{what} is nested deeper than {MAX_DEPTH} levels of arrays and objects; flatten it"
