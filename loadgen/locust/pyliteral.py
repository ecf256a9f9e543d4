"""JSON-like data written as Python literals in the layout `ruff format` produces.

Generated locustfiles embed each interaction's request and response contract as literals; they
should read like code a person committed, and stay unchanged under the project's formatter.
"""

from __future__ import annotations

import json
from typing import Any

INDENT = "    "


def literal(value: Any, *, indent: int = 0, width: int = 100, prefix: int = 0) -> str:
    """`value` as a Python expression, exploded one item per line when it does not fit in `width`.

    `prefix` counts the other characters on the value's first line (a ``key=`` before it, a comma
    after it), so no flat line is longer than `width` and `ruff format` keeps the layout.
    """
    flat = _flat(value)
    fits = len(flat) + indent * len(INDENT) + prefix <= width
    if fits or not isinstance(value, dict | list | tuple) or not value:
        return flat
    inner = INDENT * (indent + 1)
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = _string(str(k))
            items.append(f"{inner}{key}: {literal(v, indent=indent + 1, width=width, prefix=len(key) + 3)},")
        return "{\n" + "\n".join(items) + "\n" + INDENT * indent + "}"
    items = [f"{inner}{literal(v, indent=indent + 1, width=width, prefix=1)}," for v in value]
    return "[\n" + "\n".join(items) + "\n" + INDENT * indent + "]"


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(str(k))}: {_flat(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool | int | float):
        return repr(value)
    raise TypeError(f"cannot write {type(value).__name__} as a literal")


def _string(text: str) -> str:
    if '"' in text and "'" not in text:
        return repr(text)
    return json.dumps(text, ensure_ascii=False)
