"""Finding the Pact CLI: the `pact-python-cli` wheel first, then TETHER_PACT_CLI, then the npm tools."""

from __future__ import annotations

import os
import stat
import subprocess
from importlib import metadata
from pathlib import Path

import pytest

import tether.pact_cli
from tether.errors import PactCliMissing, TetherError
from tether.pact_cli import find_pact_cli


def _fake_pact(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho fake pact\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def without_the_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a platform with no `pact-python-cli` wheel: the distribution is not installed."""
    real = metadata.distribution

    def distribution(name: str) -> metadata.Distribution:
        if name == "pact-python-cli":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(tether.pact_cli.metadata, "distribution", distribution)


def test_the_pact_python_cli_dependency_is_found_first_and_talks_to_a_broker(tmp_path: Path) -> None:
    fake = _fake_pact(tmp_path / "elsewhere" / "pact")
    cli = find_pact_cli({"TETHER_PACT_CLI": str(fake)}, cwd=tmp_path)
    assert cli.source == "pact-python-cli"
    assert cli.path.name == "pact"
    assert cli.path != fake
    proc = subprocess.run(
        cli.command("broker", "can-i-deploy", "--help"),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "--to-environment" in proc.stdout


@pytest.mark.usefixtures("without_the_wheel")
def test_without_the_wheel_tether_pact_cli_is_used(tmp_path: Path) -> None:
    fake = _fake_pact(tmp_path / "tools" / "pact")
    _fake_pact(tmp_path / ".cache" / "npm-tools" / "node_modules" / ".bin" / "pact")
    cli = find_pact_cli({"TETHER_PACT_CLI": str(fake)}, cwd=tmp_path)
    assert (cli.path, cli.source) == (fake, "TETHER_PACT_CLI")


@pytest.mark.usefixtures("without_the_wheel")
def test_then_the_npm_tools_of_a_checkout(tmp_path: Path) -> None:
    npm = _fake_pact(tmp_path / ".cache" / "npm-tools" / "node_modules" / ".bin" / "pact")
    cli = find_pact_cli({}, cwd=tmp_path)
    assert (cli.path, cli.source) == (npm, "npm tools")


@pytest.mark.usefixtures("without_the_wheel")
def test_a_missing_cli_names_every_place_tried_and_both_fixes(tmp_path: Path) -> None:
    with pytest.raises(PactCliMissing) as caught:
        find_pact_cli({"TETHER_PACT_CLI": str(tmp_path / "nope")}, cwd=tmp_path)
    message = str(caught.value)
    assert isinstance(caught.value, TetherError)
    assert f"TETHER_PACT_CLI={tmp_path / 'nope'} is not an executable file" in message
    assert "the `pact-python-cli` package is not installed" in message
    assert "`pip install pact-python-cli`" in message
    assert "TETHER_PACT_CLI=/path/to/pact" in message


@pytest.mark.usefixtures("without_the_wheel")
def test_a_file_that_is_not_executable_is_refused(tmp_path: Path) -> None:
    script = tmp_path / "pact"
    script.write_text("not a program")
    with pytest.raises(PactCliMissing, match="is not an executable file"):
        find_pact_cli({"TETHER_PACT_CLI": str(script)}, cwd=tmp_path)
