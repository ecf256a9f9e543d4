"""Dispatch a report to one of its renderings."""

from __future__ import annotations

from collections.abc import Callable

from contracts.findings import VerificationReport
from verifier.report.json_report import render_json
from verifier.report.junit import render_junit
from verifier.report.text import render_text

FORMATS: dict[str, Callable[[VerificationReport], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
}


def render(report: VerificationReport, fmt: str) -> str:
    return FORMATS[fmt](report)
