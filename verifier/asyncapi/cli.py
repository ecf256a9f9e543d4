"""`tether verify asyncapi SPEC PACT...`: message pacts against an AsyncAPI document, exit 0 / 1 / 2."""

from __future__ import annotations

from pathlib import Path

import click

from contracts.asyncapi.document import is_asyncapi_file
from verifier.asyncapi.check import check_specs, emit
from verifier.report.options import report_options
from verifier.report.render import FORMATS


@click.command(name="asyncapi")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.argument(
    "pacts", nargs=-1, required=True, metavar="PACT...", type=click.Path(path_type=Path, dir_okay=False)
)
@click.option(
    "--openapi",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check the HTTP interactions of mixed pacts against this OpenAPI document.",
)
@report_options(FORMATS, json_help="json in PactFlow's shape")
def asyncapi_command(
    spec: Path, pacts: tuple[Path, ...], openapi: Path | None, fmt: str, output: Path | None
) -> None:
    """Check that every message interaction of the PACT files (V3 messages, V4 asynchronous and
    synchronous messages) is allowed by the AsyncAPI SPEC (2.x or 3.x, JSON or YAML). An interaction
    names its operation in comments.references.AsyncAPI.operationId, or its channel in its metadata
    ("channel", "topic", "destination", "queue" or "routingKey"). No provider is needed.

    Exit status: 0 compatible, 1 incompatible, 2 unreadable input.
    """
    if not is_asyncapi_file(spec) and Path(spec).is_file():
        raise click.UsageError(
            f"{spec} is not an AsyncAPI document (no 'asyncapi' version field); "
            "for an OpenAPI document use `tether verify openapi`"
        )
    report = check_specs(None, list(pacts), asyncapi=spec, openapi=openapi)
    emit(report, fmt, output)
