"""`tether verify`: the verifier's commands (one function per command, each in its own module).

The commands are imported when used: `tether verify openapi` never pays for the live verifier's imports
(httpx, the broker client, rich progress), nor the live verifier for the static check's."""

from __future__ import annotations

import importlib

import click

# command name -> "module:attribute" of its click command
COMMANDS: dict[str, str] = {
    "openapi": "verifier.openapi.cli:openapi_command",
    "asyncapi": "verifier.asyncapi.cli:asyncapi_command",
    "provider": "verifier.live.cli:provider_command",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):  # pragma: no cover - programming error
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(name="verify", cls=_LazyGroup)
def verify_group() -> None:
    """Verify pacts against OpenAPI and AsyncAPI specs and live providers."""
