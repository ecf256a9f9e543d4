"""Running `tether loadgen` and plain Locust in child processes, against providers on loopback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.loadgen.locust.pacts import PROVIDER, v4_pact
from tests.support import free_port, running_process, tether_executable

LOCUST = Path(sys.executable).parent / "locust"


def tether(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*tether_executable(), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})},
    )


def locust(locustfile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Plain `locust -f FILE --headless ...`, as a team runs a generated file without Tether."""
    return subprocess.run(
        [str(LOCUST), "-f", str(locustfile), "--headless", "--only-summary", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
        cwd=locustfile.parent,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
    )


def serve_test_provider() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = "tests.loadgen.locust.providers:app"
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    with running_process(command, ready_url=f"{url}/items"):
        yield url


def generate(tmp_path: Path, pacts: dict[str, list[dict[str, Any]]], *extra: str) -> Path:
    """A locustfile for PROVIDER from one pact per consumer, written by `tether loadgen locustfile`."""
    folder = tmp_path / "pacts"
    folder.mkdir(parents=True, exist_ok=True)
    for consumer, interactions in pacts.items():
        (folder / f"{consumer}-{PROVIDER}.json").write_text(json.dumps(v4_pact(consumer, interactions)))
    out = tmp_path / "load" / "locustfile.py"
    generated = tether(
        "loadgen", "locustfile", "--provider", PROVIDER, "--pact", folder, "--out", out, *extra
    )
    assert generated.returncode == 0, generated.stderr
    return out


def final_stats(path: Path) -> dict[str, tuple[int, int]]:
    """(requests, failures) per request name from Locust's final statistics (``-- --json-file PATH``;
    its CSV files are written once a second, so they can miss the end of a short run)."""
    entries = json.loads(path.with_name(f"{path.name}.json").read_text())
    return {entry["name"]: (int(entry["num_requests"]), int(entry["num_failures"])) for entry in entries}
