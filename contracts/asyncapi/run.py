"""Running the AsyncAPI check over pacts, with the HTTP part of mixed pacts checked by the OpenAPI engine.

As in the comparator: HTTP interactions are checked when an OpenAPI document is given; message
interactions when an AsyncAPI document is given, or when no document at all is given for them (then each
is a `message.spec.missing` error). A pact of HTTP and messages checked against an OpenAPI document
alone checks its HTTP part only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.asyncapi.checker import AsyncAPIChecker
from contracts.asyncapi.document import AsyncAPIDocument, load_asyncapi, parse_asyncapi
from contracts.asyncapi.matching import MessageMatch, Outcome
from contracts.asyncapi.units import message_interactions
from contracts.findings import Finding, VerificationReport
from contracts.model import HttpInteraction, Pact
from contracts.openapi.checker import CheckOptions, OpenAPIChecker
from contracts.openapi.document import OpenAPIDocument, load_openapi, parse_openapi
from contracts.openapi.pacts import load_pact_file, parse_pact


@dataclass
class MessageCheckRun:
    """The findings of one run (a `VerificationReport`), the matched messages, and every outcome in order."""

    report: VerificationReport
    matches: list[MessageMatch] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def add(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            self.outcomes.append(outcome)
            if isinstance(outcome, Finding):
                self.report.findings.append(outcome)
            else:
                self.matches.append(outcome)


def run_checks(
    asyncapi: AsyncAPIDocument | None,
    openapi: OpenAPIDocument | None,
    pacts: Sequence[tuple[str, Pact]],
    options: CheckOptions | None = None,
    *,
    name_files: bool = True,
) -> MessageCheckRun:
    """Check `(source, pact)` pairs: HTTP interactions against `openapi`, messages against `asyncapi`."""
    spec = asyncapi.source if asyncapi is not None else openapi.source if openapi is not None else None
    run = MessageCheckRun(VerificationReport(spec_file=spec if name_files else None))
    http = OpenAPIChecker(openapi, options) if openapi is not None else None
    messages = AsyncAPIChecker(asyncapi) if asyncapi is not None or openapi is None else None
    for source, pact in pacts:
        named = source if name_files else None
        for index, interaction in enumerate(pact.interactions):
            if http is not None and isinstance(interaction, HttpInteraction):
                run.report.checked.append((source, index, interaction.description))
                run.add(http.check_interaction(interaction, index, named))
        if messages is None:
            continue
        for unit in message_interactions(pact):
            run.report.checked.append((source, unit.index, unit.description))
            run.add(messages.check_interaction(unit, named))
    return run


def check_files(
    asyncapi_path: str | Path | None,
    pact_paths: Sequence[str | Path],
    openapi_path: str | Path | None = None,
    options: CheckOptions | None = None,
) -> MessageCheckRun:
    """Check pact files against an AsyncAPI file (and an OpenAPI file for their HTTP part).
    Raises `AsyncAPIError` / `OpenAPIError` / `PactFormatError` for unreadable input."""
    asyncapi = load_asyncapi(asyncapi_path) if asyncapi_path is not None else None
    openapi = load_openapi(openapi_path) if openapi_path is not None else None
    pacts = [(str(path), load_pact_file(path)) for path in pact_paths]
    return run_checks(asyncapi, openapi, pacts, options)


def check_documents(
    asyncapi: Any, pacts: Sequence[Any], openapi: Any = None, options: CheckOptions | None = None
) -> MessageCheckRun:
    """Check parsed pact documents against parsed specs (None: that spec is not given)."""
    parsed = [(f"pact[{i}]", parse_pact(pact, f"pact[{i}]")) for i, pact in enumerate(pacts)]
    return run_checks(
        parse_asyncapi(asyncapi) if asyncapi is not None else None,
        parse_openapi(openapi) if openapi is not None else None,
        parsed,
        options,
        name_files=False,
    )
