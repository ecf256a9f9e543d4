"""The broker and selector options are the same in every command: names, environment variables, help
(introspected from the click commands and the pytest plugin), and they behave the same."""

from __future__ import annotations

from typing import Any

import click
import pytest
from click.testing import CliRunner

from brokerclient.option_specs import BROKER_OPTIONS, SELECTOR_OPTIONS, SHARED_OPTIONS, OptionSpec
from mocking import pytest_plugin
from tests.support import free_port
from tether.cli import main

COMMANDS = (("verify", "provider"), ("mock", "serve"), ("loadgen", "locustfile"))


def command(path: tuple[str, ...]) -> click.Command:
    context = click.Context(main)
    found: click.Command | None = main
    for name in path:
        assert isinstance(found, click.Group)
        found = found.get_command(context, name)
    assert found is not None
    return found


def option(cmd: click.Command, dest: str) -> click.Option:
    matches = [p for p in cmd.params if isinstance(p, click.Option) and p.name == dest]
    assert len(matches) == 1, f"{cmd.name}: {dest}"
    return matches[0]


def described(spec: OptionSpec, cmd: click.Command) -> tuple[object, ...]:
    found = option(cmd, spec.dest)
    return (found.opts, found.envvar, found.help, found.multiple, found.is_flag, found.hidden)


@pytest.mark.parametrize("spec", SHARED_OPTIONS, ids=lambda spec: spec.name)
def test_every_command_declares_the_option_identically(spec: OptionSpec) -> None:
    declarations = {path: described(spec, command(path)) for path in COMMANDS}
    first = declarations[COMMANDS[0]]
    assert all(declared == first for declared in declarations.values()), declarations
    assert first[0] == [spec.name]
    assert first[1] == (list(spec.envvars) or None)
    assert first[2] == spec.help


def test_broker_options_read_ours_then_the_pact_cli_environment_variables() -> None:
    assert {spec.name: spec.envvars for spec in BROKER_OPTIONS} == {
        "--broker-url": ("TETHER_BROKER_URL", "PACT_BROKER_BASE_URL"),
        "--broker-token": ("TETHER_BROKER_TOKEN", "PACT_BROKER_TOKEN"),
        "--broker-username": ("TETHER_BROKER_USERNAME", "PACT_BROKER_USERNAME"),
        "--broker-password": ("TETHER_BROKER_PASSWORD", "PACT_BROKER_PASSWORD"),
    }


def test_the_pact_cli_plural_selector_name_is_a_hidden_alias_everywhere() -> None:
    for path in COMMANDS:
        alias = option(command(path), "selectors__alias0")
        assert alias.opts == ["--consumer-version-selectors"]
        assert alias.hidden


def test_the_pytest_plugin_takes_the_same_options_with_the_tether_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PACT_BROKER_TOKEN", "from-the-pact-cli-variable")
    monkeypatch.delenv("TETHER_BROKER_TOKEN", raising=False)
    parser = RecordingParser()
    pytest_plugin.pytest_addoption(parser)  # type: ignore[arg-type]
    options = parser.groups["tether"].options
    for spec in SHARED_OPTIONS:
        attrs = options["--tether-" + spec.name.removeprefix("--")]
        assert attrs["help"].startswith(spec.help)
        for variable in spec.envvars:
            assert variable in attrs["help"]
        assert attrs.get("action") == ("store_true" if spec.flag else "append" if spec.multiple else None)
    assert options["--tether-broker-token"]["default"] == "from-the-pact-cli-variable"
    assert "--tether-broker-url" in options
    assert "--tether-pact" in options


class RecordingGroup:
    def __init__(self) -> None:
        self.options: dict[str, dict[str, Any]] = {}

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.options[names[0]] = attrs


class RecordingParser:
    """Records what a ``pytest_addoption`` hook declares (pytest's own Parser is private)."""

    def __init__(self) -> None:
        self.groups: dict[str, RecordingGroup] = {}

    def getgroup(self, name: str, description: str = "") -> RecordingGroup:
        return self.groups.setdefault(name, RecordingGroup())


ARGS = {
    ("verify", "provider"): ["--provider", "OrdersApi", "--provider-base-url", "http://127.0.0.1:9"],
    ("mock", "serve"): ["--provider", "OrdersApi"],
    ("loadgen", "locustfile"): ["--provider", "OrdersApi"],
}


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_bad_broker_url_is_refused_the_same_way(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, *ARGS[path], "--broker-url", "ftp://broker"])
    assert result.exit_code == 2
    assert (
        "--broker-url 'ftp://broker' is not an http(s) URL (for example http://127.0.0.1:9292)"
        in result.output
    )


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_token_and_password_together_are_refused_the_same_way(path: tuple[str, ...]) -> None:
    extra = ["--broker-url", "http://127.0.0.1:9", "--broker-token", "t", "--broker-username", "u"]
    result = CliRunner().invoke(main, [*path, *ARGS[path], *extra])
    assert result.exit_code == 2
    assert "give either --broker-token or --broker-username/--broker-password, not both" in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_bad_selector_is_refused_the_same_way(path: tuple[str, ...]) -> None:
    extra = [
        "--broker-url",
        "http://127.0.0.1:9",
        "--consumer-version-selector",
        '{"tag": "a", "branch": "b"}',
    ]
    result = CliRunner().invoke(main, [*path, *ARGS[path], *extra])
    assert result.exit_code == 2
    assert "--consumer-version-selector" in result.output
    assert "give 'tag' or 'branch', not both (use two selectors to select both)" in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_the_deprecated_alias_still_works_and_says_so(path: tuple[str, ...]) -> None:
    extra = ["--broker-url", "http://127.0.0.1:9", "--consumer-version-selectors", '{"deployed": false}']
    result = CliRunner().invoke(main, [*path, *ARGS[path], *extra])
    assert result.exit_code == 2
    assert (
        "warning: --consumer-version-selectors is deprecated; use --consumer-version-selector"
        in result.output
    )
    assert "'deployed' can only be true (leave it out)" in result.output


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_the_pact_cli_broker_variable_is_read_everywhere(path: tuple[str, ...]) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    result = CliRunner().invoke(
        main, [*path, *ARGS[path], "--main-branch"], env={"PACT_BROKER_BASE_URL": url}
    )
    assert result.exit_code == 2
    assert url in result.output
    assert "need --broker-url" not in result.output


@pytest.mark.parametrize("path", [("mock", "serve"), ("loadgen", "locustfile")], ids=" ".join)
def test_selectors_without_a_broker_are_refused(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, *ARGS[path], "--pact", ".", "--tag", "prod"], env={})
    assert result.exit_code == 2
    assert "need --broker-url" in result.output
    assert all(spec.name in result.output for spec in SELECTOR_OPTIONS)
