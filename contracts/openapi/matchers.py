"""Matching-rule awareness: a pact example is one value among those its matching rules allow.

The comparator validates only the examples. Tether also reads the body's matching rules:

- an array under a `type` matcher (with or without `min`/`max`) may have any length the matcher allows,
  so `minItems`/`maxItems`/`uniqueItems` failures of the example's length are dropped; the matcher's
  bounds are compared with the schema's instead, and only disjoint ranges are reported;
- a `regex` matcher is compared with the schema of the string it governs: against an `enum`, every value
  the provider may send (response) must match the regex, and values the consumer may send (request, sampled
  from the regex) must be in the enum; against a `pattern`, samples of one are tested with the other;
  against a `format` (requests only), samples of the regex are tested against the format.
  The same regex comparison applies to regex matchers on query parameters and request headers.
- number matchers are compared with the schema's type: a request `decimal`/`number` matcher where the
  spec wants an integer, or a response `integer` matcher where the spec allows any number, is reported.
  A comparison that cannot be decided (a response regex against a format, a regex `rstr` cannot
  sample from) is reported as a `*.body.matcher-unchecked` warning, so nobody mistakes it for a pass.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping
from typing import Any

from contracts.openapi.document import OpenAPIDocument, escape_pointer_token
from contracts.openapi.pacts import Matchers
from contracts.openapi.schemas import FORMAT_CHECKER, SchemaProblem

Path = tuple[str | int, ...]
_TOKEN = re.compile(r"\.([^.\[\]]+)|\[(\d+|\*)\]|\['([^']+)'\]|\[\"([^\"]+)\"\]")
LENGTH_KEYWORDS = {"minItems", "maxItems", "uniqueItems"}
NUMBER_MATCHERS = {"integer", "decimal", "number"}
UNCHECKED = "x-matcher-unchecked"  # the keyword of problems that are warnings (undecidable comparisons)
SAMPLES = 12


def parse_rule_path(path: str) -> tuple[str | int, ...] | None:
    """`$.items[*].id` -> ("items", "*", "id"); None when the expression cannot be read."""
    if not path.startswith("$"):
        return None
    tokens: list[str | int] = []
    pos = 1
    while pos < len(path):
        found = _TOKEN.match(path, pos)
        if not found:
            return None
        name, index, quoted, dquoted = found.groups()
        if index is not None:
            tokens.append("*" if index == "*" else int(index))
        else:
            tokens.append(name or quoted or dquoted)
        pos = found.end()
    return tuple(tokens)


def _matches(pattern: tuple[str | int, ...], path: Path) -> bool:
    return len(pattern) == len(path) and all(p == "*" or p == c for p, c in zip(pattern, path, strict=True))


def _expand(value: Any, pattern: tuple[str | int, ...], prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """The concrete locations of a rule path in a body."""
    if not pattern:
        yield prefix, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _expand(item, rest, (*prefix, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from _expand(item, rest, (*prefix, key))
    elif isinstance(head, int) and isinstance(value, list):
        if head < len(value):
            yield from _expand(value[head], rest, (*prefix, head))
    elif isinstance(head, str) and isinstance(value, dict) and head in value:
        yield from _expand(value[head], rest, (*prefix, head))


def _rules(rules: Mapping[str, Matchers]) -> list[tuple[tuple[str | int, ...], Matchers]]:
    parsed = []
    for path, matchers in rules.items():
        tokens = parse_rule_path(path)
        if tokens is not None:
            parsed.append((tokens, matchers))
    return parsed


def _array_bounds(matchers: Matchers) -> tuple[int | None, int | None] | None:
    for matcher in matchers:
        kind = matcher.get("match")
        if not isinstance(kind, str | None):
            continue
        if kind in {"type", None} and ("min" in matcher or "max" in matcher or kind == "type"):
            low, high = matcher.get("min"), matcher.get("max")
            return (low if isinstance(low, int) else None, high if isinstance(high, int) else None)
    return None


class SchemaWalker:
    """Finds the subschema governing a location of a body (through properties, items, allOf, $refs)."""

    def __init__(self, document: OpenAPIDocument) -> None:
        self.document = document

    def at(self, schema: Any, uri: str, pointer: str, path: Path) -> tuple[Any, str, str] | None:
        node, uri, pointer = self._deref(schema, uri, pointer)
        for token in path:
            found = self._step(node, uri, pointer, token)
            if found is None:
                return None
            node, uri, pointer = found
        return node, uri, pointer

    def _deref(self, node: Any, uri: str, pointer: str) -> tuple[Any, str, str]:
        resolved = self.document.resolve(node, uri, pointer)
        return resolved.contents, resolved.uri, resolved.pointer

    def _step(self, node: Any, uri: str, pointer: str, token: str | int) -> tuple[Any, str, str] | None:
        if not isinstance(node, Mapping):
            return None
        if isinstance(token, int):
            items = node.get("items")
            if isinstance(items, Mapping):
                return self._deref(items, uri, f"{pointer}/items")
        else:
            properties = node.get("properties")
            if isinstance(properties, Mapping) and token in properties:
                return self._deref(
                    properties[token], uri, f"{pointer}/properties/{escape_pointer_token(token)}"
                )
        for keyword in ("allOf", "oneOf", "anyOf"):
            for i, branch in enumerate(node.get(keyword) or []):
                sub = self._deref(branch, uri, f"{pointer}/{keyword}/{i}")
                found = self._step(sub[0], sub[1], sub[2], token)
                if found is not None:
                    return found
        return None


def _samples(regex: str) -> list[str]:
    import rstr  # only for regex-vs-format comparisons

    generator = rstr.Rstr(random.Random(20240601))
    samples: list[str] = []
    try:
        for _ in range(SAMPLES):
            samples.append(generator.xeger(regex))
    except Exception:  # a regex rstr cannot generate from (lookarounds, ...): undecidable here
        return []
    return samples


def _fullmatch(regex: str, value: str) -> bool:
    try:
        return re.fullmatch(regex, value) is not None
    except re.error:
        return True


def adjust(
    document: OpenAPIDocument,
    problems: list[SchemaProblem],
    schema: Any,
    schema_uri: str,
    schema_pointer: str,
    body: Any,
    rules: Mapping[str, Matchers],
    direction: str,
) -> list[SchemaProblem]:
    """Drop problems the matching rules make moot and add the ones only the rules reveal."""
    parsed = _rules(rules)
    if not parsed:
        return problems
    length_rules = [(tokens, bounds) for tokens, m in parsed if (bounds := _array_bounds(m)) is not None]
    kept: list[SchemaProblem] = []
    for problem in problems:
        if problem.keyword in LENGTH_KEYWORDS and any(
            _matches(tokens, problem.instance_path) for tokens, _ in length_rules
        ):
            continue
        kept.append(problem)
    walker = SchemaWalker(document)
    for tokens, (low, high) in length_rules:
        for path, value in _expand(body, tokens):
            if not isinstance(value, list):
                continue
            found = walker.at(schema, schema_uri, schema_pointer, path)
            if found is None or not isinstance(found[0], Mapping):
                continue
            node, uri, pointer = found
            min_items, max_items = node.get("minItems"), node.get("maxItems")
            if low is not None and isinstance(max_items, int) and low > max_items:
                kept.append(
                    _problem(
                        "maxItems",
                        f"the pact's matcher requires at least {low} items, "
                        f"more than the spec's maxItems {max_items}",
                        path,
                        value,
                        max_items,
                        uri,
                        pointer,
                    )
                )
            if high is not None and isinstance(min_items, int) and high < min_items:
                kept.append(
                    _problem(
                        "minItems",
                        f"the pact's matcher allows at most {high} items, "
                        f"fewer than the spec's minItems {min_items}",
                        path,
                        value,
                        min_items,
                        uri,
                        pointer,
                    )
                )
    for tokens, matchers in parsed:
        regexes = [
            m["regex"] for m in matchers if m.get("match") == "regex" and isinstance(m.get("regex"), str)
        ]
        for regex in regexes:
            for path, value in _expand(body, tokens):
                if not isinstance(value, str):
                    continue
                found = walker.at(schema, schema_uri, schema_pointer, path)
                if found is None or not isinstance(found[0], Mapping):
                    continue
                kept.extend(regex_problems(regex, found, path, value, direction))
        kinds = {m.get("match") for m in matchers if isinstance(m.get("match"), str)} & NUMBER_MATCHERS
        for kind in kinds:
            for path, value in _expand(body, tokens):
                found = walker.at(schema, schema_uri, schema_pointer, path)
                if found is not None and isinstance(found[0], Mapping):
                    kept.extend(number_problems(str(kind), found, path, value, direction))
    return kept


def number_problems(
    kind: str, found: tuple[Any, str, str], path: Path, value: Any, direction: str
) -> list[SchemaProblem]:
    """Number matchers against the schema's numeric type: a consumer sending any decimal where the spec
    wants integers, or a spec allowing fractions where the consumer accepts only integers."""
    node, uri, pointer = found
    declared = node.get("type")
    types = (
        {declared} if isinstance(declared, str) else set(declared) if isinstance(declared, list) else set()
    )
    if direction == "request" and kind in {"decimal", "number"} and types == {"integer"}:
        return [
            _problem(
                "type",
                f"the pact's {kind} matcher lets the consumer send fractions, but the spec wants an integer",
                path,
                value,
                declared,
                uri,
                pointer,
            )
        ]
    if direction == "response" and kind == "integer" and "number" in types and "integer" not in types:
        return [
            _problem(
                "type",
                "the spec lets the provider send any number (e.g. 1.5), but the pact's integer matcher "
                "accepts only integers",
                path,
                value,
                declared,
                uri,
                pointer,
            )
        ]
    return []


def _problem(
    keyword: str, message: str, path: Path, value: Any, schema_value: Any, uri: str, pointer: str
) -> SchemaProblem:
    return SchemaProblem(keyword, message, path, value, schema_value, uri, f"{pointer}/{keyword}")


def regex_problems(
    regex: str, found: tuple[Any, str, str], path: Path, value: str, direction: str
) -> list[SchemaProblem]:
    node, uri, pointer = found
    enum = node.get("enum")
    pattern = node.get("pattern")
    fmt = node.get("format")
    if isinstance(enum, list):
        if direction == "response":
            rejected = [e for e in enum if isinstance(e, str) and not _fullmatch(regex, e)]
            if rejected:
                return [
                    _problem(
                        "enum",
                        f"the spec allows {rejected[0]!r}, which the pact's regex matcher '{regex}' rejects",
                        path,
                        value,
                        enum,
                        uri,
                        pointer,
                    )
                ]
            return []
        samples = _samples(regex)
        if not samples:
            return [_unchecked(regex, "enum", path, value, enum, uri, pointer)]
        outside = [s for s in samples if s not in enum]
        if outside:
            return [
                _problem(
                    "enum",
                    f"the pact's regex matcher '{regex}' allows {outside[0]!r}, which the "
                    "spec's enum rejects",
                    path,
                    value,
                    enum,
                    uri,
                    pointer,
                )
            ]
        return []
    if isinstance(pattern, str) and pattern != regex:
        samples = _samples(regex if direction == "request" else pattern)
        if not samples:
            return [_unchecked(regex, "pattern", path, value, pattern, uri, pointer)]
        if direction == "request":
            bad = [s for s in samples if not _search(pattern, s)]
            if bad:
                return [
                    _problem(
                        "pattern",
                        f"the pact's regex matcher '{regex}' allows {bad[0]!r}, which does not "
                        f'match the spec\'s pattern "{pattern}"',
                        path,
                        value,
                        pattern,
                        uri,
                        pointer,
                    )
                ]
        else:
            bad = [s for s in samples if not _fullmatch(regex, s)]
            if bad:
                return [
                    _problem(
                        "pattern",
                        f"the spec's pattern \"{pattern}\" allows {bad[0]!r}, which the pact's "
                        f"regex matcher '{regex}' rejects",
                        path,
                        value,
                        pattern,
                        uri,
                        pointer,
                    )
                ]
        return []
    if isinstance(fmt, str):
        samples = _samples(regex) if direction == "request" and fmt in FORMAT_CHECKER.checkers else []
        if not samples:
            return [_unchecked(regex, "format", path, value, fmt, uri, pointer)]
        bad = [s for s in samples if not FORMAT_CHECKER.conforms(s, fmt)]
        if bad:
            return [
                _problem(
                    "format",
                    f"the pact's regex matcher '{regex}' allows {bad[0]!r}, which is not a valid \"{fmt}\"",
                    path,
                    value,
                    fmt,
                    uri,
                    pointer,
                )
            ]
    return []


def _unchecked(
    regex: str, keyword: str, path: Path, value: Any, schema_value: Any, uri: str, pointer: str
) -> SchemaProblem:
    """A comparison Tether cannot decide: reported as a warning, so the reader knows only the example
    was checked."""
    return SchemaProblem(
        UNCHECKED,
        f"the pact's regex matcher '{regex}' could not be compared with the spec's {keyword} "
        f"{schema_value!r}; only the example {value!r} was checked",
        path,
        value,
        schema_value,
        uri,
        f"{pointer}/{keyword}",
    )


def _search(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True
