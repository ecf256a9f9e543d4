"""`tether pact`: validate, hash and summarise pact files."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contracts.errors import ContractError
from contracts.hashing import pact_version_sha
from contracts.model import AsyncMessage, HttpInteraction, Interaction, Pact, SyncMessage
from contracts.pactfile import load_pact
from contracts.validation import validate_pact

EXIT_INVALID = 2


@click.group(name="pact")
def pact_group() -> None:
    """Inspect, validate and hash pact files (spec V1 to V4)."""


def _load(path: str) -> Pact:
    try:
        return load_pact(path)
    except ContractError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INVALID)


@pact_group.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check that each FILE is a well-formed pact.

    Prints one line per valid file; problems go to stderr, each naming the file, the JSON location
    and the fix. Exits 2 when any file is invalid.
    """
    failed = False
    for name in files:
        try:
            pact = load_pact(name)
        except ContractError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        problems = validate_pact(pact)
        if problems:
            failed = True
            for problem in problems:
                click.echo(f"error: {name}: {problem}", err=True)
            continue
        click.echo(
            f"ok: {name}: {pact.consumer} -> {pact.provider}, spec V{pact.spec_version}, "
            f"{len(pact.interactions)} interaction{'s' if len(pact.interactions) != 1 else ''}"
        )
    if failed:
        sys.exit(EXIT_INVALID)


@pact_group.command(name="hash")
@click.argument("file", type=click.Path(dir_okay=False))
def hash_command(file: str) -> None:
    """Print the pact version sha of FILE (stable under key order, whitespace and interaction order)."""
    click.echo(pact_version_sha(_load(file)))


def _states(interaction: Interaction) -> str:
    return "; ".join(
        state.name + (f" {json.dumps(state.params)}" if state.params else "")
        for state in interaction.provider_states
    )


def _summary(interaction: Interaction) -> tuple[str, str]:
    if isinstance(interaction, HttpInteraction):
        request = interaction.request
        query = "?" + "&".join(f"{k}=…" for k in request.query) if request.query else ""
        return f"{request.method} {request.path}{query}", str(interaction.response.status)
    if isinstance(interaction, AsyncMessage):
        return "", interaction.content_type() or "message"
    if isinstance(interaction, SyncMessage):
        count = len(interaction.responses)
        return (
            interaction.request.content_type() or "message",
            f"{count} response message{'s' if count != 1 else ''}",
        )
    return "", ""  # pragma: no cover - every interaction type is handled above


@pact_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--width", type=int, default=None, help="Console width (defaults to the terminal's).")
def show(file: str, width: int | None) -> None:
    """Summarise the interactions of FILE in a table."""
    pact = _load(file)
    console = Console(width=width, soft_wrap=False)
    console.print(  # names are data, never markup: Text keeps "[...]" in them literal
        Text.assemble(
            (pact.consumer, "bold"),
            " -> ",
            (pact.provider, "bold"),
            f"  spec V{pact.spec_version}  {len(pact.interactions)} interactions  "
            f"sha {pact_version_sha(pact)[:12]}",
        )
    )
    table = Table(show_lines=False)
    for column in ("#", "type", "description", "provider states", "request", "response"):
        table.add_column(column, overflow="fold")
    for index, interaction in enumerate(pact.interactions, start=1):
        request, response = _summary(interaction)
        flags: list[Any] = []
        if interaction.pending:
            flags.append("pending")
        kind = interaction.interaction_type + (f" ({', '.join(flags)})" if flags else "")
        cells = (kind, interaction.description, _states(interaction), request, response)
        table.add_row(str(index), *(Text(cell) for cell in cells))
    console.print(table)
