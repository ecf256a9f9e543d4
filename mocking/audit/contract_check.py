"""Checking a recorded mock against the provider's verified pacts.

The interactions whose request has the mock's method and path (path matching rules honoured) are
the candidates. The mock's status must be one of theirs, and its body must satisfy at least one of
them with the mocked status. Bodies are compared by *shape*: a ``type`` rule is added at the body
root, so example values do not have to be equal, but types, required keys and the pact's own rules
(regex, integer, ...) still apply. Header differences are ignored (mocks rarely bother with them).

Findings are the engine's `contracts.findings.Finding` (source ``pact-mock-validation``) with the
engine's rule codes: ``request.path-or-method.unknown`` (no verified interaction and no spec),
``request.path-or-method.unverified`` (a warning: the spec has the last word on the path),
``response.status.unknown`` and ``response.body.incompatible``; ``specDetails.contract`` names the
verified interaction the mock was compared with.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from brokerclient.contract_source import ContractSet
from contracts.findings import Finding, MockDetails, Severity, SpecDetails
from contracts.matching import CompiledResponse, compile_response
from contracts.mismatches import Mismatch, MismatchKind
from contracts.model import HttpResponse, actual_request, actual_response
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


PACT_SOURCE = "pact-mock-validation"
BASE = "[root].interactions[0]"  # the mock, read as a one-interaction pact (as the spec check does)


def _finding(
    code: str,
    severity: Severity,
    message: str,
    mock: RecordedMock,
    location: str,
    value: Any,
    *,
    contract: str,
    expected: Any = None,
    interaction: MockInteraction | None = None,
) -> Finding:
    return Finding(
        code=code,
        severity=severity,
        message=message,
        mock=MockDetails(mock.describe(), None, f"{BASE}.{location}", value, mock.location),
        spec=SpecDetails(
            location=f"[root].interactions[{interaction.index}]" if interaction else "[root].interactions",
            path_name=interaction.path if interaction else None,
            path_method=interaction.method if interaction else None,
            value=expected,
            contract=contract,
        ),
        source=PACT_SOURCE,
    )


def _mismatch_finding(mock: RecordedMock, interaction: MockInteraction, mismatch: Mismatch) -> Finding:
    code = (
        "response.content-type.incompatible"
        if mismatch.kind is MismatchKind.BODY_TYPE
        else "response.body.incompatible"
    )
    where = mismatch.path[1:] if mismatch.path.startswith("$") else ""
    return _finding(
        code,
        Severity.ERROR,
        f"Response body differs from the verified pact: {mismatch.message}",
        mock,
        f"response.body{where}",
        mismatch.actual,
        contract=f"pact {interaction.id}",
        expected=mismatch.expected,
        interaction=interaction,
    )


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
        hint = f" (closest verified: {', '.join(closest)})" if closest else ""
        if spec_present:  # the spec documents or rejects the path; the pacts only say nobody verified it
            code, severity = "request.path-or-method.unverified", Severity.WARNING
        else:
            code, severity = "request.path-or-method.unknown", Severity.ERROR
        return [
            _finding(
                code,
                severity,
                f"No verified interaction covers {mock.method} {path}{hint}",
                mock,
                "request.path",
                path,
                contract=f"verified pacts of {provider}",
                expected=closest,
            )
        ]
    if mock.status is None:
        return []
    statuses = sorted({c.interaction.response.status for c in candidates})
    if mock.status not in statuses:
        return [
            _finding(
                "response.status.unknown",
                Severity.WARNING if spec_present else Severity.ERROR,
                f"Response status code never verified for {mock.method} {path}: {mock.status} "
                f"(verified: {', '.join(map(str, statuses))})",
                mock,
                "response.status",
                mock.status,
                contract=f"verified pacts of {provider}",
                expected=statuses,
                interaction=candidates[0],
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
    return [_mismatch_finding(mock, interaction, m) for m in mismatches]
