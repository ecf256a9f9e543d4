"""GET shows webhook secrets masked; PUTting that representation back keeps the stored secrets (the
mask is never stored), with and without encryption at rest."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from broker.tables.webhooks import Webhook
from tests.broker.webhook_receiver import broker_in_thread, receiver, webhook_settings

UUID = "9f6a2c1e-0000-4000-8000-00000000abcd"
MASK = "**********"


def _definition(url: str) -> dict[str, Any]:
    return {
        "description": "trigger build",
        "events": [{"name": "contract_content_changed"}],
        "request": {
            "method": "POST",
            "url": url + "/hook",
            "headers": {"Content-Type": "application/json", "X-Api-Key": "key-123-secret"},
            "body": {"hello": "world"},
            "username": "ci",
            "password": "hunter2-password",
        },
    }


@pytest.mark.parametrize("secret_key", [None, "at-rest-key"])
def test_get_then_put_keeps_the_stored_secrets(tmp_path: Path, secret_key: str | None) -> None:
    extra = {"webhook_secret_key": secret_key} if secret_key else {}
    settings = webhook_settings(f"sqlite:///{tmp_path / 'b.db'}", extra=extra)
    with receiver() as rx, broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url) as http:
        assert http.put(f"/webhooks/{UUID}", json=_definition(rx.url)).status_code == 201
        shown = http.get(f"/webhooks/{UUID}").json()
        assert shown["request"]["password"] == MASK
        assert shown["request"]["headers"]["X-Api-Key"] == MASK
        edited = {key: shown[key] for key in ("description", "events", "request")}
        edited["description"] = "trigger the build"
        edited["request"]["headers"] = {"x-api-key": MASK, "Content-Type": "application/json"}
        replaced = http.put(f"/webhooks/{UUID}", json=edited)
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["description"] == "trigger the build"
        (row,) = broker.db.read(lambda s: list(s.exec(select(Webhook)).all()))
        assert MASK not in (row.password or "")
        assert all(MASK not in value for value in (row.headers or {}).values())
        executed = http.post(f"/webhooks/{UUID}/execute")
        assert executed.status_code == 200, executed.text
        (delivery,) = rx.deliveries
        assert delivery.headers["x-api-key"] == "key-123-secret"
        expected = base64.b64encode(b"ci:hunter2-password").decode()
        assert delivery.headers["authorization"] == f"Basic {expected}"


def test_the_mask_without_a_stored_secret_is_a_400(tmp_path: Path) -> None:
    settings = webhook_settings(f"sqlite:///{tmp_path / 'b.db'}")
    with receiver() as rx, broker_in_thread(settings) as broker, httpx.Client(base_url=broker.url) as http:
        masked = _definition(rx.url)
        masked["request"]["password"] = MASK
        response = http.post("/webhooks", json=masked)
        assert response.status_code == 400
        assert response.json()["errors"]["request.password"] == [
            "'**********' is the mask the broker shows instead of a password, and this webhook has no "
            "stored password to keep; send the real password"
        ]
        masked = _definition(rx.url)
        masked["request"]["headers"]["Authorization"] = MASK
        response = http.put(f"/webhooks/{UUID}", json=masked)
        assert response.status_code == 400
        assert (
            "no stored Authorization header" in response.json()["errors"]["request.headers.Authorization"][0]
        )
        assert broker.db.read(lambda s: list(s.exec(select(Webhook)).all())) == []
