"""Running the check over files or parsed documents, producing a `VerificationReport`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from contracts.findings import VerificationReport
from contracts.model import HttpInteraction, Pact
from contracts.openapi.checker import CheckOptions, OpenAPIChecker
from contracts.openapi.document import load_openapi, parse_openapi
from contracts.openapi.pacts import load_pact_file, parse_pact


def run_checker(
    checker: OpenAPIChecker, pacts: Sequence[tuple[str, Pact]], *, name_files: bool
) -> VerificationReport:
    """Check `(source, pact)` pairs; with `name_files` the findings name the spec and pact files."""
    report = VerificationReport(spec_file=checker.document.source if name_files else None)
    for source, pact in pacts:
        for index, interaction in enumerate(pact.interactions):
            if not isinstance(interaction, HttpInteraction):
                continue
            report.checked.append((source, index, interaction.description))
            report.extend(checker.check_interaction(interaction, index, source if name_files else None))
    return report


def check_files(
    spec_path: str | Path, pact_paths: Sequence[str | Path], options: CheckOptions | None = None
) -> VerificationReport:
    """Check pact files against a spec file. Raises `OpenAPIError`/`PactFormatError` for bad input."""
    checker = OpenAPIChecker(load_openapi(spec_path), options)
    pacts = [(str(path), load_pact_file(path)) for path in pact_paths]
    return run_checker(checker, pacts, name_files=True)


def check_documents(
    spec: Any, pacts: Sequence[Any], options: CheckOptions | None = None
) -> VerificationReport:
    """Check parsed pact documents against a parsed spec (no files involved)."""
    checker = OpenAPIChecker(parse_openapi(spec), options)
    parsed = [(f"pact[{i}]", parse_pact(pact, f"pact[{i}]")) for i, pact in enumerate(pacts)]
    return run_checker(checker, parsed, name_files=False)
