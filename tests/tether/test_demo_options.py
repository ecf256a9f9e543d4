"""`tether demo`'s options and output, without running the story (fast)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

import tether.demo
from tether.demo import Demo, demo_command


def test_a_relative_workdir_is_relative_to_where_the_user_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, Path]] = []

    def story(demo: Demo) -> None:
        seen.append((demo.workdir, Path.cwd()))
        demo.record("a step", True, "ran")

    monkeypatch.setattr(tether.demo, "_story", story)
    monkeypatch.chdir(tmp_path)  # outside the repository: the demo still finds its examples
    result = CliRunner().invoke(demo_command, ["--workdir", "out", "--load-seconds", "1"])
    assert result.exit_code == 0, result.output
    ((workdir, cwd),) = seen
    assert workdir == tmp_path / "out"
    assert (cwd / "examples" / "pacts").is_dir()
    assert Path.cwd() == tmp_path


def test_load_seconds_must_be_positive() -> None:
    result = CliRunner().invoke(demo_command, ["--load-seconds", "0"])
    assert result.exit_code == 2
    assert "Invalid value for '--load-seconds'" in result.output


def test_step_details_are_printed_as_text_not_markup(tmp_path: Path) -> None:
    console = Console(width=200, record=True)
    demo = Demo(workdir=tmp_path, load_seconds=1, console=console)
    demo.record("mock server", False, "request failed: [Errno 111] refused [/x]")
    assert demo.summary() is False
    assert console.export_text().count("request failed: [Errno 111] refused [/x]") == 2
