"""Running the check over files or parsed documents, producing a `VerificationReport`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contracts.findings import VerificationReport
from contracts.openapi.checker import CheckOptions, OpenAPIChecker
from contracts.openapi.document import load_openapi, parse_openapi
from contracts.openapi.pacts import PactView, load_pact_file, parse_pact


def run_checker(
    checker: OpenAPIChecker, pacts: Sequence[PactView], *, name_files: bool
) -> VerificationReport:
    report = VerificationReport(spec_file=checker.document.source if name_files else None)
    for pact in pacts:
        for interaction in pact.interactions:
            report.checked.append((pact.source, interaction.index, interaction.description))
            report.extend(checker.check_interaction(interaction, pact.source if name_files else None))
    return report


def check_files(
    spec_path: str | Path, pact_paths: Sequence[str | Path], options: CheckOptions | None = None
) -> VerificationReport:
    """Check pact files against a spec file. Raises `OpenAPIError`/`PactFormatError` for bad input."""
    checker = OpenAPIChecker(load_openapi(spec_path), options)
    pacts = [load_pact_file(path) for path in pact_paths]
    return run_checker(checker, pacts, name_files=True)


def check_documents(
    spec: Any, pacts: Sequence[Any], options: CheckOptions | None = None
) -> VerificationReport:
    """Check parsed pact documents against a parsed spec (no files involved)."""
    checker = OpenAPIChecker(parse_openapi(spec), options)
    views = [parse_pact(pact, f"pact[{i}]") for i, pact in enumerate(pacts)]
    return run_checker(checker, views, name_files=False)
