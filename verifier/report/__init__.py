"""Renderings (text, JSON, JUnit XML) of typed verification findings."""

from __future__ import annotations

from contracts.findings import Finding, MockDetails, Severity, SpecDetails, VerificationReport
from verifier.report.render import FORMATS, render

__all__ = ["FORMATS", "Finding", "MockDetails", "Severity", "SpecDetails", "VerificationReport", "render"]
