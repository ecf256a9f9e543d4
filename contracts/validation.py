"""Checks on a parsed pact beyond its structure: matching rules and generators that can be used.

:func:`contracts.pactfile.parse_pact` already rejects malformed documents; this finds the rest
(unknown matchers or generator types, regexes that do not compile, generator attributes of the wrong
type), each reported as ``"<JSON location>: <problem>"``.

Big pacts repeat the same matching rules (every response of a collection has the same body rules), so
:func:`validate_pact` reads each distinct rules object once: what the matching engine finds in a rules
object depends on its content only, which its JSON text (keys in order) identifies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from contracts.errors import ContractError, PactFormatError
from contracts.generators.values import GENERATOR_TYPES, python_regex
from contracts.model import AsyncMessage, HttpInteraction, MessagePart, Pact, SyncMessage
from contracts.rules import check_matching_rules

_JSON_TEXT = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps without an encoder per call
_NAMED_CATEGORIES = {"header", "headers", "query", "metadata", "body", "content"}
_SINGLE_CATEGORIES = {"path", "status"}


def _generator_problems(definition: Any, location: str) -> list[str]:
    if not isinstance(definition, Mapping):
        return [f"{location}: a generator must be an object with a 'type'"]
    kind = definition.get("type", definition.get("pact:generator:type"))
    if kind not in GENERATOR_TYPES:
        return [f"{location}.type: unknown generator type {kind!r}; use one of {', '.join(GENERATOR_TYPES)}"]
    problems = []
    for attribute in ("min", "max", "digits", "size"):
        value = definition.get(attribute)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            problems.append(f"{location}.{attribute}: must be an integer, found {value!r}")
    if kind in {"Regex", "MockServerURL"}:
        pattern = definition.get("regex")
        if not isinstance(pattern, str):
            problems.append(f"{location}.regex: a {kind} generator needs a 'regex' string")
        else:
            try:
                re.compile(python_regex(pattern))
            except re.error as exc:
                problems.append(f"{location}.regex: {pattern!r} is not a valid regular expression ({exc})")
    if kind == "ProviderState" and not isinstance(definition.get("expression"), str):
        problems.append(f"{location}.expression: a ProviderState generator needs an 'expression' string")
    return problems


def generator_problems(generators: Mapping[str, Any], location: str) -> list[str]:
    """Problems in a part's ``generators`` object (categories → definitions)."""
    problems: list[str] = []
    for category, value in generators.items():
        where = f"{location}.{category}"
        if category in _SINGLE_CATEGORIES:
            problems.extend(_generator_problems(value, where))
        elif category in _NAMED_CATEGORIES:
            if not isinstance(value, Mapping):
                problems.append(f"{where}: must be an object of name or path → generator")
                continue
            for name, definition in value.items():
                problems.extend(_generator_problems(definition, f"{where}['{name}']"))
        else:
            problems.append(
                f"{where}: unknown generator category; use body, header, query, path, status or metadata"
            )
    return problems


def _rule_problem(rules: Mapping[str, Any], body_category: str) -> str | None:
    try:
        check_matching_rules(rules, body_category=body_category)
    except ContractError as exc:
        return str(exc)
    return None


def matching_rule_problems(
    rules: Mapping[str, Any],
    location: str,
    *,
    body_category: str = "body",
    seen: dict[tuple[str, str], str | None] | None = None,
) -> list[str]:
    """Problems the matching engine finds when it reads a part's ``matchingRules``. ``seen`` remembers
    the verdict on each distinct rules object (by its JSON text) across calls."""
    if not rules:
        return []
    if seen is None:
        problem = _rule_problem(rules, body_category)
    else:
        try:
            key = (_JSON_TEXT(rules), body_category)
        except (TypeError, ValueError, RecursionError):  # not JSON data, or too deep: read it every time
            problem = _rule_problem(rules, body_category)
        else:
            if key in seen:
                problem = seen[key]
            else:
                problem = seen[key] = _rule_problem(rules, body_category)
    return [] if problem is None else [f"{location}: {problem}"]


_Seen = dict[tuple[str, str], str | None]


def _part_problems(
    rules: Mapping[str, Any], generators: Mapping[str, Any], location: str, body: str, seen: _Seen
) -> list[str]:
    return matching_rule_problems(
        rules, f"{location}.matchingRules", body_category=body, seen=seen
    ) + generator_problems(generators, f"{location}.generators")


def _message_part(part: MessagePart, location: str, spec_version: str, seen: _Seen) -> list[str]:
    body = "content" if spec_version == "4" else "body"
    return _part_problems(part.matching_rules, part.generators, location, body, seen)


def validate_pact(pact: Pact) -> list[str]:
    """Every problem found in the pact's matching rules and generators (empty when usable)."""
    problems: list[str] = []
    seen: _Seen = {}
    http_index = message_index = 0
    for interaction in pact.interactions:
        if pact.spec_version != "4" and isinstance(interaction, AsyncMessage):
            location = f"$.messages[{message_index}]"
            message_index += 1
        else:
            location = f"$.interactions[{http_index}]"
            http_index += 1
        if isinstance(interaction, HttpInteraction):
            request, response = interaction.request, interaction.response
            problems += _part_problems(
                request.matching_rules, request.generators, f"{location}.request", "body", seen
            )
            problems += _part_problems(
                response.matching_rules, response.generators, f"{location}.response", "body", seen
            )
        elif isinstance(interaction, AsyncMessage):
            body = "content" if pact.spec_version == "4" else "body"
            problems += _part_problems(
                interaction.matching_rules, interaction.generators, location, body, seen
            )
        elif isinstance(interaction, SyncMessage):
            problems += _message_part(interaction.request, f"{location}.request", pact.spec_version, seen)
            for index, part in enumerate(interaction.responses):
                problems += _message_part(part, f"{location}.response[{index}]", pact.spec_version, seen)
    return problems


def require_usable(pact: Pact, source: str | None = None) -> Pact:
    """The pact itself when :func:`validate_pact` finds nothing; otherwise a `PactFormatError` naming
    the first problem's location (and how many more there are), for commands that need usable rules."""
    problems = validate_pact(pact)
    if not problems:
        return pact
    location, _, problem = problems[0].partition(": ")
    if len(problems) > 1:
        problem += f" (and {len(problems) - 1} more problem(s): see `tether pact validate`)"
    raise PactFormatError(location, problem, source=source)
