"""`tether verify openapi SPEC PACT...`: the static check, exit 0 compatible, 1 not, 2 unreadable input.

An AsyncAPI SPEC is handed to the AsyncAPI check (`tether verify asyncapi`); `--asyncapi FILE` checks the
message interactions of mixed pacts against FILE while their HTTP part is checked against SPEC."""

from __future__ import annotations

from pathlib import Path

import click

from contracts.openapi.checker import CheckOptions
from verifier.asyncapi.check import check_specs, emit
from verifier.report.options import report_options
from verifier.report.render import FORMATS


@click.command(name="openapi")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.argument(
    "pacts", nargs=-1, required=True, metavar="PACT...", type=click.Path(path_type=Path, dir_okay=False)
)
@report_options(FORMATS, json_help="json in PactFlow's shape")
@click.option(
    "--additional-properties-in-response",
    is_flag=True,
    help="Allow response bodies to have properties the spec does not declare (default: an error).",
)
@click.option(
    "--required-properties-in-response",
    is_flag=True,
    help="Require response bodies to have the spec's required properties (default: not checked).",
)
@click.option(
    "--ignore-matching-rules",
    is_flag=True,
    help="Check only the pact's examples, like PactFlow's tools, ignoring its matching rules.",
)
@click.option(
    "--asyncapi",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check the pacts' message interactions against this AsyncAPI 2.x/3.x document.",
)
def openapi_command(
    spec: Path,
    pacts: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    additional_properties_in_response: bool,
    required_properties_in_response: bool,
    ignore_matching_rules: bool,
    asyncapi: Path | None,
) -> None:
    """Check that every interaction of the PACT files is allowed by the OpenAPI SPEC (Swagger 2.0,
    OpenAPI 3.0/3.1, JSON or YAML). No provider is needed. An AsyncAPI SPEC checks the message
    interactions instead (see `tether verify asyncapi`).

    Exit status: 0 compatible, 1 incompatible, 2 unreadable input.
    """
    options = CheckOptions(
        additional_properties_in_response=additional_properties_in_response,
        required_properties_in_response=required_properties_in_response,
        honour_matching_rules=not ignore_matching_rules,
    )
    if asyncapi is None and not _may_be_asyncapi(spec):
        report = check_specs(None, list(pacts), openapi=spec, options=options)
    else:
        report = check_specs(spec, list(pacts), asyncapi=asyncapi, options=options)
    emit(report, fmt, output)


def _may_be_asyncapi(spec: Path) -> bool:
    """False when the file cannot be an AsyncAPI document (the word `asyncapi` is nowhere in it): the
    check then reads it once, as OpenAPI, instead of also decoding it to look for AsyncAPI's version."""
    try:
        return b"asyncapi" in spec.read_bytes()
    except OSError:
        return True  # let the loader say what is wrong with it
