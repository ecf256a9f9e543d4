"""Request selection and responses: the part of the mock shared by the server and the pytest mocks.

For each request:

1. The dispatch table gives the interactions whose method and path could match.
2. The provider state comes from the state header (``X-Pact-Provider-State`` by default) or the
   default state; when there is one, only interactions in that state, and interactions without any
   state, stay candidates.
3. Each candidate is matched with the ``contracts`` engine (method, path, query, headers, body and
   the request's matching rules). A candidate is *accepted* when it has no mismatch; in lenient mode
   (the default) header mismatches alone do not disqualify it, and are reported in the
   ``X-Tether-Mismatches`` response header and the journal. Strict mode accepts full matches only.
4. Among accepted candidates the choice is deterministic: fewest mismatches, then an interaction in
   the requested state over a stateless one, then the most specific (literal path over regex path,
   more expected query parameters, headers, a body), then file order. In strict mode, two equally
   ranked candidates with different responses are an *ambiguity*: the request is refused with a 409
   naming them and the state header that would choose.
5. Nothing accepted: the no-match status (404 by default) with a JSON report naming the closest
   interactions and their exact mismatches.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from contracts.mismatches import Mismatch, MismatchKind
from contracts.model import actual_request
from mocking.server.dispatch import DispatchTable
from mocking.server.interactions import MockInteraction, PreparedResponse, prepare_response
from mocking.server.rendering import render_response
from mocking.server.scenarios import Transition, derive_transitions

DEFAULT_STATE_HEADER = "X-Pact-Provider-State"
AMBIGUOUS_STATUS = 409
BAD_BODY_STATUS = 400
CLOSEST_LIMIT = 3
SELECTION_CACHE_LIMIT = 10_000
SELECTION_CACHE_BODY_LIMIT = 4096
_CONTENT_TYPE = frozenset({"content-type"})


@dataclass(slots=True)
class IncomingRequest:
    """A request as received: method, path, raw query string, header pairs and body bytes."""

    method: str
    path: str
    query: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def summary(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "query": self.query}


OutcomeKind = Literal["matched", "no_match", "ambiguous"]


@dataclass(slots=True)
class Outcome:
    """What the engine decided: the matched interaction (if any), the response, and the evidence."""

    kind: OutcomeKind
    response: PreparedResponse
    interaction: MockInteraction | None = None
    mismatches: list[Mismatch] = field(default_factory=list)
    report: dict[str, Any] | None = None
    state: str | None = None


@dataclass(slots=True)
class _Scored:
    interaction: MockInteraction
    mismatches: list[Mismatch]
    in_state: bool


class MockEngine:
    """Selects the interaction answering each request (see the module documentation)."""

    def __init__(
        self,
        interactions: list[MockInteraction],
        *,
        provider: str = "the provider",
        strict: bool = False,
        state_header: str = DEFAULT_STATE_HEADER,
        default_state: str | None = None,
        no_match_status: int = 404,
        base_url: str | None = None,
        stateful: bool = False,
    ) -> None:
        self.provider = provider
        self.interactions = interactions
        self.table = DispatchTable(interactions)
        self.strict = strict
        self.state_header = state_header
        self.default_state = default_state
        self.no_match_status = no_match_status
        self.base_url = base_url
        self.known_states = sorted({s for i in interactions for s in i.states})
        # Stateful scenarios (mocking.server.scenarios): the state successful requests moved to.
        self.transitions: dict[int, Transition] = derive_transitions(interactions) if stateful else {}
        self.scenario_state: str | None = None
        self.scenario_log: list[str] = []
        # Selections are deterministic given the key of _selection_key, so repeated requests (a load
        # test, a polling client) skip matching. Bounded; cleared when full.
        self._selections: dict[tuple[Any, ...], tuple[MockInteraction, list[Mismatch]]] = {}

    # ------------------------------------------------------------------------------- matching

    def _match(
        self, interaction: MockInteraction, request: IncomingRequest, cache: dict[str, Any]
    ) -> list[Mismatch]:
        if (
            interaction.trivial
            and not request.query
            and request.path == interaction.path
            and request.method.upper() == interaction.method
        ):
            return []
        actual = cache.get(interaction.spec_version)
        if actual is None:
            actual = actual_request(
                request.method,
                request.path,
                request.query,
                request.headers,
                request.body or None,
                spec_version=interaction.spec_version,
            )
            cache[interaction.spec_version] = actual
        mismatches = interaction.compiled.match(actual)
        template = interaction.pattern.template
        if template is None:
            return mismatches
        # A `type`-matched path means its template (contracts.matching.path_templates), not any string.
        mismatches = [m for m in mismatches if m.kind is not MismatchKind.PATH]
        problem = template.problem(request.path)
        if problem is not None:
            mismatches.insert(
                1 if mismatches and mismatches[0].kind is MismatchKind.METHOD else 0,
                Mismatch(MismatchKind.PATH, "$", template.text, request.path, problem),
            )
        return mismatches

    def _requested_state(self, request: IncomingRequest) -> tuple[str | None, bool]:
        value = request.header(self.state_header)
        if value is not None and value.strip():
            return value.strip(), True
        if self.scenario_state is not None:
            return self.scenario_state, False
        return self.default_state, False

    def reset_scenario(self) -> None:
        self.scenario_state = None
        self.scenario_log.clear()

    def _selection_key(
        self, request: IncomingRequest, state: str | None, candidates: list[MockInteraction]
    ) -> tuple[Any, ...] | None:
        """What the selection depends on: method, the candidates, query, body, state and the values of the
        headers the candidates expect (plus Content-Type); the path too unless every candidate's path
        pattern settles the path part of matching (``path_decided``), so varying ids share one entry.
        None when the body is too big to be worth caching."""
        if len(request.body) > SELECTION_CACHE_BODY_LIMIT:
            return None
        if len(candidates) == 1:
            names = candidates[0].key_headers
            where: Any = candidates[0].index if candidates[0].path_decided else request.path
        else:
            names = frozenset().union(*(i.key_headers for i in candidates)) or _CONTENT_TYPE
            decided = all(i.path_decided for i in candidates)
            where = tuple(i.index for i in candidates) if decided and candidates else request.path
        values = tuple(sorted((key.lower(), value) for key, value in request.headers if key.lower() in names))
        return (request.method.upper(), where, request.query, request.body, state, values)

    def handle(self, request: IncomingRequest) -> Outcome:
        try:
            return self._handle(request)
        except RecursionError:
            # a body nested deeper than the JSON/XML readers go: the client's fault, never a 500
            state, _ = self._requested_state(request)
            report = {
                "error": f"the body of {request.method.upper()} {request.path} is nested too deeply to match "
                "(over ~900 levels); no interaction of " + self.provider + " expects that",
                "request": {**request.summary(), "providerState": state},
                "hints": ["send a flatter body"],
                "closest": [],
            }
            return Outcome(
                "no_match", _json_response(BAD_BODY_STATUS, report, "none"), None, [], report, state
            )

    def _handle(self, request: IncomingRequest) -> Outcome:
        state, from_header = self._requested_state(request)
        candidates = self.table.candidates(request.method.upper(), request.path)
        key = self._selection_key(request, state, candidates)
        if key is not None:
            known = self._selections.get(key)
            if known is not None:
                return self._answer(known[0], known[1], state)
        cache: dict[str, Any] = {}
        accepted: list[_Scored] = []
        for interaction in candidates:
            in_state = state is not None and state in interaction.states
            if state is not None and interaction.states and not in_state:
                continue
            mismatches = self._match(interaction, request, cache)
            if not mismatches or (not self.strict and all(m.kind is MismatchKind.HEADER for m in mismatches)):
                accepted.append(_Scored(interaction, mismatches, in_state))
        if not accepted:
            return self._no_match(request, state, from_header, cache)
        accepted.sort(
            key=lambda s: (len(s.mismatches), not s.in_state, -s.interaction.specificity, s.interaction.index)
        )
        best = accepted[0]
        if self.strict:
            rivals = [
                s
                for s in accepted[1:]
                if s.in_state == best.in_state
                and s.interaction.specificity == best.interaction.specificity
                and not _same_response(s.interaction, best.interaction)
            ]
            if rivals:
                return self._ambiguous(request, state, [best, *rivals])
        if key is not None:
            if len(self._selections) >= SELECTION_CACHE_LIMIT:
                self._selections.clear()
            self._selections[key] = (best.interaction, best.mismatches)
        return self._answer(best.interaction, best.mismatches, state)

    def _answer(self, chosen: MockInteraction, mismatches: list[Mismatch], state: str | None) -> Outcome:
        chosen.calls += 1
        transition = self.transitions.get(chosen.index)
        if transition is not None and transition.state != self.scenario_state:
            self.scenario_state = transition.state
            self.scenario_log.append(f"-> {transition.state!r}: {transition.reason}")
        response = render_response(chosen, self.base_url) if chosen.has_generators else chosen.response
        if mismatches:
            response = _with_header(response, "x-tether-mismatches", str(len(mismatches)))
        return Outcome("matched", response, chosen, mismatches, None, state)

    # ------------------------------------------------------------------------------- failures

    def _closest(
        self, request: IncomingRequest, state: str | None, cache: dict[str, Any]
    ) -> list[dict[str, Any]]:
        pool = self.interactions
        if len(pool) > 50:
            # Rank by path similarity first so the report stays cheap on big pacts.
            pool = sorted(
                pool,
                key=lambda i: (
                    i.method != request.method.upper(),
                    -difflib.SequenceMatcher(None, i.path, request.path).ratio(),
                ),
            )[:50]
        scored = []
        for interaction in pool:
            mismatches = self._match(interaction, request, cache)
            state_problem = state is not None and bool(interaction.states) and state not in interaction.states
            if not mismatches and not state_problem:
                continue  # accepted by matching, refused for another reason (e.g. ambiguity): not "closest"
            weight = sum(10 if m.kind in (MismatchKind.METHOD, MismatchKind.PATH) else 1 for m in mismatches)
            similarity = difflib.SequenceMatcher(None, interaction.path, request.path).ratio()
            scored.append(
                (
                    (weight + (1 if state_problem else 0), -similarity, interaction.index),
                    interaction,
                    mismatches,
                    state_problem,
                )
            )
        scored.sort(key=lambda t: t[0])
        closest = []
        for _, interaction, mismatches, state_problem in scored[:CLOSEST_LIMIT]:
            entry: dict[str, Any] = {
                "interaction": interaction.summary(),
                "mismatches": [m.to_json() for m in mismatches],
            }
            if state_problem:
                entry["stateMismatch"] = {
                    "expected": list(interaction.states),
                    "actual": state,
                    "message": f"interaction is for provider state(s) {list(interaction.states)}, request asked for {state!r}",
                }
            closest.append(entry)
        return closest

    def _no_match(
        self, request: IncomingRequest, state: str | None, from_header: bool, cache: dict[str, Any]
    ) -> Outcome:
        hints: list[str] = []
        if state is not None and state not in self.known_states:
            origin = f"header {self.state_header}" if from_header else "the default state"
            hints.append(
                f"no interaction has the provider state {state!r} (from {origin}); known states: {self.known_states}"
            )
        methods = self.table.methods_for(request.path)
        if methods and request.method.upper() not in methods:
            hints.append(f"{request.path} is served for {', '.join(methods)}, not {request.method.upper()}")
        if not self.interactions:
            hints.append("this mock serves no interactions: check the start-up log for skipped pacts")
        report = {
            "error": f"no interaction of {self.provider} matches {request.method.upper()} {request.path}"
            + (f"?{request.query}" if request.query else ""),
            "request": {**request.summary(), "providerState": state},
            "hints": hints,
            "closest": self._closest(request, state, cache) if self.interactions else [],
        }
        return Outcome(
            "no_match", _json_response(self.no_match_status, report, "none"), None, [], report, state
        )

    def _ambiguous(self, request: IncomingRequest, state: str | None, rivals: list[_Scored]) -> Outcome:
        states = sorted({s for r in rivals for s in r.interaction.states})
        report = {
            "error": f"ambiguous request: {len(rivals)} interactions of {self.provider} match "
            f"{request.method.upper()} {request.path} equally well and answer differently (--strict refuses to guess)",
            "request": {**request.summary(), "providerState": state},
            "candidates": [r.interaction.summary() for r in rivals],
            "hints": [f"choose one with the header {self.state_header}: <state>; states here: {states}"]
            if states
            else ["make the pact's requests distinguishable (query, headers or body)"],
        }
        return Outcome(
            "ambiguous", _json_response(AMBIGUOUS_STATUS, report, "ambiguous"), None, [], report, state
        )


def _same_response(a: MockInteraction, b: MockInteraction) -> bool:
    return (
        not a.has_generators
        and not b.has_generators
        and a.response.status == b.response.status
        and a.response.body == b.response.body
        and sorted(a.response.headers) == sorted(b.response.headers)
    )


def _json_response(status: int, document: dict[str, Any], match: str) -> PreparedResponse:
    body = json.dumps(document, indent=2, default=str).encode()
    return prepare_response(status, {"Content-Type": "application/json", "X-Tether-Match": match}, body)


def _with_header(response: PreparedResponse, name: str, value: str) -> PreparedResponse:
    return PreparedResponse(
        response.status, [*response.headers, (name.encode(), value.encode())], response.body
    )


def format_report(report: dict[str, Any]) -> str:
    """The mismatch report as text (pytest failures, logs)."""
    lines = [str(report.get("error", ""))]
    for hint in report.get("hints", []):
        lines.append(f"  hint: {hint}")
    for candidate in report.get("candidates", []):
        lines.append(f"  candidate: {candidate['id']}")
    for entry in report.get("closest", []):
        summary = entry["interaction"]
        lines.append(f"  closest: {summary['id']} ({summary['method']} {summary['path']})")
        if "stateMismatch" in entry:
            lines.append(f"    - provider state: {entry['stateMismatch']['message']}")
        for mismatch in entry["mismatches"]:
            lines.append(
                f"    - {mismatch['kind']} {mismatch['path']}: {mismatch['message']} "
                f"(expected {json.dumps(mismatch['expected'], default=str)}, actual {json.dumps(mismatch['actual'], default=str)})"
            )
    return "\n".join(lines)
