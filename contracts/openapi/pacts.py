"""The HTTP interactions of a V1-V4 pact, as the OpenAPI check needs them.

Pacts are parsed by the project's pact model (`contracts.pactfile`); this module only takes the view the
comparator's rules need: each interaction's index in the file (so findings can say
`[root].interactions[3]...`), header values joined with commas, the query as the comparator rebuilds
it (V1/V2 strings as written), and matching rules in the V3/V4 shape (category -> path -> matchers)
whatever the pact's version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.errors import PactFormatError
from contracts.model import Body, Pact
from contracts.model import HttpInteraction as ModelHttpInteraction
from contracts.pactfile import load_pact
from contracts.pactfile import parse_pact as model_parse_pact
from contracts.validation import require_usable

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


def _major(version: str) -> int:
    head = version.split(".")[0]
    return int(head) if head.isdigit() else 1


def _clean(value: str) -> str:
    return value.replace("\r", "").replace("\n", "").replace("\0", "")


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


def parse_pact(document: Any, source: str = "<pact>") -> PactView:
    """Read the HTTP interactions of a parsed pact document (V1-V4) with the project's pact model."""
    if not isinstance(document, Mapping):
        raise PactFormatError("[root]", "a pact must be a JSON object", source=source)
    try:
        return view_of(model_parse_pact(document), source)
    except PactFormatError as exc:
        raise exc.with_source(source) from exc


def _joined(headers: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(name): ",".join(_clean(str(v)) for v in value)
        if isinstance(value, list | tuple)
        else _clean(str(value))
        for name, value in headers.items()
    }


def _model_body(body: Body | None) -> Any:
    if body is None:
        return MISSING
    if body.encoding == "base64" and isinstance(body.content, bytes | bytearray):
        return bytes(body.content).decode("utf-8", errors="replace")
    return body.content


def view_of(pact: Pact, source: str) -> PactView:
    """The check's view of a pact parsed by `contracts.pactfile` (the project's pact model)."""
    version = _major(pact.spec_version)
    interactions: list[HttpInteraction] = []
    for index, interaction in enumerate(pact.interactions):
        if not isinstance(interaction, ModelHttpInteraction):
            continue
        request, response = interaction.request, interaction.response
        query: str | dict[str, str] | None
        if request.query_text is not None:
            query = request.query_text
        elif request.query:
            query = {
                name: ",".join(_clean(v) if isinstance(v, str) else "" for v in values)
                for name, values in request.query.items()
            }
        else:
            query = None
        states = [state.name for state in interaction.provider_states if state.name]
        interactions.append(
            HttpInteraction(
                index=index,
                description=interaction.description,
                provider_state=", ".join(states) or None,
                request=HttpRequest(
                    method=request.method,
                    path=request.path,
                    query=query,
                    headers=_joined(request.headers),
                    body=_model_body(request.body),
                    matching_rules=_rules(request.matching_rules, version),
                ),
                response=HttpResponse(
                    status=response.status,
                    headers=_joined(response.headers),
                    body=_model_body(response.body),
                    matching_rules=_rules(response.matching_rules, version),
                ),
            )
        )
    return PactView(source, pact.consumer, pact.provider, version, interactions)


def load_pact_file(path: str | Path) -> PactView:
    """Read a pact file with the project's pact reader (`contracts.pactfile.load_pact`: UTF-8 with or
    without a byte-order mark, errors naming the JSON location), so every command accepts the same files."""
    try:
        pact = require_usable(load_pact(path), str(path))
    except PactFormatError as exc:
        raise exc.with_source(str(path)) from exc
    return view_of(pact, str(path))
