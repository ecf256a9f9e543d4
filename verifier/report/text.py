"""A human-readable rendering: findings grouped by pact file and interaction, then a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from contracts.findings import Finding, VerificationReport


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _block(finding: Finding) -> list[str]:
    mock, spec = finding.mock, finding.spec
    operation = (
        f" ({spec.path_method.upper()} {spec.path_name})" if spec.path_method and spec.path_name else ""
    )
    lines = [
        f"  {finding.severity.value.upper()} {finding.code}: {finding.message}",
        f"    pact: {mock.location} = {_short(mock.value)}",
        f"    spec: {spec.pointer or spec.location}{operation}",
    ]
    for cause in finding.causes:  # e.g. why no message of an AsyncAPI operation matched
        lines.extend("    " + line for line in _block(cause))
    return lines


def render_text(report: VerificationReport) -> str:
    lines: list[str] = []
    groups: dict[tuple[str, int | None, str], list[Finding]] = {}
    for finding in [*report.errors, *report.warnings]:
        index = finding.mock.interaction_index
        label = f"interactions[{index}]" if index is not None else finding.mock.location
        groups.setdefault((finding.mock.mock_file or "", index, label), []).append(finding)
    files = list(dict.fromkeys(source for source, _, _ in report.checked))

    def order(key: tuple[str, int | None, str]) -> tuple[int, int, str]:
        source, index, label = key
        rank = files.index(source) if source in files else len(files)
        return (rank, -1 if index is None else index, label)

    for (source, _, interaction), findings in sorted(groups.items(), key=lambda kv: order(kv[0])):
        first = findings[0].mock
        where = f"{source} " if source else ""
        lines.append(
            f"{where}{interaction} {first.interaction_description!r} (state: {first.interaction_state or '[none]'})"
        )
        for finding in findings:
            lines.extend(_block(finding))
        lines.append("")
    errors, warnings = report.errors, report.warnings
    verdict = "compatible" if report.success else "NOT compatible"
    spec = f" with {report.spec_file}" if report.spec_file else ""
    lines.append(f"Pact(s) {verdict}{spec}: {len(errors)} error(s), {len(warnings)} warning(s)")
    for code, count in sorted(Counter(f.code for f in [*errors, *warnings]).items()):
        lines.append(f"  {code}: {count}")
    return "\n".join(lines) + "\n"
