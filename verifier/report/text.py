"""A human-readable rendering: one block per finding, then a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from verifier.report.findings import Finding, VerificationReport


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _block(finding: Finding) -> list[str]:
    mock, spec = finding.mock, finding.spec
    where = f"{mock.mock_file}: " if mock.mock_file else ""
    lines = [
        f"{finding.severity.value.upper()} {finding.code}: {finding.message}",
        f"  interaction: {mock.interaction_description!r} (state: {mock.interaction_state or '[none]'})",
        f"  pact:        {where}{mock.location} = {_short(mock.value)}",
    ]
    operation = (
        f" ({spec.path_method.upper()} {spec.path_name})" if spec.path_method and spec.path_name else ""
    )
    lines.append(f"  spec:        {spec.pointer or spec.location}{operation}")
    return lines


def render_text(report: VerificationReport) -> str:
    lines: list[str] = []
    for finding in [*report.errors, *report.warnings]:
        lines.extend(_block(finding))
        lines.append("")
    errors, warnings = report.errors, report.warnings
    verdict = "compatible" if report.success else "NOT compatible"
    spec = f" with {report.spec_file}" if report.spec_file else ""
    lines.append(f"Pact(s) {verdict}{spec}: {len(errors)} error(s), {len(warnings)} warning(s)")
    for code, count in sorted(Counter(f.code for f in [*errors, *warnings]).items()):
        lines.append(f"  {code}: {count}")
    return "\n".join(lines) + "\n"
