"""`tether verify`: the verifier's commands (one function per command, each in its own module)."""

from __future__ import annotations

import click

from verifier.asyncapi.cli import asyncapi_command
from verifier.live.cli import provider_command
from verifier.openapi.cli import openapi_command


@click.group(name="verify")
def verify_group() -> None:
    """Verify pacts against OpenAPI and AsyncAPI specs and live providers."""


verify_group.add_command(openapi_command)
verify_group.add_command(asyncapi_command)
verify_group.add_command(provider_command)
