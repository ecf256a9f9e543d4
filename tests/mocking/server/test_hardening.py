"""Mock server hardening: body limit (413), journal redaction, 4xx for malformed or deeply nested bodies,
--port 0 with the chosen URL printed, a clear exit 2 for a taken port, and an admin token required off
loopback."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
from click.testing import CliRunner

from mocking.cli import mock_group
from tests.mocking.conftest import MockServer
from tests.support import tether_executable

EXAMPLES = Path(__file__).parents[3] / "examples" / "pacts"
JSON = {"Content-Type": "application/json", "Accept": "application/json"}


def test_limits_redaction_and_bad_bodies(mock_server: MockServer) -> None:
    with mock_server("--pact", str(EXAMPLES), "--max-body-size", "64") as url:
        too_big = httpx.post(f"{url}/orders", content=b"x" * 65, headers=JSON)
        assert too_big.status_code == 413
        assert too_big.json() == {
            "error": "the body of POST /orders is over the mock's limit of 64 bytes",
            "hint": "send a smaller body, or start the mock with a larger --max-body-size",
        }
        nested = httpx.post(f"{url}/orders", content=b"[" * 30 + b"]" * 30, headers=JSON)
        assert nested.status_code == 404  # small enough to match: an honest no-match
        broken = httpx.post(f"{url}/orders", content=b"{", headers=JSON)
        assert broken.status_code == 404
        secret = httpx.get(
            f"{url}/products",
            headers={
                "Accept": "application/json",
                "Authorization": "Bearer s3cret",
                "Cookie": "sid=abc",
                "X-Api-Token": "t0ken",
            },
        )
        assert secret.status_code == 200
        journal = httpx.get(f"{url}/__tether/journal").json()
        headers = dict(journal[-1]["request"]["headers"])
        assert headers["authorization"] == "[redacted]"
        assert headers["cookie"] == "[redacted]"
        assert headers["x-api-token"] == "[redacted]"
        assert headers["accept"] == "application/json"
        assert "s3cret" not in httpx.get(f"{url}/__tether/journal").text


def test_deeply_nested_bodies_get_400_not_500(mock_server: MockServer) -> None:
    depth = 100_000
    with mock_server("--pact", str(EXAMPLES), "--max-body-size", str(3 * depth)) as url:
        answer = httpx.post(f"{url}/orders", content=b"[" * depth + b"]" * depth, headers=JSON)
        assert answer.status_code == 400
        assert answer.json()["error"].startswith("the body of POST /orders is nested too deeply to match")


def test_port_zero_prints_the_chosen_url() -> None:
    command = [
        *tether_executable(),
        "mock",
        "serve",
        "--provider",
        "OrdersApi",
        "--pact",
        str(EXAMPLES),
        "--port",
        "0",
    ]
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert process.stderr is not None
        url = None
        for line in process.stderr:
            if line.startswith("tether mock: listening on "):
                url = line.split("listening on ", 1)[1].strip()
                break
        assert url is not None
        assert not url.endswith(":0")
        assert httpx.get(f"{url}/__tether/health", timeout=10).json() == {"status": "ok"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_a_taken_port_exits_2_naming_the_fix() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            mock_group, ["serve", "--provider", "OrdersApi", "--pact", str(EXAMPLES), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert (
        f"port {port} on 127.0.0.1 is taken by another process: choose another --port, or --port 0"
        in result.output
    )


def test_a_public_address_needs_an_admin_token() -> None:
    result = CliRunner().invoke(
        mock_group,
        ["serve", "--provider", "OrdersApi", "--pact", str(EXAMPLES), "--host", "0.0.0.0"],
        env={"TETHER_MOCK_ADMIN_TOKEN": ""},
    )
    assert result.exit_code == 2
    assert "WARNING: listening on 0.0.0.0, not a loopback address" in result.output
    assert "--host 0.0.0.0 is not a loopback address, so the admin API" in result.output


def test_the_admin_api_checks_the_token(mock_server: MockServer) -> None:
    with mock_server("--pact", str(EXAMPLES), TETHER_MOCK_ADMIN_TOKEN="letmein") as url:
        refused = httpx.post(f"{url}/__tether/reset")
        assert refused.status_code == 401
        assert "Authorization: Bearer <token>" in refused.json()["error"]
        assert (
            httpx.post(f"{url}/__tether/reset", headers={"Authorization": "Bearer nope"}).status_code == 401
        )
        allowed = httpx.post(f"{url}/__tether/reset", headers={"Authorization": "Bearer letmein"})
        assert allowed.json() == {"reset": True}
        assert httpx.get(f"{url}/__tether/health").status_code == 200  # probes need no token
