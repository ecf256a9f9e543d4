"""What a generated locustfile imports at run time.

A generated task calls :meth:`ScenarioContext.run` with a :class:`ContractInteraction`. That:

1. sets up the interaction's provider states through the provider's state-change URL (a path
   relative to the host, or an absolute URL) before every iteration of a task that has states, and
   uses the values the provider returns for them (the id of the order it created);
2. builds a fresh request: generators of the pact (random ids, dates, provider-state expressions
   such as ``/orders/${orderId}``) produce new valid values on every call, and values captured from
   earlier responses (ids, ``Location`` headers) fill provider-state expressions — the chaining;
3. sends it with ``catch_response=True`` and checks the response against the interaction's response
   contract; a violation is a Locust failure whose message names the mismatches.

The response check is compiled once per interaction, so its cost per request is small.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import quote, urljoin

from contracts import http_headers
from contracts.generators import generate_request, refresh_body
from contracts.matching.raw_response import RawResponseMatcher, single_header_values
from contracts.mismatches import Mismatch
from contracts.model import HttpResponse, actual_response
from contracts.pact_parts import parse_body, parse_response
from contracts.querystrings import format_query_string
from loadgen.locust.links import evaluate as evaluate_link

MAX_REPORTED_MISMATCHES = 3
_NO_VALUES: dict[str, Any] = {}
VERDICT_CACHE_SIZE = 256
VERDICT_CACHE_BODY_LIMIT = 64 * 1024


class _Response(Protocol):
    status_code: int
    headers: Any
    content: bytes | None

    def success(self) -> None: ...

    def failure(self, exc: Any) -> None: ...


class _User(Protocol):
    @property
    def client(self) -> Any: ...

    host: str | None


@dataclass(frozen=True)
class PreparedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes | None

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class ContractInteraction:
    """One interaction of a pact, ready to be replayed under load and checked."""

    consumer: str
    description: str
    name: str
    spec_version: str
    request: dict[str, Any]
    response: dict[str, Any]
    provider_states: list[dict[str, Any]] = field(default_factory=list)
    requires: dict[str, ContractInteraction] = field(default_factory=dict)
    """Variables this request needs (``orderId``) and the interaction whose response supplies them."""
    captures: dict[str, str] = field(default_factory=dict)
    """Values this response supplies to later requests, as OpenAPI runtime expressions."""
    path_template: str | None = None
    """A path filled from chained values (``/orders/{orderId}``), from OpenAPI links."""
    _matcher: RawResponseMatcher | None = field(default=None, repr=False)
    _static: PreparedRequest | None = field(default=None, repr=False)
    _variables: tuple[str, ...] | None = field(default=None, repr=False)
    _by_variables: dict[tuple[str, ...], PreparedRequest] = field(default_factory=dict, repr=False)
    _plain: PreparedRequest | None = field(default=None, repr=False)
    """The request of a provider-state-only interaction when no values are known (its states' parameters)."""
    _verdicts: dict[tuple[Any, ...], list[Mismatch]] = field(default_factory=dict, repr=False)
    deletes: bool = field(default=False, repr=False)
    """A DELETE (set with the compiled check)."""
    state_params: dict[str, Any] = field(default_factory=dict, repr=False)
    """The parameters of its provider states, merged (set with the compiled check)."""
    feeds: bool = field(default=False, repr=False)
    """Set at run time once another interaction has needed a value from this one's response."""

    def check(self, status: int, headers: Mapping[str, str], body: bytes | None) -> list[Mismatch]:
        """The mismatches between an actual response and this interaction's response contract.

        The contract is compiled once (on first use). A response that matches costs a quick check (the
        header values seen before, the JSON parse and the compiled plan: no model objects, no
        diagnostics); any other answer is matched by the reference path, whose mismatches are returned.
        The verdict depends only on the status, the headers the contract names (and Content-Type) and
        the body, so mismatches are remembered for identical responses.
        """
        matcher = self._matcher
        if matcher is None:
            matcher = self.compile_check()
        names = matcher.header_names
        folds = _FOLDING.get(type(headers))
        if folds is None:
            folds = _folds_names(type(headers))
        values: tuple[str | None, ...]
        if folds:
            get = headers.get
            if len(names) == 1:
                value = get(names[0])
                values = (value if type(value) is str else None,)
            else:
                values = tuple([value if type(value := get(name)) is str else None for name in names])
        else:
            values = single_header_values(names, headers)
        if matcher.accepts(status, values, body):
            return []
        small = body is None or len(body) <= VERDICT_CACHE_BODY_LIMIT
        key = (status, body, values if None not in values else _named_headers(names, headers))
        if small:
            known = self._verdicts.get(key)
            if known is not None:
                return known
        verdict = matcher.match(status, list(headers.items()), body or None)
        if small:
            if len(self._verdicts) >= VERDICT_CACHE_SIZE:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def compile_check(self) -> RawResponseMatcher:
        """The contract's response (embedded in the locustfile in pact-file form), read into the model
        and compiled once; generated user classes call this when Locust starts them."""
        if self._matcher is None:
            self._matcher = RawResponseMatcher(
                parse_response(self.response, self.spec_version), self.spec_version
            )
            method = str(self.request.get("method", "GET")).upper()
            self.deletes = method == "DELETE"
            self.state_params = {}
            for state in self.provider_states:
                self.state_params.update(state.get("params") or {})
        return self._matcher

    def actual(self, status: int, headers: Mapping[str, str], body: bytes | None) -> HttpResponse:
        pairs = list(headers.items())  # Locust's header objects are not plain mappings
        return actual_response(status, pairs, body or None, spec_version=self.spec_version)

    def check_actual(self, actual: HttpResponse) -> list[Mismatch]:
        return self.compile_check().compiled.match(actual)

    def prepare(self, values: Mapping[str, Any]) -> PreparedRequest:
        """A fresh concrete request: generators applied, provider-state expressions filled from `values`.

        A request with no generators and no format rules is the same every time: it is built once.
        """
        if self._static is not None:
            return self._static
        if self._variables is None:
            self._variables = _state_only_variables(self.request, self.spec_version)
            if self.path_template:
                names = set(re.findall(r"\{([^}]+)\}", self.path_template))
                self._variables = tuple(sorted(names.union(self._variables)))
        if self._variables:
            key = tuple(repr(values.get(name)) for name in self._variables)
            cached = self._by_variables.get(key)
            if cached is None:
                cached = self._build(values)
                if len(self._by_variables) < 1024:
                    self._by_variables[key] = cached
            return cached
        prepared = self._build(values)
        if not self.request.get("generators") and not _format_rules(self.request, self.spec_version):
            self._static = prepared
        return prepared

    def prepare_layered(self, state_values: Mapping[str, Any], values: Mapping[str, Any]) -> PreparedRequest:
        """`prepare` of ``{**state_params, **values, **state_values}`` (what a run sees: the values its
        states' set-up returned, over the values captured so far, over the states' parameters), merged
        only when a request has to be built."""
        variables = self._variables
        if self._static is not None:
            return self._static
        plain = not state_values and not values
        if plain and self._plain is not None:
            return self._plain
        if variables:
            params = self.state_params
            key = tuple(
                [
                    repr(
                        state_values[name]
                        if name in state_values
                        else values[name]
                        if name in values
                        else params.get(name)
                    )
                    for name in variables
                ]
            )
            cached = self._by_variables.get(key)
            if cached is not None:
                if plain:
                    self._plain = cached
                return cached
        return self.prepare({**self.state_params, **values, **state_values})

    def _build(self, values: Mapping[str, Any]) -> PreparedRequest:
        part = _apply_generators(self.request, self.spec_version, values)
        if self.path_template and "path" not in (self.request.get("generators") or {}):
            names = re.findall(r"\{([^}]+)\}", self.path_template)
            if all(values.get(name) is not None for name in names):
                part["path"] = re.sub(
                    r"\{([^}]+)\}", lambda m: quote(str(values[m.group(1)]), safe=""), self.path_template
                )
        headers = {name: _header_text(value) for name, value in (part.get("headers") or {}).items()}
        body, content_type = _encode_body(part, self.spec_version)
        if content_type and not http_headers.has(headers, "content-type"):
            headers["Content-Type"] = content_type
        return PreparedRequest(
            method=str(part.get("method", "GET")).upper(),
            path=str(part.get("path", "/")),
            query=_encode_query(part.get("query")),
            headers=headers,
            body=body,
        )


def failure_message(interaction: ContractInteraction, mismatches: list[Mismatch]) -> str:
    """The Locust failure text for a contract violation: which interaction, and what differs where."""
    shown = "; ".join(f"{m.kind.value} {m.path}: {m.message}" for m in mismatches[:MAX_REPORTED_MISMATCHES])
    more = len(mismatches) - MAX_REPORTED_MISMATCHES
    suffix = f" (+{more} more)" if more > 0 else ""
    return f"contract violated ({interaction.consumer}: {interaction.description}): {shown}{suffix}"


def unavailable_message(interaction: ContractInteraction, problem: str) -> str:
    """The Locust failure text for an availability error (no answer, or a 5xx the contract does not list)."""
    return f"unavailable ({interaction.consumer}: {interaction.description}): {problem}"


def availability_problem(interaction: ContractInteraction, status: int, error: object) -> str | None:
    """Why a response is an availability error rather than contract drift, or None when it is an answer
    the contract judges: a connection error, reset or timeout (no status), or a 5xx the contract does
    not expect."""
    if not status:
        kind = "timed out" if "timeout" in type(error).__name__.lower() else "no response"
        return f"{kind}: {error!r}" if error is not None else kind
    expected = interaction.response.get("status")
    if status >= 500 and not (isinstance(expected, int) and expected >= 500):
        return f"status {status} (the contract expects {expected if expected is not None else 'a non-5xx status'})"
    return None


class ScenarioContext:
    """Per-user state: values captured for chaining, and headers the user's own code adds."""

    def __init__(self, user: _User, *, state_change_url: str | None = None) -> None:
        self.user = user
        self.state_change_url = state_change_url
        self.values: dict[str, Any] = {}
        self.headers: dict[str, str] = {}
        """Sent with every request, over the pact's own headers (e.g. ``Authorization`` from the environment)."""

    def run(self, interaction: ContractInteraction, *, depth: int = 0) -> None:
        """One iteration of `interaction`: its provider states set up afresh (a DELETE of the state's
        resource must not break the next task of that state), the values it needs produced by their
        producers when unknown, then the request and its contract check."""
        if interaction._matcher is None:
            interaction.compile_check()
        state_values = (
            self._set_up_states(interaction)
            if self.state_change_url and interaction.provider_states
            else _NO_VALUES
        )
        if depth < 3 and interaction.requires:
            for variable, producer in interaction.requires.items():
                producer.feeds = True
                if variable not in self.values and variable not in state_values:
                    self.run(producer, depth=depth + 1)
        prepared = interaction._static
        if prepared is None:
            prepared = interaction.prepare_layered(state_values, self.values)
        with self.user.client.request(
            prepared.method,
            prepared.url,
            name=interaction.name,
            headers=self._headers(prepared.headers) if self.headers else prepared.headers,
            data=prepared.body,
            catch_response=True,
        ) as response:
            self._check(interaction, response)

    def _headers(self, headers: dict[str, str]) -> dict[str, str]:
        if not self.headers:
            return headers
        own = {name.lower() for name in self.headers}
        return {**{k: v for k, v in headers.items() if k.lower() not in own}, **self.headers}

    def _check(self, interaction: ContractInteraction, response: _Response) -> None:
        status = response.status_code
        if not status or status >= 500:
            problem = availability_problem(interaction, status, getattr(response, "error", None))
            if problem is not None:
                response.failure(unavailable_message(interaction, problem))
                return
        body = response.content or b""
        headers = response.headers
        mismatches = interaction.check(status, headers if headers is not None else _NO_VALUES, body)
        if mismatches:
            response.failure(failure_message(interaction, mismatches))
            return
        response.success()
        if interaction.deletes:
            for variable in interaction.requires:
                self.values.pop(variable, None)  # that resource is gone: the next user of it creates one
            return
        if interaction.feeds or interaction.captures:
            headers = dict(response.headers.items()) if response.headers is not None else {}
            self._capture(interaction, headers, _json_document(body))

    def _capture(self, interaction: ContractInteraction, headers: Mapping[str, str], document: Any) -> None:
        """Keep ids and Location headers for later interactions' provider-state expressions."""
        for variable, expression in interaction.captures.items():
            value = evaluate_link(expression, headers, document)
            if value is not None:
                self.values[variable] = value
        resource = _resource_name(interaction.name)
        location = next((value for name, value in headers.items() if name.lower() == "location"), None)
        if location:
            self.values["location"] = location
            last = location.rstrip("/").rsplit("/", 1)[-1]
            if last and resource:
                self.values[f"{resource}Id"] = int(last) if last.isdigit() else last
        if not isinstance(document, dict):
            return
        for key, value in document.items():
            if not isinstance(value, str | int | float | bool):
                continue
            if key == "id" and resource:
                self.values[f"{resource}Id"] = value
            elif key.endswith(("Id", "_id")) and key not in self.values:
                self.values[key] = value  # e.g. productId: keeps the first one seen

    def _set_up_states(self, interaction: ContractInteraction) -> dict[str, Any]:
        """Set up the interaction's provider states; the values the provider returned for them."""
        if not self.state_change_url or not interaction.provider_states:
            return _NO_VALUES
        url = urljoin(self.user.host or "", self.state_change_url)
        values: dict[str, Any] = {}
        for state in interaction.provider_states:
            values.update(_post_state(url, state["name"], dict(state.get("params") or {}), self.headers))
        return values


def _post_state(url: str, name: str, params: Mapping[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    payload = json.dumps({"state": name, "params": dict(params), "action": "setup"}).encode()
    try:
        request = urllib.request.Request(
            url, data=payload, headers={**headers, "Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as reply:
            data = reply.read()
    except ValueError as exc:  # a relative state-change URL and no --host
        raise RuntimeError(
            f"provider-state set-up of {name!r}: {url!r} is not an absolute URL; give --host, or an "
            "absolute state-change URL ($TETHER_STATE_CHANGE_URL)"
        ) from exc
    except (urllib.error.URLError, TimeoutError) as exc:
        raise RuntimeError(f"provider-state set-up of {name!r} at {url} failed: {exc}") from exc
    try:
        document = json.loads(data) if data else {}
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


_FOLDING_HEADER_TYPES = frozenset({("geventhttpclient.header", "Headers")})
"""Header mappings whose ``get`` is case-insensitive and gives a ``str`` exactly when the header was
sent once (a list when repeated): FastHttpUser's."""
_FOLDING: dict[type, bool] = {}


def _folds_names(kind: type) -> bool:
    known = _FOLDING.get(kind)
    if known is None:
        known = _FOLDING[kind] = (kind.__module__, kind.__qualname__) in _FOLDING_HEADER_TYPES
    return known


def _named_headers(names: tuple[str, ...], headers: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Every line of the headers in `names` (lower-case), as sent: the verdict cache's key when one is
    missing or repeated."""
    return tuple((name.lower(), str(value)) for name, value in headers.items() if name.lower() in names)


def _json_document(body: bytes) -> Any:
    if not body or body.lstrip()[:1] not in (b"{", b"["):
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _state_only_variables(part: Mapping[str, Any], spec_version: str) -> tuple[str, ...]:
    """The ``${names}`` of a request whose only generators are ProviderState ones (its content then
    depends on those values alone, so it can be cached by them); () otherwise."""
    definitions: list[Any] = []
    for category, value in (part.get("generators") or {}).items():
        if category in ("path", "status"):
            definitions.append(value)
        elif isinstance(value, Mapping):
            definitions.extend(value.values())
    if not definitions or _format_rules(part, spec_version):
        return ()
    names: set[str] = set()
    for definition in definitions:
        if not isinstance(definition, Mapping) or definition.get("type") != "ProviderState":
            return ()
        names.update(re.findall(r"\$\{([^}]+)\}", str(definition.get("expression", ""))))
    return tuple(sorted(names))


def _resource_name(route_name: str) -> str | None:
    """``POST /orders (Shop)`` → ``order`` (for ``orderId`` chaining keys)."""
    words = route_name.split(" ")
    path = words[1] if len(words) > 1 else words[0]
    literals = [part for part in path.split("/") if part and not part.startswith("{")]
    if not literals:
        return None
    word = re.sub(r"[^A-Za-z0-9]", "", literals[-1])
    if word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:1].lower() + word[1:] if word else None


def _apply_generators(part: dict[str, Any], spec_version: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Generators give fresh values on every call; provider-state expressions take chained values.

    Request values constrained only by a format (regex, date, time, timestamp) are refreshed too;
    values matched by type keep the pact's example, since the provider's data decides which of
    the values of that type exist (a random product id would only produce 404s).
    """
    generated = generate_request(part, spec_version, provider_state=dict(values))
    rules = _format_rules(part, spec_version)
    body = generated.get("body")
    if rules and body is not None:
        if spec_version == "4" and isinstance(body, dict) and "content" in body:
            generated["body"] = {**body, "content": refresh_body(body["content"], rules)}
        elif isinstance(body, dict | list):
            generated["body"] = refresh_body(body, rules)
    return generated


_FORMAT_MATCHERS = frozenset({"regex", "date", "time", "timestamp", "datetime"})


def _format_rules(part: Mapping[str, Any], spec_version: str) -> dict[str, Any]:
    """The request body's rules whose every matcher is a format (regex/date/time), by JSON path."""
    rules = part.get("matchingRules") or {}
    body_rules = rules.get("body") if spec_version in ("3", "4") else None
    if not isinstance(body_rules, Mapping):
        return {}
    chosen = {}
    for path, rule in body_rules.items():
        matchers = rule.get("matchers", []) if isinstance(rule, Mapping) else []
        if matchers and all(isinstance(m, Mapping) and m.get("match") in _FORMAT_MATCHERS for m in matchers):
            chosen[path] = rule
    return chosen


def _header_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _encode_query(query: Any) -> str:
    if not query:
        return ""
    if isinstance(query, str):
        return query
    return format_query_string(
        {
            str(name): [None if value is None else str(value) for value in values]
            if isinstance(values, list)
            else [str(values)]
            for name, values in query.items()
        }
    )


def _encode_body(part: Mapping[str, Any], spec_version: str) -> tuple[bytes | None, str | None]:
    """The bytes of a pact-file body (read into the model: JSON, text, or base64-decoded binary) and the
    content type to send when the part's headers declare none."""
    if "body" not in part or part["body"] is None:
        return None, None
    declared = http_headers.find(part.get("headers") or {}, "content-type")
    body = parse_body(part["body"], spec_version, declared)
    content_type = body.content_type or ("application/json" if body.encoding == "json" else None)
    return body.to_bytes(), content_type
