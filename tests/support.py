"""Helpers shared by the test suite: locating shared fixtures, free ports, and real servers on loopback."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
NPM_BIN = REPO_ROOT / ".cache" / "npm-tools" / "node_modules" / ".bin"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(condition: bool, reason: str) -> None:
    """Skip a test whose outside requirement is missing, except under CI, where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def npm_tool(name: str) -> Path:
    """Path of a binary installed by `make npm-tools` (pact, swagger-mock-validator, ...)."""
    path = NPM_BIN / name
    need(path.exists(), f"{path} is missing: run `make npm-tools`")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, *, timeout: float = 30.0, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering {url}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError as exc:
            last_error = exc
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last_error}")


@contextlib.contextmanager
def running_process(
    args: Sequence[str],
    *,
    ready_url: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until `ready_url` answers, and stop it afterwards."""
    full_env = {**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})}
    log = (cwd or REPO_ROOT) / f".server-{os.getpid()}-{time.monotonic_ns()}.log"
    with open(log, "wb") as log_file:
        process = subprocess.Popen(
            list(args), env=full_env, cwd=cwd, stdout=log_file, stderr=subprocess.STDOUT
        )
        try:
            try:
                wait_for_http(ready_url, timeout=timeout, process=process)
            except Exception as exc:
                process.kill()
                process.wait()
                raise RuntimeError(f"{args} failed to start:\n{log.read_text(errors='replace')}") from exc
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            log.unlink(missing_ok=True)


def tether_executable() -> list[str]:
    exe = shutil.which("tether", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "tether"]
