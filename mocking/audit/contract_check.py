"""Checking a recorded mock against the provider's verified pacts.

The interactions whose request has the mock's method and path (path matching rules honoured) are
the candidates. The mock's status must be one of theirs, and its body must satisfy at least one of
them with the mocked status. Bodies are compared by *shape*: a ``type`` rule is added at the body
root, so example values do not have to be equal, but types, required keys and the pact's own rules
(regex, integer, ...) still apply. Header differences are ignored (mocks rarely bother with them).
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
from dataclasses import dataclass

from brokerclient.contract_source import ContractSet
from contracts.matching import CompiledResponse, compile_response
from contracts.mismatches import Mismatch, MismatchKind
from contracts.model import HttpResponse, actual_request, actual_response
from mocking.audit.findings import DriftKind, Finding
from mocking.audit.recorder import RecordedMock
from mocking.server.dispatch import DispatchTable
from mocking.server.interactions import MockInteraction, prepare_contracts


def _shape_only(expected: HttpResponse, spec_version: str) -> HttpResponse:
    rules = copy.deepcopy(expected.matching_rules)
    if spec_version in {"1", "1.1", "2"}:
        rules.setdefault("$.body", {"match": "type"})
    else:
        body_rules = rules.setdefault("body", {})
        body_rules.setdefault("$", {"matchers": [{"match": "type"}], "combine": "AND"})
    return dataclasses.replace(expected, matching_rules=rules)


@dataclass(slots=True)
class PactIndex:
    contracts: ContractSet
    interactions: list[MockInteraction]
    table: DispatchTable
    responses: dict[int, CompiledResponse]

    @classmethod
    def build(cls, contracts: ContractSet) -> PactIndex:
        interactions = prepare_contracts(contracts)
        responses = {
            i.index: compile_response(_shape_only(i.interaction.response, i.spec_version), i.spec_version)
            for i in interactions
        }
        return cls(contracts, interactions, DispatchTable(interactions), responses)

    def candidates(self, method: str, path: str) -> list[MockInteraction]:
        found = []
        for interaction in self.table.candidates(method, path):
            actual = actual_request(method, path, spec_version=interaction.spec_version)
            mismatches = interaction.compiled.match(actual)
            if not any(m.kind in (MismatchKind.METHOD, MismatchKind.PATH) for m in mismatches):
                found.append(interaction)
        return found


_TYPE_MESSAGE = re.compile(
    r"type mismatch|\((String|Integer|Decimal|Boolean|Null|Array|Object)\) to "
    r"(be the same type|be an? (integer|decimal|number|null)|match a boolean)",
    re.IGNORECASE,
)


def _drift_kind(mismatch: Mismatch) -> DriftKind:
    text = mismatch.message.lower()
    if mismatch.kind is MismatchKind.BODY_TYPE:
        return DriftKind.CONTENT_TYPE
    if "missing" in text:
        return DriftKind.MISSING_FIELD
    if _TYPE_MESSAGE.search(mismatch.message):
        return DriftKind.WRONG_TYPE
    return DriftKind.CONTRACT_MISMATCH


def _paths(path: str, base_paths: list[str]) -> list[str]:
    paths = [path]
    for base in sorted(base_paths, key=len, reverse=True):
        if path.startswith(base + "/") or path == base:
            paths.append(path[len(base) :] or "/")
    return paths


def check_mock_against_pacts(
    mock: RecordedMock, index: PactIndex, *, spec_present: bool, base_paths: list[str] | None = None
) -> list[Finding]:
    """Findings for one mock; ``base_paths`` (the spec's server paths) are stripped from the mock's path."""
    full_path = mock.path
    if full_path is None or not mock.method:
        return []
    provider = index.contracts.provider
    candidates: list[MockInteraction] = []
    path = full_path
    for path in _paths(full_path, base_paths or []):
        candidates = index.candidates(mock.method, path)
        if candidates:
            break
    if not candidates:
        known = sorted({f"{i.method} {i.path}" for i in index.interactions})
        closest = difflib.get_close_matches(f"{mock.method} {path}", known, n=3, cutoff=0.3)
        return [
            Finding(
                DriftKind.NOT_COVERED if spec_present else DriftKind.UNKNOWN_PATH,
                "warning" if spec_present else "error",
                f"verified pacts of {provider}",
                "request",
                f"no verified interaction covers {mock.method} {path}"
                + (f"; closest: {', '.join(closest)}" if closest else ""),
                expected=closest,
                actual=f"{mock.method} {path}",
            )
        ]
    if mock.status is None:
        return []
    statuses = sorted({c.interaction.response.status for c in candidates})
    if mock.status not in statuses:
        return [
            Finding(
                DriftKind.UNKNOWN_STATUS,
                "warning" if spec_present else "error",
                f"verified pacts of {provider}",
                "response.status",
                f"status {mock.status} was never verified for {mock.method} {path} (verified: {', '.join(map(str, statuses))})",
                expected=statuses,
                actual=mock.status,
            )
        ]
    best: tuple[MockInteraction, list[Mismatch]] | None = None
    for candidate in (c for c in candidates if c.interaction.response.status == mock.status):
        actual = actual_response(mock.status, mock.headers, mock.body, spec_version=candidate.spec_version)
        mismatches = [
            m for m in index.responses[candidate.index].match(actual) if m.kind is not MismatchKind.HEADER
        ]
        if best is None or len(mismatches) < len(best[1]):
            best = (candidate, mismatches)
        if not mismatches:
            return []
    assert best is not None
    interaction, mismatches = best
    source = f"pact {interaction.id}"
    return [
        Finding(
            _drift_kind(m),
            "error",
            source,
            f"response.{m.kind.value} {m.path}",
            m.message,
            expected=m.expected,
            actual=m.actual,
        )
        for m in mismatches
    ]
