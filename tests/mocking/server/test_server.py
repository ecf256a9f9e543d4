"""`tether mock serve` under uvicorn on loopback, driven by real httpx and requests clients."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import requests

from tests.mocking.conftest import PACTS, MockServer
from tests.support import tether_executable

ACCEPT = {"Accept": "application/json"}


def test_serves_the_contract_responses(mock_server: MockServer, pact_dir: Path) -> None:
    with mock_server("--pact", str(pact_dir)) as url, httpx.Client(base_url=url) as client:
        listed = client.get("/orders", params={"status": "open"})
        assert listed.status_code == 200
        assert listed.headers["content-type"] == "application/json"
        assert listed.json() == [{"id": 1, "status": "open", "total": 3.0, "items": []}]
        created = requests.post(f"{url}/orders", json={"items": [{"sku": "Z-9", "quantity": 4}]}, timeout=10)
        assert created.status_code == 201
        assert created.headers["Location"] == "/orders/42"
        assert created.json()["id"] == 42
        chosen = client.get("/orders/7", headers={**ACCEPT, "X-Pact-Provider-State": "no orders"})
        assert chosen.status_code == 404
        assert chosen.json() == {"error": "order not found"}


def test_unmatched_requests_get_the_mismatch_report_with_the_chosen_status(
    mock_server: MockServer, pact_dir: Path
) -> None:
    with mock_server("--pact", str(pact_dir), "--no-match-status", "400") as url:
        response = httpx.post(f"{url}/orders", json={"items": [{"sku": "Z-9", "quantity": "four"}]})
    assert response.status_code == 400
    assert response.headers["x-tether-match"] == "none"
    report = response.json()
    assert report["error"] == "no interaction of OrdersApi matches POST /orders"
    assert report["closest"][0]["interaction"]["description"] == "create an order"
    assert report["closest"][0]["mismatches"] == [
        {
            "kind": "body",
            "path": "$.items[0].quantity",
            "expected": 1,
            "actual": "four",
            "message": "Expected 'four' (String) to be an integer",
        }
    ]


def test_strict_mode_refuses_ambiguity_and_the_state_header_resolves_it(
    mock_server: MockServer, pact_dir: Path
) -> None:
    with mock_server("--pact", str(pact_dir), "--strict", "--state-header", "X-State") as url:
        ambiguous = httpx.get(f"{url}/orders/7", headers=ACCEPT)
        chosen = httpx.get(f"{url}/orders/7", headers={**ACCEPT, "X-State": "order 7 exists"})
        wrong_accept = httpx.get(
            f"{url}/orders/7", headers={"Accept": "text/html", "X-State": "order 7 exists"}
        )
    assert ambiguous.status_code == 409
    assert ambiguous.headers["x-tether-match"] == "ambiguous"
    assert "--strict refuses to guess" in ambiguous.json()["error"]
    assert "X-State" in ambiguous.json()["hints"][0]
    assert chosen.status_code == 200
    assert chosen.json()["status"] == "open"
    assert wrong_accept.status_code == 404
    assert wrong_accept.json()["closest"][0]["mismatches"][0]["path"] == "Accept"


def test_faults_sequences_delays_and_connection_resets(
    mock_server: MockServer, pact_dir: Path, tmp_path: Path
) -> None:
    faults = tmp_path / "faults.yaml"
    faults.write_text(
        """
interactions:
  - match: {method: POST, path: /orders}
    sequence:
      - {status: 503, headers: {Retry-After: "2"}, times: 2}
      - {contract: true}
  - match: {description: list open orders}
    delay: {fixed_ms: 300}
  - match: {state: no orders}
    reset_rate: 1
