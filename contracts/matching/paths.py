"""Value paths (tuples of keys and indices) rendered as the JSON-path strings mismatches carry."""

from __future__ import annotations

import re

from contracts.rules import ValueToken

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_\-:]*")


def render_path(path: tuple[ValueToken, ...]) -> str:
    """`("items", 0, "id")` -> `$.items[0].id`; other keys quoted (`$['a b']`, XML `['@id']`, `['#text']`),
    numeric keys as `[100]`."""
    parts = ["$"]
    for token in path:
        if isinstance(token, int) or token.isdigit():
            parts.append(f"[{token}]")
        elif _PLAIN.fullmatch(token):
            parts.append(f".{token}")
        else:
            parts.append(f"['{token}']")
    return "".join(parts)
