"""The PactFlow tools' JSON shape: `{"success", "errors", "warnings"}`."""

from __future__ import annotations

import json

from contracts.findings import VerificationReport


def render_json(report: VerificationReport) -> str:
    return json.dumps(report.to_json(), indent=2, default=str) + "\n"
