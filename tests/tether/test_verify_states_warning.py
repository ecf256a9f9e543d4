"""`tether verify provider` without --state-change-url warns when the pacts to replay need provider states."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.support import free_port
from tether.cli import main


def interaction(description: str, states: list[str]) -> dict[str, Any]:
    return {
        "description": description,
        "providerStates": [{"name": name} for name in states],
        "request": {"method": "GET", "path": "/stock"},
        "response": {"status": 200},
    }


@pytest.fixture
def pact_file(tmp_path: Path) -> Path:
    path = tmp_path / "Web-Stock.json"
    document = {
        "consumer": {"name": "Web"},
        "provider": {"name": "Stock"},
        "interactions": [
            interaction("empty stock", ["no stock"]),
            interaction("one item", ["an item exists", "the user is logged in"]),
            interaction("plain", []),
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path.write_text(json.dumps(document))
    return path


def _verify(pact_file: Path, *extra: str) -> str:
    closed = f"http://127.0.0.1:{free_port()}"
    args = [
        "verify",
        "provider",
        "--provider",
        "Stock",
        "--provider-base-url",
        closed,
        "--pact",
        str(pact_file),
    ]
    result = CliRunner().invoke(main, [*args, *extra], env={"PACT_DO_NOT_TRACK": "true"})
    assert result.exit_code == 2, result.output  # the provider does not run: the warning comes first
    return result.output


def test_states_without_a_state_change_url_are_named(pact_file: Path) -> None:
    assert (
        "warning: 2 of 3 interactions need a provider state ('an item exists', 'no stock', "
        "'the user is logged in'), but no --state-change-url was given: the provider is not set up for "
        "them and they may fail; give --state-change-url URL (the provider's state set-up endpoint)\n"
    ) in _verify(pact_file)


def test_no_warning_with_a_state_change_url(pact_file: Path) -> None:
    output = _verify(pact_file, "--state-change-url", f"http://127.0.0.1:{free_port()}/_pact/provider-states")
    assert "warning:" not in output
