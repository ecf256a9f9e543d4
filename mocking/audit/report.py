"""The audit's results and their renderings: the terminal summary and a JSON document."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from mocking.audit.findings import Finding
from mocking.audit.recorder import RecordedMock
from mocking.audit.targets import AuditTarget


@dataclass(slots=True)
class CheckedMock:
    mock: RecordedMock
    target: AuditTarget | None
    findings: list[Finding] = field(default_factory=list)
    note: str = ""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


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
    def not_audited(self) -> list[CheckedMock]:
        return [c for c in self.checked if c.target is None]

    def summary_line(self) -> str:
        libraries = Counter(c.mock.library for c in self.checked)
        per_library = ", ".join(f"{name} {count}" for name, count in sorted(libraries.items()))
        audited = [c for c in self.checked if c.target is not None]
        ok = [c for c in audited if not c.findings]
        with_errors = [c for c in audited if c.errors]
        text = (
            f"{len(self.checked)} mock(s) recorded"
            + (f" ({per_library})" if per_library else "")
            + f": {len(with_errors)} drifted ({self.error_count} error(s), {self.warning_count} warning(s)), {len(ok)} ok"
        )
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
            },
            "mocks": [
                {
                    **c.mock.to_json(),
                    "provider": c.target.provider if c.target else None,
                    "note": c.note or None,
                    "findings": [f.to_json() for f in c.findings],
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
                mark = "x" if finding.severity == "error" else "!"
                writer.write_line(
                    f"    {mark} {finding.kind.value:<17} {finding.location}: {finding.message}",
                    red=finding.severity == "error",
                    yellow=finding.severity == "warning",
                )
                writer.write_line(f"      according to {finding.source}")
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
