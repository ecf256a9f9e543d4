from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from tests.support import tether_executable
from tether.cli import COMMANDS, main


def test_help_lists_every_package_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    for name in COMMANDS:
        assert name in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


def test_installed_entry_point_runs() -> None:
    proc = subprocess.run([*tether_executable(), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Tether: contract testing" in proc.stdout


def test_python_dash_m_tether_names_itself_tether() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tether", "pact", "--help"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Usage: tether pact [OPTIONS]")
    version = subprocess.run(
        [sys.executable, "-m", "tether", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout.startswith("tether, version ")
