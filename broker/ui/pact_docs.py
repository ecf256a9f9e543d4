"""A pact as readable documentation: each interaction's provider states, request, response (or
message) and its matching rules explained in words ("$.id: any integer").

Works on the pact JSON as published (V1 to V4, HTTP and message interactions) so that whatever a
client published can be shown, even content the pact model would refuse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_MISSING = object()
_PATH_TOKEN = re.compile(r"\.([^.\[\]]+)|\['([^']*)'\]|\[(\d+|\*)\]")
_V2_CATEGORIES = {"body": "body", "headers": "header", "header": "header", "query": "query", "path": "path"}


@dataclass(frozen=True)
class RuleText:
    where: str  # "$.id", "header Content-Type", "query page", "path", "status"
    text: str  # "any integer"


@dataclass(frozen=True)
class StateDoc:
    name: str
    params: tuple[tuple[str, str], ...] = ()  # (name, JSON value)


@dataclass(frozen=True)
class PartDoc:
    """A request, response or message."""

    title: str
    line: str  # "GET /orders/1?x=1", "200", "" for messages
    headers: list[tuple[str, str]]
    body: str | None
    content_type: str | None
    rules: list[RuleText] = field(default_factory=list)
    generated: list[RuleText] = field(default_factory=list)


@dataclass(frozen=True)
class InteractionDoc:
    anchor: str
    description: str
    kind: str  # "HTTP" | "Message" | "Synchronous message"
    states: list[StateDoc]
    parts: list[PartDoc]
    pending: bool


@dataclass(frozen=True)
class PactDoc:
    consumer: str
    provider: str
    specification: str
    interactions: list[InteractionDoc]
    problem: str | None = None  # set when the content is not a readable pact


def document(content: str) -> PactDoc:
    try:
        pact = json.loads(content)
    except ValueError as exc:
        return PactDoc("", "", "?", [], problem=f"The pact content is not JSON: {exc}")
    if not isinstance(pact, dict):
        return PactDoc("", "", "?", [], problem="The pact content is not a JSON object.")
    consumer = _name(pact.get("consumer"))
    provider = _name(pact.get("provider"))
    metadata = pact.get("metadata")
    spec = _spec_version(metadata if isinstance(metadata, dict) else {})
    raw = (
        [i for i in pact.get("interactions", []) if isinstance(i, dict)]
        if isinstance(pact.get("interactions"), list)
        else []
    )
    messages = (
        [m for m in pact.get("messages", []) if isinstance(m, dict)]
        if isinstance(pact.get("messages"), list)
        else []
    )
    docs = [_interaction(i, n, spec) for n, i in enumerate(raw, start=1)]
    docs += [_message(m, len(docs) + n, spec) for n, m in enumerate(messages, start=1)]
    return PactDoc(consumer, provider, spec, docs)


def _name(value: Any) -> str:
    return str(value.get("name", "")) if isinstance(value, dict) else ""


def _spec_version(metadata: dict[str, Any]) -> str:
    for key in ("pactSpecification", "pact-specification", "pactSpecificationVersion"):
        value = metadata.get(key)
        if isinstance(value, dict) and value.get("version"):
            return str(value["version"])
        if isinstance(value, str):
            return value
    return "1.0.0"


def _states(interaction: dict[str, Any]) -> list[StateDoc]:
    states = interaction.get("providerStates")
    if isinstance(states, list):
        return [
            StateDoc(
                str(s.get("name", "")),
                tuple((str(k), _scalar(v)) for k, v in s["params"].items())
                if isinstance(s.get("params"), dict)
                else (),
            )
            for s in states
            if isinstance(s, dict)
        ]
    single = interaction.get("providerState") or interaction.get("provider_state")
    return [StateDoc(str(single))] if single else []


def _interaction(interaction: dict[str, Any], number: int, spec: str) -> InteractionDoc:
    kind = str(interaction.get("type", "Synchronous/HTTP"))
    description = str(interaction.get("description", f"interaction {number}"))
    anchor = f"interaction-{number}"
    states = _states(interaction)
    pending = bool(interaction.get("pending", False))
    if kind == "Asynchronous/Messages":
        return _message(interaction, number, spec)
    if kind == "Synchronous/Messages":
        parts = []
        request = interaction.get("request")
        if isinstance(request, dict):
            parts.append(_message_part("Request message", request))
        raw_responses = interaction.get("response")
        responses: list[Any] = raw_responses if isinstance(raw_responses, list) else []
        for index, response in enumerate(responses, start=1):
            if isinstance(response, dict):
                title = "Response message" if len(responses) == 1 else f"Response message {index}"
                parts.append(_message_part(title, response))
        return InteractionDoc(anchor, description, "Synchronous message", states, parts, pending)
    request = interaction.get("request") if isinstance(interaction.get("request"), dict) else {}
    response = interaction.get("response") if isinstance(interaction.get("response"), dict) else {}
    assert isinstance(request, dict)
    assert isinstance(response, dict)
    parts = [_http_part("Request", request, interaction, is_request=True)]
    parts.append(_http_part("Response", response, interaction, is_request=False))
    return InteractionDoc(anchor, description, "HTTP", states, parts, pending)


def _message(message: dict[str, Any], number: int, spec: str) -> InteractionDoc:
    description = str(message.get("description", f"message {number}"))
    part = _message_part("Message", message)
    return InteractionDoc(
        f"interaction-{number}",
        description,
        "Message",
        _states(message),
        [part],
        bool(message.get("pending", False)),
    )


def _message_part(title: str, message: dict[str, Any]) -> PartDoc:
    contents = message.get("contents")
    body, content_type = _body(contents)
    metadata = message.get("metadata")
    headers = [(str(k), _scalar(v)) for k, v in metadata.items()] if isinstance(metadata, dict) else []
    example = _example_body(contents)
    rules = _rules(message.get("matchingRules"), example)
    generated = _generators(message.get("generators"))
    return PartDoc(title, "", headers, body, content_type, rules, generated)


def _http_part(title: str, part: dict[str, Any], interaction: dict[str, Any], *, is_request: bool) -> PartDoc:
    headers = _headers(part.get("headers"))
    if is_request:
        line = f"{str(part.get('method', 'GET')).upper()} {part.get('path', '/')}"
        query = _query(part.get("query"))
        if query:
            line += "?" + query
    else:
        line = str(part.get("status", 200))
    body_value = part.get("body", _MISSING)
    body, content_type = _body(body_value) if body_value is not _MISSING else (None, None)
    if content_type is None:
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    example = _example_body(body_value)
    rules = _rules(part.get("matchingRules"), example)  # V2: "$.body..." keys in the part itself
    generated = _generators(part.get("generators"))
    return PartDoc(title, line, headers, body, content_type, rules, generated)


def _headers(value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return []
    result = []
    for key, raw in value.items():
        result.append((str(key), ", ".join(str(v) for v in raw) if isinstance(raw, list) else str(raw)))
    return result


def _query(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        pairs = []
        for key, raw in value.items():
            for item in raw if isinstance(raw, list) else [raw]:
                pairs.append(f"{key}={item}")
        return "&".join(pairs)
    return ""


def _example_body(value: Any) -> Any:
    """The body's example value (V4 wraps it as ``{"content": ..., "contentType": ...}``)."""
    if isinstance(value, dict) and "content" in value and ("contentType" in value or "encoded" in value):
        content = value.get("content")
        if isinstance(content, str) and value.get("contentType", "").endswith("json"):
            try:
                return json.loads(content)
            except ValueError:
                return content
        return content
    return value


