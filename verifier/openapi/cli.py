"""`tether verify openapi SPEC PACT...`: the static check, exit 0 compatible, 1 not, 2 unreadable input."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contracts.errors import ContractError
from contracts.openapi.checker import CheckOptions
from contracts.openapi.run import check_files
from verifier.errors import VerifierError
from verifier.report.render import FORMATS, render


@click.command(name="openapi")
@click.argument("spec", type=click.Path(path_type=Path, dir_okay=False))
@click.argument(
    "pacts", nargs=-1, required=True, metavar="PACT...", type=click.Path(path_type=Path, dir_okay=False)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="text for people, json in PactFlow's shape, junit for CI test reports.",
)
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE.")
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
def openapi_command(
    spec: Path,
    pacts: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    additional_properties_in_response: bool,
    required_properties_in_response: bool,
    ignore_matching_rules: bool,
) -> None:
    """Check that every interaction of the PACT files is allowed by the OpenAPI SPEC (Swagger 2.0,
    OpenAPI 3.0/3.1, JSON or YAML). No provider is needed.

    Exit status: 0 compatible, 1 incompatible, 2 unreadable input.
    """
    options = CheckOptions(
        additional_properties_in_response=additional_properties_in_response,
        required_properties_in_response=required_properties_in_response,
        honour_matching_rules=not ignore_matching_rules,
    )
    try:
        report = check_files(spec, list(pacts), options)
    except (ContractError, VerifierError) as exc:
        click.echo(f"error: cannot read input: {exc}", err=True)
        sys.exit(2)
    text = render(report, fmt)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"error: cannot write {output}: {exc}", err=True)
            sys.exit(2)
        verdict = "compatible" if report.success else "NOT compatible"
        click.echo(
            f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s); report in {output}"
        )
    else:
        click.echo(text, nl=False)
    sys.exit(0 if report.success else 1)
