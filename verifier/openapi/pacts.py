"""The HTTP interactions of a V1-V4 pact, as the OpenAPI check needs them.

A small adapter over the raw pact JSON: it keeps each interaction's index in the file (so findings can say
`[root].interactions[3]...`), normalises headers, queries and V4 bodies, and gathers matching rules in the
V3/V4 shape (category -> path -> matchers) whatever the pact's version.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from verifier.errors import UnreadableInputError

MISSING: Any = object()

Matchers = list[dict[str, Any]]
MatchingRules = dict[str, dict[str, Matchers]]


@dataclass
class HttpMessage:
    headers: dict[str, str] = field(default_factory=dict)  # original names, values joined with ","
    body: Any = MISSING
    matching_rules: MatchingRules = field(default_factory=dict)

    @property
    def has_body(self) -> bool:
        return self.body is not MISSING

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def rules(self, category: str) -> dict[str, Matchers]:
        return self.matching_rules.get(category, {})


@dataclass
class HttpRequest(HttpMessage):
    method: str = "GET"
    path: str = "/"
    query: str | dict[str, str] | None = None


@dataclass
class HttpResponse(HttpMessage):
    status: int = 200


@dataclass
class HttpInteraction:
    index: int
    description: str
    provider_state: str | None
    request: HttpRequest
    response: HttpResponse


@dataclass
class PactView:
    source: str
    consumer: str
    provider: str
    spec_version: int
    interactions: list[HttpInteraction]


def _spec_version(metadata: Any) -> int:
    if not isinstance(metadata, Mapping):
        return 1
    for key in ("pactSpecification", "pact-specification"):
        entry = metadata.get(key)
        if isinstance(entry, Mapping) and entry.get("version"):
            return _major(str(entry["version"]))
    if metadata.get("pactSpecificationVersion"):
        return _major(str(metadata["pactSpecificationVersion"]))
    return 1


def _major(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else 1


def _clean(value: str) -> str:
    return value.replace("\r", "").replace("\n", "").replace("\0", "")


def _flatten_values(values: Any, where: str, source: str) -> dict[str, str]:
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise UnreadableInputError(source, where, "must be an object of names to values")
    flat: dict[str, str] = {}
    for key, value in values.items():
        if isinstance(value, list):
            flat[str(key)] = ",".join(_clean(str(v)) for v in value)
        elif isinstance(value, str):
            flat[str(key)] = _clean(value)
        else:
            raise UnreadableInputError(source, f"{where}.{key}", "must be a string or a list of strings")
    return flat


def _v4_body(body: Any) -> Any:
    if body is None or not isinstance(body, Mapping):
        return MISSING if body is None else body
    content = body.get("content", "")
    encoded = body.get("encoded")
    if not encoded:
        return content
    if isinstance(encoded, str) and encoded.lower() == "json" and isinstance(content, str):
        try:
            return json.loads(content)
        except json.JSONDecodeError:
            return content
    if isinstance(encoded, str) and encoded.lower() == "base64" and isinstance(content, str):
        try:
            return base64.b64decode(content).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return content
    return content


def _rules(raw: Any, version: int) -> MatchingRules:
    if not isinstance(raw, Mapping):
        return {}
    rules: MatchingRules = {}
    if version < 3 and any(str(key).startswith("$.") for key in raw):
        for key, rule in raw.items():
            text = str(key)
            if not text.startswith("$.") or not isinstance(rule, Mapping):
                continue
            category, _, rest = text[2:].partition(".")
            category, bracket, tail = category.partition("[")
            path = "$" + (("[" + tail) if bracket else "") + ("." + rest if rest else "")
            rules.setdefault(category.rstrip("s") if category == "headers" else category, {})[path] = [
                dict(rule)
            ]
        return rules
    for category, entries in raw.items():
        if not isinstance(entries, Mapping):
            continue
        name = "header" if category == "headers" else str(category)
        if "matchers" in entries and isinstance(entries.get("matchers"), list):  # e.g. a V3 path rule
            rules.setdefault(name, {})["$"] = [dict(m) for m in entries["matchers"] if isinstance(m, Mapping)]
            continue
        for path, rule in entries.items():
            if isinstance(rule, Mapping) and isinstance(rule.get("matchers"), list):
                matchers = [dict(m) for m in rule["matchers"] if isinstance(m, Mapping)]
                key = str(path)
                if name in {"header", "query"} and not key.startswith("$"):
                    key = f"$.{key}"
                rules.setdefault(name, {})[key] = matchers
    return rules


def _message_parts(raw: Mapping[str, Any], where: str, source: str, version: int) -> dict[str, Any]:
    headers = _flatten_values(raw.get("headers"), f"{where}.headers", source)
    body = _v4_body(raw.get("body")) if version >= 4 else raw.get("body", MISSING)
    return {"headers": headers, "body": body, "matching_rules": _rules(raw.get("matchingRules"), version)}


def _state(raw: Mapping[str, Any]) -> str | None:
    state = raw.get("providerState") or raw.get("provider_state")
    if isinstance(state, str):
        return state
    states = raw.get("providerStates")
    if isinstance(states, list):
        names = [str(s.get("name")) for s in states if isinstance(s, Mapping) and s.get("name")]
        return ", ".join(names) or None
    return None


def _is_http(raw: Mapping[str, Any]) -> bool:
    kind = raw.get("type")
    return kind is None or (isinstance(kind, str) and kind.lower() == "synchronous/http")


def parse_pact(document: Any, source: str = "<pact>") -> PactView:
    """Read the HTTP interactions of a parsed pact document (V1-V4)."""
    if not isinstance(document, Mapping):
        raise UnreadableInputError(source, "[root]", "a pact must be a JSON object")
    version = _spec_version(document.get("metadata"))
    interactions = document.get("interactions", [])
    if "interactions" not in document and "messages" in document:
        interactions = []
    if not isinstance(interactions, list):
        raise UnreadableInputError(source, "[root].interactions", "must be a list of interactions")
    parsed: list[HttpInteraction] = []
    for index, raw in enumerate(interactions):
        where = f"[root].interactions[{index}]"
        if not isinstance(raw, Mapping):
            raise UnreadableInputError(source, where, "an interaction must be a JSON object")
        if not _is_http(raw):
            continue
        request, response = raw.get("request"), raw.get("response")
        if not isinstance(request, Mapping):
            raise UnreadableInputError(source, f"{where}.request", "missing or not an object")
        if not isinstance(response, Mapping):
            raise UnreadableInputError(source, f"{where}.response", "missing or not an object")
        method, path = request.get("method"), request.get("path")
        if not isinstance(method, str) or not method:
            raise UnreadableInputError(source, f"{where}.request.method", "missing or not a string")
        if not isinstance(path, str):
            raise UnreadableInputError(source, f"{where}.request.path", "missing or not a string")
        status = response.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            raise UnreadableInputError(source, f"{where}.response.status", "missing or not an integer")
        query_raw = request.get("query")
        query: str | dict[str, str] | None
        if query_raw is None or isinstance(query_raw, str):
            query = query_raw
        else:
            query = _flatten_values(query_raw, f"{where}.request.query", source)
        description = raw.get("description")
        parsed.append(
            HttpInteraction(
                index=index,
                description=description if isinstance(description, str) else "",
                provider_state=_state(raw),
                request=HttpRequest(
                    method=method,
                    path=path,
                    query=query,
                    **_message_parts(request, f"{where}.request", source, version),
                ),
                response=HttpResponse(
                    status=status, **_message_parts(response, f"{where}.response", source, version)
                ),
            )
        )
    consumer = document.get("consumer")
    provider = document.get("provider")
    return PactView(
        source=source,
        consumer=str(consumer.get("name", "")) if isinstance(consumer, Mapping) else "",
        provider=str(provider.get("name", "")) if isinstance(provider, Mapping) else "",
        spec_version=version,
        interactions=parsed,
    )


def load_pact_file(path: str | Path) -> PactView:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UnreadableInputError(source, "file", "no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableInputError(source, "file", f"cannot be read: {exc}") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableInputError(
            source, f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}"
        ) from exc
    return parse_pact(document, source)
