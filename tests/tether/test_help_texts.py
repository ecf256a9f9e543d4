"""Every option of every `tether` command explains itself, in words a user can act on."""

from __future__ import annotations

import re
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from tether.cli import main

# `tether mock` is being rewritten by its owner; its options are checked there.
OWNED_ELSEWHERE: set[str] = set()
MODULE_PATH = re.compile(
    r"(?<![\w/.-])(broker|brokerclient|verifier|mocking|loadgen|contracts|tether)\.[a-z_]"
)
CHOICE_OPTIONS = {"--log-level", "--format"}


def _commands() -> Iterator[tuple[str, click.Command]]:
    def walk(
        command: click.Command, path: list[str], ctx: click.Context
    ) -> Iterator[tuple[str, click.Command]]:
        yield " ".join(path), command
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                if len(path) == 1 and name in OWNED_ELSEWHERE:
                    continue
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                yield from walk(sub, [*path, name], click.Context(sub, parent=ctx, info_name=name))

    yield from walk(main, ["tether"], click.Context(main, info_name="tether"))


COMMANDS = dict(_commands())


def test_the_walk_reaches_every_package_command() -> None:
    assert {
        "tether broker serve",
        "tether broker migrate",
        "tether verify openapi",
        "tether verify provider",
        "tether loadgen locustfile",
        "tether loadgen run",
        "tether pact",
        "tether demo",
    } <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_has_help_without_internal_references(path: str) -> None:
    command = COMMANDS[path]
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden:
            continue
        assert param.help, f"{path} {param.opts} has no help text"
        assert "``" not in param.help, f"{path} {param.opts}: {param.help!r}"
        assert not MODULE_PATH.search(param.help), f"{path} {param.opts} names a module: {param.help!r}"
        if CHOICE_OPTIONS & set(param.opts):
            assert isinstance(param.type, click.Choice), f"{path} {param.opts} should list its choices"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_rendered_help_has_no_internal_references(path: str) -> None:
    args = [*path.split()[1:], "--help"]
    result = CliRunner().invoke(main, args, terminal_width=400, max_content_width=400)
    assert result.exit_code == 0, result.output
    assert "``" not in result.output, result.output
    assert not MODULE_PATH.search(result.output), result.output


def test_log_level_lists_its_choices() -> None:
    result = CliRunner().invoke(main, ["broker", "serve", "--help"])
    assert "[critical|error|warning|info|debug|trace]" in result.output
    assert "How much the server logs." in result.output
