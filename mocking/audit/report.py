"""The audit's results and their renderings: the terminal summary and a JSON document."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from contracts.findings import Finding, Severity
from mocking.audit.recorder import RecordedMock
from mocking.audit.targets import AuditTarget


@dataclass(slots=True)
class CheckedMock:
    mock: RecordedMock
    target: AuditTarget | None
    findings: list[Finding] = field(default_factory=list)
    note: str = ""
    faults: list[Finding] = field(default_factory=list)
    """Out-of-contract response findings the test declared intentional (``@pytest.mark.tether_fault``)."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


@dataclass(slots=True)
class AuditResult:
    targets: list[AuditTarget]
    checked: list[CheckedMock]

    @property
    def drifted(self) -> list[CheckedMock]:
        return [c for c in self.checked if c.findings]

    @property
    def error_count(self) -> int:
        return sum(len(c.errors) for c in self.checked)

    @property
    def warning_count(self) -> int:
        return sum(len(c.warnings) for c in self.checked)

    @property
    def faulted(self) -> list[CheckedMock]:
        return [c for c in self.checked if c.faults]

    @property
    def not_audited(self) -> list[CheckedMock]:
        return [c for c in self.checked if c.target is None]

    def summary_line(self) -> str:
        libraries = Counter(c.mock.library for c in self.checked)
        per_library = ", ".join(f"{name} {count}" for name, count in sorted(libraries.items()))
        audited = [c for c in self.checked if c.target is not None]
        ok = [c for c in audited if not c.findings and not c.faults]
        with_errors = [c for c in audited if c.errors]
        text = (
            f"{len(self.checked)} mock(s) recorded"
            + (f" ({per_library})" if per_library else "")
            + f": {len(with_errors)} drifted ({self.error_count} error(s), {self.warning_count} warning(s)), {len(ok)} ok"
        )
        if self.faulted:
            text += f", {len(self.faulted)} intentional fault(s)"
        if self.not_audited:
            text += f", {len(self.not_audited)} not audited"
        return text

    def to_json(self) -> dict[str, Any]:
        return {
            "targets": [t.describe() for t in self.targets],
            "summary": {
                "mocks": len(self.checked),
                "drifted": len([c for c in self.checked if c.errors]),
                "errors": self.error_count,
                "warnings": self.warning_count,
                "notAudited": len(self.not_audited),
                "intentionalFaults": len(self.faulted),
            },
            "mocks": [
                {
                    **c.mock.to_json(),
                    "provider": c.target.provider if c.target else None,
                    "note": c.note or None,
                    "findings": [f.to_json() for f in c.findings],
                    "intentionalFaults": [f.to_json() for f in c.faults],
                }
                for c in self.checked
            ],
        }


class Writer(Protocol):
    def write_sep(self, sep: str, title: str | None = None, **markup: bool) -> None: ...
    def write_line(self, line: str | bytes, **markup: bool) -> None: ...


def _short(location: str) -> str:
    try:
        relative = os.path.relpath(location)
    except ValueError:
        return location
    return relative if not relative.startswith("..") else location


MOCK_BASE = "[root].interactions[0]."


def where(finding: Finding) -> str:
    """Where in the mock: the engine's location without the one-interaction prefix (`response.body.total`)."""
    location = finding.mock.location
    return location[len(MOCK_BASE) :] if location.startswith(MOCK_BASE) else location


def _shown(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) or (isinstance(value, list) and len(value) <= 8)


def explained(finding: Finding) -> str:
    """The engine's message, with the mock's value (and the spec's, when short) for value problems."""
    text = finding.message
    if (
        finding.code.endswith(".incompatible")
        and finding.mock.value is not None
        and _shown(finding.mock.value)
    ):
        text += f" (the mock has {finding.mock.value!r}"
        if finding.spec.value is not None and _shown(finding.spec.value):
            text += f", the contract: {finding.spec.value!r}"
        text += ")"
    return text


def according_to(finding: Finding) -> str:
    """Which contract says so: `OpenAPI orders.yaml GET /orders/{orderId}` or `pact Web: get an order`."""
    spec = finding.spec
    if spec.contract is not None:
        return spec.contract
    operation = f" {str(spec.path_method).upper()} {spec.path_name}" if spec.path_name else ""
    return f"OpenAPI {spec.spec_file or 'spec'}{operation} ({spec.pointer or spec.location})"


def render(result: AuditResult, writer: Writer, *, strict: bool) -> None:
    writer.write_sep("=", "tether mock audit", bold=True)
    for target in result.targets:
        writer.write_line(f"contract: {target.describe()}")
        if target.contracts is not None:
            for skipped in target.contracts.skipped:
                writer.write_line(f"  skipped pact {skipped.source}: {skipped.reason}", yellow=True)
    drifted = result.drifted
    for test in dict.fromkeys(c.mock.test for c in drifted):
        writer.write_line("")
        mocks = [c for c in drifted if c.mock.test == test]
        has_errors = any(c.errors for c in mocks)
        writer.write_line(
            f"{'DRIFT' if has_errors else 'WARN '} {test}", red=has_errors, yellow=not has_errors, bold=True
        )
        for checked in mocks:
            mock = checked.mock
            writer.write_line(f"  {mock.library} mock at {_short(mock.location)}: {mock.describe()}")
            for finding in checked.findings:
                error = finding.severity is Severity.ERROR
                writer.write_line(
                    f"    {'x' if error else '!'} {finding.code} at {where(finding)}: {explained(finding)}",
                    red=error,
                    yellow=not error,
                )
                writer.write_line(f"      according to {according_to(finding)}")
    for checked in result.faulted:
        writer.write_line("")
        writer.write_line(
            f"FAULT {checked.mock.test}: {checked.mock.library} mock at {_short(checked.mock.location)}: "
            f"{checked.mock.describe()} (intentional: @pytest.mark.tether_fault)",
            yellow=True,
        )
        for finding in checked.faults:
            writer.write_line(f"    ~ {finding.code} at {where(finding)}: {explained(finding)}")
    hosts = sorted({c.mock.host or "?" for c in result.not_audited if c.note.startswith("host")})
    notes = [c for c in result.checked if c.note and c.target is not None]
    writer.write_line("")
    if hosts:
        writer.write_line(
            f"not audited: mocks for host(s) {', '.join(hosts)} belong to no audited provider "
            "(map them with --tether-audit-host PROVIDER=HOST)",
            yellow=True,
        )
    unaudited_other = [c for c in result.not_audited if not c.note.startswith("host")]
    for checked in unaudited_other:
        writer.write_line(
            f"not audited: {checked.mock.library} mock at {_short(checked.mock.location)}: {checked.note}",
            yellow=True,
        )
    for checked in notes:
        writer.write_line(
            f"partly audited: {checked.mock.library} mock at {_short(checked.mock.location)}: {checked.note}"
        )
    failing = strict and result.error_count > 0
    colour = {"red": True} if result.error_count else {"green": True}
    writer.write_line(
        f"tether audit: {result.summary_line()}"
        + (" -- failing the run (--tether-audit-strict)" if failing else ""),
        bold=True,
        **colour,
    )
