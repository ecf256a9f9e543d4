"""`tether demo`'s options and output, without running the story (fast)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

import tether.demo
from tether.demo import Demo, demo_command
from tether.example_project import ExampleProject


def test_a_relative_workdir_is_relative_to_where_the_user_runs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[Path, Path]] = []

    def story(demo: Demo, example: ExampleProject) -> None:
        seen.append((demo.workdir, Path.cwd()))
        demo.wrote(*example.files)
        demo.record("a step", True, "ran")

    monkeypatch.setattr(tether.demo, "_story", story)
    monkeypatch.chdir(tmp_path)  # outside the repository: the demo copies its examples from the package
    result = CliRunner().invoke(demo_command, ["--workdir", "out", "--load-seconds", "1"])
    assert result.exit_code == 0, result.output
    ((workdir, cwd),) = seen
    assert workdir == tmp_path / "out"
    assert cwd == tmp_path  # the demo no longer needs to run from a checkout
    assert json.loads((workdir / "example" / "pacts" / "OrderWeb-OrdersApi.json").read_text())[
        "provider"
    ] == {"name": "OrdersApi"}
    assert "Files written in" in result.output
    assert "example/provider/openapi.yaml" in result.output


def test_the_summary_lists_only_files_this_run_wrote(tmp_path: Path) -> None:
    console = Console(width=200, record=True)
    demo = Demo(workdir=tmp_path, load_seconds=1, console=console)
    (tmp_path / "locustfile.py").write_text("# this run")
    demo.wrote(tmp_path / "locustfile.py", tmp_path / "load-report.html")  # the report was never written
    demo.record("a step", True, "ran")
    assert demo.summary() is True
    text = console.export_text()
    assert "  locustfile.py" in text
    assert "load-report.html" not in text


def test_a_file_left_by_an_earlier_run_is_not_listed(tmp_path: Path) -> None:
    old = tmp_path / "load-report.html"
    old.write_text("<html>earlier run</html>")
    os.utime(old, (0, 0))
    demo = Demo(workdir=tmp_path, load_seconds=1, console=Console(width=200, record=True))
    demo.wrote(old)
    assert demo.files_written() == []


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


def test_copy_only_writes_the_example_project_and_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tether.demo, "_story", lambda demo, example: pytest.fail("the story ran"))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(demo_command, ["--copy-only"])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == [
        "tether-demo/example/pacts/OrderMobile-OrdersApi.json",
        "tether-demo/example/pacts/OrderWeb-OrdersApi.json",
        "tether-demo/example/provider/openapi.yaml",
        "tether-demo/example/provider_drifted/openapi.yaml",
    ]
    assert result.output.splitlines() == [f"wrote {tmp_path / name}" for name in sorted(written)]
