"""Interactions prepared for serving: what the dispatch table indexes and the engine answers with.

Everything that can be computed once is computed here, when the pacts are loaded: the expected
request compiled for matching (from the model, no pact-file dicts), the path pattern used to pre-select candidates, a specificity score used to
break ties, and the response as ready-to-send bytes (unless the pact asks for generated values).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from brokerclient.contract_source import ContractSet
from contracts import http_headers
from contracts.errors import ContractError
from contracts.matching import CompiledRequest, compile_request
from contracts.matching.path_templates import PathTemplate, request_path_template
from contracts.model import HttpInteraction, Pact
from contracts.rules import compile_regex

# Specificity: a literal path beats a path matched by a regex, which beats a path template (a `type`-matched
# or provider-state path), which beats any path; every expected
# query parameter, header and a body make an interaction more specific.
LITERAL_PATH = 1000
REGEX_PATH = 500
TEMPLATE_PATH = 250
_CONTENT_TYPE = frozenset({"content-type"})


def _path_matchers(rules: dict[str, Any]) -> tuple[list[dict[str, Any]], str] | None:
    """The matchers on the request path, in V2 (``$.path``) or V3/V4 (``path``) layout."""
    entry: Any = rules.get("path") if isinstance(rules.get("path"), dict) else rules.get("$.path")
    if isinstance(entry, dict):
        if "matchers" in entry:
            return [m for m in entry["matchers"] if isinstance(m, dict)], str(entry.get("combine", "AND"))
        return [entry], "AND"
    return None


@dataclass(slots=True)
class PathPattern:
    """How a request path is pre-selected: ``literal`` (equality), ``sources`` (regexes: all or any must
    match), ``template`` (a `type`-matched or provider-state path: same template, see
    :mod:`contracts.matching.path_templates`) or ``any`` (a rule we do not pre-filter on; the matching
    engine decides). Regexes are compiled on first use (through the matcher's cache, so the pre-filter
    and the matcher share one compiled pattern): a pact of 10,000 interactions starts without compiling
    10,000 regexes."""

    literal: str | None = None
    sources: tuple[str, ...] = ()
    combine_or: bool = False
    any: bool = False
    template: PathTemplate | None = None
    decided: bool = False
    _regexes: tuple[re.Pattern[str], ...] | None = field(default=None, repr=False, compare=False)

    @property
    def regexes(self) -> tuple[re.Pattern[str], ...]:
        if self._regexes is None:
            try:
                self._regexes = tuple(compile_regex(source) for source in self.sources)
            except ContractError:  # not a regex we can read: no pre-filter, the matcher reports it
                self.any, self.decided, self._regexes = True, False, ()
        return self._regexes

    def accepts(self, path: str) -> bool:
        if self.template is not None:
            return self.template.accepts(path)
        if self.any:
            return True
        if self.literal is not None:
            return path == self.literal
        regexes = self._regexes if self._regexes is not None else self.regexes
        if self.any:
            return True
        if len(regexes) == 1:
            return regexes[0].fullmatch(path) is not None
        if self.combine_or:
            return any(r.fullmatch(path) for r in regexes)
        return all(r.fullmatch(path) for r in regexes)


def path_pattern(
    path: str, matching_rules: dict[str, Any], template: PathTemplate | None = None
) -> PathPattern:
    if template is not None:
        return PathPattern(template=template)
    found = _path_matchers(matching_rules or {})
    if not found:
        return PathPattern(literal=path)
    matchers, combine = found
    sources: list[str] = []
    for matcher in matchers:
        kind = matcher.get("match") or ("regex" if "regex" in matcher else "type")
        if kind == "equality":
            continue
        source = matcher.get("regex")
        if kind != "regex" or not isinstance(source, str):
            return PathPattern(any=True)
        sources.append(source)
    if not sources:
        return PathPattern(literal=path)
    return PathPattern(
        sources=tuple(sources),
        combine_or=combine.upper() == "OR",
        decided=len(sources) == len(matchers),
    )


@dataclass(slots=True)
class PreparedResponse:
    """A response ready to send: status, header pairs (bytes) and body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    # the status line and headers as sent, and whether they ask to close (built once by the server)
    wire_head: tuple[bytes, bool] | None = field(default=None, repr=False, compare=False)

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value.decode("latin-1")
        return None


def _header_pairs(headers: dict[str, str | list[str]]) -> list[tuple[bytes, bytes]]:
    pairs: list[tuple[bytes, bytes]] = []
    for name, value in headers.items():
        values = [value] if isinstance(value, str) else value
        if name.lower() == "content-length":
            continue
        pairs.extend((name.encode("latin-1"), str(v).encode("latin-1")) for v in values)
    return pairs


def prepare_response(status: int, headers: dict[str, str | list[str]], body: bytes) -> PreparedResponse:
    pairs = _header_pairs(headers)
    pairs.append((b"content-length", str(len(body)).encode()))
    return PreparedResponse(status, pairs, body)