def _body(value: Any) -> tuple[str | None, str | None]:
    if value is None or value is _MISSING:
        return None, None
    content_type = None
    if isinstance(value, dict) and "content" in value and ("contentType" in value or "encoded" in value):
        content_type = str(value.get("contentType") or "") or None
        encoded = value.get("encoded")
        content = value.get("content")
        if encoded and encoded not in ("json", False):
            size = len(str(content)) * 3 // 4
            return f"(binary content, about {size} bytes, {encoded}-encoded)", content_type
        value = content
        if isinstance(value, str) and content_type and content_type.endswith("json"):
            try:
                value = json.loads(value)
            except ValueError:
                return value, content_type
    if isinstance(value, str):
        return value, content_type
    return _pretty(value), content_type


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _scalar(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --------------------------------------------------------------------------- matching rules in words


def _rules(raw: Any, example: Any) -> list[RuleText]:
    if not isinstance(raw, dict):
        return []
    result: list[RuleText] = []
    for key, value in raw.items():
        if key.startswith("$."):  # V2: "$.body.id", "$.headers.Accept", "$.query.q", "$.path"
            category, _, rest = key[2:].partition(".")
            category = _V2_CATEGORIES.get(category.split("[")[0], category)
            if not rest:
                result.append(RuleText(category, _describe(value, _MISSING)))
                continue
            result.extend(_category_rules(category, {"$." + rest if rest else "$": value}, example))
            continue
        result.extend(_category_rules(key, value, example))
    return result


def _category_rules(category: str, rules: Any, example: Any) -> list[RuleText]:
    if not isinstance(rules, dict):
        return []
    if category == "path":
        return [RuleText("path", _describe(rules, "").replace("any string", "any path"))]
    if "matchers" in rules or "match" in rules:  # a single rule for the whole category (status)
        return [RuleText(category, _describe(rules, _MISSING))]
    result = []
    for path, rule in rules.items():
        if category == "body":
            where = path if path.startswith("$") else "$." + path
            result.append(RuleText(where, _describe(rule, _lookup(example, where))))
        elif category in ("header", "headers"):
            result.append(RuleText(f"header {path.removeprefix('$.')}", _describe(rule, "")))
        elif category == "query":
            result.append(RuleText(f"query {path.removeprefix('$.')}", _describe(rule, "")))
        elif category == "metadata":
            result.append(RuleText(f"metadata {path.removeprefix('$.')}", _describe(rule, _MISSING)))
        else:
            result.append(RuleText(f"{category} {path}", _describe(rule, _MISSING)))
    return result


def _lookup(example: Any, path: str) -> Any:
    current = example
    for dotted, quoted, index in _PATH_TOKEN.findall(path[1:] if path.startswith("$") else path):
        key = dotted or quoted
        if index:
            if not isinstance(current, list) or not current:
                return _MISSING
            current = (
                current[0]
                if index == "*"
                else (current[int(index)] if int(index) < len(current) else _MISSING)
            )
            if current is _MISSING:
                return _MISSING
        elif key == "*":
            if isinstance(current, dict) and current:
                current = next(iter(current.values()))
            elif isinstance(current, list) and current:
                current = current[0]
            else:
                return _MISSING
        elif isinstance(current, dict) and key in current:
            current = current[key]
        else:
            return _MISSING
    return current


def _describe(rule: Any, example: Any) -> str:
    if not isinstance(rule, dict):
        return json.dumps(rule)
    matchers = rule.get("matchers")
    if isinstance(matchers, list):
        joiner = " or " if str(rule.get("combine", "AND")).upper() == "OR" else " and "
        texts = [_matcher(m, example) for m in matchers if isinstance(m, dict)]
        return joiner.join(texts) if texts else "no constraint"
    return _matcher(rule, example)


def _type_of(example: Any) -> str:
    if example is _MISSING:
        return "any value of the same type as the example"
    if isinstance(example, bool):
        return "any boolean"
    if isinstance(example, int):
        return "any integer"
    if isinstance(example, float):
        return "any decimal number"
    if isinstance(example, str):
        return "any string"
    if example is None:
        return "null"
    if isinstance(example, dict):
        return "an object shaped like the example"
    if isinstance(example, list):
        return "an array like the example"
    return "any value of the same type as the example"


def _items(count: int) -> str:
    return f"{count} item" + ("" if count == 1 else "s")


def _count(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _matcher(matcher: dict[str, Any], example: Any) -> str:
    kind = str(matcher.get("match", ""))
    if not kind:  # V2 shorthand
        for candidate in ("regex", "min", "max", "date", "time", "timestamp"):
            if candidate in matcher:
                kind = "type" if candidate in ("min", "max") else candidate
                break
    low, high = _count(matcher.get("min")), _count(matcher.get("max"))
    if kind == "type" and (low is not None or high is not None):
        element = _lookup(example, "$[0]") if isinstance(example, list) else _MISSING
        each = "" if element is _MISSING else f", each {_type_of(element)}"
        if low is not None and high is not None:
            return f"an array of {low} to {_items(high)}{each}"
        if low is not None:
            return f"an array with at least {_items(low)}{each}"
        assert high is not None
        return f"an array with at most {_items(high)}{each}"
    if kind == "type":
        return _type_of(example)
    if kind == "regex":
        return f"a string matching /{matcher.get('regex', '')}/"
    if kind == "integer":
        return "any integer"
    if kind == "decimal":
        return "any decimal number"
    if kind == "number":
        return "any number"
    if kind == "boolean":
        return "any boolean"
    if kind == "null":
        return "null"
    if kind == "equality":
        return "exactly the example value"
    if kind == "include":
        return f"a string containing “{matcher.get('value', '')}”"
    if kind in ("date", "time", "timestamp", "datetime"):
        pattern = matcher.get("format") or matcher.get(kind) or matcher.get("date") or ""
        noun = "date and time" if kind in ("timestamp", "datetime") else kind
        return f"a {noun} in the format {pattern}" if pattern else f"any {noun}"
    if kind == "contentType":
        return f"content of type {matcher.get('value', '')}"
    if kind == "values":
        return "a map with any keys (each value like the example)"
    if kind == "semver":
        return "a semantic version such as 1.2.3"
    if kind == "notEmpty":
        return f"{_type_of(example)}, not empty"
    if kind == "statusCode":
        status = matcher.get("status")
        if isinstance(status, list):
            return "one of the statuses " + ", ".join(str(s) for s in status)
        words = {
            "information": "informational (1xx)",
            "success": "successful (2xx)",
            "redirect": "redirect (3xx)",
            "clientError": "client error (4xx)",
            "serverError": "server error (5xx)",
            "nonError": "non-error (1xx-3xx)",
            "error": "error (4xx-5xx)",
        }
        return f"any {words.get(str(status), str(status))} status"
    if kind == "arrayContains":
        variants = matcher.get("variants")
        count = len(variants) if isinstance(variants, list) else 0
        return f"an array containing {_items(count).replace('item', 'matching element')} in any order"
    if kind in ("eachKey", "eachValue"):
        inner = matcher.get("rules")
        described = (
            " and ".join(_matcher(r, _MISSING) for r in inner if isinstance(r, dict))
            if isinstance(inner, list)
            else "the example"
        )
        noun = "key" if kind == "eachKey" else "value"
        return f"a map where every {noun} is {described}"
    if kind == "uuid":
        return "a UUID"
    return "matched by " + json.dumps(matcher, ensure_ascii=False)


def _generators(raw: Any) -> list[RuleText]:
    if not isinstance(raw, dict):
        return []
    result = []
    for category, entries in raw.items():
        if not isinstance(entries, dict):
            continue
        if "type" in entries:  # a single generator for the category (path, status)
            result.append(RuleText(category, _generator(entries)))
            continue
        for path, generator in entries.items():
            if isinstance(generator, dict):
                where = path if category == "body" else f"{category} {path.removeprefix('$.')}"
                result.append(RuleText(where, _generator(generator)))
    return result


def _generator(generator: dict[str, Any]) -> str:
    kind = str(generator.get("type", ""))
    if kind == "ProviderState":
        return f"from provider state: {generator.get('expression', '')}"
    if kind == "RandomInt":
        return f"a random integer from {generator.get('min', 0)} to {generator.get('max', 2147483647)}"
    if kind == "RandomString":
        return f"a random string of {generator.get('size', 20)} characters"
    if kind == "Regex":
        return f"a random string matching /{generator.get('regex', '')}/"
    if kind == "Uuid":
        return "a random UUID"
    if kind in ("Date", "Time", "DateTime"):
        pattern = generator.get("format")
        return f"the current {kind.lower()}" + (f" formatted {pattern}" if pattern else "")
    if kind == "RandomBoolean":
        return "a random boolean"
    if kind in ("RandomDecimal", "RandomHexadecimal"):
        return f"a random {'decimal' if kind == 'RandomDecimal' else 'hexadecimal'} of {generator.get('digits', 10)} digits"
    if kind == "MockServerURL":
        return f"the mock server URL ({generator.get('example', '')})"
    return "generated: " + json.dumps(generator, ensure_ascii=False)
