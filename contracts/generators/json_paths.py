"""Generator body paths: ``$.a[0].b``, ``$['x y'][*]``, ``$.*`` read into tokens, and applied to a document."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from contracts.errors import GeneratorError


class _Wildcard:
    def __repr__(self) -> str:
        return "*"


class _AnyIndex:
    def __repr__(self) -> str:
        return "[*]"


WILDCARD: Any = _Wildcard()
"""``.*``: any key (or any element)."""
ANY_INDEX: Any = _AnyIndex()
"""``[*]``: every item of an array (or every repeated XML element)."""
PathToken = str | int | _Wildcard | _AnyIndex

_SEGMENT = re.compile(
    r"""\.(?P<name>[^.\[\]]+)|\[(?P<index>\d+)\]|\[\*\]|\[(?P<quote>['"])(?P<quoted>.*?)(?P=quote)\]"""
)


def parse_json_path(path: str) -> list[PathToken]:
    """``$.a[0].b``, ``$['x y'][*]``, ``$.*``, or ``a.b`` (taken as ``$.a.b``) → tokens."""
    text = path.strip()
    if not text.startswith("$"):
        text = "$" + ("" if text.startswith("[") else ".") + text
    tokens: list[PathToken] = []
    position = 1
    while position < len(text):
        match = _SEGMENT.match(text, position)
        if match is None:
            raise GeneratorError(f"cannot read the body path {path!r} at {text[position:]!r}")
        if match.group("name") is not None:
            name = match.group("name")
            tokens.append(WILDCARD if name == "*" else name)
        elif match.group("index") is not None:
            tokens.append(int(match.group("index")))
        elif match.group("quote") is not None:
            tokens.append(match.group("quoted"))
        else:
            tokens.append(ANY_INDEX)
        position = match.end()
    return tokens


def apply_at_path(document: Any, tokens: list[PathToken], produce: Callable[[Any], Any]) -> Any:
    """Replace every value the path reaches in ``document`` (modified in place; returns the root)."""
    if not tokens:
        return produce(document)
    head, rest = tokens[0], tokens[1:]
    if isinstance(document, dict):
        if head is WILDCARD or head is ANY_INDEX:
            keys = list(document)
        elif isinstance(head, str) and head in document:
            keys = [head]
        else:
            keys = []
        for key in keys:
            document[key] = apply_at_path(document[key], rest, produce)
    elif isinstance(document, list):
        if head is WILDCARD or head is ANY_INDEX:
            indexes = range(len(document))
        elif isinstance(head, int) and head < len(document):
            indexes = range(head, head + 1)
        else:
            indexes = range(0)
        for index in indexes:
            document[index] = apply_at_path(document[index], rest, produce)
    return document
