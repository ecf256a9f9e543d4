"""`tether mock serve --workers 2` as a real process: both workers answer on one port, and the admin API
shows and resets what every worker served."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import httpx

from tests.mocking.conftest import MockServer
from tests.support import free_port, running_process, tether_executable


def _fresh_connection_get(url: str, path: str, **params: str) -> httpx.Response:
    # a new connection each time, so SO_REUSEPORT spreads the requests over the workers
    with httpx.Client(base_url=url, headers={"Connection": "close"}) as client:
        return client.get(path, params=params)


def test_two_workers_share_one_journal_counts_and_reset(mock_server: MockServer, pact_dir: Path) -> None:
    with mock_server("--pact", str(pact_dir), "--workers", "2") as url:
        for _ in range(40):
            assert _fresh_connection_get(url, "/orders", status="open").status_code == 200
        assert _fresh_connection_get(url, "/nowhere").status_code == 404
        with httpx.Client(base_url=url) as admin:
            journal = admin.get("/__tether/journal").json()
            assert len(journal) == 41
            assert [entry["number"] for entry in journal] == list(range(1, 42))
            assert {entry["worker"] for entry in journal} == {0, 1}  # both workers served, one journal
            assert journal[-1]["request"]["path"] == "/nowhere"
            missed = admin.get("/__tether/journal", params={"unmatched": "true"}).json()
            assert [entry["request"]["path"] for entry in missed] == ["/nowhere"]
            assert missed[0]["report"]["closest"]
            assert len(admin.get("/__tether/journal", params={"limit": "5"}).json()) == 5
            calls = {i["description"]: i["calls"] for i in admin.get("/__tether/interactions").json()}
            assert calls["list open orders"] == 40
            status = admin.get("/__tether/").json()
            assert status["workers"] == 2
            assert status["requests"] == 41
            verify = admin.get("/__tether/verify").json()
            assert verify["unmatchedRequests"] == 1
            # every admin request, whichever worker gets it, sees the same totals
            for _ in range(10):
                seen = _fresh_connection_get(url, "/__tether/").json()
                assert seen["requests"] == 41
            assert admin.post("/__tether/reset").json() == {"reset": True}
            for _ in range(6):  # new connections: the admin requests reach both workers
                assert _fresh_connection_get(url, "/__tether/journal").json() == []
                assert _fresh_connection_get(url, "/__tether/verify").json()["unmatchedRequests"] == 0
            assert {i["calls"] for i in admin.get("/__tether/interactions").json()} == {0}
            assert _fresh_connection_get(url, "/orders", status="open").status_code == 200
            assert admin.delete("/__tether/journal").json() == {"cleared": True}
            assert admin.get("/__tether/journal").json() == []


def test_stopping_the_server_stops_every_worker(pact_dir: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [*tether_executable(), "mock", "serve", "--provider", "OrdersApi", "--port", str(port)]
    with running_process(
        [*command, "--pact", str(pact_dir), "--workers", "2"], ready_url=f"{url}/__tether/health"
    ):
        assert httpx.get(f"{url}/orders", params={"status": "open"}).status_code == 200
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nobody listens any more


def test_workers_refuse_stateful(pact_dir: Path) -> None:
    result = subprocess.run(
        [
            *tether_executable(),
            *("mock", "serve", "--provider", "OrdersApi", "--pact", str(pact_dir)),
            *("--port", "0", "--workers", "2", "--stateful"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "--stateful needs one process" in result.stderr
