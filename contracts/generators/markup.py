"""Generators in XML and form (``application/x-www-form-urlencoded``) bodies.

XML paths start at the root element and name child elements, optionally indexed, then an attribute
(``@id``) or the text (``#text``): ``$.order.item[0]['@id']``, ``$.order.note['#text']``; a path that
ends at an element replaces its text. Names compare without namespaces; ``*`` matches any element.
Form paths name a field (``$.quantity``); every value of the field is replaced.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from contracts.errors import GeneratorError
from contracts.generators.json_paths import ANY_INDEX, WILDCARD, parse_json_path
from contracts.querystrings import format_query_pairs, query_pairs


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def apply_xml_generators(
    text: str, generators: Mapping[str, Any], producer: Callable[[Any], Callable[[Any], Any]]
) -> str:
    """``text`` with every path → generator applied; ``producer(definition)`` gives the function that
    turns an example value into a generated one. Raises GeneratorError for text that is not XML."""
    try:
        root = SafeET.fromstring(text)
    except (ET.ParseError, DefusedXmlException) as exc:
        raise GeneratorError(f"the body is not XML the generators can be applied to: {exc}") from exc
    changed = False
    for path, definition in generators.items():
        tokens = parse_json_path(path)
        if not tokens:
            continue
        produce = producer(definition)
        head, rest = tokens[0], tokens[1:]
        if head is not WILDCARD and head != _local(root.tag):
            continue
        elements = [root]
        for token in rest:
            if isinstance(token, str) and (token.startswith("@") or token == "#text"):
                for element in elements:
                    if token == "#text":
                        element.text = _text(produce(element.text or ""))
                        changed = True
                    elif token[1:] in element.attrib:
                        element.set(token[1:], _text(produce(element.get(token[1:]))))
                        changed = True
                elements = []
                break
            if token is ANY_INDEX:
                continue
            if isinstance(token, int):
                elements = elements[token : token + 1]
            else:
                elements = [
                    child
                    for element in elements
                    for child in element
                    if token is WILDCARD or _local(child.tag) == token
                ]
        for element in elements:
            element.text = _text(produce(element.text or ""))
            changed = True
    if not changed:
        return text
    declaration = '<?xml version="1.0" encoding="UTF-8"?>' if text.lstrip().startswith("<?xml") else ""
    return declaration + ET.tostring(root, encoding="unicode")


def apply_form_generators(
    text: str, generators: Mapping[str, Any], producer: Callable[[Any], Callable[[Any], Any]]
) -> str:
    """A form-encoded body with each ``$.field`` generator applied to every value of the field."""
    pairs = query_pairs(text)
    for path, definition in generators.items():
        tokens = parse_json_path(path)
        if len(tokens) != 1 or not isinstance(tokens[0], str):
            continue
        produce = producer(definition)
        pairs = [(name, _text(produce(value)) if name == tokens[0] else value) for name, value in pairs]
    return format_query_pairs(pairs)
