"""Pacts written by pact-python and pact-js (V3 and V4) publish and come back as written: the stored
text is the file's bytes, and the served document is the same JSON (same key order) plus the
broker's ``_links``, ``createdAt`` and interaction ``_id``s."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.broker.conftest import LocalBroker
from tests.support import NPM_BIN, need

PACT_JS = """
const path = require('path');
const { PactV3, PactV4, MatchersV3 } = require('@pact-foundation/pact');
const http = require('http');
const get = (url) => new Promise((resolve, reject) => http.get(url, (r) => { let b=''; r.on('data', c => b += c); r.on('end', () => resolve(b)); }).on('error', reject));
(async () => {
  const dir = process.argv[2];
  const v3 = new PactV3({ consumer: 'JsWebV3', provider: 'OrderApi', dir });
  v3.given('order 1 exists', { id: 1 }).uponReceiving('get order 1')
    .withRequest({ method: 'GET', path: '/orders/1' })
    .willRespondWith({ status: 200, headers: { 'Content-Type': 'application/json' }, body: { id: MatchersV3.integer(1), lines: MatchersV3.eachLike({ sku: 'a' }) } });
  await v3.executeTest(async (mock) => { await get(mock.url + '/orders/1'); });
  const v4 = new PactV4({ consumer: 'JsWebV4', provider: 'OrderApi', dir });
  await v4.addInteraction().given('order 2 exists').uponReceiving('get order 2')
    .withRequest('GET', '/orders/2')
    .willRespondWith(200, (b) => b.jsonBody({ id: MatchersV3.integer(2), when: MatchersV3.datetime("yyyy-MM-dd'T'HH:mm:ss", '2024-01-02T03:04:05') }))
    .executeTest(async (mock) => { await get(mock.url + '/orders/2'); });
})().catch((e) => { console.error(e); process.exit(1); });
"""


def _pact_python(directory: Path, spec: str) -> None:
    from pact import Pact, match

    pact = Pact(f"PyWeb{spec}", "OrderApi").with_specification(spec)
    (
        pact.upon_receiving("a request for order 1")
        .given("order 1 exists", id=1)
        .with_request("GET", "/orders/1")
        .will_respond_with(200)
        .with_body(
            {"id": match.int(1), "item": match.str("widget"), "tags": match.each_like("x")},
            content_type="application/json",
        )
    )
    with pact.serve() as server:
        urllib.request.urlopen(f"{server.url}/orders/1").read()
    pact.write_file(directory, overwrite=True)


def _publish_raw(broker: LocalBroker, raw: bytes, version: str) -> dict[str, Any]:
    data = json.loads(raw)
    body = {
        "pacticipantName": data["consumer"]["name"],
        "pacticipantVersionNumber": version,
        "branch": "main",
        "contracts": [
            {
                "consumerName": data["consumer"]["name"],
                "providerName": data["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(raw).decode(),
            }
        ],
    }
    response = httpx.post(broker.url + "/contracts/publish", json=body)
    assert response.status_code == 200, response.text
    return data


def _assert_round_trip(broker: LocalBroker, path: Path) -> None:
    raw = path.read_bytes()
    original = _publish_raw(broker, raw, "1.0.0")
    consumer, provider = original["consumer"]["name"], original["provider"]["name"]
    served = httpx.get(f"{broker.url}/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0").json()
    links = served.pop("_links")
    served.pop("createdAt")
    for interaction in served.get("interactions", []):
        assert len(interaction.pop("_id")) == 40
    assert served == original
    assert json.dumps(served) == json.dumps(original)  # same key order everywhere
    assert links["pb:publish-verification-results"]["href"].endswith("/verification-results")
    stored = broker.db.read(
        lambda s: s.execute(
            text("SELECT content FROM pact_version WHERE sha = :sha"),
            {"sha": links["pb:pact-version"]["name"]},
        ).scalar_one()
    )
    assert stored.encode() == raw


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_pact_python_pacts_round_trip(local_broker: LocalBroker, tmp_path: Path, spec: str) -> None:
    _pact_python(tmp_path, spec)
    (path,) = tmp_path.glob("*.json")
    written = json.loads(path.read_text())
    assert written["metadata"]["pactSpecification"]["version"].startswith(spec[1])
    _assert_round_trip(local_broker, path)


@pytest.mark.npm
def test_pact_js_pacts_round_trip(local_broker: LocalBroker, tmp_path: Path) -> None:
    modules = NPM_BIN.parent
    need(
        (modules / "@pact-foundation" / "pact").is_dir(),
        f"@pact-foundation/pact is not installed in {modules}",
    )
    script = tmp_path / "write-pacts.js"
    script.write_text(PACT_JS)
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NODE_PATH": str(modules), "PACT_LOG_LEVEL": "error"}
    result = subprocess.run(
        ["node", str(script), str(tmp_path / "pacts")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    paths = sorted((tmp_path / "pacts").glob("*.json"))
    assert [p.name for p in paths] == ["JsWebV3-OrderApi.json", "JsWebV4-OrderApi.json"]
    for path in paths:
        _assert_round_trip(local_broker, path)
