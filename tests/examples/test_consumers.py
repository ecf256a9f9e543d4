"""Both consumer test suites still write exactly the checked-in pacts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.examples.servers import EXAMPLES, MOBILE_PACT, WEB_PACT
from tests.support import REPO_ROOT, need, npm_tool


def comparable(pact: dict[str, Any]) -> dict[str, Any]:
    """The pact without its metadata (library versions), interactions in a stable order."""
    return {
        "consumer": pact["consumer"],
        "provider": pact["provider"],
        "interactions": sorted(pact["interactions"], key=lambda i: i["description"]),
    }


def test_web_consumer_writes_the_checked_in_pact(tmp_path: Path) -> None:
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "TETHER_PACT_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "consumers" / "web")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 passed" in run.stdout
    written = json.loads((tmp_path / WEB_PACT.name).read_text())
    assert written["metadata"]["pactSpecification"]["version"] == "4.0"
    assert comparable(written) == comparable(json.loads(WEB_PACT.read_text()))


@pytest.mark.npm
def test_mobile_consumer_writes_the_checked_in_pact(tmp_path: Path) -> None:
    npm_tool("pact")  # the npm tools (and with them @pact-foundation/pact) are installed
    node_modules = REPO_ROOT / ".cache" / "npm-tools" / "node_modules"
    need((node_modules / "@pact-foundation" / "pact").is_dir(), "@pact-foundation/pact is not installed")
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NODE_PATH": str(node_modules)}
    run = subprocess.run(
        ["node", str(EXAMPLES / "consumers" / "mobile" / "generate-pact.cjs"), str(tmp_path)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    written = json.loads((tmp_path / MOBILE_PACT.name).read_text())
    checked_in = json.loads(MOBILE_PACT.read_text())
    assert written["metadata"]["pact-js"]["version"].startswith("16.")
    assert comparable(written) == comparable(checked_in)
    assert {i["description"] for i in checked_in["interactions"]} >= {"a request to cancel an order"}
