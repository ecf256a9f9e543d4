"""`tether demo` (what `make demo` runs) goes through the whole story and tells the truth about it.

The Pact CLI comes from the `pact-python-cli` dependency: no Node, no `make npm-tools`.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.support import REPO_ROOT, tether_executable

pytestmark = pytest.mark.slow


def test_demo_runs_the_whole_story(tmp_path_factory: pytest.TempPathFactory) -> None:
    workdir = tmp_path_factory.mktemp("demo")
    proc = subprocess.run(
        [*tether_executable(), "demo", "--workdir", str(workdir), "--load-seconds", "4"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "Every step did what it should." in output
    for step in (
        "publish the example pacts (Pact CLI)",
        "static check catches drift",
        "live verification catches the drifted provider",
        "can-i-deploy OrdersApi 1.1.0-drifted says no",
        "mock server from verified pacts",
        "headless load with contract checks",
    ):
        assert step in output
    assert re.search(r"^FAILED  ", output, re.MULTILINE) is None, output
    assert output.count("\nok  ") >= 18
    assert (workdir / "locustfile.py").read_text().startswith('"""Load scenario for provider OrdersApi')
    assert "<html" in (workdir / "load-report.html").read_text().lower()
