"""Running the static checks from the command line: which engine a spec file needs, and the report's output.

Shared by `tether verify openapi` (which hands AsyncAPI documents on) and `tether verify asyncapi`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from contracts.asyncapi.document import is_asyncapi_file
from contracts.asyncapi.units import message_interactions
from contracts.errors import ContractError
from contracts.findings import VerificationReport
from contracts.openapi.checker import CheckOptions
from contracts.openapi.pacts import load_pact_file
from contracts.openapi.run import check_files as check_openapi_files
from verifier.errors import VerifierError
from verifier.report.render import render


def check_specs(
    spec: Path | None,
    pacts: list[Path],
    *,
    openapi: Path | None = None,
    asyncapi: Path | None = None,
    options: CheckOptions | None = None,
) -> VerificationReport:
    """The report of `pacts` against the given specs; `spec` is either kind (detected from its contents).
    Exits 2 with a message naming the file and the problem when an input cannot be read."""
    try:
        if spec is not None and is_asyncapi_file(spec):
            if asyncapi is not None:
                raise click.UsageError(f"two AsyncAPI documents given ({spec} and {asyncapi}): give one")
            asyncapi = spec
        elif spec is not None:
            if openapi is not None:
                raise click.UsageError(f"two OpenAPI documents given ({spec} and {openapi}): give one")
            openapi = spec
        if asyncapi is None and openapi is not None:
            report = check_openapi_files(openapi, pacts, options)
            unchecked = _message_count(pacts)
            if unchecked:
                click.echo(
                    f"note: {unchecked} message interaction(s) not checked: an OpenAPI document describes HTTP "
                    "only; give the AsyncAPI document with --asyncapi FILE",
                    err=True,
                )
            return report
        from contracts.asyncapi.run import check_files as check_message_files  # not on the OpenAPI path

        return check_message_files(asyncapi, pacts, openapi, options).report
    except (ContractError, VerifierError) as exc:
        click.echo(f"error: cannot read input: {exc}", err=True)
        sys.exit(2)


def _message_count(pacts: list[Path]) -> int:
    return sum(1 for path in pacts for _ in message_interactions(load_pact_file(path)))


def emit(report: VerificationReport, fmt: str, output: Path | None) -> None:
    """Print (or write to `output`) the report in `fmt` and exit 0 when compatible, 1 when not."""
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