"""
    )
    body = {"items": [{"sku": "A-1", "quantity": 1}]}
    with (
        mock_server("--pact", str(pact_dir), "--faults", str(faults)) as url,
        httpx.Client(base_url=url) as client,
    ):
        statuses = [client.post("/orders", json=body) for _ in range(4)]
        assert [r.status_code for r in statuses] == [503, 503, 201, 201]
        assert statuses[0].headers["retry-after"] == "2"
        assert statuses[0].json() == {"error": "fault injected by tether mock: 503"}
        started = time.perf_counter()
        delayed = client.get("/orders", params={"status": "open"})
        elapsed = time.perf_counter() - started
        assert delayed.status_code == 200
        assert 0.3 <= elapsed < 1.3  # the fixed 300 ms delay, within a generous tolerance
        with pytest.raises(httpx.TransportError):
            client.get("/orders/7", headers={**ACCEPT, "X-Pact-Provider-State": "no orders"})
        assert (
            client.get("/orders/7", headers={**ACCEPT, "X-Pact-Provider-State": "order 7 exists"}).status_code
            == 200
        )
        journal = client.get("/__tether/journal").json()
        assert [entry.get("fault", "") for entry in journal] == [
            "sequence: 503",
            "sequence: 503",
            "sequence: contract",
            "",
            "delay",
            "reset rate",
            "",
        ]
        client.post("/__tether/reset")
        assert client.post("/orders", json=body).status_code == 503


def test_admin_api_journal_reset_and_interactions(mock_server: MockServer, pact_dir: Path) -> None:
    with (
        mock_server("--pact", str(pact_dir), "--journal-size", "3") as url,
        httpx.Client(base_url=url) as client,
    ):
        client.get("/orders", params={"status": "open"})
        client.get("/nowhere")
        client.get("/orders", params={"status": "open"})
        client.get("/orders", params={"status": "open"})
        journal = client.get("/__tether/journal").json()
        assert [entry["number"] for entry in journal] == [2, 3, 4]
        missed = client.get("/__tether/journal", params={"unmatched": "true"}).json()
        assert len(missed) == 1
        assert missed[0]["request"]["path"] == "/nowhere"
        assert missed[0]["result"] == "no_match"
        assert missed[0]["status"] == 404
        assert missed[0]["report"]["closest"]
        last = client.get("/__tether/journal", params={"limit": "1"}).json()[0]
        assert last["interaction"]["description"] == "list open orders"
        assert last["request"]["query"] == "status=open"
        calls = {i["description"]: i["calls"] for i in client.get("/__tether/interactions").json()}
        assert calls["list open orders"] == 3
        status = client.get("/__tether/").json()
        assert status["provider"] == "OrdersApi"
        assert status["interactions"] == 4
        assert status["served"]["pacts"][0]["consumer"] == "Web"
        assert status["requests"] == 4
        verify = client.get("/__tether/verify")
        assert verify.status_code == 409
        assert verify.json()["unmatchedRequests"] == 1
        assert sorted(i["description"] for i in verify.json()["uncalledInteractions"]) == [
            "create an order",
            "get a missing order",
            "get an existing order",
        ]
        assert client.post("/__tether/reset").json() == {"reset": True}
        assert client.get("/__tether/verify").json()["unmatchedRequests"] == 0
        assert client.get("/__tether/journal").json() == []
        assert {i["calls"] for i in client.get("/__tether/interactions").json()} == {0}
        unknown = client.get("/__tether/nothing")
        assert unknown.status_code == 404
        assert "GET /__tether/journal?unmatched=true&limit=N" in unknown.json()["routes"]
        assert client.get("/__tether/journal", params={"limit": "x"}).status_code == 400


def _edit_list_response(pact_file: Path, status_text: str) -> None:
    document = json.loads(pact_file.read_text())
    document["interactions"][2]["response"]["body"][0]["status"] = status_text
    pact_file.write_text(json.dumps(document))


def test_reload_and_webhook_pick_up_changed_pacts(
    mock_server: MockServer, pact_dir: Path, tmp_path: Path
) -> None:
    pact_file = tmp_path / "web-orders.json"
    shutil.copy(pact_dir / "web-orders.json", pact_file)
    with mock_server("--pact", str(tmp_path)) as url, httpx.Client(base_url=url) as client:
        assert client.get("/orders", params={"status": "open"}).json()[0]["status"] == "open"
        unchanged = client.post("/__tether/webhook", json={"event": "contract_published"}).json()
        assert unchanged["reloaded"] is True
        assert unchanged["changed"] is False
        _edit_list_response(pact_file, "shipped")
        changed = client.post("/__tether/reload").json()
        assert changed["changed"] is True
        assert client.get("/orders", params={"status": "open"}).json()[0]["status"] == "shipped"
        pact_file.write_text("{broken")
        failed = client.post("/__tether/reload")
        assert failed.status_code == 502
        assert "not valid JSON" in failed.json()["error"]
        assert client.get("/orders", params={"status": "open"}).json()[0]["status"] == "shipped"
        assert "not valid JSON" in client.get("/__tether/").json()["lastReloadError"]


def test_polling_reloads_changed_pacts(mock_server: MockServer, pact_dir: Path, tmp_path: Path) -> None:
    pact_file = tmp_path / "web-orders.json"
    shutil.copy(pact_dir / "web-orders.json", pact_file)
    with (
        mock_server("--pact", str(tmp_path), "--poll-interval", "1") as url,
        httpx.Client(base_url=url) as client,
    ):
        _edit_list_response(pact_file, "polled")
        deadline = time.monotonic() + 15
        seen = None
        while time.monotonic() < deadline:
            seen = client.get("/orders", params={"status": "open"}).json()[0]["status"]
            if seen == "polled":
                break
            time.sleep(0.2)
        assert seen == "polled"
        assert client.get("/__tether/").json()["reloads"] == 1


def _run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*tether_executable(), "mock", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_cli_refuses_bad_input_with_exit_code_2(pact_dir: Path, tmp_path: Path) -> None:
    no_source = _run_cli("--provider", "OrdersApi")
    assert no_source.returncode == 2
    assert "give --pact FILE (repeatable) or --broker-url URL" in no_source.stderr
    bad_faults = tmp_path / "faults.yaml"
    bad_faults.write_text("global:\n  delay: {fixed_ms: -5}\n")
    faulty = _run_cli("--provider", "OrdersApi", "--pact", str(pact_dir), "--faults", str(bad_faults))
    assert faulty.returncode == 2
    assert (
        "invalid faults file: global.delay.fixed_ms: Input should be greater than or equal to 0"
        in faulty.stderr
    )
    assert "Traceback" not in faulty.stderr
    other = _run_cli("--provider", "PaymentsApi", "--pact", str(pact_dir))
    assert other.returncode == 2
    assert "skipped  Web:" in other.stderr
    assert "pact is for provider 'OrdersApi', not 'PaymentsApi'" in other.stderr
    assert "nothing to serve" in other.stderr
    selectors = _run_cli("--provider", "OrdersApi", "--pact", str(pact_dir), "--main-branch")
    assert selectors.returncode == 2
    assert "need --broker-url" in selectors.stderr
    missing = _run_cli("--provider", "OrdersApi", "--pact", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "no such pact file or directory" in missing.stderr


def test_start_up_says_what_is_served(mock_server: MockServer, pact_dir: Path) -> None:
    with mock_server("--pact", str(pact_dir)) as url:
        status = httpx.get(f"{url}/__tether/").json()
    reason = status["served"]["pacts"][0]["reason"]
    assert reason == "pact file: served as given (files carry no verification results)"
    assert status["options"]["noMatchStatus"] == 404


def test_unusable_pacts_are_refused_like_tether_pact_validate(tmp_path: Path) -> None:
    """A pact whose matching rules cannot run, or nested beyond reading, is exit 2, never served."""
    bad_regex = json.loads((PACTS / "web-orders.json").read_text())
    first = bad_regex["interactions"][0]
    first.setdefault("response", {}).setdefault("matchingRules", {})["body"] = {
        "$.id": {"combine": "AND", "matchers": [{"match": "regex", "regex": "["}]}
    }
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "bad-regex.json").write_text(json.dumps(bad_regex))
    refused = _run_cli("--provider", "OrdersApi", "--pact", str(folder))
    assert refused.returncode == 2
    assert "bad-regex.json" in refused.stderr
    assert "regex" in refused.stderr
    assert "Traceback" not in refused.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000)
    too_deep = _run_cli("--provider", "OrdersApi", "--pact", str(deep))
    assert too_deep.returncode == 2
    assert "Traceback" not in too_deep.stderr