@dataclass(slots=True)
class MockInteraction:
    """One HTTP interaction as the mock serves it."""

    index: int
    consumer: str
    source: str
    interaction: HttpInteraction
    spec_version: str
    method: str
    path: str
    pattern: PathPattern
    states: tuple[str, ...]
    specificity: int
    trivial: bool
    response: PreparedResponse
    has_generators: bool
    # The request headers its selection depends on: the ones it expects, and Content-Type (lower case).
    key_headers: frozenset[str] = frozenset({"content-type"})
    # Does the path pattern accepting a path settle the path part of matching (no path mismatch then)?
    # True for literal paths, templates and pure regex rules; then the selection does not depend on the id.
    path_decided: bool = False
    calls: int = field(default=0)
    _compiled: CompiledRequest | None = field(default=None, repr=False, compare=False)

    @property
    def compiled(self) -> CompiledRequest:
        """The expected request compiled for matching, on first use (start-up stays cheap for big pacts)."""
        if self._compiled is None:
            self._compiled = compile_request(self.interaction.request, self.spec_version)
        return self._compiled

    @property
    def description(self) -> str:
        return self.interaction.description

    @property
    def id(self) -> str:
        """A stable, readable identifier: ``consumer: description [state]``."""
        state = f" [{', '.join(self.states)}]" if self.states else ""
        return f"{self.consumer}: {self.description}{state}"

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "consumer": self.consumer,
            "description": self.description,
            "providerStates": list(self.states),
            "method": self.method,
            "path": self.path,
            "status": self.interaction.response.status,
            "source": self.source,
        }


def prepare_interaction(
    index: int,
    consumer: str,
    source: str,
    pact: Pact,
    interaction: HttpInteraction,
    openapi_paths: tuple[str, ...] = (),
) -> MockInteraction:
    request = interaction.request
    pattern = path_pattern(
        request.path, request.matching_rules, request_path_template(request, openapi_paths)
    )
    specificity = (
        (
            LITERAL_PATH
            if pattern.literal is not None
            else REGEX_PATH
            if pattern.sources
            else TEMPLATE_PATH
            if pattern.template is not None
            else 0
        )
        + 10 * len(request.query)
        + 5 * len(request.headers)
        + (10 if request.body is not None else 0)
    )
    trivial = (
        pattern.literal is not None and not request.query and not request.headers and request.body is None
    )
    response = interaction.response
    body = response.body.to_bytes() if response.body is not None else b""
    headers = dict(response.headers)
    content_type = response.content_type()
    if body and content_type and not http_headers.has(headers, "content-type"):
        headers["Content-Type"] = content_type
    elif body and not content_type and response.body is not None and response.body.encoding == "json":
        headers["Content-Type"] = "application/json"
    return MockInteraction(
        index=index,
        consumer=consumer,
        source=source,
        interaction=interaction,
        spec_version=interaction.spec_version or pact.spec_version,
        method=request.method.upper(),
        path=request.path,
        pattern=pattern,
        states=tuple(state.name for state in interaction.provider_states),
        specificity=specificity,
        trivial=trivial,
        response=prepare_response(response.status, headers, body),
        has_generators=bool(response.generators),
        key_headers=frozenset(name.lower() for name in request.headers) | _CONTENT_TYPE,
        path_decided=pattern.literal is not None or pattern.template is not None or pattern.decided,
    )


def prepare_contracts(contracts: ContractSet, openapi_paths: tuple[str, ...] = ()) -> list[MockInteraction]:
    """Every HTTP interaction of the served pacts, in file order (the final tie-breaker). ``openapi_paths``
    (the provider's OpenAPI path templates, when known) give `type`-matched paths their template."""
    prepared: list[MockInteraction] = []
    for loaded in contracts.pacts:
        for interaction in loaded.pact.http_interactions:
            prepared.append(
                prepare_interaction(
                    len(prepared), loaded.consumer, loaded.source, loaded.pact, interaction, openapi_paths
                )
            )
    return prepared


def slim_contracts(contracts: ContractSet, prepared: list[MockInteraction]) -> ContractSet:
    """The contract set with the response bodies of interactions without generators dropped from the
    model (they live on as ready-to-send bytes): a long-running server keeps a fraction of the memory."""
    slimmed = iter(prepared)
    result = ContractSet(contracts.provider, contracts.origin, skipped=list(contracts.skipped))
    for loaded in contracts.pacts:
        interactions = []
        for interaction in loaded.pact.http_interactions:
            mock = next(slimmed)
            if not mock.has_generators:
                mock.interaction = dataclasses.replace(
                    interaction,
                    response=dataclasses.replace(interaction.response, body=None, matching_rules={}),
                )
            interactions.append(mock.interaction)
        pact = dataclasses.replace(loaded.pact, interactions=list(interactions))
        result.pacts.append(dataclasses.replace(loaded, pact=pact))
    return result
