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
from tests.support import REPO_ROOT, free_port, running_process, tether_executable

LOCUST = Path(sys.executable).parent / "locust"
EXAMPLE_PACTS = REPO_ROOT / "examples" / "pacts"
"""The example project's pacts (consumers OrderWeb and OrderMobile of OrdersApi)."""
SHORT = ("-u", "2", "-r", "10", "-t", "4s")
"""A short run of two users."""
FAST = ("--wait-time", "constant(0)")


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


def run(
    locustfile: Path, host: str, *extra: str | Path, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """`tether loadgen run` of a short run (`SHORT`, overridden by `extra`): exit code and output."""
    result = tether("loadgen", "run", "--locustfile", locustfile, "--host", host, *SHORT, *extra, env=env)
    return result.returncode, result.stdout + result.stderr


def serve_example_provider(*, drifted: bool) -> Iterator[str]:
    """The example provider (or its drifted copy) on a free loopback port."""
    port = free_port()
    module = "examples.provider_drifted" if drifted else "examples.provider"
    url = f"http://127.0.0.1:{port}"
    with running_process([sys.executable, "-m", module, "--port", str(port)], ready_url=f"{url}/products"):
        yield url


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


def generate(tmp_path: Path, pacts: dict[str, list[dict[str, Any]]] | Path, *extra: str | Path) -> Path:
    """A locustfile for PROVIDER written by `tether loadgen locustfile`, from one pact per consumer
    (consumer -> interactions) or from a folder of pact files."""
    return generate_with_log(tmp_path, pacts, *extra)[0]


def generate_with_log(
    tmp_path: Path, pacts: dict[str, list[dict[str, Any]]] | Path, *extra: str | Path
) -> tuple[Path, str]:
    """`generate`, and what `tether loadgen locustfile` wrote on stderr."""
    if isinstance(pacts, Path):
        folder = pacts
    else:
        folder = tmp_path / "pacts"
        folder.mkdir(parents=True, exist_ok=True)
        for consumer, interactions in pacts.items():
            (folder / f"{consumer}-{PROVIDER}.json").write_text(json.dumps(v4_pact(consumer, interactions)))
    out = tmp_path / "load" / "locustfile.py"
    generated = tether(
        "loadgen", "locustfile", "--provider", PROVIDER, "--pact", folder, "--out", out, *extra
    )
    assert generated.returncode == 0, generated.stderr
    return out, generated.stderr


def csv_stats(prefix: Path) -> dict[str, tuple[int, int]]:
    """(requests, failures) per request name from the ``PREFIX_stats.csv`` of ``--csv PREFIX``."""
    rows = (prefix.parent / f"{prefix.name}_stats.csv").read_text().splitlines()[1:]
    result = {}
    for row in rows:
        cells = row.split(",")
        result[cells[1]] = (int(cells[2]), int(cells[3]))
    return result


def final_stats(path: Path) -> dict[str, tuple[int, int]]:
    """(requests, failures) per request name from Locust's final statistics (``-- --json-file PATH``;
    its CSV files are written once a second, so they can miss the end of a short run)."""
    entries = json.loads(path.with_name(f"{path.name}.json").read_text())
    return {entry["name"]: (int(entry["num_requests"]), int(entry["num_failures"])) for entry in entries}
